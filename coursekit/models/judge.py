"""The judge: an MNIST classifier trained on real digits only, used to measure generators.

Two numbers come from it: the class a generated digit is read as (class
accuracy, label spread) and its 128-d penultimate features (the space in which
``ck.metrics`` computes Fréchet distances, like FID uses Inception features).

Retrain: ``python -m coursekit.train judge`` (a few CPU minutes).
"""

from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

import coursekit as ck
from coursekit.core import guard_inputs
from coursekit.train import distributed as dist
from coursekit.zoo import register


@dataclass
class JudgeConfig:
    width: int = 32         # channels of the first conv block (the second has 2x)
    features: int = 128     # size of the feature vector used for Fréchet distances
    dropout: float = 0.3
    num_classes: int = 10
    channels: int = 1       # 3: the printed digits' judge (notebook 04)


def _conv_block(c_in, c_out):
    # two 3x3 convs, batch norm, ReLU, then 2x2 max pooling: (B, c_in, H, W) -> (B, c_out, H/2, W/2)
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True),
        nn.Conv2d(c_out, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
    )


class Judge(nn.Module):
    """A small CNN: (B, C, 28, 28) in [-1, 1] -> logits (B, 10); ``features`` gives (B, 128).

    C is 1 for MNIST (the course's judge), 3 for the printed digits of notebook 04."""

    def __init__(self, config=None):
        super().__init__()
        self.config = config or JudgeConfig()
        c = self.config.width
        self.body = nn.Sequential(_conv_block(self.config.channels, c), _conv_block(c, 2 * c), nn.Flatten(),
                                  nn.Linear(2 * c * 7 * 7, self.config.features), nn.ReLU(inplace=True))
        self.head = nn.Sequential(nn.Dropout(self.config.dropout),
                                  nn.Linear(self.config.features, self.config.num_classes))
        guard_inputs(self)  # a float64 input gets an error that names the fix

    def features(self, x):
        """Penultimate activations (B, features) of images (B, C, 28, 28) in [-1, 1]."""
        c = self.config.channels
        if x.dim() != 4 or tuple(x.shape[1:]) != (c, 28, 28):
            raise ValueError(f"this judge reads MNIST-sized images (B, {c}, 28, 28) in [-1, 1], got "
                             f"{tuple(x.shape)}"
                             + (": an MNIST digit as RGB? use cyclegan.to_gray(x)" if c == 1 and x.dim() == 4
                                and x.shape[1] == 3 else ""))
        return self.body(x)

    def forward(self, x):
        return self.head(self.features(x))


def augment(x, generator=None, max_degrees=10.0, max_shift=0.1, scale=(0.9, 1.1)):
    """Random small rotations, shifts and zooms of a batch (B, 1, H, W) in [-1, 1], all at once."""
    b = x.shape[0]
    u = lambda: torch.rand(b, generator=generator)  # noqa: E731
    angle = (u() * 2 - 1) * max_degrees * torch.pi / 180
    s = scale[0] + u() * (scale[1] - scale[0])
    tx, ty = (u() * 2 - 1) * max_shift * 2, (u() * 2 - 1) * max_shift * 2  # grid units: 2 = full width
    cos, sin = torch.cos(angle) / s, torch.sin(angle) / s
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    # background is -1: shift to [0, 2] so zero padding means "black", then back
    return F.grid_sample(x + 1, grid, align_corners=False, padding_mode="zeros") - 1


def recolour(x, generator=None):
    """Digits (B, 1, H, W) in [-1, 1] painted in random colours: (B, 3, H, W), light ink on a dark ground
    as in MNIST, each channel of the ground drawn from [0, 0.45] and of the ink from [0.55, 1]."""
    b = x.shape[0]
    ground = 0.45 * torch.rand(b, 3, 1, 1, generator=generator)
    ink = 0.55 + 0.45 * torch.rand(b, 3, 1, 1, generator=generator)
    return torch.lerp(ground, ink, (x + 1) / 2) * 2 - 1


@torch.no_grad()
def predict(judge, images, batch_size=500):
    """Logits (N, 10) and features (N, 128) of images (N, 1, 28, 28), in eval mode, in chunks."""
    was_training = judge.training
    judge.eval()
    dev = next(judge.parameters()).device
    logits, feats = [], []
    for chunk in images.split(batch_size):
        f = judge.features(chunk.to(dev, torch.float32))
        feats.append(f.cpu())
        logits.append(judge.head(f).cpu())
    judge.train(was_training)
    return torch.cat(logits), torch.cat(feats)


