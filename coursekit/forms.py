"""A loss term computed another way (issue 37): the other forms each kind of term takes in students' hands.

A check whose loss adds terms (``Check.terms``) declares each term's kind and what it compares, (kind,
input, target), kind one of :data:`FORMS` ("l1", "mse", "bce", "ce").  :func:`replaced_term` tries each
other form of each term, the weights kept, and says the one that gives the student's numbers: "in your
loss the L1 term is the median absolute difference, where the formula has the mean absolute difference".
"""

import math

import torch

F = torch.nn.functional


#: Each kind of loss term, and the other ways a student computes it: (words, fn(input, target)).
FORMS = {
    "l1": ("the mean absolute difference (L1)", [
        ("a mean squared error", lambda a, b: (a - b).pow(2).mean()),
        ("the mean of the signed differences (the absolute value forgotten)", lambda a, b: (a - b).mean()),
        ("a sum over every value, not a mean", lambda a, b: (a - b).abs().sum()),
        ("a sum over each image, then a mean over the batch",
         lambda a, b: (a - b).abs().flatten(1).sum(1).mean()),
        ("the Euclidean norm of the difference", lambda a, b: (a - b).flatten().norm()),
        ("the smooth L1 (Huber) loss", lambda a, b: F.smooth_l1_loss(a, b)),
        ("the Euclidean distance of each pixel's values over the channels, averaged",
         lambda a, b: (a - b).norm(dim=1).mean()),
        ("the root of the mean squared error", lambda a, b: (a - b).pow(2).mean().sqrt()),
        ("the absolute value of the mean difference: the mean taken before the absolute value",
         lambda a, b: (a - b).mean().abs()),
        ("the differences averaged over the batch before the absolute value",
         lambda a, b: (a - b).mean(0).abs().mean()),
        ("the largest absolute difference (L∞) instead of the mean", lambda a, b: (a - b).abs().max()),
        ("the L1 of the images averaged over their channels (grey images compared)",
         lambda a, b: (a.mean(1) - b.mean(1)).abs().mean()),
        ("the median absolute difference instead of the mean", lambda a, b: (a - b).abs().median()),
        ("the Charbonnier loss √(d² + ε), a smoothed L1", lambda a, b: ((a - b).pow(2) + 1e-6).sqrt().mean()),
        ("the Charbonnier loss √(d² + ε), a smoothed L1", lambda a, b: ((a - b).pow(2) + 1e-3).sqrt().mean()),
        ("the log-cosh loss, a smoothed L1", lambda a, b: torch.log(torch.cosh(a - b)).mean()),
        ("the square of the L1", lambda a, b: (a - b).abs().mean().pow(2)),
    ]),
    "mse": ("the mean squared error", [
        ("a mean absolute difference (L1)", lambda a, b: (a - b).abs().mean()),
        ("the root of the mean squared error", lambda a, b: (a - b).pow(2).mean().sqrt()),
        ("a sum over every value, not a mean", lambda a, b: (a - b).pow(2).sum()),
        ("half the mean squared error", lambda a, b: (a - b).pow(2).mean() / 2),
        ("the smooth L1 (Huber) loss", lambda a, b: F.smooth_l1_loss(a, b)),
        ("the largest squared difference instead of the mean", lambda a, b: (a - b).pow(2).max()),
        ("a sum over each image, then a mean over the batch",
         lambda a, b: (a - b).pow(2).flatten(1).sum(1).mean()),
        ("the Euclidean norm of the whole difference (a root of a sum)",
         lambda a, b: (a - b).flatten().norm()),
        ("the square of the mean difference: the mean taken before the square",
         lambda a, b: (a - b).mean().pow(2)),
        ("each image's Euclidean distance, averaged over the batch",
         lambda a, b: (a - b).flatten(1).norm(dim=1).mean()),
        ("the squared error of the batch's means: the images averaged before they are compared",
         lambda a, b: (a.mean(0) - b.mean(0)).pow(2).mean()),
        ("the largest image's mean squared error instead of the mean over the batch",
         lambda a, b: (a - b).pow(2).flatten(1).mean(1).max()),
        ("the median squared difference instead of the mean", lambda a, b: (a - b).pow(2).median()),
        ("the log-cosh loss", lambda a, b: torch.log(torch.cosh(a - b)).mean()),
    ]),
    "bce": ("the binary cross-entropy of the logits against the target", [
        ("the cross-entropy of probabilities: a sigmoid applied before a loss that applies its own",
         lambda x, y: F.binary_cross_entropy_with_logits(torch.sigmoid(x), y)),
        ("the cross-entropy against the opposite target (real for fake, or fake for real)",
         lambda x, y: F.binary_cross_entropy_with_logits(x, 1 - y)),
        ("minus the cross-entropy against the opposite target (the minimax form)",
         lambda x, y: -F.binary_cross_entropy_with_logits(x, 1 - y)),
        ("a squared error of the logits against the target (the least-squares GAN's loss)",
         lambda x, y: (x - y).pow(2).mean()),
        ("a squared error of the probabilities against the target",
         lambda x, y: (torch.sigmoid(x) - y).pow(2).mean()),
        ("a sum over the batch, not a mean",
         lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction="sum")),
        ("the largest loss of the batch (the worst sample) instead of the mean",
         lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction="none").max()),
        ("the median loss of the batch instead of the mean",
         lambda x, y: F.binary_cross_entropy_with_logits(x, y, reduction="none").median()),
        ("a target of −1 for 0 (labels ±1): the cross-entropy takes 0 and 1",
         lambda x, y: F.binary_cross_entropy_with_logits(x, 2 * y - 1)),
        ("a smoothed target (0.9 for 1, 0.1 for 0)",
         lambda x, y: F.binary_cross_entropy_with_logits(x, y * 0.8 + 0.1)),
        ("a smoothed real target (0.9 for 1)",
         lambda x, y: F.binary_cross_entropy_with_logits(x, y * 0.9)),
        ("minus the mean probability of the target: the probability itself where the formula takes its log",
         lambda x, y: -_probability_of(x, y).mean()),
        ("the mean probability of the other class: the probability where the formula takes minus its log",
         lambda x, y: (1 - _probability_of(x, y)).mean()),
        ("minus the log of the mean probability: the log taken after the mean where the formula averages "
         "the logs", lambda x, y: -_probability_of(x, y).mean().log()),
        ("the hinge loss (another GAN's): a margin of 1 on the logits",
         lambda x, y: torch.relu(1 - (2 * y - 1) * x).mean()),
        ("minus the mean logit (the Wasserstein GAN's critic loss), without the log-sigmoid",
         lambda x, y: -((2 * y - 1) * x).mean()),
        ("the cross-entropy of one averaged logit: the logits averaged before the loss",
         lambda x, y: F.binary_cross_entropy_with_logits(x.mean(), y.mean())),
        ("the cross-entropy of each image's averaged logit: a patch's verdicts averaged before the loss",
         lambda x, y: F.binary_cross_entropy_with_logits(x.flatten(1).mean(1),
                                                                           y.flatten(1).mean(1))),
    ]),
    "ce": ("the cross-entropy of the logits against the target classes", [
        ("a cross-entropy of probabilities: a softmax applied before F.cross_entropy, which applies its own",
         lambda x, y: F.cross_entropy(x.softmax(1), y)),
        ("a cross-entropy with the softmax taken over the batch (dimension 0), not the classes",
         lambda x, y: F.nll_loss(x.log_softmax(0), y)),
        ("a cross-entropy with smoothed labels (label_smoothing=0.1)",
         lambda x, y: F.cross_entropy(x, y, label_smoothing=0.1)),
        ("a binary cross-entropy per class against the one-hot target, not the softmax's cross-entropy",
         lambda x, y: F.binary_cross_entropy_with_logits(
             x, F.one_hot(y, x.shape[1]).to(x.dtype))),
        ("the negative log-likelihood of the logits themselves: the log-softmax forgotten",
         lambda x, y: F.nll_loss(x, y)),
        ("minus the mean probability of the target class: the log forgotten",
         lambda x, y: -x.softmax(1).gather(1, y[:, None]).mean()),
        ("a sum over the batch, not a mean",
         lambda x, y: F.cross_entropy(x, y, reduction="sum")),
        ("the share of images whose class differs (an error rate, which has no gradient)",
         lambda x, y: (x.argmax(1) != y).float().mean()),
    ]),
}


