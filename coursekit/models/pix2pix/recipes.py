"""Notebook 03's zoo models: what ``python -m coursekit.train NAME`` runs for each (:data:`RECIPES`).

A recipe trains (resuming from ``args.runs / NAME``), then, when asked to publish, returns
``(model, run, metrics, record)`` for the zoo; interrupted or not publishing, it returns the run.
"""

import torch

import coursekit as ck
from coursekit.models import pix2pix


#: The zoo models' training steps (notebook 04's faces-pix2pix-photo is in its own recipes).
ZOO_STEPS = {"faces-pix2pix": 3000, "faces-pix2pix-edges": 2000}


def _pix2pix(task):
    def recipe(args):
        name = "faces-pix2pix" if task == "labels" else f"faces-pix2pix-{task}"
        options = {"task": task, "steps": args.steps or ZOO_STEPS[name], **args.batch}
        G, _, run = pix2pix.train_pix2pix(checkpoint=args.runs / name, device=args.device, **options)
        if run.interrupted or not args.publish:
            return run
        cpu = torch.device("cpu")
        segmenter, attributes = ck.zoo.load("faces-segmenter", device=cpu), ck.zoo.load("faces-attributes", device=cpu)
        metrics = pix2pix.evaluate(G.cpu(), task, segmenter, attributes)
        extras = None
        ablation_steps = 500 if args.ablation_steps is None else args.ablation_steps
        if task == "labels" and ablation_steps:  # the lecture's ablations, scored the same way
            rows = pix2pix.ablation_study(task, segmenter, attributes, steps=ablation_steps, device=args.device,
                                          checkpoint=args.runs / name / "ablations")
            extras = {"ablations": {name: row.pop("samples") for name, row in rows.items()}}
            metrics["ablations"] = {"steps": ablation_steps, "images": 200, **rows}
        return G, run, metrics, {
            "options": ck.train.settings(pix2pix.train_pix2pix, **options),
            "precision": ck.core.training_precision(args.device),
            "extras": extras, "weights_dtype": "float16",  # 7 M parameters: 15 MB in git instead of 30
            "description": f"Pix2Pix U-Net generator, {task} -> photo of a rendered face (notebook 03): "
                           "cGAN + 100 L1, PatchGAN 70x70 (3 layers), dropout as the noise.",
            "data": f"ck.data.faces, 64x64, seed {pix2pix.TRAIN_SEED}, a fresh stream of renders",
            "evaluation": "pix2pix.evaluate(G, task, segmenter, attributes): 200 held-out faces",
        }
    return recipe


#: The zoo models of this lecture and the recipe that trains each.
RECIPES = {
    "faces-pix2pix": _pix2pix("labels"),
    "faces-pix2pix-edges": _pix2pix("edges"),
}
