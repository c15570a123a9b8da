"""An exponential moving average of a model's weights: what the zoo ships for DDPM and ProGAN."""

import copy

import torch

from coursekit.train.distributed import data_parallel


class EMA:
    """An exponential moving average of a model's weights (sharper samples than the last weights).

    ``ema.update(model, step)`` after each optimizer step; ``ema.model`` is the averaged copy.
    """

    def __init__(self, model, decay=0.999):
        self.decay = decay
        self.model = copy.deepcopy(model).eval().requires_grad_(False)

    @torch.no_grad()
    def update(self, model, step):
        d = min(self.decay, (1 + step) / (10 + step))  # warm up: follow the model closely at first
        for e, p in zip(self.model.parameters(), model.parameters()):
            e.lerp_(p, 1 - d)
        for e, b in zip(self.model.buffers(), model.buffers()):
            e.copy_(b)


def decay_for_half_life(half_life, batch_size):
    """The EMA's decay per step that halves a weight's share after ``half_life`` images, at
    ``batch_size`` images a step (StyleGAN2 states its EMA so, as a half-life in images)."""
    return 0.5 ** (batch_size / half_life)


def gan_with_ema(G, D, lr, device, betas=(0.0, 0.99), ema_decay=0.999):
    """The set-up ProGAN and StyleGAN share: G and D on ``device``, an Adam for each (both papers'
    β = (0, 0.99)), the moving average of G's weights that the zoo ships, and data parallelism under
    torchrun.  Returns (G, D, ema, opt_G, opt_D)."""
    G, D = G.to(device), D.to(device)
    data_parallel(G, D)  # under torchrun: gradients averaged over the ranks
    return (G, D, EMA(G, ema_decay), torch.optim.Adam(G.parameters(), lr=lr, betas=betas),
            torch.optim.Adam(D.parameters(), lr=lr, betas=betas))
