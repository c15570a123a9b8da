"""Notebook 02: conditioning inputs and the conditional D loss.

The exercise checks of this lecture, each with its hints (``ck.check.<name>``, ``ck.hint(name)``),
and its lab's (``ck.check.lab_acgan``).
"""

import torch
import torch.nn.functional as F

import coursekit as _ck
from coursekit import train as _train
from coursekit.check import Case, Check, Goal, Lab, Mistake, Terms, random_logits
from coursekit.models import cgan as _cgan
from coursekit.models import dcgan as _dcgan


_bce = F.binary_cross_entropy_with_logits


def _z_and_labels(seed, n=8, z_dim=5):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, z_dim, generator=g), torch.randint(0, 10, (n,), generator=g)


def _images_and_labels(seed, n=4, size=6):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 1, size, size, generator=g) * 2 - 1, torch.randint(0, 10, (n,), generator=g)


generator_input = Check(
    "generator_input",
    hints=(
        'A label becomes a one-hot vector of length 10 (F.one_hot), as floats.',
        'Join along the feature dimension (dim 1): the result is (N, z_dim + 10).',
    ),
    reference=_cgan.generator_input,
    cases=[Case("two z of size 3 with labels 0 and 9", (torch.zeros(2, 3), torch.tensor([0, 9]))),
           Case("eight random z with random labels", lambda: _z_and_labels(0)),
           Case("a batch without a 9: labels 1, 2, 3",
                lambda: (_z_and_labels(1, n=3)[0], torch.tensor([1, 2, 3])))],
    mistakes=[
        Mistake("z comes first, then the one-hot label: torch.cat([z, one_hot], dim=1).",
                lambda z, y: torch.cat([F.one_hot(y, 10).float(), z], 1)),
        Mistake("The label is appended as a one-hot vector of 10 entries, not as one number.",
                lambda z, y: torch.cat([z, y[:, None].float()], 1)),
        Mistake("F.one_hot(y) alone sizes the vector by the largest label in the batch; a batch without a 9 "
                "gives fewer than 10 entries. Pass num_classes=10.",
                lambda z, y: torch.cat([z, F.one_hot(y).float()], 1)),
        Mistake("The one-hot vector has a 1 at the label's index and 0 elsewhere; yours is shifted by one "
                "(label k puts its 1 at index k + 1, or wraps).",
                lambda z, y: torch.cat([z, F.one_hot((y + 1) % 10, 10).float()], 1)),
        Mistake("The label is one-hot (a single 1), not all ones up to the label: F.one_hot(y, 10).",
                lambda z, y: torch.cat([z, (torch.arange(10)[None] <= y[:, None]).float()], 1)),
    ],
)

discriminator_input = Check(
    "discriminator_input",
    hints=(
        'The one-hot label (N, 10) needs two more dimensions to become (N, 10, 1, 1).',
        "Stretch those to the image's height and width (expand), then join with the image along the "
        "channels.",
    ),
    reference=_cgan.discriminator_input,
    cases=[Case("one 2x2 image with label 3", (torch.zeros(1, 1, 2, 2), torch.tensor([3]))),
           Case("four 6x6 images with random labels", lambda: _images_and_labels(0))],
    mistakes=[
        Mistake("The image comes first, then the 10 label channels: torch.cat([x, channels], dim=1).",
                lambda x, y: torch.cat([F.one_hot(y, 10).float()[:, :, None, None].expand(
                    -1, -1, *x.shape[2:]), x], 1)),
        Mistake("Give the label as 10 one-hot channels (channel 1 + k is all ones for label k), "
                "not as one channel holding the number.",
                lambda x, y: torch.cat([x, y.float()[:, None, None, None].expand(-1, 1, *x.shape[2:])], 1)),
        Mistake("The label channels are one-hot over the 10 digits: channel 1 + k is ones for label k and "
                "the others zeros; yours are shifted by one.",
                lambda x, y: torch.cat([x, F.one_hot((y + 1) % 10, 10).float()[:, :, None, None].expand(
                    -1, -1, *x.shape[2:])], 1)),
        Mistake("The label channels are 0/1 maps of the whole image; yours are ±1 (one-hot scaled like the "
                "pixels). Keep them 0 and 1.",
                lambda x, y: torch.cat([x, F.one_hot(y, 10).float()[:, :, None, None].expand(
                    -1, -1, *x.shape[2:]) * 2 - 1], 1)),
        Mistake("Only the top-left pixel of each label channel is set: expand the (N, 10, 1, 1) one-hot to "
                "the image's height and width, do not pad it.",
                lambda x, y: torch.cat([x, F.pad(F.one_hot(y, 10).float()[:, :, None, None],
                                                 (0, x.shape[3] - 1, 0, x.shape[2] - 1))], 1)),
    ],
)

