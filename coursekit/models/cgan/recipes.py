"""Notebook 02's zoo models: what ``python -m coursekit.train NAME`` runs for each (:data:`RECIPES`).

A recipe is a ``ck.train.Recipe``: its ``train`` trains as the declared configuration says
(:data:`CONFIGS`, ``args.config`` with the command line's ``--set`` changes), resuming from
``args.runs / NAME``, and returns the training function's named result; its ``publish`` evaluates a
finished training and returns a ``ck.train.Published``, the model and what its zoo record says.
"""

import coursekit as ck
from coursekit.models import cgan


#: mnist-cgan: train_cgan's settings, for 6,000 steps.
MNIST_CGAN = ck.train.settings(cgan.train_cgan, steps=6000)


def train_mnist_cgan(args):
    return cgan.train_cgan(**args.config, checkpoint=args.runs / "mnist-cgan", device=args.device)


def publish_mnist_cgan(args, trained):
    G = trained.G
    return ck.train.Published(
        G, cgan.evaluate(G.cpu(), per_class=100, seed=0),
        description="Conditional DCGAN for 28x28 digits (notebook 02): [z, one_hot(y)] into G, 10 label "
                    "channels into D, real images with wrong labels count as fake.",
        data=f"{ck.data.mnist('train', verbose=False).source}, train split",
        evaluation="cgan.evaluate(G, per_class=100, seed=0): 1,000 samples, 100 per digit, "
                   "read by mnist-judge")


#: The configuration each zoo model of this lecture is trained with.
CONFIGS = {"mnist-cgan": MNIST_CGAN}

#: The zoo models of this lecture and the recipe that trains each.
RECIPES = {
    "mnist-cgan": ck.train.Recipe(train=train_mnist_cgan, publish=publish_mnist_cgan),
}
