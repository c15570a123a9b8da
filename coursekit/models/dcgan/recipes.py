"""Notebook 01's zoo models: what ``python -m coursekit.train NAME`` runs for each (:data:`RECIPES`).

A recipe trains as its declared configuration says (:data:`CONFIGS`, ``args.config`` with the command
line's ``--set`` changes), resuming from ``args.runs / NAME``; then, when asked to publish, returns
``(model, run, metrics, record)`` for the zoo; interrupted or not publishing, it returns the run.
"""

import torch

import coursekit as ck
from coursekit.metrics import evaluate_generator
from coursekit.models.dcgan import Generator, sample, train_dcgan


#: mnist-dcgan: train_dcgan's settings, for 14,000 steps.
MNIST_DCGAN = ck.train.settings(train_dcgan, steps=14000)


def mnist_dcgan(args):
    G, _, run, frames, frame_steps = train_dcgan(**args.config, checkpoint=args.runs / "mnist-dcgan",
                                                 device=args.device)
    if run.interrupted or not args.publish:
        return run
    g = torch.Generator().manual_seed(0)
    untrained = sample(Generator(G.config), 1000, generator=torch.Generator().manual_seed(0))
    metrics = evaluate_generator(sample(G.cpu(), 1000, generator=g), untrained=untrained)
    metrics["fid_floor"] = ck.zoo.record("mnist-judge")["metrics"]["fid_floor"]
    return G, run, metrics, {
        "description": "DCGAN generator for 28x28 digits (notebook 01), non-saturating loss, "
                       "Adam 2e-4 / 0.5.",
        "data": f"{ck.data.mnist('train', verbose=False).source}, train split",
        "extras": {"frames": frames, "frame_steps": frame_steps},
    }


#: The configuration each zoo model of this lecture is trained with.
CONFIGS = {"mnist-dcgan": MNIST_DCGAN}

#: The zoo models of this lecture and the recipe that trains each.
RECIPES = {
    "mnist-dcgan": mnist_dcgan,
}
