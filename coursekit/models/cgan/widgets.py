"""Notebook 02's widgets: ``ck.widgets.<name>`` (the framework is :mod:`coursekit.widgets`)."""

import torch

from coursekit.widgets import Explorer, picker, slider


def _conditional_z(G, n, seed):

    return torch.randn(n, G.config.z_dim, generator=torch.Generator().manual_seed(seed))


def class_and_style(G, samples=16):
    """Pick a digit and a style: the same latent vectors for every digit, so z carries the style."""
    @torch.no_grad()
    def render(digit, style):
        z = _conditional_z(G, samples, style)
        return G(z.to(next(G.parameters()).device), torch.full((samples,), digit, dtype=torch.long)).cpu()

    return Explorer(render, {"digit": picker("digit", range(10)),
                             "style": slider("style (seed of z)", 0, 99, 0)},
                    title="G(z, y): y picks the digit, z the handwriting (same z for every digit)", nrow=8,
                    scale=2)


def ten_classes(G, rows=3):
    """The ten digits drawn with the same z, for a few z (one row each)."""
    @torch.no_grad()
    def render(style):
        z = _conditional_z(G, rows, style).repeat_interleave(10, 0)
        y = torch.arange(10).repeat(rows)
        return G(z.to(next(G.parameters()).device), y).cpu()

    return Explorer(render, {"style": slider("style (seed of z)", 0, 99, 0)},
                    title="Each row: one z, the ten labels", nrow=10, scale=2,
                    labels=[f"z {i + 1}" for i in range(rows)], columns=range(10))


def label_interpolation(G, steps=9):
    """Blend two one-hot labels, (1 − t)·e_a + t·e_b, with z fixed."""
    t = torch.linspace(0, 1, steps)[:, None]

    @torch.no_grad()
    def render(start, end, style):
        eye = torch.eye(10)
        y_vec = (1 - t) * eye[start] + t * eye[end]
        z = _conditional_z(G, 1, style).expand(steps, -1)
        dev = next(G.parameters()).device
        return G.from_label_vector(z.to(dev), y_vec.to(dev)).cpu()

    return Explorer(render, {"start": picker("from", range(10), 3), "end": picker("to", range(10), 8),
                             "style": slider("style (seed of z)", 0, 99, 0)},
                    title="Interpolation in label space: (1 − t)·one_hot(a) + t·one_hot(b)", nrow=steps,
                    scale=2, columns=[f"t={v:.3g}" for v in t.flatten().tolist()])
