"""Notebook 07: GAN inversion and editing.

The exercise checks of this lecture, each with its hints (``ck.check.<name>``, ``ck.hint(name)``),
and its lab's (``ck.check.lab_recolour``).
"""

import torch
import torch.nn.functional as F

import coursekit as _ck
from coursekit import faces as _faces
from coursekit.check import Case, Check, Goal, Lab, Mistake, Terms, randn
from coursekit.models import inversion as _inversion


def _features(x):
    """A stand-in perceptual network for the checks: per-channel means and a coarse pooling through a
    tanh (nonlinear, as a real one: features(fake - target) is not features(fake) - features(target))."""
    return torch.cat([x.mean(dim=(2, 3)), torch.tanh(F.avg_pool2d(x, 2)).flatten(1)], dim=1)


def _inversion_case(seed, weight):
    return randn(seed, 2, 3, 4, 4), randn(seed + 1, 2, 3, 4, 4), _features, weight


def _inversion_loss_with(pixel="mse", perceptual=True, features_of="both", weight_on="perceptual",
                         feature="mse"):
    """The inversion loss with one mistake: no perceptual term, L1 pixels, the target's pixels for
    its features, the weight on the pixel term, or the feature distance unsquared or summed."""
    def loss(fake, target, features, weight):
        pix = F.mse_loss(fake, target) if pixel == "mse" else F.l1_loss(fake, target)
        if not perceptual:
            return pix
        f_target = (features(target) if features_of == "both"
                    else target.flatten(1)[:, :features(fake).shape[1]])
        feat = {"mse": F.mse_loss, "l1": F.l1_loss,
                "sum": lambda a, b: (a - b).pow(2).sum()}[feature](features(fake), f_target)
        return pix + weight * feat if weight_on == "perceptual" else weight * pix + feat
    return loss


inversion_loss = Check(
    "inversion_loss",
    terms=Terms(("the pixel term", "the feature term"),
                lambda fake, target, features, weight: (F.mse_loss(fake, target),
                                                        F.mse_loss(features(fake), features(target))),
                lambda fake, target, features, weight: (1, weight),
                lambda fake, target, features, weight: (("mse", fake, target), ("mse", features(fake),
                                                                                 features(target)))),
    hints=(
        'Both are mean squared errors (F.mse_loss).',
        'The feature distance compares features(fake) with features(target) and is weighed by weight; add '
        'the pixel term.',
    ),
    reference=lambda fake, target, features, weight: _inversion.inversion_loss(
        fake, target, features, weight),
    cases=[Case("weight 1", lambda: _inversion_case(50, 1.0)),
           Case("weight 0.1", lambda: _inversion_case(52, 0.1)),
           Case("weight 0: pixels only", lambda: _inversion_case(54, 0.0))],
    atol=1e-5,
    mistakes=[
        Mistake("Add the perceptual term: weight · mean((features(fake) − features(target))²).",
                _inversion_loss_with(perceptual=False)),
        Mistake("The pixel term is the mean squared error (F.mse_loss), not the absolute error.",
                _inversion_loss_with(pixel="l1")),
        Mistake("Compare the features of both images: features(fake) against features(target).",
                _inversion_loss_with(features_of="fake only")),
        Mistake("The weight multiplies the perceptual term; the pixel term counts once: mse(pixels) + "
                "weight · mse(features).", _inversion_loss_with(weight_on="pixels")),
        Mistake("The feature distance is squared too: F.mse_loss(features(fake), features(target)).",
                _inversion_loss_with(feature="l1")),
        Mistake("Average the squared feature differences (F.mse_loss), do not sum them: a sum grows with the "
                "number of features and drowns the pixel term.", _inversion_loss_with(feature="sum")),
    ],
)


def _linear_synth(seed):
    matrix = randn(seed, 12, 4)
    return lambda code: (code @ matrix.T).view(len(code), 3, 2, 2)


def _gradient_step_case(seed, lr):
    return randn(seed, 2, 4), randn(seed + 1, 2, 3, 2, 2), _linear_synth(seed + 2), lr


