"""CycleGAN (Zhu, Park, Isola & Efros, 2017), notebook 04: translation between two domains with no pairs.

Two generators, ``G_AB`` (the paper's G: A -> B) and ``G_BA`` (its F: B -> A), and two
discriminators, ``D_A`` (real A or F's output?) and ``D_B``.  The losses, as in the paper::

    loss_G_AB    = ‖D_B(G_AB(a)) − 1‖²                  least-squares GAN (LSGAN)
    loss_cycle_A = ‖G_BA(G_AB(a)) − a‖₁ · λ              λ = 10: a -> b -> back to a
    loss_idt_A   = ‖G_BA(a) − a‖₁ · λ · 0.5              identity: a generator leaves its own domain alone
    loss_D_B     = ½ (‖D_B(b) − 1‖² + ‖D_B(pool(G_AB(a)))‖²)

and the same with A and B swapped.  The discriminators see generated images from a
history (:class:`ImagePool`), not only this step's.  The generator is the paper's
ResNet-block network (:class:`ResnetGenerator`); the discriminator is Pix2Pix's
PatchGAN (:func:`coursekit.models.pix2pix.patchgan`) with instance norm and no condition.
"""

from dataclasses import dataclass
from typing import NamedTuple

import torch
import torch.nn as nn
import torch.nn.functional as F

import coursekit as ck
from coursekit import faces as _faces, printed
from coursekit import train as _train
from coursekit.models import face_eval, pix2pix
from coursekit.models.judge import augment, fit_classifier, Judge, JudgeConfig, predict
from coursekit.models.pix2pix import patchgan
from coursekit.train import distributed as dist
from coursekit.zoo import register


@dataclass
class CycleGANConfig:
    channels: int = 3      # both domains: RGB (MNIST digits are repeated to three channels)
    width: int = 16        # the generator's first conv (the paper: 64)
    blocks: int = 6        # residual blocks at the lowest resolution (the paper: 6 at 128x128, 9 at 256x256)
    d_width: int = 32      # the discriminator's first conv (the paper: 64)
    d_layers: int = 2      # PatchGAN depth: 34x34 patches, more than a 28x28 digit (the paper: 3, 70x70)


class ResnetBlock(nn.Module):
    """x + conv3x3(ReLU(IN(conv3x3(x)))) with instance norm and reflection padding: keeps the size."""

    def __init__(self, channels):
        super().__init__()
        self.body = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3), nn.InstanceNorm2d(channels),
            nn.ReLU(True), nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3),
            nn.InstanceNorm2d(channels))

    def forward(self, x):
        return x + self.body(x)


