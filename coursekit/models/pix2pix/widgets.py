"""Notebook 03's widgets: ``ck.widgets.<name>`` (the framework is :mod:`coursekit.widgets`)."""

import torch

from coursekit import faces as _faces
from coursekit.models import pix2pix
from coursekit.widgets import Explorer, picker, slider, spread_map


def face_factors(G, task="labels", faces=6, seed=1, translate=None, paint=False):
    """A translator of faces' maps on faces you redraw: change glasses, smile, eyes or hair style, and see
    the condition (label or edge map) redrawn and G's photo follow.  Rows: condition, G's photo, the true
    render.  ``translate(G, condition)`` makes the photos (default: Pix2Pix's, dropout off; notebook 04
    passes ``cyclegan.translate``).  ``paint=True`` (label maps only) adds a brush: a disc of one part,
    at a place and size you choose, painted over every map (the true render cannot follow a painted map)."""
    if paint and task != "labels":
        raise ValueError(f"paint=True paints parts on label maps: use it with task='labels', not {task!r}")
    base = _faces.sample_factors(faces, seed=seed)
    size = 64
    translate = translate or (lambda G, c: pix2pix.translate(G, c, dropout=False))
    axis = torch.arange(size, dtype=torch.float32)

    @torch.no_grad()
    def render(glasses, smile, eyes, hair, part="no paint", x=0.5, y=0.5, radius=0.1):
        f = {k: v.clone() for k, v in base.items()}
        f["glasses"][:] = {"as drawn": f["glasses"], "on": 1, "off": 0}[glasses]
        f["eyes_open"][:] = {"as drawn": f["eyes_open"], "open": 1, "closed": 0}[eyes]
        f["smile"][:] = smile
        if hair != "as drawn":
            f["hair_style"][:] = _faces.HAIR_STYLES.index(hair)
        batch = _faces.faces(faces, size=size, factors=f)
        if part != "no paint":  # a disc of the part: centre (x, y) and radius as shares of the image
            disc = ((axis[None, :] - x * size) ** 2 + (axis[:, None] - y * size) ** 2) <= (radius * size) ** 2
            batch.labels[:, disc] = _faces.PARTS.index(part)
        condition, photo = pix2pix.task_pair(batch, task)
        return torch.cat([condition.expand(-1, 3, -1, -1), translate(G, condition), photo])

    controls = {"glasses": picker("glasses", ["as drawn", "on", "off"]),
                "smile": slider("smile", -1.0, 1.0, 0.5, step=0.1),
                "eyes": picker("eyes", ["as drawn", "open", "closed"]),
                "hair": picker("hair", ["as drawn", *_faces.HAIR_STYLES])}
    if paint:
        controls.update(part=picker("paint", ["no paint", *_faces.PARTS]), x=slider("brush x", 0.0, 1.0, 0.5),
                        y=slider("brush y", 0.0, 1.0, 0.3), radius=slider("brush size", 0.02, 0.4, 0.1))
    return Explorer(render, controls,
                    title=f"{task} -> photo: the condition (top), G's photo (middle), "
                          "the true render (bottom)",
                    nrow=faces, scale=2, labels=[f"{task[:-1]} map", "G's photo", "true render"])


def dropout_variety(G, condition, samples=6):
    """How much variety Pix2Pix's only noise (dropout) gives: ``samples`` photos for one condition
    (N, C, H, W), each with fresh dropout masks, and the per-pixel spread (bright: where they differ)."""
    options = list(range(len(condition)))

    def render(image, seed):
        torch.manual_seed(seed)
        c = condition[image:image + 1].expand(samples, -1, -1, -1)
        fake = pix2pix.translate(G, c, dropout=True)
        return torch.cat([c[:1].expand(1, 3, -1, -1), fake, spread_map(fake)])

    return Explorer(render, {"image": picker("input", options), "seed": slider("dropout seed", 0, 99, 0)},
                    title=f"One input, {samples} dropout draws, then their per-pixel spread "
                          "(scaled to its maximum)",
                    nrow=samples + 2, scale=2,
                    columns=["input", *(f"draw {i + 1}" for i in range(samples)), "spread"])
