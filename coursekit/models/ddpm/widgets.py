"""Notebook 08's widgets: ``ck.widgets.<name>`` (the framework is :mod:`coursekit.widgets`)."""

from functools import lru_cache

import ipywidgets as W
import torch

from coursekit.models import ddpm
from coursekit.widgets import Explorer, picker, slider


def forward_process(images, schedules, seed=0):
    """Scrub t over the forward process q(x_t | x_0): one row of ``images`` per schedule (same noise).

    ``schedules``: ``{"linear": DDPMSchedule(), "cosine": DDPMSchedule(beta_schedule=...)}``.
    """
    noise = torch.randn(images.shape, generator=torch.Generator().manual_seed(seed))
    T = min(s.num_train_timesteps for s in schedules.values())

    def render(t):
        return torch.cat([s.add_noise(images, noise, t) for s in schedules.values()]).clamp(-1, 1)

    return Explorer(render, {"t": slider("t", 0, T - 1, T * 3 // 10)},
                    title="x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε; rows: " + ", ".join(schedules), nrow=len(images),
                    scale=2, labels=list(schedules))


def reverse_trajectory(trajectory):
    """Scrub through a saved reverse trajectory ``[(t, x_t, x̂_0), ...]`` (from ``ddpm.sample``):
    top row x_t, bottom row the model's guess of x_0 at that step.  Nothing is sampled while scrubbing."""
    steps = [int(t) for t, _, _ in trajectory]

    def render(t):
        _, x, x0 = trajectory[steps.index(t)]
        return torch.cat([x.clamp(-1, 1), x0])

    return Explorer(render, {"t": W.SelectionSlider(description="t", options=steps, value=steps[0],
                                                    continuous_update=True, layout=W.Layout(width="480px"))},
                    title="Reverse process: x_t (top) and the predicted x̂_0 (bottom)",
                    nrow=len(trajectory[0][1]), scale=2, labels=["x_t", "x̂_0"])


def guidance(model, schedule, samples=8, steps=20, scales=(0.0, 1.0, 2.0, 3.0, 5.0, 8.0), seed=0):
    """Classifier-free guidance: pick a digit and a guidance scale.  Each (digit, scale) is sampled
    once (``samples`` images, DDIM ``steps`` steps, the same starting noise) and then cached."""


    @lru_cache(maxsize=None)
    def render(digit, scale):
        return ddpm.sample(model, schedule, labels=torch.full((samples,), digit), steps=steps,
                           guidance_scale=scale, generator=torch.Generator().manual_seed(seed))

    return Explorer(render, {"digit": picker("digit", range(10), 3),
                             "scale": W.SelectionSlider(description="guidance", options=list(scales),
                                                        value=3.0, continuous_update=False,
                                                        layout=W.Layout(width="480px"))},
                    title=f"ε_u + s·(ε_c − ε_u), DDIM {steps} steps, same noise for every s", nrow=samples,
                    scale=2)
