"""GAN inversion and editing, notebook 07: find the code of a given image, then move it.

Three ways to invert (the lecture's methods 1-3) a generator ``G`` (a StyleGAN of notebook 06):

* **optimisation**: ``z* = argmin_z ‖G(z) − x‖``, here with a pixel loss plus a perceptual loss in
  the features of the course's own attribute predictor, in Z, W or W+ (:func:`invert`);
* **an encoder** trained on generated pairs (w, G(w)) to map images to codes (:class:`Encoder`);
* **encoder initialisation + optimisation**: the encoder's guess as the starting point.

Editing moves an inverted code along a direction: the normal of a linear classifier of a known
factor (InterFaceGAN, :func:`interfacegan_direction`) or a principal direction of W (GANSpace,
:func:`ganspace_directions`); :func:`project_out` removes one direction from another so that an
edit leaves a second attribute alone.
"""

import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import coursekit as ck
from coursekit import faces as _faces
from coursekit.metrics import fit_linear_classifier
from coursekit.models.face_eval import predict_attributes
from coursekit.models.stylegan import read_attributes
from coursekit.models.stylegan import StyleGANConfig
from coursekit.zoo import register

SPACES = ("z", "w", "w+")


def perceptual(attributes):
    """The course's perceptual features: the attribute predictor's 128-d features (notebook 03's network,
    trained by the course), of images upsampled to the 64x64 it reads; differentiable, frozen."""
    attributes.eval().requires_grad_(False)
    return lambda x: attributes.features(F.interpolate(x, size=64, mode="bilinear", align_corners=False))


def gradient_step(code, target, synthesize, lr):
    """One step of plain gradient descent on the pixel loss mean((synthesize(code) − target)²):
    ``code − lr · ∇loss``, detached."""
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
    return (code - lr * grad).detach()


def inversion_loss(fake, target, perceptual=None, perceptual_weight=1.0):
    """Pixel L2 plus ``perceptual_weight`` × the squared distance of ``perceptual`` features (if given)."""
    loss = F.mse_loss(fake, target)
    if perceptual is not None:
        loss = loss + perceptual_weight * F.mse_loss(perceptual(fake), perceptual(target))
    return loss


def start_code(G, n, space, generator=None, w_samples=1000):
    """A starting code for each of ``n`` images: z = 0 (the mode of the prior) in Z; the mean w in W
    and W+ (repeated per layer in W+), from ``w_samples`` codes drawn with ``generator`` (seed 0 unless
    given, so that the start is the same every run)."""
    c, dev = G.config, next(G.parameters()).device
    if space == "z":
        return torch.zeros(n, c.z_dim, device=dev)
    generator = generator if generator is not None else torch.Generator().manual_seed(0)
    with torch.no_grad():
        w_mean = G.mapping(torch.randn(w_samples, c.z_dim, generator=generator).to(dev)).mean(0)
    w = w_mean.expand(n, -1).clone()
    return w.unsqueeze(1).repeat(1, c.num_ws, 1) if space == "w+" else w


def synthesize(G, code, space):
    """G's image for a code in Z (N, z_dim), W (N, w_dim) or W+ (N, num_ws, w_dim); noise off."""
    if space not in SPACES:
        raise ValueError(f"space must be one of {SPACES}, got {space!r}")
    if space == "z":
        ws = G.styles(code)
    elif space == "w":
        ws = code.unsqueeze(1).repeat(1, G.config.num_ws, 1)
    else:
        ws = code
    return G.synthesis(ws, use_noise=False)


def invert(G, target, space="w", steps=200, lr=0.05, init=None, perceptual=None, perceptual_weight=1.0):
    """Optimise a code so that G draws ``target`` (N, C, H, W); returns (code, image, seconds, losses).

    ``init``: a starting code (e.g. an encoder's), else :func:`start_code`."""
    G.eval().requires_grad_(False)
    code = (init.clone() if init is not None else start_code(G, len(target), space)).requires_grad_(True)
    opt = torch.optim.Adam([code], lr=lr)
    losses, start = [], time.perf_counter()
    for _ in range(steps):
        loss = inversion_loss(synthesize(G, code, space), target, perceptual, perceptual_weight)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    G.requires_grad_(True)
    with torch.no_grad():
        image = synthesize(G, code.detach(), space)
    return code.detach(), image, time.perf_counter() - start, losses


class Encoder(nn.Module):
    """Image (N, C, S, S) -> W+ code (N, num_ws, w_dim): a small CNN trained on generated pairs."""

    def __init__(self, config, width=32):
        super().__init__()
        self.config = config
        layers, ch, size = [], config.channels, config.resolution
        while size > 4:
            layers += [nn.Conv2d(ch, width, 3, 2, 1), nn.LeakyReLU(0.2)]
            ch, size = width, size // 2
            width = min(width * 2, 256)
        self.body = nn.Sequential(*layers, nn.Flatten())
        self.head = nn.Linear(ch * 16, config.num_ws * config.w_dim)

    def forward(self, x):
        return self.head(self.body(x)).view(len(x), self.config.num_ws, self.config.w_dim)


