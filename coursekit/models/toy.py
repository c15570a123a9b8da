"""Small MLPs for the 2-D toy GAN of notebook 01 (points in the plane, not images).

    G: z (B, z_dim) -> points (B, 2);    D: points (B, 2) -> logits (B,)
"""

from dataclasses import dataclass

import torch
import torch.nn as nn


@dataclass
class ToyConfig:
    z_dim: int = 2
    hidden: int = 128
    layers: int = 3


def _mlp(n_in, n_out, hidden, layers, act):
    dims = [n_in] + [hidden] * layers
    body = [m for a, b in zip(dims, dims[1:]) for m in (nn.Linear(a, b), act())]
    return nn.Sequential(*body, nn.Linear(hidden, n_out))


class ToyGenerator(nn.Module):
    def __init__(self, config=None):
        super().__init__()
        self.config = config = config or ToyConfig()
        self.net = _mlp(config.z_dim, 2, config.hidden, config.layers, nn.ReLU)

    def forward(self, z):
        return self.net(z)


class ToyDiscriminator(nn.Module):
    def __init__(self, config=None):
        super().__init__()
        self.config = config = config or ToyConfig()
        self.net = _mlp(2, 1, config.hidden, config.layers, lambda: nn.LeakyReLU(0.2))

    def forward(self, x):
        return self.net(x).flatten()


def train_collapsing(seed, steps, make_discriminator=ToyDiscriminator, loss_D=None, batch=256, std=0.02):
    """Notebook 01's collapsing setting, the measurement loop of its lab and of notebook 05's: G against the D
    that ``make_discriminator()`` builds (after the seed, after G) on the ring of 8 Gaussians, D learning ten
    times faster (Adam 1e-2 against 1e-3, β₁ = 0.5), both learning rates decaying to 0 (cosine), the
    non-saturating loss.
    ``loss_D(D, real, fake)`` replaces D's loss (a remedy such as R1).  Returns the trained G."""
    import coursekit as ck  # the package imports its models lazily
    from coursekit.models import dcgan

    g = ck.seed(seed)
    G, D = ToyGenerator(ToyConfig()), make_discriminator()
    opts = (torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.999)),
            torch.optim.Adam(D.parameters(), lr=1e-2, betas=(0.5, 0.999)))
    decay = [torch.optim.lr_scheduler.CosineAnnealingLR(o, steps) for o in opts]
    for _ in range(steps):
        real = ck.data.ring_of_gaussians(batch, std=std, generator=g)
        fake = G(torch.randn(batch, G.config.z_dim, generator=g))
        loss = loss_D(D, real, fake.detach()) if loss_D else dcgan.d_loss(D(real), D(fake.detach()))
        opts[1].zero_grad()
        loss.backward()
        opts[1].step()
        loss_G = dcgan.g_loss(D(fake))
        opts[0].zero_grad()
        loss_G.backward()
        opts[0].step()
        for d in decay:
            d.step()
    return G
