"""The faces' evaluation models, trained on rendered faces only (issue 7; used by notebooks 03-07).

* :class:`AttributePredictor` reads every factor of ``ck.faces.FACTORS`` back
  from an image (a classifier head per class factor, a regression head per
  value factor); its 128-d penultimate features are the space of the faces'
  Fréchet distance.
* :class:`Segmenter` labels every pixel with a part of ``ck.faces.PARTS``:
  what Pix2Pix's "labels -> photo" is scored with (run it on the generated
  photo, compare with the input labels).
"""

from dataclasses import dataclass
from functools import lru_cache

import torch
import torch.nn as nn
import torch.nn.functional as F

import coursekit as ck
from coursekit import faces as _faces
from coursekit.train import distributed as dist
from coursekit.zoo import register


def _block(c_in, c_out):
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out),
                         nn.ReLU(inplace=True), nn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
                         nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))


@dataclass
class AttributeConfig:
    width: int = 32
    features: int = 128


class AttributePredictor(nn.Module):
    """Image (N, 3, S, S) -> {factor: logits (N, K) or value (N,)}."""

    def __init__(self, config=None):
        super().__init__()
        self.config = c = config or AttributeConfig()
        w = c.width
        self.body = nn.Sequential(_block(3, w), nn.MaxPool2d(2), _block(w, 2 * w), nn.MaxPool2d(2),
                                  _block(2 * w, 4 * w), nn.MaxPool2d(2), _block(4 * w, 4 * w),
                                  nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4 * w, c.features),
                                  nn.ReLU())
        self.heads = nn.ModuleDict({name: nn.Linear(c.features, spec if kind == "class" else 1)
                                    for name, (kind, spec) in _faces.FACTORS.items()})

    def features(self, x):
        if x.dim() != 4 or x.shape[1] != 3:
            raise ValueError(f"expected RGB images (N, 3, H, W) in [-1, 1], got shape {tuple(x.shape)}")
        return self.body(x)

    def forward(self, x):
        return self.read(self.features(x))

    def read(self, h):
        """Every factor's head on features ``h`` (N, features): class logits (N, K) or a value (N,)."""
        return {name: head(h) if _faces.FACTORS[name][0] == "class" else head(h).squeeze(1)
                for name, head in self.heads.items()}


def attribute_loss(outputs, factors):
    """Cross-entropy for class factors plus squared error for value factors (scaled to about [-1, 1])."""
    total = 0.0
    for name, (kind, spec) in _faces.FACTORS.items():
        target = factors[name].to(outputs[name].device)
        if kind == "class":
            total = total + F.cross_entropy(outputs[name], target)
        else:
            lo, hi = spec
            total = total + F.mse_loss(outputs[name], (target - lo) / (hi - lo) * 2 - 1)
    return total


def _in_units(pred):
    """The predictor's outputs as factors: {name: (N,) classes, or values in the factor's units}."""
    out = {}
    for name, (kind, spec) in _faces.FACTORS.items():
        p = pred[name].float().cpu()
        out[name] = (p.argmax(1) if kind == "class"
                     else (p.clamp(-1, 1) + 1) / 2 * (spec[1] - spec[0]) + spec[0])
    return out


@torch.no_grad()
def predict_attributes(model, images, batch_size=500):
    """The factors the model reads from ``images``: {name: (N,) classes or values in the factor's units}."""
    was = model.training
    model.eval()
    dev = next(model.parameters()).device
    parts = [_in_units(model(chunk.to(dev))) for chunk in images.split(batch_size)]
    model.train(was)
    return {name: torch.cat([p[name] for p in parts]) for name in _faces.FACTORS}


@dataclass
class SegmenterConfig:
    width: int = 24


class Segmenter(nn.Module):
    """Image (N, 3, S, S) -> part logits (N, len(PARTS), S, S): a small encoder-decoder with skips."""

    def __init__(self, config=None):
        super().__init__()
        self.config = c = config or SegmenterConfig()
        w = c.width
        self.enc1, self.enc2, self.enc3 = _block(3, w), _block(w, 2 * w), _block(2 * w, 4 * w)
        self.dec2, self.dec1 = _block(6 * w, 2 * w), _block(3 * w, w)
        self.out = nn.Conv2d(w, len(_faces.PARTS), 1)

    def forward(self, x):
        if x.dim() != 4 or x.shape[1] != 3 or x.shape[-1] % 4:
            raise ValueError("expected RGB images (N, 3, H, W) with H, W multiples of 4, got shape "
                             f"{tuple(x.shape)}")
        e1 = self.enc1(x)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        e3 = self.enc3(F.max_pool2d(e2, 2))
        d2 = self.dec2(torch.cat([F.interpolate(e3, scale_factor=2.0), e2], 1))
        d1 = self.dec1(torch.cat([F.interpolate(d2, scale_factor=2.0), e1], 1))
        return self.out(d1)