def train_encoder(G, steps=1000, batch_size=32, lr=1e-3, device=None, seed=0, desc="encoder",
                  checkpoint=None):
    """Train an :class:`Encoder` on pairs (G's image, its W+ code) drawn from G itself; returns (E, run)."""
    dev = device or ck.device()
    ck.seed(seed)
    G = G.to(dev).eval().requires_grad_(False)
    E = Encoder(G.config).to(dev)
    opt = torch.optim.Adam(E.parameters(), lr=lr)
    run = ck.train.Run({"E": E, "opt": opt}, steps=steps, desc=desc, checkpoint=checkpoint,
                       checkpoint_every=500)
    with run:
        for _ in run.steps():
            with torch.no_grad():
                ws = G.styles(torch.randn(batch_size, G.config.z_dim, device=dev))
                x = G.synthesis(ws, use_noise=False)
            pred = E(x)
            # the code, and the image it draws (a code can be wrong where G does not care)
            loss = F.mse_loss(pred, ws) + F.mse_loss(G.synthesis(pred, use_noise=False), x)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            run.log(loss=loss)
    G.requires_grad_(True)
    return ck.train.Fitted(E.eval(), run)


def interfacegan_direction(codes, labels, steps=300, lr=0.1):
    """The unit normal of a linear classifier (logistic regression) that separates codes (N, D) by a
    binary factor (N,): moving along it changes that factor (InterFaceGAN)."""
    weight, _ = fit_linear_classifier(codes, labels, steps=steps, lr=lr)
    return weight / weight.norm()


def ganspace_directions(G, k=10, n=5000, seed=0):
    """The top ``k`` principal directions of W (GANSpace), unit vectors (k, w_dim), and their std."""
    with torch.no_grad():
        z = torch.randn(n, G.config.z_dim, generator=torch.Generator().manual_seed(seed))
        w = G.mapping(z.to(next(G.parameters()).device))
    centred = w - w.mean(0)
    _, s, v = torch.linalg.svd(centred, full_matrices=False)
    return v[:k], s[:k] / (n - 1) ** 0.5


def project_out(direction, other):
    """``direction`` with its component along ``other`` removed, renormalised: an edit that leaves
    the other attribute (to first order) alone."""
    other = other / other.norm()
    d = direction - (direction @ other) * other
    return d / d.norm()


# --------------------------------------------------------------------------------------------
# Measuring inversions and edits with the attribute predictor (notebook 07).

def held_out_targets(n, size=32, seed=1):
    """``n`` held-out real renders (faces seed 1, never seen in training) at G's resolution."""
    return F.adaptive_avg_pool2d(_faces.faces(n, size=64, seed=seed).images, size)


def read_small(attributes, images):
    """What the attribute predictor reads from G's images (N, 3, 32, 32): it reads 64x64, so each pixel
    is repeated (nearest), not smoothed.  ``{factor: (N,)}`` as ``predict_attributes``."""
    return predict_attributes(attributes, F.interpolate(images, size=64, mode="nearest"))


def reconstruction_scores(attributes, image, target):
    """How close an inversion is: pixel mean squared error, perceptual distance (mean squared distance
    of the attribute predictor's features), and the share of class factors read the same."""
    feats = perceptual(attributes)
    with torch.no_grad():
        per = (feats(image) - feats(target)).pow(2).mean().item()
    a, b = read_small(attributes, image), read_small(attributes, target)
    same = torch.stack([(a[name] == b[name]).float() for name in _faces.CLASS_FACTORS]).mean().item()
    return {"pixel_mse": round(F.mse_loss(image, target).item(), 4), "perceptual": round(per, 4),
            "factors_kept": round(same, 3)}


def compare_methods(G, E, targets, attributes, steps=200, lr=0.05, perceptual_weight=1.0):
    """The lecture's three methods on ``targets``: optimisation in Z, W and W+ (from the mean code), the
    encoder alone, and the encoder's code refined by optimisation in W+.  Returns ``{method: {scores...,
    "seconds_per_image"}}``, ``{method: images}`` and ``{method: codes}``."""
    feats = perceptual(attributes)
    rows, images, codes = {}, {}, {}
    for space in SPACES:
        code, image, seconds, _ = invert(G, targets, space, steps, lr, perceptual=feats,
                                         perceptual_weight=perceptual_weight)
        name = f"optimisation in {space.upper()}"
        rows[name], images[name], codes[name] = seconds, image, code
    start = time.perf_counter()
    with torch.no_grad():
        guess = E(targets)
        rows["encoder"], images["encoder"] = time.perf_counter() - start, synthesize(G, guess, "w+")
    codes["encoder"] = guess
    code, image, seconds, _ = invert(G, targets, "w+", steps, lr, init=guess, perceptual=feats,
                                     perceptual_weight=perceptual_weight)
    rows["encoder + optimisation in W+"] = rows["encoder"] + seconds
    images["encoder + optimisation in W+"], codes["encoder + optimisation in W+"] = image, code
    table = {name: {**reconstruction_scores(attributes, images[name], targets),
                    "seconds_per_image": round(seconds / len(targets), 4)} for name, seconds in rows.items()}
    return table, images, codes


