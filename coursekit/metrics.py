"""Numbers that judge a generator of digits, read by the course's MNIST judge.

* :func:`class_accuracy`: the share of images the judge reads as the class they
  were asked to be (a conditional generator's main number);
* :func:`class_histogram`: how the judge's labels spread over the ten classes
  (an unconditional generator that covers every digit spreads evenly; a
  collapsed one piles up);
* :func:`fid`: the Fréchet distance between the judge's features of generated
  and of real training digits (like FID, with the judge in place of Inception).
  Read it against ``reference()``: the floor (held-out real digits against
  training digits) and the ceiling (uniform noise).

Never judge by the classifier's confidence: it is confidently wrong on noise.
"""

from functools import lru_cache

import torch
import torch.nn.functional as F

from coursekit import zoo
from coursekit.data import mnist
from coursekit.models.judge import predict
from coursekit.viz import check_images

NUM_CLASSES = 10


@lru_cache(maxsize=1)
def judge():
    """The zoo's judge (loaded once, kept on the CPU)."""
    return zoo.load("mnist-judge", device=torch.device("cpu"))


def _judge_or_default(j):
    return j if j is not None else judge()


def _digits(images, name="images", channels=1):
    check_images(images, name, channels=channels, values=True)
    if tuple(images.shape[2:]) != (28, 28):
        raise ValueError(f"{name} must be MNIST-sized (B, {channels}, 28, 28) in [-1, 1], got "
                         f"{tuple(images.shape)}")
    return images


def predicted_labels(images, judge=None):
    """The judge's label (N,) for images (N, C, 28, 28) in [-1, 1] (C = 1 for the MNIST judge)."""
    judge = _judge_or_default(judge)
    logits, _ = predict(judge, _digits(images, channels=judge.config.channels))
    return logits.argmax(1)


def _labels(labels, n):
    labels = torch.as_tensor(labels)
    if labels.shape != (n,):
        raise ValueError(f"labels must have shape ({n},) (one per image), got {tuple(labels.shape)}")
    if labels.dtype.is_floating_point or labels.min() < 0 or labels.max() >= NUM_CLASSES:
        raise ValueError(f"labels must be integers in 0..{NUM_CLASSES - 1}, got {labels.dtype} "
                         f"from {labels.min().item()} to {labels.max().item()}")
    return labels.long().cpu()


def class_accuracy(images, labels, judge=None, per_class=False):
    """Share of ``images`` (N, 1, 28, 28) the judge (default: MNIST's) reads as the asked ``labels`` (N,).

    With ``per_class=True`` returns ``(overall, tensor of 10 per-class accuracies)``.

    >>> ck.metrics.class_accuracy(G(z, y), y)
    0.985
    """
    labels = _labels(labels, len(images))
    hits = (predicted_labels(images, judge) == labels).float()
    overall = hits.mean().item()
    if not per_class:
        return overall
    per = torch.stack([hits[labels == c].mean() if (labels == c).any() else torch.tensor(float("nan"))
                       for c in range(NUM_CLASSES)])
    return overall, per


def class_histogram(images, judge=None):
    """How many of ``images`` (N, 1, 28, 28) the judge reads as each digit: int tensor (10,)."""
    return torch.bincount(predicted_labels(images, judge), minlength=NUM_CLASSES)


def confusion_matrix(images, labels, judge=None):
    """(10, 10) counts: row = asked label, column = the judge's label."""
    labels = _labels(labels, len(images))
    pred = predicted_labels(images, judge)
    return torch.bincount(labels * NUM_CLASSES + pred,
                          minlength=NUM_CLASSES**2).view(NUM_CLASSES, NUM_CLASSES)


def features(images, judge=None):
    """The judge's features (N, 128) of images (N, 1, 28, 28) in [-1, 1]."""
    _, feats = predict(_judge_or_default(judge), _digits(images))
    return feats


def gaussian_frechet(mu1, cov1, mu2, cov2):
    """Fréchet distance between N(mu1, cov1) and N(mu2, cov2):

        d² = ‖mu1 − mu2‖² + Tr(cov1 + cov2 − 2 (cov1 cov2)^½)

    Tr((cov1 cov2)^½) is computed as the sum of the square roots of the
    eigenvalues of cov1^½ cov2 cov1^½ (symmetric, so stable), in float64.
    """
    mu1, mu2, cov1, cov2 = (torch.as_tensor(t, dtype=torch.float64) for t in (mu1, mu2, cov1, cov2))
    vals, vecs = torch.linalg.eigh(cov1)
    root1 = vecs @ torch.diag(vals.clamp(min=0).sqrt()) @ vecs.T
    cross = torch.linalg.eigvalsh(root1 @ cov2 @ root1).clamp(min=0).sqrt().sum()
    return ((mu1 - mu2).square().sum() + cov1.trace() + cov2.trace() - 2 * cross).item()


def frechet_distance(feats_a, feats_b):
    """Fréchet distance between Gaussians fitted to two feature sets (N, D) and (M, D)."""
    for name, f in (("feats_a", feats_a), ("feats_b", feats_b)):
        if f.dim() != 2 or len(f) < 2:
            raise ValueError(f"{name} must have shape (N, D) with N >= 2, got {tuple(f.shape)}")
    if feats_a.shape[1] != feats_b.shape[1]:
        raise ValueError(f"feature sizes differ: {feats_a.shape[1]} vs {feats_b.shape[1]}")
    for name, f in (("feats_a", feats_a), ("feats_b", feats_b)):
        if not torch.isfinite(f).all():
            raise ValueError(f"{name} hold NaN or infinite values: the images they were read from had some "
                             "(a generator that diverged); the Fréchet distance of such a set is undefined")
    a, b = feats_a.double(), feats_b.double()
    return gaussian_frechet(a.mean(0), torch.cov(a.T), b.mean(0), torch.cov(b.T))


