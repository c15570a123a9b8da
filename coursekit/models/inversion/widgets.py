"""Notebook 07's widgets: ``ck.widgets.<name>`` (the framework is :mod:`coursekit.widgets`)."""

import torch

from coursekit.models import inversion
from coursekit.widgets import Explorer, slider


def edit_inverted(G, targets, codes, directions, span=3.0):
    """Edit inverted faces: pick a face (``targets`` (N, 3, S, S) and their W+ ``codes``, inverted
    beforehand, so that a slider costs one synthesis), then move it along named unit ``directions``
    of W.  Shows the face, its inversion and the edit."""
    names = list(directions)

    def render(face, **amounts):
        shift = sum(amounts[f"d{i}"] * directions[name] for i, name in enumerate(names))
        code = codes[face:face + 1]
        with torch.no_grad():
            pair = inversion.synthesize(G, torch.cat([code, code + shift]), "w+").clamp(-1, 1).cpu()
        return torch.cat([targets[face:face + 1].cpu(), pair])

    controls = {"face": slider("face", 0, len(targets) - 1, 0)}
    controls.update({f"d{i}": slider(name, -span, span, 0.0, step=0.25) for i, name in enumerate(names)})
    return Explorer(render, controls, title="the face, its inversion, and the inversion edited", nrow=3,
                    scale=5, columns=["face", "inversion", "edited"])
