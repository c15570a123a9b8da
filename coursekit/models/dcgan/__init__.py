"""DCGAN (Radford, Metz & Chintala, 2016) for 28x28 digits, following the paper's guidelines:

* strided convolutions (D) and transposed convolutions (G) instead of pooling;
* batch norm in G and D (not on G's output nor D's input);
* no fully connected hidden layers: z enters as a 1x1 "image" with z_dim channels;
* ReLU in G with a tanh output; LeakyReLU(0.2) in D;
* weights drawn from N(0, 0.02); Adam with lr 2e-4 and beta1 0.5.

Shapes::

    G: z (B, z_dim) -> (B, z_dim, 1, 1) -> (B, 4c, 7, 7) -> (B, 2c, 14, 14) -> (B, 1, 28, 28) in [-1, 1]
    D: x (B, 1, 28, 28) -> (B, c, 14, 14) -> (B, 2c, 7, 7) -> (B, 1, 1, 1) -> logits (B,)

D returns *logits*: the sigmoid lives inside the loss (``binary_cross_entropy_with_logits``),
which is exact where D is very sure and ``log(sigmoid(.))`` would round to -inf.
"""

from dataclasses import dataclass
from typing import NamedTuple

import torch
import torch.nn as nn
import torch.nn.functional as F

import coursekit as ck
from coursekit.core import guard_inputs
from coursekit.train import distributed as dist
from coursekit.zoo import register


@dataclass
class DCGANConfig:
    z_dim: int = 100       # size of the latent vector z (the paper's 100)
    width: int = 64        # c: channels of D's first layer and G's last hidden layer
    image_channels: int = 1


def init_weights(module):
    """The DCGAN initialisation: conv weights ~ N(0, 0.02), batch-norm scales ~ N(1, 0.02)."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


class Generator(nn.Module):
    """z (B, z_dim) -> images (B, 1, 28, 28) in [-1, 1]."""

    def __init__(self, config=None):
        super().__init__()
        self.config = config = config or DCGANConfig()
        c = config.width
        self.net = nn.Sequential(
            nn.ConvTranspose2d(config.z_dim, 4 * c, 7, 1, 0, bias=False),          # 7x7
            nn.BatchNorm2d(4 * c), nn.ReLU(True),
            nn.ConvTranspose2d(4 * c, 2 * c, 4, 2, 1, bias=False),                 # 14x14
            nn.BatchNorm2d(2 * c), nn.ReLU(True),
            nn.ConvTranspose2d(2 * c, config.image_channels, 4, 2, 1), nn.Tanh(),  # 28x28
        )
        self.apply(init_weights)
        guard_inputs(self)  # a float64 input gets an error that names the fix

    def forward(self, z):
        if z.dim() != 2 or z.shape[1] != self.config.z_dim:
            raise ValueError(f"z must have shape (B, {self.config.z_dim}), got {tuple(z.shape)}")
        return self.net(z[:, :, None, None])

    def sample_z(self, n, generator=None):
        """n latent vectors z ~ N(0, I): (n, z_dim), on the generator's device."""
        z = torch.randn(n, self.config.z_dim, generator=generator)
        return z.to(next(self.parameters()).device)


class Discriminator(nn.Module):
    """images (B, 1, 28, 28) in [-1, 1] -> logits (B,): > 0 means "real"."""

    def __init__(self, config=None):
        super().__init__()
        self.config = config = config or DCGANConfig()
        c = config.width
        self.net = nn.Sequential(
            nn.Conv2d(config.image_channels, c, 4, 2, 1), nn.LeakyReLU(0.2, True),                     # 14x14
            nn.Conv2d(c, 2 * c, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * c), nn.LeakyReLU(0.2, True),  # 7x7
            nn.Conv2d(2 * c, 1, 7, 1, 0),                                                              # 1x1
        )
        self.apply(init_weights)
        guard_inputs(self)  # a float64 input gets an error that names the fix

    def forward(self, x):
        if x.dim() != 4 or tuple(x.shape[1:]) != (self.config.image_channels, 28, 28):
            raise ValueError(f"D reads images (B, {self.config.image_channels}, 28, 28) in [-1, 1], got "
                             f"{tuple(x.shape)}")
        return self.net(x).flatten()


# --- the losses and the alternating step of the lecture (the notebook writes them out) ---

def d_loss(real_logits, fake_logits):
    """Discriminator loss: -[log D(x) + log(1 - D(G(z)))], averaged over the batch.

    Args: logits (B,) of D on real and on generated images.
    """
    return (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))


def g_loss(fake_logits):
    """Non-saturating generator loss: -log D(G(z)), averaged over the batch."""
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