def fit_linear_classifier(x, labels, steps=300, lr=0.1, weight_decay=1e-3):
    """Logistic regression of binary ``labels`` (N,) on ``x`` (N, D), fitted on standardised inputs
    (Adam, full batch, a little L2); returns (weight (D,), bias) in x's own units:
    ``x @ weight + bias`` is the logit of label 1."""
    if x.dim() != 2 or labels.shape != (len(x),):
        raise ValueError(f"expected x (N, D) and labels (N,), got {tuple(x.shape)} and {tuple(labels.shape)}")
    x = x.detach().float()
    mean, std = x.mean(0), x.std(0).clamp(min=1e-6)
    xs = (x - mean) / std
    w = torch.zeros(x.shape[1], requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    opt = torch.optim.Adam([w, b], lr=lr)
    for _ in range(steps):
        loss = F.binary_cross_entropy_with_logits(xs @ w + b, labels.float()) + weight_decay * w.pow(2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    weight = w.detach() / std
    return weight, (b.detach() - mean @ weight).item()


@lru_cache(maxsize=1)
def _train_features():
    return features(mnist("train", verbose=False).images)


def fid(images, reference=None, judge=None):
    """Fréchet distance in the judge's feature space between ``images`` and real digits.

    ``reference`` defaults to the training digits (N, 1, 28, 28).  Compare
    numbers computed on the same number of images (the estimate is biased
    upwards for small N); ``reference()`` gives the floor and ceiling at 1,000.

    >>> ck.metrics.fid(G(z))
    """
    fa = features(images, judge)
    if reference is None and judge is None:
        fb = _train_features()
    else:
        fb = features(reference if reference is not None else mnist("train", verbose=False).images, judge)
    return frechet_distance(fa, fb)


def reference():
    """The floor and ceiling that make a Fréchet distance readable, from the judge's record."""
    m = zoo.record("mnist-judge")["metrics"]
    return {"floor (1,000 held-out real digits)": m["fid_floor"],
            "ceiling (1,000 uniform noise images)": m["fid_noise"]}


def evaluate_judge(model, seed=0):
    """The metrics stored in the judge's zoo record, measured on the held-out digits."""
    train, test = mnist("train", verbose=False), mnist("test", verbose=False)
    logits, test_feats = predict(model, test.images)
    pred = logits.argmax(1)
    per_class = [round((pred[test.labels == c] == c).float().mean().item(), 4) for c in range(NUM_CLASSES)]
    _, train_feats = predict(model, train.images)
    noise = torch.rand(len(test), 1, 28, 28, generator=torch.Generator().manual_seed(seed)) * 2 - 1
    noise_logits, noise_feats = predict(model, noise)
    return {
        "held_out_accuracy": round((pred == test.labels).float().mean().item(), 4),
        "held_out_images": len(test),
        "per_class_accuracy": per_class,
        "fid_floor": round(frechet_distance(test_feats, train_feats), 3),
        "fid_noise": round(frechet_distance(noise_feats, train_feats), 3),
        # what the judge calls pure noise: why confidence is never a quality measure
        "noise_label_histogram": torch.bincount(noise_logits.argmax(1), minlength=NUM_CLASSES).tolist(),
    }


def evaluate_generator(images, untrained=None):
    """Metrics of an unconditional digit generator from its samples (N, 1, 28, 28).

    Returns the Fréchet distance to the training digits, the share of each
    judged class (every digit should get 5-15% of 1,000 samples), and the
    Fréchet distance of ``untrained`` samples (the ceiling) when given.
    """
    hist = class_histogram(images)
    share = (hist.float() / len(images)).tolist()
    out = {"fid": round(fid(images), 3), "samples": len(images),
           "class_share": [round(s, 4) for s in share],
           "class_share_min": round(min(share), 4), "class_share_max": round(max(share), 4)}
    if untrained is not None:
        out["fid_untrained_G"] = round(fid(untrained), 3)
    return out


def mode_coverage(points, centers, std, min_share=0.2):
    """How well 2-D samples (N, 2) cover the modes (K, 2) of a mixture of Gaussians of width ``std``.

    A sample is *high quality* when it lies within 3 std of some centre; a mode
    is *covered* when at least ``min_share`` of its fair share (N / K) of
    high-quality samples land on it (Srivastava et al., 2017, count modes the same way).

    Returns ``{"modes": covered, "of": K, "high_quality": share of samples, "per_mode": counts}``.
    """
    if points.dim() != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (N, 2), got {tuple(points.shape)}")
    dist = torch.cdist(points.float(), centers.float())  # (N, K)
    nearest, which = dist.min(1)
    good = nearest <= 3 * std
    counts = torch.bincount(which[good], minlength=len(centers))
    covered = int((counts >= min_share * len(points) / len(centers)).sum())
    return {"modes": covered, "of": len(centers), "high_quality": round(good.float().mean().item(), 4),
            "per_mode": counts.tolist()}