def read_vector(attributes, images):
    """What the predictor reads, factor by factor, on one scale: class probabilities, and values mapped
    to [0, 1]; ``{factor: (N, K)}``."""
    read = read_attributes(attributes, images)
    return {name: v if v.shape[1] > 1 else (v + 1) / 2 for name, v in read.items()}


def edit_scores(attributes, before, after, target=None):
    """How an edit moved each factor: per factor the mean change of what the predictor reads (total
    variation of the class probabilities, or the change of the value on [0, 1]), so 0 is untouched and
    1 the largest change.  With a ``target`` factor: ``{"target", "others" (mean over the rest),
    "per_factor"}``."""
    a, b = read_vector(attributes, before), read_vector(attributes, after)
    moved = {name: round(((b[name] - a[name]).abs().sum(1)
                          / (2 if a[name].shape[1] > 1 else 1)).mean().item(), 4)
             for name in a}
    if target is None:
        return moved
    others = [v for name, v in moved.items() if name != target]
    return {"target": moved[target], "others": round(sum(others) / len(others), 4), "per_factor": moved}


def edit(G, codes, direction, amount):
    """Images of W+ ``codes`` moved by ``amount`` along a W ``direction`` (every layer), noise off."""
    with torch.no_grad():
        return synthesize(G, codes + amount * direction.to(codes.device), "w+")


def attribute_constraint(attributes, factor, value):
    """A user constraint U(image) per image (N,): "this factor should read ``value``" (a class index, or
    a value in the factor's units, e.g. ``("smile", 1.0)``: a broad smile), through the attribute
    predictor: cross-entropy towards the class, or the squared error on the predictor's [-1, 1] scale."""
    if factor not in _faces.FACTORS:
        raise ValueError(f"unknown factor {factor!r}: pick one of {', '.join(_faces.FACTORS)}")
    kind, spec = _faces.FACTORS[factor]
    if kind == "class" and value not in range(spec):
        raise ValueError(f"{factor} is a class 0..{spec - 1}, got {value!r}")
    if kind == "value" and not spec[0] <= value <= spec[1]:
        raise ValueError(f"{factor} ranges over [{spec[0]}, {spec[1]}], got {value!r}")
    target = int(value) if kind == "class" else (value - spec[0]) / (spec[1] - spec[0]) * 2 - 1
    attributes.eval().requires_grad_(False)

    def user(images):
        out = attributes(F.interpolate(images, size=64, mode="bilinear", align_corners=False))[factor]
        if kind == "class":
            return F.cross_entropy(out, torch.full((len(images),), target, device=out.device),
                                   reduction="none")
        return (out.reshape(len(images)) - target).pow(2)
    return user


def editing_objective(G, D, w0, user, lam_closeness, lam_realism, steps=100, lr=0.02):
    """The lecture's editing objective in W+: ``w* = argmin U(G(w)) + λ1 ‖w − w0‖² − λ2 D(G(w))``, with
    ``user(images)`` the user's constraint U per image (N,).  Returns (w*, images, {"user", "distance",
    "realism"}: the final U, ‖w − w0‖² and D score, means over the images)."""
    G.eval().requires_grad_(False)
    D.eval().requires_grad_(False)
    w = w0.clone().requires_grad_(True)
    opt = torch.optim.Adam([w], lr=lr)
    for _ in range(steps):
        x = synthesize(G, w, "w+")
        loss = (user(x) + lam_closeness * (w - w0).pow(2).sum((1, 2)) - lam_realism * D(x).view(-1)).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    G.requires_grad_(True)
    D.requires_grad_(True)
    with torch.no_grad():
        x = synthesize(G, w.detach(), "w+")
        terms = {"user": round(user(x).mean().item(), 4),
                 "distance": round((w - w0).pow(2).sum((1, 2)).mean().item(), 3),
                 "realism": round(D(x).mean().item(), 3)}
    return w.detach(), x, terms


# The zoo saves and rebuilds this lecture's models by these names.
register("inversion.Encoder", Encoder, StyleGANConfig)
