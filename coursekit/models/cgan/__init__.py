"""Conditional GAN (Mirza & Osindero, 2014) on MNIST, built from the DCGAN of notebook 01.

The class y reaches both players:

* G reads ``[z, one_hot(y)]``: the one-hot label is appended to z;
* D reads ``[x, label channels]``: the one-hot label broadcast over the image as
  K extra channels, appended to the image.

Shapes::

    G: z (B, z_dim), y (B,) -> [z, one_hot(y)] (B, z_dim + 10) -> images (B, 1, 28, 28)
    D: x (B, 1, 28, 28), y (B,) -> [x, y-channels] (B, 1 + 10, 28, 28) -> logits (B,)

D learns three things: a real image with its label is real, a generated image is
fake, and a real image with a *wrong* label is fake, or G could ignore y.
"""

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

import coursekit as ck
from coursekit.core import guard_inputs
from coursekit.models import dcgan
from coursekit.train import distributed as dist
from coursekit.zoo import register

NUM_CLASSES = 10


def check_labels(y, n=None, num_classes=NUM_CLASSES):
    """Raise a clear error unless ``y`` is an integer tensor (B,) of classes 0..K-1 (and B == n)."""
    if not torch.is_tensor(y):
        raise TypeError(f"labels must be a torch tensor of class numbers (B,), got {type(y).__name__}; "
                        "use torch.tensor([...])")
    if y.is_floating_point() or y.dtype == torch.bool:
        raise TypeError(
            f"labels must be integers (torch.long), got {y.dtype}; use y.long() if they are whole numbers")
    if y.dim() != 1:
        raise ValueError(f"labels must have shape (B,), got {tuple(y.shape)}")
    if n is not None and len(y) != n:
        raise ValueError(f"got {len(y)} labels for a batch of {n}: give one label per z (or per image)")
    if len(y) and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"labels must be classes 0..{num_classes - 1}, got values from {y.min().item()} to "
                         f"{y.max().item()}")
    return y


def one_hot(y, num_classes=NUM_CLASSES):
    """Class labels (B,) -> one-hot float vectors (B, K)."""
    return F.one_hot(check_labels(y, num_classes=num_classes), num_classes).float()


def generator_input(z, y):
    """``[z, one_hot(y)]``: (B, z_dim) and (B,) -> (B, z_dim + 10)."""
    check_labels(y, n=len(z))
    return torch.cat([z, one_hot(y).to(z.device, z.dtype)], dim=1)


def discriminator_input(x, y):
    """``[x, y-channels]``: images (B, C, H, W) and labels (B,) -> (B, C + 10, H, W).

    Channel C + k is all ones where y = k and all zeros elsewhere.
    """
    check_labels(y, n=len(x))
    b, _, h, w = x.shape
    channels = one_hot(y).to(x.device, x.dtype)[:, :, None, None].expand(b, NUM_CLASSES, h, w)
    return torch.cat([x, channels], dim=1)


