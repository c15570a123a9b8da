"""Notebook 08's zoo models: what ``python -m coursekit.train NAME`` runs for each (:data:`RECIPES`).

A recipe is a ``ck.train.Recipe``: its ``train`` trains as the declared configuration says
(:data:`CONFIGS`, ``args.config`` with the command line's ``--set`` changes), resuming from
``args.runs / NAME``, and returns the training function's named result; its ``publish`` evaluates a
finished training and returns a ``ck.train.Published``, the model and what its zoo record says.
"""

import coursekit as ck
from coursekit.models import ddpm


#: mnist-ddpm: train_ddpm's settings, for 6,000 steps of 64.
MNIST_DDPM = ck.train.settings(ddpm.train_ddpm, steps=6000, batch_size=64)


def train_mnist_ddpm(args):
    return ddpm.train_ddpm(**args.config, checkpoint=args.runs / "mnist-ddpm", device=args.device)


def publish_mnist_ddpm(args, trained):
    model = trained.model_ema
    metrics = ddpm.evaluate(model.cpu(), unconditional=1000, per_class=50, guidance_scales=(1.0, 3.0))
    metrics["fid_floor"] = ck.zoo.record("mnist-judge")["metrics"]["fid_floor"]
    return ck.train.Published(
        model, metrics,
        description="Denoising diffusion U-Net for 28x28 digits (notebook 08): epsilon prediction, linear "
                    "schedule T=1000, labels dropped 10% of the time so one network is both the "
                    "unconditional model (label 10) and the class-conditional one (classifier-free "
                    "guidance). Weights are the exponential moving average (decay 0.999).",
        data=f"{ck.data.mnist('train', verbose=False).source}, train split",
        evaluation="ddpm.evaluate(model, unconditional=1000, per_class=50, guidance_scales=(1.0, 3.0)): "
                   "DDIM 50 steps, eta 0, seed 0, read by mnist-judge")


#: The configuration each zoo model of this lecture is trained with.
CONFIGS = {"mnist-ddpm": MNIST_DDPM}

#: The zoo models of this lecture and the recipe that trains each.
RECIPES = {
    "mnist-ddpm": ck.train.Recipe(train=train_mnist_ddpm, publish=publish_mnist_ddpm),
}