def train_judge(steps=3000, batch_size=128, lr=2e-3, seed=0, checkpoint="runs/judge", device=None):
    """Train the judge on the training digits; returns (judge, run). The loop is plain PyTorch.

    Runs unchanged under torchrun: ``batch_size`` is the global batch, split among the ranks.
    """
    dev = device or ck.device()
    g = ck.seed(seed)
    train = ck.data.mnist("train", verbose=dist.is_main())
    judge = Judge().to(dev)
    dist.seed_dropout(seed)
    dist.data_parallel(judge)  # under torchrun: gradients averaged over the ranks
    opt = torch.optim.AdamW(judge.parameters(), lr=lr, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(steps, 1), pct_start=0.15)
    batches = train.batches(batch_size, generator=g)
    run = ck.train.Run({"judge": judge, "opt": opt, "sched": sched, "data_rng": g, "data": batches},
                       steps=steps, checkpoint=checkpoint, checkpoint_every=500,
                       record={"config": asdict(judge.config)}, desc="judge")
    with run:
        for _ in run.steps():
            x, y = next(batches)
            x, y = dist.to_device(*dist.shard(augment(x, generator=g), y), device=dev)
            loss = F.cross_entropy(judge(x), y, label_smoothing=0.05)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            run.log(loss=dist.mean(loss))
    return ck.train.Fitted(judge.eval(), run)


def fit_classifier(judge, next_batch, steps, lr=2e-3, checkpoint=None, state=None, desc="classifier"):
    """The course's classifier training loop for the digit readers of notebook 04: AdamW with a one-cycle
    learning rate, cross-entropy with label smoothing 0.05.  ``next_batch(step)`` gives the step's
    (images, labels) on ``judge``'s device; ``state`` adds what a resumed run must restore (a random
    generator, a data order).  Returns (judge in eval mode, run)."""
    opt = torch.optim.AdamW(judge.parameters(), lr=lr, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(steps, 1), pct_start=0.15)
    run = ck.train.Run({"judge": judge, "opt": opt, "sched": sched, **(state or {})}, steps=steps,
                       checkpoint=checkpoint, checkpoint_every=500, record={"config": asdict(judge.config)},
                       desc=desc)
    with run:
        for step in run.steps():
            x, y = next_batch(step)
            loss = F.cross_entropy(judge(x), y, label_smoothing=0.05)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            run.log(loss=loss)
    return ck.train.Fitted(judge.eval(), run)


def train_colour_judge(steps=1500, batch_size=128, lr=2e-3, seed=0, checkpoint=None, device=None):
    """A classifier of MNIST's classes that reads digits in any colours: the judge's CNN with three input
    channels, trained on the MNIST training digits only, each shifted and rotated (:func:`augment`) and
    painted in random colours (:func:`recolour`).  CyCADA's source classifier f_S for notebook 04's
    semantic loss: it knows MNIST's labels and nothing of the printed digits'.  Returns (judge, run)."""
    dev = device or ck.device()
    g = ck.seed(seed)
    batches = ck.data.mnist("train", verbose=False).batches(batch_size, generator=g)

    def next_batch(step):
        x, y = next(batches)
        return recolour(augment(x, generator=g), generator=g).to(dev), y.to(dev)

    return fit_classifier(Judge(JudgeConfig(channels=3)).to(dev), next_batch, steps, lr, checkpoint,
                          {"data_rng": g, "data": batches}, desc="colour judge")


#: A second reader of the printed digits that no training loss ever sees (notebook 04 scores the
#: semantic variant of CycleGAN with it): another architecture, seed and stream of renders.
PRINTED_JUDGE_2 = {"config": JudgeConfig(channels=3, width=48, features=256, dropout=0.5), "seed": 2,
                   "data_seed": 2}


def train_printed_judge(steps=400, batch_size=128, lr=2e-3, seed=0, checkpoint=None, device=None, config=None,
                        data_seed=0):
    """The judge of notebook 04's printed digits: the same CNN with three input channels, trained on
    a stream of fresh renders (``ck.data.printed_digits``, seed ``data_seed``) only; returns (judge, run).
    Seed 1 of the renders is held out for measuring."""
    if data_seed == 1:
        raise ValueError("printed digits of seed 1 are the held-out set; train on another seed")
    dev = device or ck.device()
    ck.seed(seed)

    def next_batch(step):
        batch = ck.data.printed_digits(batch_size, seed=data_seed, start=step * batch_size)
        return batch.images.to(dev), batch.labels.to(dev)

    return fit_classifier(Judge(config or JudgeConfig(channels=3)).to(dev), next_batch, steps, lr, checkpoint,
                          desc="printed judge")


# The zoo saves and rebuilds this lecture's models by these names.
register("Judge", Judge, JudgeConfig)