@torch.no_grad()
def segment(model, images, batch_size=200):
    """Part labels (N, S, S) that the segmenter reads from ``images``."""
    was = model.training
    model.eval()
    dev = next(model.parameters()).device
    out = torch.cat([model(chunk.to(dev)).argmax(1).cpu() for chunk in images.split(batch_size)])
    model.train(was)
    return out


def segmentation_scores(predicted, target, num_classes=len(_faces.PARTS)):
    """Per-pixel accuracy, per-class accuracy (the mean over the parts present of the share of each
    part's pixels found), mean IoU over the parts present (the Pix2Pix and CycleGAN papers' FCN
    scores), and the IoU of each part present, ``{"iou": {part: value}}``."""
    acc = (predicted == target).float().mean().item()
    ious, recalls = {}, []
    for k in range(num_classes):
        p, t = predicted == k, target == k
        if t.any():
            ious[_faces.PARTS[k] if num_classes == len(_faces.PARTS) else k] = ((p & t).sum().item()
                                                                                / (p | t).sum().item())
            recalls.append((p & t).sum().item() / t.sum().item())
    return {"pixel_accuracy": acc, "class_accuracy": sum(recalls) / len(recalls),
            "mean_iou": sum(ious.values()) / len(ious), "iou": ious}


TRAIN_SEED, TEST_SEED = 0, 1  # rendered faces: seed 0 streams the training images, seed 1 is held out
#: The seed of the codes a zoo face GAN's bar is read on (its record's ``metrics.fresh_codes``): no other
#: measure of the course samples it.
FRESH_SEED = 7


def _stream(step, batch_size, size, detail=False):
    """The training batch of ``step``: images step·B .. (step+1)·B − 1 of the training seed (resumable as
    is); under torchrun each rank renders only its slice of it."""
    offset, n = dist.shard_range(batch_size)
    return _faces.faces(n, size=size, seed=TRAIN_SEED, start=step * batch_size + offset, detail=detail)


def _train(model, loss_fn, name, steps, batch_size, size, lr, checkpoint, device, seed, detail=False,
           bf16=None):
    """The loop both evaluation models share: AdamW with a one-cycle learning rate on fresh renders
    (``bf16``: autocast, None where the hardware has native bf16, as ``ck.core.autocast``)."""
    dev = device or ck.device()
    ck.seed(seed)
    model = model.to(dev)
    dist.data_parallel(model)  # under torchrun: gradients averaged over the ranks
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=max(steps, 1), pct_start=0.1)
    run = ck.train.Run({"model": model, "opt": opt, "sched": sched}, steps=steps, checkpoint=checkpoint,
                       checkpoint_every=500, desc=name)
    with run:
        for step in run.steps():
            batch = _stream(step, batch_size, size, detail)
            with ck.core.autocast(dev, bf16):
                loss = loss_fn(model, batch, dev)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            run.log(loss=dist.mean(loss))
    return ck.train.Fitted(model.eval(), run)


def train_attributes(steps=3000, batch_size=64, size=64, lr=2e-3, checkpoint=None, device=None, seed=0,
                     bf16=None):
    """Train the attribute predictor on a stream of fresh renders; returns (model, run)."""
    torch.manual_seed(seed)
    return _train(AttributePredictor(), lambda net, b, dev: attribute_loss(net(b.images.to(dev)), b.factors),
                  "attributes", steps, batch_size, size, lr, checkpoint, device, seed, bf16=bf16)


