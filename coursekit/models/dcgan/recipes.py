"""Notebook 01's zoo models: what ``python -m coursekit.train NAME`` runs for each (:data:`RECIPES`).

A recipe is a ``ck.train.Recipe``: its ``train`` trains as the declared configuration says
(:data:`CONFIGS`, ``args.config`` with the command line's ``--set`` changes), resuming from
``args.runs / NAME``, and returns the training function's named result; its ``publish`` evaluates a
finished training and returns a ``ck.train.Published``, the model and what its zoo record says.
"""

import torch

import coursekit as ck
from coursekit.metrics import evaluate_generator
from coursekit.models.dcgan import Generator, sample, train_dcgan


#: mnist-dcgan: train_dcgan's settings, for 14,000 steps.
MNIST_DCGAN = ck.train.settings(train_dcgan, steps=14000)


def train_mnist_dcgan(args):
    return train_dcgan(**args.config, checkpoint=args.runs / "mnist-dcgan", device=args.device)


def publish_mnist_dcgan(args, trained):
    G = trained.G
    g = torch.Generator().manual_seed(0)
    untrained = sample(Generator(G.config), 1000, generator=torch.Generator().manual_seed(0))
    metrics = evaluate_generator(sample(G.cpu(), 1000, generator=g), untrained=untrained)
    metrics["fid_floor"] = ck.zoo.record("mnist-judge")["metrics"]["fid_floor"]
    return ck.train.Published(
        G, metrics,
        description="DCGAN generator for 28x28 digits (notebook 01), non-saturating loss, Adam 2e-4 / 0.5.",
        data=f"{ck.data.mnist('train', verbose=False).source}, train split",
        extras={"frames": trained.frames, "frame_steps": trained.frame_steps})


#: The configuration each zoo model of this lecture is trained with.
CONFIGS = {"mnist-dcgan": MNIST_DCGAN}

#: The zoo models of this lecture and the recipe that trains each.
RECIPES = {
    "mnist-dcgan": ck.train.Recipe(train=train_mnist_dcgan, publish=publish_mnist_dcgan),
}
