"""Notebook 05: ProGAN's four tricks.

The exercise checks of this lecture, each with its hints (``ck.check.<name>``, ``ck.hint(name)``).
"""

import torch

from coursekit.check import Case, Check, Goal, Lab, Mistake, Terms, randn
from coursekit.models import progan as _progan
from coursekit.models import toy as _toy
from coursekit.models.dcgan import checks as _dcgan_checks


def _rms_over(dims, eps=1e-8, centre=False, unbiased=False, root=True):
    """x divided by a statistic of x over ``dims``: the root mean square (or, ``centre``, the standard
    deviation), plus ε, square-rooted or not: pixel norm and its variants along the axes mistakes take."""
    def norm(x):
        v = (x.var(dim=dims, keepdim=True, unbiased=unbiased) if centre
             else x.pow(2).mean(dim=dims, keepdim=True))
        return x / ((v + eps).sqrt() if root else v + eps)
    return norm


def _mbstd(x, group_size, groups_of="strided", unbiased=False, eps=1e-8, root=True, stat_dims=(1, 2, 3)):
    """Minibatch standard deviation along the axes its mistakes take: groups of neighbours instead of
    strided members, the unbiased variance, ε, no square root, another averaging."""
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w) if groups_of == "strided" else x.view(n // g, g, c, h, w).transpose(0, 1)
    v = y.var(dim=0, unbiased=unbiased) + eps
    s = (v.sqrt() if root else v).mean(dim=stat_dims).view(n // g, 1, 1, 1)
    s = s.repeat(g, 1, h, w) if groups_of == "strided" else s.repeat_interleave(g, 0).expand(n, 1, h, w)
    return torch.cat([x, s], dim=1)


fade_in = Check(
    "fade_in",
    same_slope=True,
    terms=Terms(("the old output's term", "the new block's term"), lambda alpha, old, new: (old, new),
                lambda alpha, old, new: (1 - alpha, alpha)),
    variants=[
        ("α and 1 − α are swapped: at α = 0 the result must be the old output, at α = 1 the new one.",
         lambda alpha, old, new: alpha * old + (1 - alpha) * new),
        ("The old output's weight is missing: (1 − α)·old + α·new, both weighted.",
         lambda alpha, old, new: old + alpha * new),
        ("The new output's weight is missing: (1 − α)·old + α·new, both weighted.",
         lambda alpha, old, new: (1 - alpha) * old + new),
    ],
    hints=(
        'At alpha = 0 the result is the old output alone, at alpha = 1 the new one alone.',
        'A linear interpolation between the two (torch.lerp does it, or weights that sum to 1).',
    ),
    reference=_progan.fade_in,
    cases=[Case("alpha 0: the old output only", lambda: (0.0, randn(0, 2, 3, 8, 8), randn(1, 2, 3, 8, 8))),
           Case("alpha 1: the new block only", lambda: (1.0, randn(2, 2, 3, 8, 8), randn(3, 2, 3, 8, 8))),
           Case("alpha 0.3, halfway in", lambda: (0.3, randn(4, 2, 3, 8, 8), randn(5, 2, 3, 8, 8)))],
    mistakes=[
        Mistake("At alpha = 0 the new block must not count yet: (1 − α)·old + α·new, not the other way "
                "round.",
                lambda a, old, new: a * old + (1 - a) * new),
        Mistake("The old output's weight must shrink as α grows: (1 − α)·old, not old.",
                lambda a, old, new: old + a * new),
        Mistake("The two weights must sum to 1 at every α: (1 − α)·old + α·new; yours leaves the new block "
                "out until α = 1.", lambda a, old, new: old if a < 1 else new),
        Mistake("The old output still counts while the new block fades in: (1 − α)·old + α·new, not α·new "
                "alone.",
                lambda a, old, new: a * new),
        Mistake("The fade is linear in α; yours uses α² (or another curve). torch.lerp(old, new, alpha).",
                lambda a, old, new: (1 - a ** 2) * old + a ** 2 * new),
    ],
)


def _pixel_norm_with(dims=(1,), rms=True, eps=1e-8):
    def norm(x):
        sq = x.pow(2).mean(dim=dims, keepdim=True) if rms else x.pow(2).sum(dim=dims, keepdim=True)
        return x / torch.sqrt(sq + eps)
    return norm


pixel_norm = Check(
    "pixel_norm",
    same_slope=True,
    variants=[
        *[(f"Your mean of the squares runs over dimension {d}; pixel norm takes it over dim 1, the channels "
           "of each pixel.", _rms_over(d)) for d in (0, 2, 3, (2, 3), (1, 2, 3))],
        ("You divide by the standard deviation (the mean subtracted); pixel norm divides by the root mean "
         "square, nothing subtracted.", _rms_over(1, centre=True)),
        ("The square root is missing: divide by sqrt(mean of squares + ε).", _rms_over(1, root=False)),
    ],
    hints=(
        'The mean of the squares is taken over dim 1 (the channels), keeping the dimension for broadcasting.',
        'Add 1e-8 inside the square root so a zero vector does not divide by zero.',
    ),
    reference=lambda x: _progan.PixelNorm()(x),
    cases=[Case("random features (2, 8, 4, 4)", lambda: (randn(6, 2, 8, 4, 4, scale=3.0),)),
           Case("one image, large values", lambda: (randn(7, 1, 16, 2, 2, scale=100.0),)),
           Case("a pixel whose features are all zero", lambda: (torch.cat([torch.zeros(1, 4, 1, 1),
                                                                           torch.ones(1, 4, 1, 1)], 2),)),
           Case("tiny features (about 1e-4), where ε inside the root counts",
                lambda: (randn(8, 2, 4, 2, 2, scale=1e-4),))],
    atol=1e-4,
    mistakes=[
        Mistake("Normalise each pixel's feature vector: the mean of x² over the channels (dim=1) only, "
                "not over the whole image.", _pixel_norm_with(dims=(1, 2, 3))),
        Mistake("Use the mean of x² over the channels (RMS), not the sum: the paper divides by "
                "sqrt(1/N Σ a² + ε).", _pixel_norm_with(rms=False)),
        Mistake("Add ε = 1e-8 inside the square root: a pixel with all-zero features divides by zero.",
                _pixel_norm_with(eps=0.0)),
        Mistake("Normalise over the channels (dim=1), not over the pixels (dims 2, 3).",
                _pixel_norm_with(dims=(2, 3))),
        Mistake("Divide by the root of the mean square (RMS), not by the mean square itself: "
                "x / sqrt(mean(x²) + ε).",
                lambda x: x / (x.pow(2).mean(dim=1, keepdim=True) + 1e-8)),
    ],
)


def _mbstd_with(strided=True, unbiased=False, average=True, eps=1e-8, whole_batch=False, prepend=False,
                root=True):
    """The statistic with one mistake: contiguous groups, N − 1, a map per pixel instead of one
    number, no ε, one statistic for the whole batch, the map put before x, or the variance itself."""
    def mbstd(x, group_size):
        n, c, h, w = x.shape
        g = n if whole_batch else min(group_size, n)
        y = x.view(g, n // g, c, h, w) if strided else x.view(n // g, g, c, h, w).transpose(0, 1)
        var = y.var(dim=0, unbiased=unbiased) + eps
        std = var.sqrt() if root else var
        s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1) if average else std.mean(dim=1, keepdim=True)
        s = s.repeat(g, 1, 1 if not average else h, 1 if not average else w)
        return torch.cat([s, x] if prepend else [x, s], dim=1)
    return mbstd


minibatch_std = Check(
    "minibatch_std",
    same_slope=True,
    variants=[
        ("Your groups are neighbours (images 0-3, 4-7...); the layer groups every g-th image, "
         "x.view(g, N/g, ...), and the group's value goes back to its members in the same order (repeat, not "
         "repeat_interleave).",
         lambda x, g: _mbstd(x, g, groups_of="neighbours")),
        ("You take the unbiased variance (divided by g − 1); the layer's is biased (unbiased=False).",
         lambda x, g: _mbstd(x, g, unbiased=True)),
        ("The square root is missing: the standard deviation, not the variance, is averaged.",
         lambda x, g: _mbstd(x, g, root=False)),
    ],
    hints=(
        'Reshape to (group size, N / group size, C, H, W): the first dimension runs across a group (image i '
        'goes to group i mod N/g).',
        'Population standard deviation over dim 0 (unbiased=False, +1e-8 inside the root), then the mean '
        'over C, H, W: one number per group.',
        'Repeat that number into a (N, 1, H, W) map in the same group order and concatenate it to x along '
        'the channels.',
    ),
    reference=lambda x, group_size: _progan.MinibatchStdDev(group_size)(x),
    cases=[Case("8 images in groups of 4", lambda: (randn(8, 8, 3, 4, 4), 4)),
           Case("4 identical images: no variety", lambda: (randn(9, 1, 2, 4, 4).repeat(4, 1, 1, 1), 4)),
           Case("6 images in groups of 2", lambda: (randn(10, 6, 5, 2, 2, scale=2.0), 2))],
    atol=1e-4,
    mistakes=[
        Mistake("Group k holds images k, k + n/G, k + 2n/G, ...: x.view(G, n // G, C, H, W), then the "
                "statistics over dim 0.", _mbstd_with(strided=False)),
        Mistake("The paper's standard deviation divides by N, not N − 1: var(dim=0, unbiased=False).",
                _mbstd_with(unbiased=True)),
        Mistake("One number per group: average the standard deviations over the channels *and* the pixels "
                "(dims C, H, W), then spread it over an H x W map.", _mbstd_with(average=False)),
        Mistake("The statistic is computed per group of group_size images, not over the whole batch.",
                _mbstd_with(whole_batch=True)),
        Mistake("The new map is appended after x's channels: torch.cat([x, s], dim=1).",
                _mbstd_with(prepend=True)),
        Mistake("Take the square root of the variance (+1e-8 inside it): the feature is a standard "
                "deviation.",
                _mbstd_with(root=False)),
    ],
)


def _equalized_with(scale="he", bias_scaled=False):
    def linear(x, weight, bias, gain):
        fan_in = weight.shape[1]
        c = {"he": gain / fan_in ** 0.5, "fan_in": gain / fan_in, "no gain": 1 / fan_in ** 0.5}[scale]
        return (x @ weight.t() + bias) * c if bias_scaled else x @ (weight * c).t() + bias
    return linear


equalized_linear = Check(
    "equalized_linear",
    same_slope=True,
    variants=[
        ("The gain is missing: the weight is scaled by gain / sqrt(fan_in).",
         lambda x, w, b, gain: torch.nn.functional.linear(x, w / w.shape[1] ** 0.5, b)),
        ("The square root is missing: scale by gain / sqrt(fan_in), not gain / fan_in.",
         lambda x, w, b, gain: torch.nn.functional.linear(x, w * gain / w.shape[1], b)),
        ("The fan-in is each output's number of inputs, weight.shape[1]; you used weight.shape[0] "
         "(the fan-out).",
         lambda x, w, b, gain: torch.nn.functional.linear(x, w * gain / w.shape[0] ** 0.5, b)),
        ("The bias is missing: add it after the scaled product.",
         lambda x, w, b, gain: torch.nn.functional.linear(x, w * gain / w.shape[1] ** 0.5)),
    ],
    hints=(
        "He's constant is gain / sqrt(fan_in); a linear layer's fan-in is its number of inputs, "
        "weight.shape[1].",
        'Scale the weight by the constant, then apply it as an ordinary linear layer (F.linear) with the '
        'bias unscaled.',
    ),
    reference=lambda x, weight, bias, gain: _progan.F.linear(x, weight * gain / weight.shape[1] ** 0.5, bias),
    cases=[Case("4 inputs of 16 features to 8, gain sqrt(2)",
                lambda: (randn(11, 4, 16), randn(12, 8, 16), randn(13, 8), 2 ** 0.5)),
           Case("gain 1 (to-RGB layers), 64 features",
                lambda: (randn(14, 2, 64), randn(15, 3, 64), randn(16, 3), 1.0)),
           Case("zero bias", lambda: (randn(17, 3, 9), randn(18, 5, 9), torch.zeros(5), 2 ** 0.5))],
    atol=1e-4,
    mistakes=[
        Mistake("He's constant is gain / sqrt(fan_in), with a square root.", _equalized_with(scale="fan_in")),
        Mistake("Multiply by the gain too: c = gain / sqrt(fan_in) (gain √2 for layers followed by leaky "
                "ReLU).",
                _equalized_with(scale="no gain")),
        Mistake("Scale the weights only, not the bias: F.linear(x, weight * c, bias).",
                _equalized_with(bias_scaled=True)),
        Mistake("The fan-in of a linear layer is its number of *inputs*, weight.shape[1], not its outputs.",
                lambda x, weight, bias, gain: x @ (weight * gain / weight.shape[0] ** 0.5).t() + bias),
        Mistake("Scale by gain / sqrt(fan_in), do not divide by it: the stored weights are N(0, 1) and the "
                "constant shrinks them at run time.",
                lambda x, weight, bias, gain: x @ (weight / (gain / weight.shape[1] ** 0.5)).t() + bias),
    ],
)


# --------------------------------------------------------------------------------------------
# The lab: a D that sees the batch ends notebook 01's mode collapse.

def _train_collapsing(make_discriminator, seed, steps, batch=256):
    """Notebook 01's collapsing setting (``toy.train_collapsing``) with the student's D; the loop and the loss
    are the course's, so only D can change."""
    def checked():
        D = make_discriminator()
        if not isinstance(D, torch.nn.Module):
            raise TypeError(f"make_discriminator() must return a torch.nn.Module (a new D), got "
                            f"{type(D).__name__}")
        probe = D(torch.zeros(batch, 2))
        if not isinstance(probe, torch.Tensor) or probe.shape != (batch,):
            got = tuple(probe.shape) if isinstance(probe, torch.Tensor) else type(probe).__name__
            raise ValueError(f"D(points) for a batch of points ({batch}, 2) must return one logit per point, "
                             f"shape ({batch},); got {got}. End with .flatten() (or .squeeze(1)) after the "
                             f"last Linear.")
        return D

    return _toy.train_collapsing(seed, steps, checked, batch=batch, std=_dcgan_checks.RING_STD)


def _score_batch_aware(make_discriminator, seeds=(0, 1, 2), steps=3000):
    """Modes covered and sharp samples (as notebook 01's lab) of G trained against the student's D."""
    return _dcgan_checks._score_remedy(lambda seed, n: _train_collapsing(make_discriminator, seed, n),
                                       seeds, steps)


lab_batch_aware = Lab(
    "lab_batch_aware",
    task="write make_discriminator() -> a new D for notebook 01's 2-D GAN (points (B, 2) -> logits (B,)) "
         "that ends the collapse of its fast-D setting by what D sees: the check trains G against it with "
         "the course's loop and loss (lr_D = 1e-2, lr_G = 1e-3), so D's architecture is the only thing you "
         "change.",
    measure=_score_batch_aware,
    goals=[Goal("fewest_modes", "modes covered by the worst seed (of 8; notebook 01's D: 3)", at_least=8),
           Goal("high_quality", "share of samples within 3σ of a mode", at_least=0.5)],
    hints=(
        "A D that judges one point at a time cannot tell that all of G's points sit on three modes: each of "
        "them looks real. What could D see that a collapsed batch of fakes has and a batch of real points "
        "has not?",
        "Its spread. Section 2's minibatch standard deviation gives D a statistic of the whole batch "
        "(or of groups of a few points) as one more input to its last layer. The 2-D points have few "
        "features: one averaged number may say too little, so try one standard deviation per feature.",
        "In D's forward: f = hidden features (B, F); view them as groups (B/4, 4, F); take the standard "
        "deviation over the group dimension (biased, plus a small ε under the square root); repeat it back "
        "to (B, F) and concatenate it to f before the last Linear, whose input then has 2F features.",
    ),
)
