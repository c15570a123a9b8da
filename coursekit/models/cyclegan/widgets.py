"""Notebook 04's widgets: ``ck.widgets.<name>`` (the framework is :mod:`coursekit.widgets`)."""

import torch

from coursekit.widgets import Explorer, picker, slider


def cycle_explorer(cycles):
    """CycleGAN's two cycles, image by image: the input, its translation, the way back, and the error
    map |reconstruction − input| (bright: lost on the way).  ``cycles`` maps a model's name (the zoo
    model, each ablation) to its ``cyclegan.cycle_samples`` (6, n, 3, H, W), precomputed: switching
    models or images costs no network run."""
    names = list(cycles)
    n = next(iter(cycles.values())).shape[1]

    def render(model, direction, image):
        c = cycles[model][:, image]
        x, fake, rec = (c[0], c[1], c[2]) if direction.startswith("A") else (c[3], c[4], c[5])
        error = (rec - x).abs().mean(0, keepdim=True).clamp(max=1) * 2 - 1  # 0 -> black, >= 1 -> white
        return torch.stack([x, fake, rec, error.expand(3, -1, -1)])

    return Explorer(render, {"model": picker("model", names),
                             "direction": picker("cycle", ["A → B → A", "B → A → B"]),
                             "image": slider("image", 0, n - 1, 0)},
                    title="input, translation, back again, and the error map |back − input|", nrow=4, scale=4,
                    columns=["input", "translation", "back again", "|back − input|"])