def _gradient_step_with(sign=-1.0, loss="mse", lr_used=True, normalise=False):
    """One step with one mistake: ascent, a summed loss, lr forgotten, the gradient normalised, or
    (raising) a code that does not require a gradient."""
    def step(code, target, synthesize, lr):
        code = code.detach().requires_grad_(True)
        fake = synthesize(code)
        value = {"mse": lambda: F.mse_loss(fake, target), "sum": lambda: (fake - target).pow(2).sum(),
                 "l1": lambda: F.l1_loss(fake, target)}[loss]()
        grad, = torch.autograd.grad(value, code)
        if normalise:
            grad = grad / grad.norm()
        return (code + sign * (lr if lr_used else 1.0) * grad).detach()
    return step


gradient_step = Check(
    "gradient_step",
    variants=[
        ("You step up the gradient: a descent step is code − lr · gradient.",
         lambda code, target, synth, lr: _inversion.gradient_step(code, target, synth, -lr)),
        ("The step is not scaled by lr: code − lr · gradient.",
         lambda code, target, synth, lr: _inversion.gradient_step(code, target, synth, 1.0)),
    ],
    hints=(
        'Start from a leaf copy of the code that requires a gradient (detach, then requires_grad_).',
        'torch.autograd.grad of the mean squared error between synthesize(code) and target gives the '
        'gradient; step against it by lr and return a detached tensor.',
    ),
    reference=_inversion.gradient_step,
    cases=[Case("lr 0.5", lambda: _gradient_step_case(60, 0.5)),
           Case("lr 2", lambda: _gradient_step_case(64, 2.0)),
           Case("another generator", lambda: _gradient_step_case(68, 1.0))],
    atol=1e-5,
    mistakes=[
        Mistake("Step against the gradient: code − lr · ∇loss (descent, not ascent).",
                _gradient_step_with(sign=1.0)),
        Mistake("The loss is the mean of the squared differences (F.mse_loss), not their sum.",
                _gradient_step_with(loss="sum")),
        Mistake("Multiply the gradient by the learning rate lr: code − lr · ∇loss.",
                _gradient_step_with(lr_used=False)),
        Mistake("The loss is the mean *squared* error (F.mse_loss), not the mean absolute error.",
                _gradient_step_with(loss="l1")),
        Mistake("Plain gradient descent steps by lr times the gradient itself, not by its direction alone "
                "(grad / ‖grad‖).", _gradient_step_with(normalise=True)),
    ],
)


def _project_with(normalise_other=True, renormalise=True, sign=-1.0, keep="orthogonal"):
    """The projection with one mistake: ô not normalised, the result not renormalised, the
    component added instead of removed, or the parallel part kept instead of the orthogonal one."""
    def project(direction, other):
        o = other / other.norm() if normalise_other else other
        parallel = (direction @ o) * o
        d = direction + sign * parallel if keep == "orthogonal" else parallel
        return d / d.norm() if renormalise else d
    return project


project_out = Check(
    "project_out",
    variants=[
        ("The other direction is not normalised: project onto other / ‖other‖.",
         lambda d, o: (lambda r: r / r.norm())(d - (d @ o) * o)),
        ("The result is not normalised: divide it by its own length.",
         lambda d, o: d - (d @ (o / o.norm())) * (o / o.norm())),
        ("The roles are swapped: take the other direction's component out of the direction you edit, not the "
         "reverse.",
         lambda d, o: (lambda u, r: r / r.norm())(None, o - (o @ (d / d.norm())) * (d / d.norm()))),
    ],
    hints=(
        'Project onto the *unit* other direction: normalise it first.',
        'Subtract (direction · o) o, then divide the result by its norm.',
    ),
    reference=_inversion.project_out,
    cases=[Case("unit vectors", lambda: (torch.tensor([0.6, 0.8, 0.0]), torch.tensor([1.0, 0.0, 0.0]))),
           Case("another direction of any length", lambda: (randn(70, 8), randn(71, 8) * 3)),
           Case("nearly parallel",
                lambda: (torch.tensor([1.0, 0.1, 0.0, 0.0]), torch.tensor([2.0, 0.0, 0.0, 0.0])))],
    atol=1e-5,
    mistakes=[
        Mistake("Normalise the other direction first (o / ‖o‖): the projection is (d · ô) ô.",
                _project_with(normalise_other=False)),
        Mistake("Renormalise the result to unit length, so that an edit's step size means the same.",
                _project_with(renormalise=False)),
        Mistake("Subtract the component along ô, do not add it: d − (d · ô) ô.", _project_with(sign=1.0)),
        Mistake("(d · ô) ô is the part to remove; keep what is left, d − (d · ô) ô, which is orthogonal "
                "to ô.",
                _project_with(keep="parallel")),
        Mistake("The component along ô is (d · ô) ô, a vector along ô, not (d · ô) d.",
                lambda direction, other: (lambda o: (lambda d: d / d.norm())(
                    direction - (direction @ o) * direction))(other / other.norm())),
    ],
)