def through_camera(images, generator=None):
    """What a camera adds to a photo and a render lacks, drawn for each image of ``images`` (N, C, H, W) in
    [-1, 1]: on about half of them a blur (Gaussian, σ 0.3 to 1.5 px), on half a grain (up to 0.12 per pixel),
    on half a colour cast (0.2 per channel).  Random numbers from ``generator`` (None: the global ones, which
    a resumed training restores)."""
    n, c = images.shape[:2]
    blur, grain, cast = (torch.rand(n, 3, generator=generator) < 0.5).unbind(1)
    sigma = 0.3 + 1.2 * torch.rand(n, 1, generator=generator)
    taps = torch.arange(-3, 4, dtype=images.dtype)
    kernel = torch.exp(-taps ** 2 / (2 * sigma ** 2))
    kernel = torch.where(blur[:, None], kernel / kernel.sum(1, keepdim=True), (taps == 0).to(images.dtype))
    k = kernel.repeat_interleave(c, 0)  # one separable kernel per image and channel: (N·C, 7)
    x = F.pad(images.reshape(1, n * c, *images.shape[-2:]), (3, 3, 3, 3), mode="reflect")
    x = F.conv2d(F.conv2d(x, k[:, None, None, :], groups=n * c), k[:, None, :, None],
                 groups=n * c).view_as(images)
    amount = grain.view(n, 1, 1, 1) * 0.12 * torch.rand(n, 1, 1, 1, generator=generator)
    x = x + amount * torch.randn(images.shape, generator=generator)
    x = x + cast.view(n, 1, 1, 1) * 0.2 * torch.randn(n, c, 1, 1, generator=generator)
    return x.clamp(-1, 1)


def train_segmenter(steps=2000, batch_size=32, size=64, lr=2e-3, checkpoint=None, device=None, seed=0,
                    detail=False, camera=False, bf16=None):
    """Train the segmenter on a stream of fresh renders (``detail=True``: photos with detail, as
    ``ck.faces.faces`` draws them; ``camera=True``: each photo passed through :func:`through_camera` first, so
    that the segmenter has seen blur, grain and colour casts, as a segmenter trained on real photos
    has); returns (model, run)."""
    torch.manual_seed(seed)
    look = through_camera if camera else (lambda x: x)
    return _train(
        Segmenter(), lambda net, b, dev: F.cross_entropy(net(look(b.images).to(dev)), b.labels.to(dev)),
        "segmenter", steps, batch_size, size, lr, checkpoint, device, seed, detail, bf16)


@torch.no_grad()
def read_faces(model, images, batch_size=200):
    """One pass of the attribute predictor over ``images`` (N, 3, S, S): its 128-d features (N, 128), the
    space of the faces' Fréchet distance, and the factors it reads (as :func:`predict_attributes`).
    Images smaller than 64x64 are upsampled (bilinear) to the size it was trained at."""
    was = model.training
    model.eval()
    dev = next(model.parameters()).device
    features, parts = [], []
    for chunk in images.split(batch_size):
        if chunk.shape[-1] != 64:
            chunk = F.interpolate(chunk, size=64, mode="bilinear", align_corners=False)
        h = model.features(chunk.to(dev))
        features.append(h.cpu())
        parts.append(_in_units(model.read(h)))
    model.train(was)
    return torch.cat(features), {name: torch.cat([p[name] for p in parts]) for name in _faces.FACTORS}


def attribute_features(model, images, batch_size=200):
    """The attribute predictor's 128-d features of ``images`` (N, 3, S, S): the space of the faces'
    Fréchet distance (:func:`read_faces`)."""
    return read_faces(model, images, batch_size)[0]


def faces_frechet_distance(model, fake, real):
    """Fréchet distance between two sets of faces in the attribute predictor's features."""
    return ck.metrics.frechet_distance(attribute_features(model, fake), attribute_features(model, real))


@lru_cache(maxsize=4)
def _held_out_at(n, size, seed, detail=False):
    """``n`` real faces of ``seed`` (with ``detail`` or flat) brought down to size x size and back up
    (nearest) to 64 x 64; kept, since a table of scores compares many generated sets with the same real
    ones."""
    real = F.adaptive_avg_pool2d(_faces.faces(n, size=64, seed=seed, detail=detail).images, size)
    return F.interpolate(real, size=64, mode="nearest")


def versus_real(model, fake, seed=TEST_SEED, detail=False):
    """Fréchet distance and :func:`attribute_variety` of generated faces (N, 3, S, S) against as many
    held-out real faces brought down to S x S; both upsampled (nearest) to the predictor's 64 x 64, so
    that a generator of small images is compared with real faces as small.  ``detail``: against real
    faces with detail (a generator trained on them)."""
    real = _held_out_at(len(fake), fake.shape[-1], seed, detail)
    (features_fake, read_fake), (features_real, read_real) = (
        read_faces(model, F.interpolate(fake, size=64, mode="nearest")),
        read_faces(model, real))  # one pass over each set serves both measures
    return {"fid": round(ck.metrics.frechet_distance(features_fake, features_real), 3),
            "variety": _variety(read_fake, read_real)}