class ResnetGenerator(nn.Module):
    """The paper's generator, ``c7s1-w, d2w, d4w, R4w x blocks, u2w, uw, c7s1-C``::

        x ─ 7x7 conv ─ down ─ down ─ [res block] x blocks ─ up ─ up ─ 7x7 conv ─ tanh
          28x28         14     7        7x7, 4w channels      14   28

    Unlike the U-Net of Pix2Pix it has no skips across the bottleneck: the residual
    blocks change the image's appearance at low resolution while keeping its layout.
    """

    def __init__(self, config=None):
        super().__init__()
        self.config = c = config or CycleGANConfig()
        w = c.width

        def conv(c_in, c_out, k, stride=1):
            return [nn.Conv2d(c_in, c_out, k, stride, padding=k // 2, bias=False) if stride > 1 else
                    nn.Sequential(nn.ReflectionPad2d(k // 2), nn.Conv2d(c_in, c_out, k, bias=False)),
                    nn.InstanceNorm2d(c_out), nn.ReLU(True)]

        def up(c_in, c_out):
            return [nn.ConvTranspose2d(c_in, c_out, 3, 2, padding=1, output_padding=1, bias=False),
                    nn.InstanceNorm2d(c_out), nn.ReLU(True)]

        self.encoder = nn.Sequential(*conv(c.channels, w, 7), *conv(w, 2 * w, 3, 2),
                                     *conv(2 * w, 4 * w, 3, 2))
        self.transformer = nn.Sequential(*(ResnetBlock(4 * w) for _ in range(c.blocks)))
        self.decoder = nn.Sequential(*up(4 * w, 2 * w), *up(2 * w, w), nn.ReflectionPad2d(3),
                                     nn.Conv2d(w, c.channels, 7), nn.Tanh())

    def forward(self, x):
        c = self.config
        if x.dim() != 4 or x.shape[1] != c.channels or x.shape[-1] % 4 or x.shape[-2] % 4:
            raise ValueError(f"expected images (N, {c.channels}, H, W) in [-1, 1] with H, W multiples of 4, "
                             f"got shape {tuple(x.shape)}")
        return self.decoder(self.transformer(self.encoder(x)))


class Discriminator(nn.Module):
    """D(image) -> a map of logits, one per patch: Pix2Pix's PatchGAN with instance norm, no condition."""

    def __init__(self, config=None):
        super().__init__()
        self.config = c = config or CycleGANConfig()
        self.net = patchgan(c.channels, c.d_width, c.d_layers, norm=nn.InstanceNorm2d)

    def forward(self, image):
        if image.dim() != 4 or image.shape[1] != self.config.channels:
            raise ValueError(f"expected images (N, {self.config.channels}, H, W), got shape "
                             f"{tuple(image.shape)}")
        return self.net(image)


def draw_cycles():
    """The paper's figure 3, drawn: the two domains, G: A -> B and F: B -> A, the discriminator that
    judges each translation, and the two cycles a -> G(a) -> F(G(a)) ≈ a and b -> F(b) -> G(F(b)) ≈ b
    with their cycle loss.  Returns the matplotlib figure."""
    import matplotlib.pyplot as plt  # deferred, as in ck.viz: only this figure needs matplotlib

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
    for ax, (start, mid, end, g1, g2, d, title) in zip(axes, [
            ("a", "G(a)", "F(G(a))", "G", "F", "$D_B$",
             "forward cycle: $a \\to G(a) \\to F(G(a)) \\approx a$"),
            ("b", "F(b)", "G(F(b))", "F", "G", "$D_A$",
             "backward cycle: $b \\to F(b) \\to G(F(b)) \\approx b$")]):
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 6)
        ax.set_axis_off()
        ax.set_title(title)
        here, there = ("A", "B") if start == "a" else ("B", "A")
        for x, text, domain in ((1.5, start, here), (5, mid, there), (8.5, end, here)):
            colour = "#cfe2ff" if domain == "A" else "#ffe0b2"
            ck.viz.diagram_box(ax, x, 3, f"${text}$\n(domain {domain})", colour, size=11, pad=0.5)
        for x0, x1, name in ((2.4, 4.0, g1), (6.0, 7.6, g2)):
            ck.viz.diagram_arrow(ax, (x0, 3), (x1, 3), size=18, lw=1.5)
            ax.text((x0 + x1) / 2, 3.35, f"${name}$", ha="center", fontsize=12)
        ck.viz.diagram_arrow(ax, (5, 3.8), (5, 5.1), size=14, lw=1.2)
        ax.text(5, 5.45, f"{d}: real or fake?  (adversarial loss)", ha="center", fontsize=10)
        ck.viz.diagram_arrow(ax, (8.5, 2.2), (1.5, 2.2), size=14, connectionstyle="arc3,rad=-0.35",
                             arrowstyle="<->", lw=1.2, ls="--", color="#b00020")
        ax.text(5, 0.35, f"cycle loss: $\\Vert {end} - {start} \\Vert_1$", ha="center", fontsize=11,
                color="#b00020")
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------
# The losses, named as in the paper and its code.

def lsgan_loss(logits, real):
    """Least-squares GAN loss: mean (D(x) − 1)² for ``real=True``, mean D(x)² for ``real=False``."""
    return F.mse_loss(logits, torch.full_like(logits, 1.0 if real else 0.0))


def cycle_loss(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    """λ (‖F(G(a)) − a‖₁ + ‖G(F(b)) − b‖₁), each term a mean over pixels."""
    return lambda_cycle * (F.l1_loss(rec_a, real_a) + F.l1_loss(rec_b, real_b))


def identity_loss(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    """λ · λ_idt (‖F(a) − a‖₁ + ‖G(b) − b‖₁): each generator fed an image of its target domain leaves it be.

    ``idt_a`` is G_BA(a) (F of an A image), ``idt_b`` is G_AB(b)."""
    return lambda_cycle * lambda_identity * (F.l1_loss(idt_a, real_a) + F.l1_loss(idt_b, real_b))


def semantic_loss(logits_translated, logits_source):
    """CyCADA's semantic consistency (Hoffman et al., 2018, eq. 4): a frozen classifier f trained on the
    source domain's labels should read a translation as the class it reads in the source image,

        L_sem = CE(f(G(a)), argmax f(a)),

    the cross-entropy of the translation's logits (N, K) against the source's predicted classes (N,).
    The target is a hard label (argmax), not f's probabilities, and it carries no gradient."""
    return F.cross_entropy(logits_translated, logits_source.detach().argmax(1))


def query_pool(pool, images, size=50):
    """The history's answer to a batch of new generated ``images`` (N, C, H, W); ``pool`` is a list of
    (1, C, H, W) images, changed in place.

    While the pool holds fewer than ``size`` images, each new image joins it and is returned itself.
    Once full, each new image is, with probability ½ (``torch.rand(()) < 0.5``), swapped for a stored
    one picked at random (``torch.randint(size, ())``): the stored one is returned and the new one
    takes its place; otherwise the new image is returned and the pool is unchanged.
    """
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:  # the global RNG: ck.seed and a resumed run set it
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


class ImagePool:
    """A history of generated images for the discriminators (Shrivastava et al., 2017), 50 in the paper.

    D sees, in each batch, about half this step's fakes and half older ones
    (:func:`query_pool`), so it cannot forget what the generator did a while ago and
    the two do not chase each other in circles.  Its ``state_dict`` goes into checkpoints.
    """

    def __init__(self, size=50):
        self.size = size
        self.images = []

    def query(self, images):
        return images if self.size == 0 else query_pool(self.images, images, self.size)

    def state_dict(self):
        return {"images": torch.cat(self.images) if self.images else torch.zeros(0)}

    def load_state_dict(self, state):
        self.images = list(state["images"].split(1)) if len(state["images"]) else []


def make_optimizers(G_AB, G_BA, D_A, D_B, lr=2e-4):
    """Adam, lr 2e-4, β1 = 0.5 (the paper's): one optimizer for both generators, one for both Ds."""
    return (torch.optim.Adam([*G_AB.parameters(), *G_BA.parameters()], lr=lr, betas=(0.5, 0.999)),
            torch.optim.Adam([*D_A.parameters(), *D_B.parameters()], lr=lr, betas=(0.5, 0.999)))


def linear_decay(step, steps, constant=0.5):
    """The paper's schedule, as a factor of the learning rate at ``step`` (0-based) of ``steps``: 1 for
    the first ``constant`` share (100 of its 200 epochs), then falling linearly to 0 after the last step."""
    start = int(steps * constant)
    return min(1.0, (steps - step) / max(steps - start, 1))


CYCLES = ("both", "A", "none")  # the ablations: both cycle terms, only A -> B -> A, none


def train_step(nets, opts, pools, real_a, real_b, lambda_cycle=10.0, lambda_identity=0.5, cycle="both",
               classifier=None, lambda_semantic=1.0):
    """One step: the generators on GAN + cycle + identity losses, then the discriminators on the pools.

    ``nets`` = (G_AB, G_BA, D_A, D_B), ``opts`` = (opt_G, opt_D), ``pools`` = (pool_A, pool_B).
    With a frozen source ``classifier`` f (CyCADA), the generators also pay ``lambda_semantic`` times
    :func:`semantic_loss` of f(G_AB(a)) against f(a) and of f(G_BA(b)) against f(b).  Returns a dict of
    the (detached) losses.
    """
    G_AB, G_BA, D_A, D_B = nets
    opt_G, opt_D = opts
    if cycle not in CYCLES:
        raise ValueError(f"cycle must be one of {CYCLES}, got {cycle!r}")
    # generators
    fake_b, fake_a = G_AB(real_a), G_BA(real_b)
    D_A.requires_grad_(False)
    D_B.requires_grad_(False)
    loss_G_AB, loss_G_BA = lsgan_loss(D_B(fake_b), True), lsgan_loss(D_A(fake_a), True)
    zero = torch.zeros((), device=real_a.device)
    loss_cycle_A = lambda_cycle * F.l1_loss(G_BA(fake_b), real_a) if cycle in ("both", "A") else zero
    loss_cycle_B = lambda_cycle * F.l1_loss(G_AB(fake_a), real_b) if cycle == "both" else zero
    loss_idt = (identity_loss(real_a, G_BA(real_a), real_b, G_AB(real_b), lambda_cycle, lambda_identity)
                if lambda_identity > 0 else zero)
    # CyCADA: each translation keeps the class f reads in its source (f knows only A's labels)
    loss_sem = lambda_semantic * (semantic_loss(classifier(fake_b), classifier(real_a))
                                  + semantic_loss(classifier(fake_a), classifier(real_b))) \
        if classifier is not None else zero
    loss_G = loss_G_AB + loss_G_BA + loss_cycle_A + loss_cycle_B + loss_idt + loss_sem
    opt_G.zero_grad(set_to_none=True)
    loss_G.backward()
    opt_G.step()
    D_A.requires_grad_(True)
    D_B.requires_grad_(True)
    # discriminators, on real images and on generated ones from the history
    pool_A, pool_B = pools
    loss_D_A = 0.5 * (lsgan_loss(D_A(real_a), True) + lsgan_loss(D_A(pool_A.query(fake_a)), False))
    loss_D_B = 0.5 * (lsgan_loss(D_B(real_b), True) + lsgan_loss(D_B(pool_B.query(fake_b)), False))
    opt_D.zero_grad(set_to_none=True)
    (loss_D_A + loss_D_B).backward()
    opt_D.step()
    return {"loss_G_AB": loss_G_AB.detach(), "loss_G_BA": loss_G_BA.detach(),
            "loss_cycle_A": loss_cycle_A.detach(), "loss_cycle_B": loss_cycle_B.detach(),
            "loss_idt": loss_idt.detach(), "loss_sem": loss_sem.detach(), "loss_D_A": loss_D_A.detach(),
            "loss_D_B": loss_D_B.detach()}


# --------------------------------------------------------------------------------------------
# The course's tasks: MNIST digits <-> printed digits, and faces' label maps <-> photos.

TASKS = ("digits", "labels")
TRAIN_SEED, TEST_SEED = 0, 1

#: The lecture's ablation (identifier -> label and change): the cycle loss both ways, one way, or none.
ABLATIONS = {
    "gan-both-cycles-the-paper": {"label": "GAN + both cycles (the paper)", "cycle": "both",
                                  "lambda_identity": 0.0},
    "gan-forward-cycle-only-a-b-a": {"label": "GAN + forward cycle only (A -> B -> A)", "cycle": "A",
                                     "lambda_identity": 0.0},
    "gan-alone-no-cycle": {"label": "GAN alone (no cycle)", "cycle": "none", "lambda_identity": 0.0},
}


def to_rgb(gray):
    """(N, 1, H, W) -> (N, 3, H, W): an MNIST digit as an RGB image (the same grey in each channel)."""
    return gray.expand(-1, 3, -1, -1) if gray.shape[1] == 1 else gray


def to_gray(rgb):
    """(N, 3, H, W) -> (N, 1, H, W), the mean of the channels: what the MNIST judge reads."""
    return rgb.mean(1, keepdim=True)


class Domains:
    """Endless unpaired batches (real_a, real_b) of a task, drawn from its training data.

    digits:  A = MNIST training digits (shuffled), B = fresh printed digits.
    labels:  A = label maps (as colour pictures) of fresh faces, B = photos of *other* faces.
    Labels and factors are never used in training; ``state_dict`` makes the order resumable.
    """

    def __init__(self, task, batch_size, size=64, seed=TRAIN_SEED):
        if task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {task!r}")
        self.task, self.batch_size, self.size, self.seed, self.step = task, batch_size, size, seed, 0
        if task == "digits":
            self.generator = torch.Generator().manual_seed(seed)
            self.mnist = ck.data.mnist("train", verbose=False).batches(batch_size, generator=self.generator)

    def __iter__(self):
        return self

    def __next__(self):
        n, start = self.batch_size, self.step * 2 * self.batch_size
        self.step += 1
        if self.task == "digits":
            return to_rgb(next(self.mnist)[0]), ck.data.printed_digits(n, seed=self.seed, start=start).images
        # labels: faces start .. give the maps, the next n faces the photos: never a pair
        return ck.data.faces(n, self.size, self.seed, start).label_images(), \
            ck.data.faces(n, self.size, self.seed, start + n).images

    def state_dict(self):
        state = {"step": self.step}
        if self.task == "digits":
            state.update(generator=self.generator.get_state(), mnist=self.mnist.state_dict())
        return state

    def load_state_dict(self, state):
        self.step = int(state["step"])
        if self.task == "digits":
            self.generator.set_state(state["generator"])
            self.mnist.load_state_dict(state["mnist"])


def build(config=None):
    """(G_AB, G_BA, D_A, D_B) for a configuration."""
    config = config or CycleGANConfig()
    return ResnetGenerator(config), ResnetGenerator(config), Discriminator(config), Discriminator(config)


class CycleGAN(nn.Module):
    """The two trained generators together, as the zoo keeps them: ``G_AB`` (A -> B) and ``G_BA`` (B -> A)."""

    def __init__(self, config=None):
        super().__init__()
        self.config = config or CycleGANConfig()
        self.G_AB, self.G_BA = ResnetGenerator(self.config), ResnetGenerator(self.config)

    @classmethod
    def of(cls, G_AB, G_BA):
        pair = cls(G_AB.config)
        pair.G_AB.load_state_dict(G_AB.state_dict())
        pair.G_BA.load_state_dict(G_BA.state_dict())
        return pair


#: What :func:`train_cyclegan` returns, by name: ``nets`` = (G_AB, G_BA, D_A, D_B), and the run.
CycleGANTrained = NamedTuple("CycleGANTrained", [("nets", tuple), ("run", object)])


def train_cyclegan(task="digits", steps=2000, batch_size=16, size=64, config=None, lambda_cycle=10.0,
                   lambda_identity=0.5, cycle="both", pool_size=50, classifier=None, lambda_semantic=1.0,
                   lr=2e-4, checkpoint=None, device=None, seed=0, plot=None, desc=None, bf16=False):
    """Train CycleGAN on a task's unpaired domains; returns ((G_AB, G_BA, D_A, D_B), run).

    ``classifier``: a frozen classifier of domain A's classes that reads RGB images (CyCADA's
    semantic loss, :func:`semantic_loss`, weighed by ``lambda_semantic``); None for plain CycleGAN.

    The learning rate, ``lr`` (the paper's 2e-4), follows :func:`linear_decay` over ``steps``: a function of
    the step, so a resumed run picks it up where it stands (and one resumed with more steps stretches it).

    ``bf16``: autocast to bf16 (None: where the hardware has native bf16, ``ck.core.autocast``).  Float32 by
    default, unlike the other recipes: at 28x28 and batch 16 its tensors are too small for bf16 to pay
    (``python -m coursekit.bench`` times the step both ways)."""
    dev = device or ck.device()
    ck.seed(seed)
    if classifier is not None:
        classifier = classifier.to(dev).eval().requires_grad_(False)
    nets = tuple(m.to(dev) for m in build(config))
    dist.data_parallel(*nets)  # under torchrun: gradients averaged over the ranks
    opts = make_optimizers(*nets, lr=lr)
    pools = ImagePool(pool_size), ImagePool(pool_size)
    data = Domains(task, batch_size, size=size, seed=TRAIN_SEED)
    run = ck.train.Run({"G_AB": nets[0], "G_BA": nets[1], "D_A": nets[2], "D_B": nets[3], "opt_G": opts[0],
                        "opt_D": opts[1], "pool_A": pools[0], "pool_B": pools[1], "data": data},
                       steps=steps, checkpoint=checkpoint, checkpoint_every=500, plot=plot,
                       desc=desc or f"cyclegan {task}")
    with run:
        for step in run.steps():
            for opt in opts:
                for group in opt.param_groups:
                    group["lr"] = lr * linear_decay(step, steps)
            real_a, real_b = dist.to_device(*dist.shard(*next(data)), device=dev)  # this rank's slice
            with ck.core.autocast(dev, bf16):
                losses = train_step(nets, opts, pools, real_a, real_b, lambda_cycle, lambda_identity, cycle,
                                    classifier, lambda_semantic)
            run.log(**{k: dist.mean(v) for k, v in losses.items()})
    for m in nets:
        m.eval()
    return CycleGANTrained(nets, run)


@torch.no_grad()
def translate(G, images, batch_size=200):
    """G's translations of ``images`` (N, 3, H, W) in [-1, 1] (or MNIST's (N, 1, H, W), repeated to RGB), in
    eval mode, in chunks, on G's device; returned on the CPU.

    >>> fake_b = cyclegan.translate(zoo.G_AB, ck.data.mnist("test").images[:8])
    """
    if not torch.is_tensor(images) or images.dim() != 4 or images.shape[1] not in (1, 3):
        raise ValueError(f"expected an image batch (N, 3, H, W) (or MNIST's (N, 1, H, W)), got "
                         f"{tuple(images.shape) if torch.is_tensor(images) else type(images).__name__}"
                         + ("; one image? add the batch dimension: x[None]" if torch.is_tensor(images)
                            and images.dim() == 3 else ""))
    if images.numel() and (images.min() < -1.001 or images.max() > 1.001):
        raise ValueError(f"expected images in [-1, 1], got values from {images.min().item():.3g} to "
                         f"{images.max().item():.3g}: pixels in [0, 1] become x * 2 - 1, in 0..255 "
                         "ck.data.to_model_range(x)")
    was = G.training
    G.eval()
    dev = next(G.parameters()).device
    out = torch.cat([G(to_rgb(x).to(dev)).cpu() for x in images.split(batch_size)])
    G.train(was)
    return out


def recoloured_mnist(images, seed=TEST_SEED):
    """MNIST digits (N, 1, 28, 28) painted in the printed digits' colours, shapes unchanged: each digit's
    brightness is its ink's coverage, on a plate and in an ink drawn as ``ck.data.printed_digits`` draws
    them.  What a translation that changes only colour (not handwriting into a font) would give:
    the printed judge's reading of these bounds the A -> B score of such a G.  Returns (N, 3, 28, 28)."""
    style = printed.sample_style(len(images), seed=seed)
    ink, plate = style["ink"].view(-1, 3, 1, 1), style["paper"].view(-1, 3, 1, 1)
    return torch.lerp(plate, ink, (images + 1) / 2) * 2 - 1


def evaluate_digits(G_AB, G_BA, judge_a, judge_b, n=1000):
    """Content kept, measured by a judge per domain trained on that domain's real data only.

    A (MNIST) -> B: does the printed-digits judge read the digit the MNIST image shows?
    B -> A: does the MNIST judge read the printed digit's label in F(b)?  Also the cycle
    errors (L1, images in [-1, 1]), a Fréchet distance per direction in that domain's judge
    features (does the output look like the domain?), domain adaptation: the MNIST judge
    on printed digits as they are, against on their translations B -> A, and the printed judge on
    the same MNIST digits only recoloured (:func:`recoloured_mnist`): what A -> B scores when G
    keeps the handwriting's shape.
    """
    a = ck.data.mnist("test", verbose=False)
    a_images, a_labels = a.images[:n], a.labels[:n]
    b = ck.data.printed_digits(n, seed=TEST_SEED)
    fake_b, fake_a = translate(G_AB, a_images), translate(G_BA, b.images)
    rec_a, rec_b = translate(G_BA, fake_b), translate(G_AB, fake_a)

    def kept(images, labels, judge):
        return round(ck.metrics.class_accuracy(images, labels, judge=judge), 4)

    def fid(fake, real, judge):
        return round(ck.metrics.frechet_distance(predict(judge, fake)[1], predict(judge, real)[1]), 3)

    return {"kept_a_to_b": kept(fake_b, a_labels, judge_b),
            "kept_b_to_a": kept(to_gray(fake_a), b.labels, judge_a),
            "cycle_l1_a": round(F.l1_loss(rec_a, to_rgb(a_images)).item(), 4),
            "cycle_l1_b": round(F.l1_loss(rec_b, b.images).item(), 4),
            "fid_b": fid(fake_b, b.images, judge_b), "fid_a": fid(to_gray(fake_a), a_images, judge_a),
            "mnist_judge_on_printed": kept(to_gray(b.images), b.labels, judge_a),
            "mnist_judge_on_translated": kept(to_gray(fake_a), b.labels, judge_a),
            "printed_judge_on_recoloured_mnist": kept(recoloured_mnist(a_images), a_labels, judge_b),
            "images": n}


def adaptation_table(translators, steps=400, batch_size=128, n=1000, seed=0, device=None):
    """CyCADA's table on the target domain (Hoffman et al., 2018, table 1): a classifier of printed digits
    (printed-judge's architecture, trained the same way) trained on the MNIST training digits with MNIST's
    labels, as they are ("source only") and after each translator G_AB in ``translators`` ({name: G_AB}),
    and on 4,000 printed digits with their own labels ("oracle"); each tested on ``n`` held-out printed
    digits.  The translations of the training digits are made once.  Returns ``{name: accuracy}``."""
    dev = device or torch.device("cpu")
    mnist = ck.data.mnist("train", verbose=False)
    printed_train = ck.data.printed_digits(len(mnist), seed=TRAIN_SEED)
    test = ck.data.printed_digits(n, seed=TEST_SEED)
    sets = {"source only (MNIST as it is)": (to_rgb(mnist.images), mnist.labels),
            **{name: (translate(G, mnist.images), mnist.labels) for name, G in translators.items()},
            "oracle (printed digits, their labels)": (printed_train.images, printed_train.labels)}
    table = {}
    for name, (images, labels) in sets.items():
        g = ck.seed(seed)
        order = torch.randint(len(images), (steps, batch_size), generator=g)

        def next_batch(step):
            i = order[step]
            return augment(images[i], generator=g).to(dev), labels[i].to(dev)

        judge, _ = fit_classifier(Judge(JudgeConfig(channels=3)).to(dev), next_batch, steps, desc=None)
        table[name] = round(ck.metrics.class_accuracy(test.images, test.labels, judge=judge.cpu()), 4)
    return table


def labels_of(label_images):
    """The part labels (N, H, W) of colour label pictures (N, 3, H, W) in [-1, 1]: each pixel's nearest
    colour of ``ck.faces.PART_COLOURS``.  How a photo -> labels translation is read."""
    colours = _faces.PART_COLOURS.to(label_images) * 2 - 1                      # (K, 3)
    distance = (label_images.unsqueeze(1) - colours.view(1, -1, 3, 1, 1)).pow(2).sum(2)  # (N, K, H, W)
    return distance.argmin(1)


def map_scores(predicted, target):
    """The CycleGAN paper's three scores of part maps (N, H, W) against the true ones, rounded for a record:
    per-pixel accuracy, per-class accuracy, class IoU."""
    s = face_eval.segmentation_scores(predicted, target)
    return {"pixel_accuracy": round(s["pixel_accuracy"], 4), "class_accuracy": round(s["class_accuracy"], 4),
            "class_iou": round(s["mean_iou"], 4)}


def evaluate_labels(G_AB, G_BA, segmenter, pix2pix_G=None, pix2pix_photo_G=None, n=200, size=64):
    """The CycleGAN paper's Cityscapes table on notebook 03's 200 held-out faces (seed ``TEST_SEED``).

    labels -> photo: faces-segmenter reads G_AB's photo; per-pixel accuracy, per-class accuracy and
    class IoU against the label map it came from, beside notebook 03's paired Pix2Pix (``pix2pix_G``),
    the trivial answer (the mean photo of 1,000 training faces, whatever the map) and real photos.
    photo -> labels: G_BA's label picture read pixel by pixel (:func:`labels_of`) against the true map,
    beside a paired Pix2Pix trained photo -> labels (``pix2pix_photo_G``) and the trivial answer (each
    pixel's commonest part in the training faces).
    Returns ``{"labels_to_photo": {model: scores}, "photo_to_labels": {model: scores}, "images": n}``.
    """
    test = _faces.faces(n, size=size, seed=TEST_SEED)
    train = _faces.faces(1000, size=size, seed=TRAIN_SEED)
    maps = test.label_images()
    to_photo = {"CycleGAN": translate(G_AB, maps),
                "trivial (mean photo)": train.images.mean(0, keepdim=True).expand(n, -1, -1, -1),
                "real photos": test.images}
    if pix2pix_G is not None:
        with torch.random.fork_rng():  # Pix2Pix keeps dropout on (its only noise): the same draws every time
            torch.manual_seed(0)
            to_photo["Pix2Pix (paired)"] = pix2pix.translate(pix2pix_G, maps)
    commonest = F.one_hot(train.labels, len(_faces.PARTS)).sum(0).argmax(-1)   # (H, W)
    to_labels = {"CycleGAN": labels_of(translate(G_BA, test.images)),
                 "trivial (commonest part)": commonest.expand(n, -1, -1)}
    if pix2pix_photo_G is not None:
        with torch.random.fork_rng():
            torch.manual_seed(0)
            to_labels["Pix2Pix (paired)"] = labels_of(pix2pix.translate(pix2pix_photo_G, test.images))
    return {"labels_to_photo": {k: map_scores(face_eval.segment(segmenter, v), test.labels)
                                for k, v in to_photo.items()},
            "photo_to_labels": {k: map_scores(v, test.labels) for k, v in to_labels.items()}, "images": n}


def label_samples(G_AB, G_BA, n=8, size=64):
    """Both cycles of the first ``n`` held-out faces, (6, n, 3, S, S): map, G_AB(map), G_BA(G_AB(map)),
    photo, G_BA(photo), G_AB(G_BA(photo)) (map and photo of the same face, which training never saw)."""
    test = _faces.faces(n, size=size, seed=TEST_SEED)
    a, b = test.label_images(), test.images
    fake_b, fake_a = translate(G_AB, a), translate(G_BA, b)
    return torch.stack([a, fake_b, translate(G_BA, fake_b), b, fake_a, translate(G_AB, fake_a)])


def cycle_samples(G_AB, G_BA, n=16):
    """Both cycles of the first ``n`` held-out images of each domain, for pictures and widgets:
    (6, n, 3, 28, 28) = a, G_AB(a), G_BA(G_AB(a)), b, G_BA(b), G_AB(G_BA(b))."""
    a = to_rgb(ck.data.mnist("test", verbose=False).images[:n])
    b = ck.data.printed_digits(n, seed=TEST_SEED).images
    fake_b, fake_a = translate(G_AB, a), translate(G_BA, b)
    return torch.stack([a, fake_b, translate(G_BA, fake_b), b, fake_a, translate(G_AB, fake_a)])


def ablation_study(judge_a, judge_b, steps=1000, batch_size=16, names=None, n=1000, device=None, config=None,
                   checkpoint=None, progress=True):
    """Train each of :data:`ABLATIONS` (or those whose identifiers are ``names``; digits task) for ``steps``
    steps from the same seed and score it with :func:`evaluate_digits`; with a ``checkpoint`` directory
    each run is resumable.  Returns ``{key: {"label", metric: value, ..., "samples": cycle_samples(...)}}``.
    """
    def train_one(key, change, where):
        (G_AB, G_BA, _, _), run = train_cyclegan("digits", steps=steps, batch_size=batch_size, config=config,
                                                 device=device, checkpoint=where,
                                                 desc=key if progress else None, **change)
        return (G_AB, G_BA), run

    def score(key, pair):
        return {**evaluate_digits(*pair, judge_a, judge_b, n=n), "samples": cycle_samples(*pair)}

    return _train.ablation_study({key: ABLATIONS[key] for key in names or ABLATIONS}, train_one, score,
                                 checkpoint)


# The zoo saves and rebuilds this lecture's models by these names.
register("cyclegan.CycleGAN", CycleGAN, CycleGANConfig)