# --------------------------------------------------------------------------------------------
# The lab: give inverted faces another hair colour, and keep everything else.

BLOND = _faces.HAIR_COLOUR_NAMES.index("blond")


def _score_recolour(recolour, G=None, attributes=None, n=16, colour=BLOND, seed=1):
    """Invert ``n`` held-out faces with the zoo's encoder (W+ codes), let ``recolour(G, attributes, codes,
    colour)`` edit the codes, and read the faces before and after with the attribute predictor: the share
    of faces that now read as ``colour`` (of those that did not before), and the share of the other class
    factors (face shape, skin tone, hair style, eyes, glasses, background) read as before the edit."""
    cpu = torch.device("cpu")
    G = G or _ck.zoo.load("faces-stylegan", device=cpu)
    attributes = attributes or _ck.zoo.load("faces-attributes", device=cpu)
    dev = next(G.parameters()).device
    encoder = _ck.zoo.load("faces-stylegan-encoder", device=dev)
    targets = _inversion.held_out_targets(n, size=G.config.resolution, seed=seed).to(dev)
    with torch.no_grad():
        codes = encoder(targets)
        before = _inversion.synthesize(G, codes, "w+").clamp(-1, 1)
    edited = recolour(G, attributes, codes.clone(), colour)
    if not torch.is_tensor(edited) or edited.shape != codes.shape:
        raise ValueError(f"recolour must return the edited W+ codes, a tensor of the codes' shape "
                         f"{tuple(codes.shape)}; got "
                         f"{tuple(edited.shape) if torch.is_tensor(edited) else type(edited).__name__}")
    if not torch.isfinite(edited).all():
        raise ValueError("the edited codes hold NaN or infinite values: lower the learning rate or the step "
                         "size")
    with torch.no_grad():
        after = _inversion.synthesize(G, edited.detach().to(dev), "w+").clamp(-1, 1)
    read_before, read_after = (_inversion.read_small(attributes, before),
                               _inversion.read_small(attributes, after))
    changed = read_before["hair_colour"] != colour
    others = [name for name in _faces.CLASS_FACTORS if name != "hair_colour"]
    kept = {name: (read_after[name] == read_before[name]).float().mean().item() for name in others}
    return {"recoloured": (read_after["hair_colour"][changed] == colour).float().mean().item(),
            "kept": sum(kept.values()) / len(kept), "kept_per_factor": kept, "faces": int(changed.sum()),
            "images": after.cpu()}


lab_recolour = Lab(
    "lab_recolour",
    task="recolour(G, attributes, codes, colour) returns edited W+ codes (N, num_ws, w_dim) whose faces read "
         "as the hair colour `colour` while every other class factor reads as before.",
    measure=_score_recolour,
    goals=[Goal("recoloured", "share of faces now read with the asked hair colour", at_least=0.9),
           Goal("kept", "share of the other class factors read as before", at_least=0.9)],
    hints=(
        "Section 6's direction moves every face the same way and drags other factors along; section 7's "
        "objective asks for the result instead. What would make it also ask for everything else to stay?",
        "Read the start faces once with the predictor; the other factors' classes it reads are targets too: "
        "each one a cross-entropy term beside the hair colour's.",
        "Optimise the W+ codes with Adam (lr about 0.02, a few dozen steps) on CE(hair, colour) "
        "+ Σ CE(other, its class at the start) + a small λ‖w − w0‖²; the predictor reads 64×64 "
        "(F.interpolate the 32×32 faces).",
    ),
)