def texture(images):
    """The mean absolute difference of neighbouring pixels (across and down): how much fine detail, or
    speckle, a set of images (N, C, H, W) in [-1, 1] holds."""
    across = (images[..., :, 1:] - images[..., :, :-1]).abs().mean()
    down = (images[..., 1:, :] - images[..., :-1, :]).abs().mean()
    return float(across + down) / 2


def quality(model, fake, seed=TEST_SEED, detail=False):
    """The three numbers a face GAN is judged by, on generated faces (N, 3, S, S) against as many
    held-out real ones at S x S: the Fréchet distance and the mean variety (:func:`versus_real`), and
    the texture as a share of the real faces' (:func:`texture`: above 1 speckled, below 1 blurred)."""
    measured = versus_real(model, fake, seed, detail)
    size = fake.shape[-1]
    real = F.avg_pool2d(_held_out_at(len(fake), size, seed, detail), 64 // size)  # back to S x S exactly
    return {"fid": measured["fid"], "variety": measured["variety"]["mean"],
            "texture": round(texture(fake.clamp(-1, 1)) / texture(real), 3)}


def attribute_variety(model, fake, real):
    """How varied generated faces are, factor by factor, as a share of how varied ``real`` faces are:
    for a class factor the entropy (bits) of the classes the predictor reads, for a value factor the
    standard deviation of the values.  1 is as varied as real faces; a collapsed G scores near 0.
    Returns ``{factor: share, ..., "mean": the mean share}``."""
    return _variety(predict_attributes(model, fake), predict_attributes(model, real))


def _variety(pf, pr):
    """:func:`attribute_variety` from the factors read from the generated (``pf``) and the real faces
    (``pr``)."""
    n_fake, n_real = (len(next(iter(p.values()))) for p in (pf, pr))
    if n_fake < 2 or n_real < 2:
        raise ValueError(
            f"variety needs at least 2 faces in each set, got {n_fake} generated and {n_real} real")

    def spread(values, kind, spec):
        if kind == "value":
            return values.std().item()
        p = torch.bincount(values, minlength=spec).float() / len(values)
        p = p[p > 0]
        return max(0.0, -(p * p.log2()).sum().item())  # one class: 0 bits (not -0.0)

    out = {name: round(spread(pf[name], kind, spec) / max(spread(pr[name], kind, spec), 1e-8), 4)
           for name, (kind, spec) in _faces.FACTORS.items()}
    out["mean"] = round(sum(out.values()) / len(out), 4)
    return out


def evaluate_attributes(model, n=1000, size=64):
    """Held-out accuracy per class factor and mean absolute error per value factor (in its units).

    Hair colour is scored on the faces that show hair: a bald head has none to read (about a quarter
    of the faces, where any answer is a guess)."""
    test = _faces.faces(n, size=size, seed=TEST_SEED)
    pred = predict_attributes(model, test.images)
    visible = {"hair_colour": test.factors["hair_style"] != _faces.HAIR_STYLES.index("bald")}
    out = {}
    for name, (kind, _) in _faces.FACTORS.items():
        if kind == "class":
            hits = (pred[name] == test.factors[name])[visible.get(name, slice(None))]
            out[f"{name}_accuracy"] = round(hits.float().mean().item(), 4)
        else:
            out[f"{name}_mae"] = round((pred[name] - test.factors[name]).abs().mean().item(), 4)
    return out


def evaluate_segmenter(model, n=500, size=64, detail=False, camera=False):
    """Held-out per-pixel accuracy and mean IoU (on photos with detail if ``detail``); ``camera=True`` adds
    the same on those photos passed through :func:`through_camera` (``camera_pixel_accuracy``,
    ``camera_mean_iou``)."""
    test = _faces.faces(n, size=size, seed=TEST_SEED, detail=detail)
    scores = segmentation_scores(segment(model, test.images), test.labels)
    out = {"pixel_accuracy": round(scores["pixel_accuracy"], 4), "mean_iou": round(scores["mean_iou"], 4),
           "iou": {part: round(v, 4) for part, v in scores["iou"].items()}}
    if camera:
        seen = through_camera(test.images, torch.Generator().manual_seed(TEST_SEED))
        spoilt = segmentation_scores(segment(model, seen), test.labels)
        out.update(camera_pixel_accuracy=round(spoilt["pixel_accuracy"], 4),
                   camera_mean_iou=round(spoilt["mean_iou"], 4))
    return out


# The zoo saves and rebuilds this lecture's models by these names.
register("face_eval.AttributePredictor", AttributePredictor, AttributeConfig)
register("face_eval.Segmenter", Segmenter, SegmenterConfig)
