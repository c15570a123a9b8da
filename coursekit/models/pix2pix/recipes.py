"""Notebook 03's zoo models: what ``python -m coursekit.train NAME`` runs for each (:data:`RECIPES`).

A recipe is a ``ck.train.Recipe``: its ``train`` trains as the declared configuration says
(:data:`CONFIGS`, ``args.config`` with the command line's ``--set`` changes), resuming from
``args.runs / NAME``, and returns the training function's named result; its ``publish`` evaluates a
finished training and returns a ``ck.train.Published``, the model and what its zoo record says.
"""

import torch

import coursekit as ck
from coursekit.models import pix2pix


#: The configuration each zoo model of this lecture is trained with: train_pix2pix's settings
#: (notebook 04's faces-pix2pix-photo is in its own recipes).
CONFIGS = {
    "faces-pix2pix": ck.train.settings(pix2pix.train_pix2pix, task="labels", steps=3000),
    "faces-pix2pix-edges": ck.train.settings(pix2pix.train_pix2pix, task="edges", steps=2000),
    "faces-pix2pix-detail": ck.train.settings(pix2pix.train_pix2pix, task="labels", steps=3000, detail=True),
}

#: The ablations each labels model's record carries (their identifiers, steps): all of the lecture's, 500
#: steps each, for the flat photos; for the photos with detail the losses of the paper's table 1 (L1 alone,
#: cGAN alone, against L1 + cGAN), as long as the model.
ZOO_ABLATIONS = {"faces-pix2pix": (None, 500), "faces-pix2pix-detail": (("l1-only", "cgan-only"), None)}

#: The paper's full model among the ablations: with detail it is the zoo model itself, trained as long.
FULL = "l1-cgan-the-paper"


def _pix2pix(task, detail=False):
    name = ("faces-pix2pix" if task == "labels" else f"faces-pix2pix-{task}") + ("-detail" if detail else "")

    def train(args):
        return pix2pix.train_pix2pix(**args.config, checkpoint=args.runs / name, device=args.device)

    def publish(args, trained):
        G, options = trained.G, args.config
        cpu = torch.device("cpu")
        segmenter = ck.zoo.load("faces-segmenter-detail" if detail else "faces-segmenter", device=cpu)
        attributes = ck.zoo.load("faces-attributes", device=cpu)
        # with detail, a second judge that has seen a camera's blur, grain and colour casts (notebook 03)
        judges = {"camera_segmenter": ck.zoo.load("faces-segmenter-camera", device=cpu)} if detail else {}
        metrics = pix2pix.evaluate(G.cpu(), task, segmenter, attributes, detail=detail, **judges)
        extras = None
        names, default_steps = ZOO_ABLATIONS.get(name, (None, 0))
        ablation_steps = ((default_steps or options["steps"]) if args.ablation_steps is None
                          else args.ablation_steps)
        if name in ZOO_ABLATIONS and ablation_steps:  # the lecture's ablations, scored the same way
            rows = pix2pix.ablation_study(task, segmenter, attributes, steps=ablation_steps,
                                          device=args.device, names=names,
                                          checkpoint=args.runs / name / "ablations", detail=detail, **judges)
            if names is not None and ablation_steps == options["steps"]:  # the model is the full row
                condition = pix2pix.task_pair(ck.faces.faces(6, seed=pix2pix.TEST_SEED, detail=detail),
                                              task)[0]
                rows = {FULL: {"label": pix2pix.ABLATIONS[FULL]["label"], **metrics,
                               "samples": pix2pix.translate(G.cpu(), condition)}, **rows}
            extras = {"ablations": {key: row.pop("samples") for key, row in rows.items()}}
            metrics["ablations"] = {"steps": ablation_steps, "images": 200, **rows}
        with_detail = " with detail (hair strands, skin and background texture)" if detail else ""
        return ck.train.Published(
            G, metrics, extras=extras,
            weights_dtype="float16",  # 7 M parameters: 15 MB in git instead of 30
            description=f"Pix2Pix U-Net generator, {task} -> photo{with_detail} of a rendered face (notebook "
                        "03): cGAN + 100 L1, PatchGAN 70x70 (3 layers), dropout as the noise.",
            data=f"ck.data.faces{'(detail=True)' if detail else ''}, 64x64, seed {pix2pix.TRAIN_SEED}, "
                 "a fresh stream of renders",
            evaluation="pix2pix.evaluate(G, task, segmenter, attributes"
                       f"{', detail=True' if detail else ''}): 200 held-out faces"
                       + ("; segmenter: faces-segmenter-detail, camera_judge: faces-segmenter-camera"
                          if detail else ""))

    return ck.train.Recipe(train=train, publish=publish)


#: The zoo models of this lecture and the recipe that trains each.
RECIPES = {
    "faces-pix2pix": _pix2pix("labels"),
    "faces-pix2pix-edges": _pix2pix("edges"),
    "faces-pix2pix-detail": _pix2pix("labels", detail=True),
}