def draw_inputs(z, image, label):
    """The lecture's figure of what each player reads, drawn from real tensors: G's input
    [z, one_hot(y)] as a strip of numbers, and D's input, the image and its 10 label channels (channel
    1 + y all ones).  ``z`` (z_dim,), ``image`` (1, 28, 28), ``label`` an int.  Returns the figure."""
    import matplotlib.pyplot as plt  # deferred, as in ck.viz: only this figure needs matplotlib

    y = torch.tensor([label])
    g_in = generator_input(z[None], y)[0]
    d_in = discriminator_input(image[None], y)[0]
    fig = plt.figure(figsize=(12, 3.6))
    left, right = fig.add_axes([0.04, 0.72, 0.66, 0.12]), fig.add_axes([0.72, 0.72, 0.24, 0.12])
    left.imshow(g_in[None, :len(z)].cpu(), aspect="auto", cmap="RdBu_r", vmin=-2.5, vmax=2.5)
    right.imshow(g_in[None, len(z):].cpu(), aspect="auto", cmap="gray", vmin=0, vmax=1)
    for ax, text in ((left, f"z: {len(z)} numbers drawn from N(0, 1)"),
                     (right, f"one_hot({label}): 10 numbers")):
        ax.set_yticks([])
        ax.set_xticks([])
        ax.set_xlabel(text, fontsize=9)
    right.set_xticks(range(10))
    fig.text(0.5, 0.9, f"G reads one vector of {len(g_in)}: z, then the label (white: 1, black: 0)",
             ha="center", fontsize=10)
    n = d_in.shape[0]
    for k in range(n):
        ax = fig.add_axes([0.04 + k * 0.92 / n, 0.03, 0.92 / n - 0.01, 0.36])
        ax.imshow(d_in[k].cpu(), cmap="gray", vmin=-1 if k == 0 else 0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title("image" if k == 0 else f"y = {k - 1}", fontsize=9,
                     color="#b00020" if k == 1 + label else "black")
    fig.text(0.5, 0.47, f"D reads {n} channels: the image, then one map per digit, all ones (white) for the "
             f"label ({label}), all zeros (black) for the others", ha="center", fontsize=10)
    return fig


@dataclass
class CGANConfig:
    z_dim: int = 100
    width: int = 32  # half of notebook 01's DCGAN: enough for ten classes of 4,000 digits, twice as fast
    num_classes: int = NUM_CLASSES


class ConditionalGenerator(nn.Module):
    """G(z, y): the DCGAN generator reading [z, one_hot(y)]."""

    def __init__(self, config=None):
        super().__init__()
        self.config = config = config or CGANConfig()
        self.G = dcgan.Generator(dcgan.DCGANConfig(z_dim=config.z_dim + config.num_classes,
                                                   width=config.width))
        guard_inputs(self)  # a float64 input gets an error that names the fix

    def forward(self, z, y):
        self._check_z(z)
        return self.G(generator_input(z, y))

    def from_label_vector(self, z, y_vec):
        """G with the label given as a vector (B, 10), e.g. a blend of two one-hot labels."""
        self._check_z(z)
        if y_vec.shape != (len(z), self.config.num_classes):
            raise ValueError(f"label vectors must have shape ({len(z)}, {self.config.num_classes}), got "
                             f"{tuple(y_vec.shape)}")
        return self.G(torch.cat([z, y_vec.to(z.device, z.dtype)], dim=1))

    def _check_z(self, z):
        if z.dim() != 2 or z.shape[1] != self.config.z_dim:
            raise ValueError(f"z must have shape (B, {self.config.z_dim}), got {tuple(z.shape)}")

    def sample_z(self, n, generator=None):
        return torch.randn(n, self.config.z_dim, generator=generator).to(next(self.parameters()).device)


class ConditionalDiscriminator(nn.Module):
    """D(x, y): the DCGAN discriminator reading [x, y-channels]."""

    def __init__(self, config=None):
        super().__init__()
        self.config = config = config or CGANConfig()
        self.D = dcgan.Discriminator(dcgan.DCGANConfig(width=config.width,
                                                       image_channels=1 + config.num_classes))
        guard_inputs(self)  # a float64 input gets an error that names the fix

    def forward(self, x, y):
        if x.dim() != 4 or tuple(x.shape[1:]) != (1, 28, 28):
            raise ValueError(f"D reads images (B, 1, 28, 28) in [-1, 1], got {tuple(x.shape)}")
        return self.D(discriminator_input(x, y))


class ImageOnlyDiscriminator(nn.Module):
    """The ablation of notebook 02: D(x, y) that ignores y (notebook 01's D on the image alone)."""

    def __init__(self, config=None):
        super().__init__()
        self.config = config = config or CGANConfig()
        self.D = dcgan.Discriminator(dcgan.DCGANConfig(width=config.width))

    def forward(self, x, y):
        check_labels(y, n=len(x))
        return self.D(x)


class AuxiliaryDiscriminator(nn.Module):
    """AC-GAN's D (Odena et al., 2017): it reads the image only, never the label, and answers twice,
    real or fake (B,) and which digit (B, 10 logits), from one shared trunk (notebook 02's lab)."""

    def __init__(self, config=None):
        super().__init__()
        self.config = config = config or CGANConfig()
        c = config.width
        self.trunk = nn.Sequential(
            nn.Conv2d(1, c, 4, 2, 1), nn.LeakyReLU(0.2, True),                                  # 14x14
            nn.Conv2d(c, 2 * c, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * c), nn.LeakyReLU(0.2, True),  # 7x7
        )
        self.source = nn.Conv2d(2 * c, 1, 7)                      # real or fake
        self.classes = nn.Conv2d(2 * c, config.num_classes, 7)    # which digit
        self.apply(dcgan.init_weights)

    def forward(self, x):
        if x.dim() != 4 or tuple(x.shape[1:]) != (1, 28, 28):
            raise ValueError(f"D reads images (B, 1, 28, 28) in [-1, 1], got {tuple(x.shape)}")
        h = self.trunk(x)
        return self.source(h).flatten(), self.classes(h).flatten(1)


def wrong_labels(y, generator=None):
    """A label different from ``y`` for every element: y + k mod 10 with k in 1..9."""
    shift = torch.randint(1, NUM_CLASSES, y.shape, generator=generator).to(y.device)
    return (y + shift) % NUM_CLASSES


def d_loss(real_logits, fake_logits, mismatched_logits=None):
    """Conditional D loss: real pair -> 1, generated pair -> 0, real image with a wrong label -> 0.

    -log D(x, y) - log(1 - D(G(z, y), y)) - log(1 - D(x, y'))  (each term averaged over its batch).
    Without ``mismatched_logits``: the plain cGAN loss (the ablation of notebook 02).
    """
    loss = dcgan.d_loss(real_logits, fake_logits)
    if mismatched_logits is not None:
        loss = loss + F.binary_cross_entropy_with_logits(mismatched_logits,
                                                         torch.zeros_like(mismatched_logits))
    return loss


def train_step(G, D, opt_G, opt_D, real, y, z, mismatch=True, generator=None):
    """One alternating cGAN step; ``mismatch=False`` drops the wrong-label term. Returns (loss_D, loss_G)."""
    fake = G(z, y)
    mismatched = D(real, wrong_labels(y, generator)) if mismatch else None
    loss_D = d_loss(D(real, y), D(fake.detach(), y), mismatched)
    opt_D.zero_grad(set_to_none=True)
    loss_D.backward()
    opt_D.step()

    D.requires_grad_(False)
    loss_G = dcgan.g_loss(D(fake, y))
    opt_G.zero_grad(set_to_none=True)
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


@torch.no_grad()
def sample(G, y, generator=None, batch_size=500):
    """One image per label: y (N,) -> images (N, 1, 28, 28), G in eval mode."""
    was_training = G.training
    G.eval()
    z = G.sample_z(len(y), generator=generator)
    out = torch.cat(
        [G(zc, yc.to(z.device)).cpu() for zc, yc in zip(z.split(batch_size), y.split(batch_size))])
    G.train(was_training)
    return out


def balanced_labels(per_class, num_classes=NUM_CLASSES):
    """[0]*per_class + [1]*per_class + ...: (per_class * K,) labels for an evaluation."""
    return torch.arange(num_classes).repeat_interleave(per_class)


def evaluate(G, per_class=100, seed=0):
    """Class accuracy (overall and per class) of G's samples under the judge, and Fréchet distances."""
    y = balanced_labels(per_class)
    x = sample(G, y, generator=torch.Generator().manual_seed(seed))
    overall, per = ck.metrics.class_accuracy(x, y, per_class=True)
    return {"class_accuracy": round(overall, 4), "per_class_accuracy": [round(v, 4) for v in per.tolist()],
            "min_class_accuracy": round(per.min().item(), 4), "fid": round(ck.metrics.fid(x), 3),
            "samples": len(y)}


def train_cgan(steps=3000, batch_size=64, seed=0, checkpoint=None, device=None, mismatch=True, lr=5e-4,
               config=None, bf16=None):
    """Train a cGAN on the training digits; returns (G, D, run).  ``bf16``: autocast to bf16 (None: where the
    hardware has native bf16, ``ck.core.autocast``)."""
    dev = device or ck.device()
    g = ck.seed(seed)
    G, D = ConditionalGenerator(config).to(dev), ConditionalDiscriminator(config).to(dev)
    opt_G, opt_D = dcgan.make_optimizers(G, D, lr=lr)
    dist.data_parallel(G, D)  # under torchrun: gradients averaged over the ranks
    batches = ck.data.mnist("train", verbose=dist.is_main()).batches(batch_size, generator=g)
    run = ck.train.Run({"G": G, "D": D, "opt_G": opt_G, "opt_D": opt_D, "data_rng": g, "data": batches},
                       steps=steps, checkpoint=checkpoint, checkpoint_every=500, desc="cGAN")
    with run:
        for _ in run.steps():
            real, y = next(batches)
            real, y, z = dist.to_device(
                *dist.shard(real, y, torch.randn(batch_size, G.config.z_dim, generator=g)), device=dev)
            with ck.core.autocast(dev, bf16):
                loss_D, loss_G = train_step(G, D, opt_G, opt_D, real, y, z, mismatch=mismatch, generator=g)
            run.log(loss_D=dist.mean(loss_D), loss_G=dist.mean(loss_G))
    return ck.train.GANTrained(G.eval(), D.eval(), run)


# The zoo saves and rebuilds this lecture's models by these names.
register("cgan.ConditionalGenerator", ConditionalGenerator, CGANConfig)