def _probability_of(logits, target):
    """The probability a sigmoid gives each logit's target class (target 1 or 0)."""
    p = torch.sigmoid(logits)
    return target * p + (1 - target) * (1 - p)


def replaced_term(outputs, values, weights, forms, names):
    """Words when a student's losses are the reference's with one term computed another way (FORMS), the
    weights kept; else None.  Per case: ``values`` the terms, ``weights`` theirs, ``forms`` (kind, a, b)."""
    kinds = [kind for kind, _, _ in forms[0]]
    # each term alone, then every term of one kind at once (the whole loss of another GAN)
    groups = [[i] for i in range(len(names))] + [[i for i, k in enumerate(kinds) if k == kind]
                                                  for kind in dict.fromkeys(kinds) if kinds.count(kind) > 1]
    for group in groups:
        kind = kinds[group[0]]
        if kind not in FORMS:
            continue
        meant, others = FORMS[kind]
        for words, fn in others:
            try:
                alt = [sum(w * (float(fn(f[j][1], f[j][2]).detach()) if j in group else v)
                           for j, (v, w) in enumerate(zip(vals, ws)))
                       for vals, ws, f in zip(values, weights, forms)]
            except (RuntimeError, ValueError, IndexError):  # a form this term's shape cannot take
                continue
            if all(math.isclose(a, o, rel_tol=1e-4, abs_tol=1e-6) for a, o in zip(alt, outputs)):
                if len(group) > 1:
                    return f"in your loss every term is {words}, where the formula has {meant}"
                return f"in your loss {names[group[0]]} is {words}, where the formula has {meant}"
    return None