conditional_d_loss = Check(
    "conditional_d_loss",
    terms=Terms(("the real pairs' term", "the generated pairs' term", "the mismatched pairs' term"),
                lambda r, f, m=None: (_bce(r, torch.ones_like(r)), _bce(f, torch.zeros_like(f)),
                                      _bce(m, torch.zeros_like(m))),
                lambda r, f, m=None: (1, 1, 1),
                lambda r, f, m=None: (("bce", r, torch.ones_like(r)), ("bce", f, torch.zeros_like(f)),
                                      ("bce", m, torch.zeros_like(m)))),
    hints=(
        'One binary cross-entropy with logits per kind, each averaged over its batch.',
        'Targets: ones for the real logits, zeros for the fake and for the mismatched ones; add the three '
        'terms.',
    ),
    reference=_cgan.d_loss,
    cases=[Case("D unsure everywhere", (torch.zeros(3), torch.zeros(3), torch.zeros(3))),
           Case("D right on real pairs, fooled by wrong labels",
                (torch.tensor([3.0, 2.0]), torch.tensor([-2.0, -4.0]), torch.tensor([2.5, 1.0]))),
           Case("a batch of random logits", lambda: (*random_logits(2), random_logits(3)[0])),
           Case("another batch, D sure of the real pairs",
                lambda: (random_logits(4)[0] + 3, *random_logits(5)))],
    mistakes=[
        Mistake("A real image with the wrong label must count as *fake* (label 0), or G is free to ignore y.",
                lambda r, f, m: _dcgan.d_loss(r, f) + _bce(m, torch.ones_like(m))),
        Mistake("The mismatched-label term is missing: add BCE(D(x, wrong y), 0).",
                lambda r, f, m: _dcgan.d_loss(r, f)),
        Mistake("D returns logits: do not apply torch.sigmoid before binary_cross_entropy_with_logits.",
                lambda r, f, m: _bce(torch.sigmoid(r), torch.ones_like(r))
                + _bce(torch.sigmoid(f), torch.zeros_like(f))
                + _bce(torch.sigmoid(m), torch.zeros_like(m))),
        Mistake("Add the three terms, each a mean over its batch; you averaged them (divided by 3).",
                lambda r, f, m: (_dcgan.d_loss(r, f) + _bce(m, torch.zeros_like(m))) / 3),
        Mistake("Each term is a mean over its batch (reduction='mean'), not a sum.",
                lambda r, f, m: _bce(r, torch.ones_like(r), reduction="sum")
                + _bce(f, torch.zeros_like(f), reduction="sum")
                + _bce(m, torch.zeros_like(m), reduction="sum")),
    ],
)


# --------------------------------------------------------------------------------------------
# The lab: condition G through a D that never reads the label (AC-GAN).

def _score_acgan(step, steps=2000, seed=0, per_class=100, device=None):
    """Train a fresh ``cgan.ConditionalGenerator`` against a fresh ``cgan.AuxiliaryDiscriminator`` (it reads
    the image only) with the student's ``step(G, D, opt_G, opt_D, real, y, z)`` on the training digits,
    batch 64, Adam 5e-4 as in section 3; then the judge reads ``per_class`` samples of each digit."""
    dev = torch.device(device or "cpu")
    g = _ck.seed(seed)
    G, D = _cgan.ConditionalGenerator().to(dev), _cgan.AuxiliaryDiscriminator().to(dev)
    opt_G, opt_D = _dcgan.make_optimizers(G, D, lr=5e-4)
    batches = _ck.data.mnist("train", verbose=False).batches(64, generator=g)
    start = [p.detach().clone() for p in G.parameters()]
    run = _train.Run({"G": G, "D": D}, steps=steps, desc="AC-GAN lab")
    with run:
        for _ in run.steps():
            real, y = next(batches)
            z = torch.randn(len(y), G.config.z_dim, generator=g)
            step(G, D, opt_G, opt_D, real.to(dev), y.to(dev), z.to(dev))
    if run.interrupted:
        raise KeyboardInterrupt
    if all(torch.equal(a, b.detach()) for a, b in zip(start, G.parameters())):
        raise ValueError("G's weights did not change: your step must end with opt_G.step() after G's "
                         "loss.backward()")
    result = _cgan.evaluate(G, per_class=per_class, seed=seed)
    return {"accuracy": result["class_accuracy"], "worst_digit": result["min_class_accuracy"],
            "fid": result["fid"], "steps": steps}


lab_acgan = Lab(
    "lab_acgan",
    task="write step(G, D, opt_G, opt_D, real, y, z), one training step against cgan.AuxiliaryDiscriminator, "
         "which never reads the label: D(x) returns (real-or-fake logits (B,), digit logits (B, 10)); G must "
         "still draw the digit it is asked for.",
    measure=_score_acgan,
    goals=[Goal("accuracy", "share of samples the judge reads as the asked digit", at_least=0.85),
           Goal("fid", "Fréchet distance of the samples (a collapsed G scores far above 30)", at_most=30.0)],
    hints=(
        "Without the label, D's real-or-fake answer cannot make G obey y (section 5's ablation: 10%). D has "
        "a second head: which digit is this? What should it learn on real digits, and what should G want "
        "from it?",
        "D: the usual real/fake loss plus the cross-entropy of its digit head on the real images against y "
        "(AC-GAN also adds it on the fakes against the asked y). G: the usual loss plus the cross-entropy of "
        "D's digit head on G(z, y) against y.",
        "Detach the fakes for D's update; for G's update call D again on the fakes (not detached), add the "
        "two losses, zero_grad, backward, step.",
    ),
)