def g_loss_saturating(fake_logits):
    """The minimax generator loss: log(1 - D(G(z))) (minimised by G); its gradient vanishes when D wins."""
    return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))


def train_step(G, D, opt_G, opt_D, real, z):
    """One alternating step (Goodfellow et al., Algorithm 1, with the non-saturating G loss).

    1. update D on a real batch and a generated batch (G's output detached, so
       D's loss does not reach G);
    2. update G to make D call its samples real (D held fixed).

    Returns the two losses (tensors, not synchronised to the host).
    """
    fake = G(z)
    loss_D = d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad(set_to_none=True)
    loss_D.backward()
    opt_D.step()

    D.requires_grad_(False)  # D is held fixed in G's step: its weight gradients are not even computed
    loss_G = g_loss(D(fake))
    opt_G.zero_grad(set_to_none=True)
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def make_optimizers(G, D, lr=2e-4, betas=(0.5, 0.999)):
    """Adam for G and D with the DCGAN paper's settings."""
    return (torch.optim.Adam(G.parameters(), lr=lr, betas=betas),
            torch.optim.Adam(D.parameters(), lr=lr, betas=betas))


@torch.no_grad()
def sample(G, n, generator=None, batch_size=500):
    """n images (n, 1, 28, 28) from G in eval mode (batch norm uses its running statistics)."""
    was_training = G.training
    G.eval()
    z = G.sample_z(n, generator=generator)
    out = torch.cat([G(chunk).cpu() for chunk in z.split(batch_size)])
    G.train(was_training)
    return out


class DCGANTrained(NamedTuple):
    """What :func:`train_dcgan` returns, by name: the networks, the run, and the replay's frames (G's
    images of fixed codes as training went) with their steps."""
    G: nn.Module
    D: nn.Module
    run: object
    frames: torch.Tensor
    frame_steps: list


def train_dcgan(steps=5000, batch_size=64, seed=0, checkpoint="runs/mnist-dcgan", device=None, snapshots=24,
                bf16=None):
    """Train the zoo's DCGAN on the training digits; returns (G, D, run, snapshots, snapshot_steps).

    Every ``steps / snapshots`` steps, G draws the same 64 latent vectors: the
    replay widget of notebook 01 scrubs through these pictures.  ``bf16``: autocast
    to bf16 (None: where the hardware has native bf16, ``ck.core.has_fast_bf16``; weights stay float32;
    ``python -m coursekit.bench`` times both, ``--quality`` compares the scores after the same steps).
    """
    dev = device or ck.device()
    g = ck.seed(seed)
    config = DCGANConfig()
    G, D = Generator(config).to(dev), Discriminator(config).to(dev)
    opt_G, opt_D = make_optimizers(G, D)
    dist.data_parallel(G, D)  # under torchrun: gradients averaged over the ranks
    z_fixed = G.sample_z(64, generator=torch.Generator().manual_seed(1234))
    frames = torch.zeros(snapshots, 64, 1, 28, 28, dtype=torch.uint8)
    frame_steps = torch.zeros(snapshots, dtype=torch.int64)
    every = max(steps // snapshots, 1)
    batches = ck.data.mnist("train", verbose=dist.is_main()).batches(batch_size, generator=g)
    state = {"G": G, "D": D, "opt_G": opt_G, "opt_D": opt_D, "frames": frames, "frame_steps": frame_steps,
             "data_rng": g, "data": batches}
    run = ck.train.Run(state, steps=steps, checkpoint=checkpoint, checkpoint_every=500, desc="DCGAN",
                       record={"config": {"z_dim": config.z_dim, "width": config.width}})
    with run:
        for step in run.steps():
            real, _ = next(batches)
            real, z = dist.to_device(*dist.shard(real, torch.randn(batch_size, G.config.z_dim, generator=g)),
                                     device=dev)
            with ck.core.autocast(dev, bf16):  # bf16 where the hardware has it
                loss_D, loss_G = train_step(G, D, opt_G, opt_D, real, z)
            run.log(loss_D=dist.mean(loss_D), loss_G=dist.mean(loss_G))
            if (step + 1) % every == 0 and (step + 1) // every <= snapshots:
                i = (step + 1) // every - 1
                with torch.no_grad():
                    G.eval()
                    frames[i] = ((G(z_fixed).cpu() + 1) * 127.5).round().to(torch.uint8)
                    G.train()
                frame_steps[i] = step + 1
    return DCGANTrained(G.eval(), D.eval(), run, frames, frame_steps)


# The zoo saves and rebuilds this lecture's models by these names.
register("dcgan.Generator", Generator, DCGANConfig)
