"""Notebook 07's zoo models: what ``python -m coursekit.train NAME`` runs for each (:data:`RECIPES`).

A recipe is a ``ck.train.Recipe``: its ``train`` trains as the declared configuration says
(:data:`CONFIGS`, ``args.config`` with the command line's ``--set`` changes), resuming from
``args.runs / NAME``, and returns the training function's named result; its ``publish`` evaluates a
finished training and returns a ``ck.train.Published``, the model and what its zoo record says.
"""

import torch

import coursekit as ck
from coursekit.models import inversion


#: faces-stylegan-encoder: train_encoder's settings, for 2,000 steps.
FACES_STYLEGAN_ENCODER = ck.train.settings(inversion.train_encoder, steps=2000)


def train_faces_stylegan_encoder(args):
    G = ck.zoo.load("faces-stylegan", device=args.device)
    return inversion.train_encoder(G, **args.config, checkpoint=args.runs / "faces-stylegan-encoder",
                                   device=args.device)


def publish_faces_stylegan_encoder(args, trained):
    cpu = torch.device("cpu")
    G, E = ck.zoo.load("faces-stylegan", device=cpu), trained.model.cpu()  # the G it was trained on
    attributes = ck.zoo.load("faces-attributes", device=cpu)
    targets = inversion.held_out_targets(200, size=G.config.resolution)
    with torch.no_grad():
        generated = G.synthesis(G.styles(torch.randn(200, G.config.z_dim,
                                                     generator=torch.Generator().manual_seed(5))),
                                use_noise=False)
        metrics = {"held_out_real": inversion.reconstruction_scores(
                       attributes, inversion.synthesize(G, E(targets), "w+"), targets),
                   "generated": inversion.reconstruction_scores(
                       attributes, inversion.synthesize(G, E(generated), "w+"), generated)}
    return ck.train.Published(
        E, metrics,
        description="Encoder image -> W+ code of faces-stylegan (notebook 07), trained on pairs G draws "
                    "itself (code loss + pixel loss of the redrawn image).",
        data="faces-stylegan's own samples, noise off",
        evaluation="inversion.reconstruction_scores on 200 held-out real renders (faces seed 1) and 200 "
                   "generated faces (codes of seed 5)")


#: The configuration each zoo model of this lecture is trained with.
CONFIGS = {"faces-stylegan-encoder": FACES_STYLEGAN_ENCODER}

#: The zoo models of this lecture and the recipe that trains each.
RECIPES = {
    "faces-stylegan-encoder": ck.train.Recipe(train=train_faces_stylegan_encoder,
                                              publish=publish_faces_stylegan_encoder),
}
