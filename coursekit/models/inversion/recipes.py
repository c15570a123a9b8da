"""Notebook 07's zoo models: what ``python -m coursekit.train NAME`` runs for each (:data:`RECIPES`).

A recipe trains (resuming from ``args.runs / NAME``), then, when asked to publish, returns
``(model, run, metrics, record)`` for the zoo; interrupted or not publishing, it returns the run.
"""

import torch

import coursekit as ck
from coursekit.models import inversion


#: faces-stylegan-encoder: train_encoder's settings, for 2,000 steps.
FACES_STYLEGAN_ENCODER = ck.train.settings(inversion.train_encoder, steps=2000)


def faces_stylegan_encoder(args):
    cpu = torch.device("cpu")
    G = ck.zoo.load("faces-stylegan", device=args.device)
    E, run = inversion.train_encoder(G, **args.config, checkpoint=args.runs / "faces-stylegan-encoder",
                                     device=args.device)
    if run.interrupted or not args.publish:
        return run
    G, E = G.cpu(), E.cpu()
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
    return E, run, metrics, {
        "description": "Encoder image -> W+ code of faces-stylegan (notebook 07), trained on pairs G draws "
                       "itself (code loss + pixel loss of the redrawn image).",
        "data": "faces-stylegan's own samples, noise off",
        "evaluation": "inversion.reconstruction_scores on 200 held-out real renders (faces seed 1) and 200 "
                      "generated faces (codes of seed 5)",
    }


#: The configuration each zoo model of this lecture is trained with.
CONFIGS = {"faces-stylegan-encoder": FACES_STYLEGAN_ENCODER}

#: The zoo models of this lecture and the recipe that trains each.
RECIPES = {
    "faces-stylegan-encoder": faces_stylegan_encoder,
}
