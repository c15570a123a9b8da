"""Small MLPs for the 2-D toy GAN of notebook 01 (points in the plane, not images).

    G: z (B, z_dim) -> points (B, 2);    D: points (B, 2) -> logits (B,)
"""

from dataclasses import dataclass

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
