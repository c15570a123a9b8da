"""Notebook 06: StyleGAN's pieces.

The exercise checks of this lecture, each with its hints (``ck.check.<name>``, ``ck.hint(name)``).
"""

import torch
import torch.nn.functional as F

import coursekit as _ck
from coursekit.check import Case, Check, Goal, Lab, Mistake, expect_images, randn
from coursekit.models import face_eval as _face_eval
from coursekit.models import stylegan as _stylegan


def _adain_with(unbiased=False, swap=False, per="image and channel", root=True, centre=True):
    """AdaIN with one mistake: statistics over the batch too, y_s and y_b swapped, N − 1, the variance
    instead of the standard deviation, or the mean not subtracted."""
    def adain(x, ys, yb):
        dims = {"image and channel": (2, 3), "channel": (0, 2, 3), "image": (1, 2, 3)}[per]
        mu = x.mean(dim=dims, keepdim=True)
        var = x.var(dim=dims, keepdim=True, unbiased=unbiased) + 1e-8
        sigma = var.sqrt() if root else var
        s, b = (yb, ys) if swap else (ys, yb)
        return s[:, :, None, None] * ((x - mu) if centre else x) / sigma + b[:, :, None, None]
    return adain


def _adain(dims=(2, 3), unbiased=False, eps=1e-8, centre=True, root=True, bias_inside=False):
    """AdaIN along the axes its mistakes take: statistics over other dimensions, the unbiased variance, no
    centring (the root mean square), no square root, the bias added before the scale."""
    def f(x, ys, yb, *rest):
        mu = x.mean(dim=dims, keepdim=True) if centre else 0
        v = (x.var(dim=dims, keepdim=True, unbiased=unbiased) if centre
             else x.pow(2).mean(dim=dims, keepdim=True))
        norm = (x - mu) / ((v + eps).sqrt() if root else v + eps)
        ys, yb = ys[:, :, None, None], yb[:, :, None, None]
        return ys * (norm + yb) if bias_inside else ys * norm + yb
    return f


def _modulated(demod_dims=(1, 2, 3), root=True, style_axis="in", mean=False):
    """The modulated and demodulated convolution written as the paper does (one kernel per image), along
    the axes its mistakes take."""
    def f(x, weight, style):
        n, c_in, h, w = x.shape
        s = style[:, None, :, None, None] if style_axis == "in" else style[:, :, None, None, None]
        wk = weight[None] * s                                              # (N, C_out, C_in, k, k)
        sq = (wk.pow(2).mean(dim=demod_dims, keepdim=True) if mean
              else wk.pow(2).sum(dim=demod_dims, keepdim=True))
        wk = wk / ((sq + 1e-8).sqrt() if root else sq + 1e-8)
        out = F.conv2d(x.reshape(1, n * c_in, h, w), wk.reshape(-1, c_in, *weight.shape[2:]),
                       padding=weight.shape[-1] // 2, groups=n)
        return out.view(n, -1, h, w)
    return f


adain = Check(
    "adain",
    same_slope=True,
    variants=[
        *[(f"Your statistics run over dimension(s) {d}; AdaIN takes the mean and standard deviation of each "
           "image's channel over its pixels, dims (2, 3).", _adain(dims=d)) for d in (2, 3, (1, 2, 3), 0, 1)],
        ("You divide by the unbiased standard deviation; instance norm uses the biased one (unbiased=False).",
         _adain(unbiased=True)),
        ("The mean is not subtracted: normalise (x − μ) / σ, then scale and shift.", _adain(centre=False)),
        ("The square root is missing: σ is the square root of the variance (+ ε).", _adain(root=False)),
        ("The bias is added before the scale: y_s · norm + y_b, the scale first.", _adain(bias_inside=True)),
    ],
    hints=(
        'The statistics are per image and per channel: over the spatial dims (2, 3), keeping them for '
        'broadcasting.',
        'The spread is the population standard deviation (unbiased=False) with 1e-8 inside the root; the '
        'style vectors (N, C) need two trailing dimensions.',
    ),
    reference=_stylegan.adain,
    cases=[Case("2 images, 3 channels", lambda: (randn(20, 2, 3, 4, 4, scale=3.0) + 1,
                                                 randn(21, 2, 3).abs() + 0.5, randn(22, 2, 3))),
           Case("one image, unit style",
                lambda: (randn(23, 1, 4, 8, 8), torch.ones(1, 4), torch.zeros(1, 4))),
           Case("4 images of 2x2",
                lambda: (randn(24, 4, 2, 2, 2, scale=5.0), randn(25, 4, 2).abs(), randn(26, 4, 2)))],
    atol=1e-4,
    mistakes=[
        Mistake("μ(x) and σ(x) are per image and per channel: reduce over the pixels (dims 2, 3) only.",
                _adain_with(per="channel")),
        Mistake("y_s scales and y_b shifts: y_s · (x − μ) / σ + y_b.", _adain_with(swap=True)),
        Mistake("Use the population standard deviation (unbiased=False), as instance norm does.",
                _adain_with(unbiased=True)),
        Mistake("Divide by the standard deviation, the square root of the variance (+1e-8 inside it).",
                _adain_with(root=False)),
        Mistake("Subtract the mean before dividing: (x − μ(x)) / σ(x), so each channel starts at mean 0.",
                _adain_with(centre=False)),
        Mistake("Each channel has its own statistics: reduce over the pixels (dims 2, 3), not over the "
                "channels as well (that is layer norm).", _adain_with(per="image")),
    ],
)


def _demod_with(demod_dims=(2, 3, 4), modulate=True, demodulate=True, order="modulate first", padding="same",
                root=True):
    """The modulated convolution with one mistake: demodulation over the wrong dims or missing, no
    modulation, the raw weights demodulated before modulating, no padding, or no square root."""
    def modulated(x, weight, style):
        n, c_in, h, w = x.shape
        c_out, _, k, _ = weight.shape
        s = style[:, None, :, None, None] if modulate else 1.0
        if order == "demodulate first":
            weight = weight * torch.rsqrt(weight.pow(2).sum(dim=(1, 2, 3), keepdim=True) + 1e-8)
        wts = (weight[None] * s).expand(n, -1, -1, -1, -1)
        if demodulate and order == "modulate first":
            sq = wts.pow(2).sum(dim=demod_dims, keepdim=True) + 1e-8
            wts = wts * (torch.rsqrt(sq) if root else 1 / sq)
        out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k),
                       padding=k // 2 if padding == "same" else 0, groups=n)
        return out.view(n, c_out, *out.shape[-2:])
    return modulated


demodulation = Check(
    "demodulation",
    same_slope=True,
    variants=[
        *[(f"Your demodulation sums over dimension(s) {d} of the (N, C_out, C_in, k, k) kernels; it sums "
           "each output channel's weights over its inputs and the kernel, dims (2, 3, 4).",
           _modulated(demod_dims=d))
          for d in ((1, 3, 4), (3, 4), (1, 2, 3, 4))],
        ("The square root is missing: divide by sqrt(Σ w'² + ε).", _modulated(root=False)),
        ("You take the mean of the squared weights; demodulation divides by the root of their sum.",
         _modulated(mean=True)),
    ],
    hints=(
        'Modulated weights per image: (N, C_out, C_in, k, k), the style multiplying the input-channel '
        'dimension.',
        'Demodulate: divide by the root of the sum of squares over (C_in, k, k), +1e-8 inside the root.',
        'One grouped convolution does N convolutions at once: the batch folded into channels '
        '(1, N·C_in, H, W), groups = N, padding k // 2.',
    ),
    reference=lambda x, weight, style: _stylegan.modulated_conv2d(x, weight, style),
    traced=_modulated(demod_dims=(2, 3, 4)),  # notebook 06's form: N kernels, one grouped convolution
    cases=[Case("2 images, 4 -> 3 channels, 3x3", lambda: (randn(27, 2, 4, 6, 6), randn(28, 3, 4, 3, 3),
                                                          randn(29, 2, 4).abs() + 0.2)),
           Case("one image, unit style",
                lambda: (randn(30, 1, 2, 5, 5), randn(31, 2, 2, 3, 3), torch.ones(1, 2))),
           Case("3 images, 1x1 kernel",
                lambda: (randn(32, 3, 5, 4, 4), randn(33, 6, 5, 1, 1), randn(34, 3, 5).abs()))],
    atol=1e-4,
    mistakes=[
        Mistake("Demodulate per output channel j: sum w'² over the input channels and the kernel (dims "
                "2, 3, 4 of the (N, C_out, C_in, k, k) weights), not over everything.",
                _demod_with(demod_dims=(1, 2, 3, 4))),
        Mistake("Demodulate too: divide each output channel's weights by sqrt(Σ w'² + ε), or the output's "
                "scale follows the style's.", _demod_with(demodulate=False)),
        Mistake("Modulate first: w' = s · w, each input channel i scaled by its style s_i "
                "(style[:, None, :, None, None]); then demodulate.", _demod_with(modulate=False)),
        Mistake("Demodulate the *modulated* weights w' = s · w: the normalisation must undo the style's "
                "scale, so modulate first, then divide by sqrt(Σ w'² + ε).",
                _demod_with(order="demodulate first")),
        Mistake("Pad by k // 2 so that the output keeps the input's height and width.",
                _demod_with(padding="none")),
        Mistake("Demodulation divides by the root of the sum of squares: torch.rsqrt(Σ w'² + ε), not "
                "1 / Σ w'².",
                _demod_with(root=False)),
    ],
)


def _truncate_with(form="paper"):
    def truncate(w, w_avg, psi):
        return {"paper": w_avg + psi * (w - w_avg), "scale w": psi * w,
                "swapped": w + psi * (w_avg - w), "no mean": w_avg + psi * w,
                "scaled mean": psi * w_avg + (w - w_avg),
                "batch mean": w.mean(0) + psi * (w - w.mean(0))}[form]
    return truncate


truncation = Check(
    "truncation",
    variants=[
        ("The sign of the truncation is flipped: w' = w̄ + ψ (w − w̄) moves w toward the mean, not past it.",
         lambda w, w_avg, psi: w_avg - psi * (w - w_avg)),
        ("ψ and 1 − ψ are swapped: at ψ = 1 the code is unchanged, at ψ = 0 it is the mean w̄.",
         lambda w, w_avg, psi: w_avg + (1 - psi) * (w - w_avg)),
        ("The mean is not added back: w' = w̄ + ψ (w − w̄).", lambda w, w_avg, psi: psi * (w - w_avg)),
        ("The truncation starts from w instead of the mean w̄: w' = w̄ + ψ (w − w̄).",
         lambda w, w_avg, psi: w + psi * (w - w_avg)),
    ],
    hints=(
        'psi = 1 leaves w alone, psi = 0 gives the average for every code.',
        'A linear interpolation from w_avg towards w with weight psi.',
    ),
    reference=_stylegan.truncate,
    cases=[Case("psi 0.7", lambda: (randn(35, 4, 8), randn(36, 8), 0.7)),
           Case("psi 1: no change", lambda: (randn(37, 2, 8), randn(38, 8), 1.0)),
           Case("psi 0: the mean w", lambda: (randn(39, 3, 8), randn(40, 8), 0.0))],
    mistakes=[
        Mistake("Truncate towards the mean w̄, not towards 0: w̄ + ψ (w − w̄).", _truncate_with("scale w")),
        Mistake("ψ = 1 must leave w unchanged and ψ = 0 give w̄: w̄ + ψ (w − w̄).", _truncate_with("swapped")),
        Mistake("ψ scales the distance from the mean, w − w̄, not w itself: w̄ + ψ (w − w̄).",
                _truncate_with("no mean")),
        Mistake("ψ multiplies (w − w̄), the offset from the mean, not w̄.", _truncate_with("scaled mean")),
        Mistake("w̄ is the given w_avg, the mean over many codes of the mapping network (tracked in "
                "training), not the mean of this batch.", _truncate_with("batch mean")),
    ],
)


def _noise_case(seed):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(2, 3, 4, 4, generator=g), torch.randn(1, 3, 1, 1, generator=g),
            torch.randn(2, 1, 4, 4, generator=g))


noise_injection = Check(
    "noise_injection",
    same_slope=True,
    variants=[
        ("The noise is missing: x + strength · noise, each pixel's noise scaled per channel.",
         lambda x, strength, noise: x + strength),
        ("The strength is missing: the noise must be scaled by the learned per-channel strength.",
         lambda x, strength, noise: x + noise),
        ("The scaled noise is subtracted; it is added.", lambda x, strength, noise: x - strength * noise),
    ],
    hints=(
        'noise is (N, 1, H, W) and strength (1, C, 1, 1): broadcasting makes (N, C, H, W).',
        'Nothing else is needed: no normalisation, no new noise.',
    ),
    reference=lambda x, strength, noise: x + strength * noise,
    cases=[Case("2 images, 3 channels", lambda: _noise_case(41)),
           Case("zero strength: unchanged",
                lambda: (_noise_case(42)[0], torch.zeros(1, 3, 1, 1), _noise_case(42)[2])),
           Case("another draw", lambda: _noise_case(43))],
    mistakes=[
        Mistake("Add the scaled noise to x; do not multiply x by it.", lambda x, s, n: x * (1 + s * n)),
        Mistake("Scale the noise by the learned per-channel strength B: x + B · noise.",
                lambda x, s, n: x + n),
        Mistake("Add the given noise, do not draw new noise: the image must be the same for the same input.",
                lambda x, s, n: x + s * torch.randn(n.shape, generator=torch.Generator().manual_seed(0))),
        Mistake("The noise image is shared by all channels, each scaled by its own B: x + B · noise, not "
                "B · x + noise.",
                lambda x, s, n: s * x + n),
        Mistake("Add B · noise to the features; do not replace them with it.",
                lambda x, s, n: (s * n).expand_as(x)),
    ],
)


def _mapping_case(seed):
    torch.manual_seed(seed)
    net = _stylegan.MappingNetwork(z_dim=8, w_dim=8, layers=2)
    return net, torch.randn(4, 8, generator=torch.Generator().manual_seed(seed)) * 3


def _mapping_with(norm=True, norm_dim=1, root=True, activations=True, last=None):
    """The mapping network's forward pass with one mistake: no normalisation of z, over the batch,
    without the root, the activations skipped, or a layer left out."""
    def forward(net, z):
        if norm:
            ms = z.pow(2).mean(dim=norm_dim, keepdim=True) + 1e-8
            x = z * (torch.rsqrt(ms) if root else 1 / ms)
        else:
            x = z
        layers = list(net.net[1:])[:last]
        for layer in layers:
            if activations or not isinstance(layer, torch.nn.LeakyReLU):
                x = layer(x)
        return x
    return forward


mapping_forward = Check(
    "mapping_forward",
    same_slope=True,
    hints=(
        'The normalisation divides each z by its root-mean-square over the features (dim 1), +1e-8 inside '
        'the root.',
        'net.net[0] is that normalisation; apply net.net[1:] one after the other.',
    ),
    reference=lambda net, z: net(z),
    cases=[Case("a 2-layer mapping network, 4 codes", lambda: _mapping_case(44)),
           Case("another network", lambda: _mapping_case(45))],
    atol=1e-4,
    mistakes=[
        Mistake("Normalise z first (pixel norm over its features: z / sqrt(mean z² + ε)), then the layers.",
                _mapping_with(norm=False)),
        Mistake("Normalise each code over its own features (dim 1), not each feature over the batch (dim 0).",
                _mapping_with(norm_dim=0)),
        Mistake("Divide by the root of the mean square: z / sqrt(mean(z²) + ε).", _mapping_with(root=False)),
        Mistake("Keep the leaky ReLUs between the linear layers: without them the network is one linear map.",
                _mapping_with(activations=False)),
        Mistake("Run every layer after the normalisation, net.net[1:], the last activation included.",
                _mapping_with(last=-1)),
    ],
)


# --------------------------------------------------------------------------------------------
# The lab: better faces from the same weights.

#: The generator the lab samples: the lecture's first recipe at faces-progan's compute (32 px noise on),
#: whose short training left a speckle that sampling alone can lessen.  (The zoo's faces-stylegan, trained to
#: quality without noise at 32 px, sits where sampling changes little.)
LAB_GENERATOR = "faces-stylegan-noise"
#: How much the lab asks sampling to gain, in Fréchet distance, over the generator's own sampler.
LAB_GAIN = 4.0


def _score_sampler(sample, G=None, attributes=None, n=1000, seed=0):
    """Call the student's ``sample(G, z, noise)`` on ``n`` codes and their per-layer noise images (the
    course's fixed draws of ``seed``, in chunks of 250); score the faces against as many held-out real
    faces: Fréchet distance and attribute variety (``face_eval.versus_real``)."""
    cpu = torch.device("cpu")
    G = (G if G is not None else _ck.zoo.load(LAB_GENERATOR, device=cpu)).eval()
    attributes = attributes if attributes is not None else _ck.zoo.load("faces-attributes", device=cpu)
    z, noise = _stylegan.codes(G, n, seed), _stylegan.fixed_noise(G, n, seed)
    c = G.config
    images = []
    with torch.no_grad():
        for i in range(0, n, 250):
            x = sample(G, z[i:i + 250], [b[i:i + 250] for b in noise])
            want = (len(z[i:i + 250]), c.channels, c.resolution, c.resolution)
            images.append(expect_images(x, want, f"sample(G, z, noise) for {want[0]} codes"))
    result = _face_eval.versus_real(attributes, torch.cat(images))
    return {"fid": result["fid"], "variety": result["variety"]["mean"], "faces": n}


def _sampler_goals():
    """Beat the lab generator's own sampler (its zoo record) by :data:`LAB_GAIN` in Fréchet distance,
    with at least 0.5 of real faces' variety."""
    own = _ck.zoo.record(LAB_GENERATOR)["metrics"]["fid"]
    return [Goal("fid", f"Fréchet distance of 1,000 faces (its own sampler: {own:.1f})",
                 at_most=round(own - LAB_GAIN, 1)),
            Goal("variety", "attribute variety (as varied as real faces: 1; one repeated face: 0)",
                 at_least=0.5)]


lab_sampler = Lab(
    "lab_sampler",
    task="write sample(G, z, noise) -> images (N, 3, 32, 32) in [-1, 1]: the race StyleGAN's faces for "
         "codes z (N, 128) and the per-layer noise images noise (a list, one (N, 1, H, W) per styled conv), "
         "drawn from the same trained weights (no retraining, no other model), but scoring better than its "
         "own sampler.",
    measure=_score_sampler,
    goals=lambda numbers: _sampler_goals(),
    hints=(
        "Section 11 found what costs quality: the speckle of noise that this short training never learned to "
        "use. Which knob of the generator decides how much of it reaches the image?",
        "Switching the 32 px noise off (section 11) removes the speckle but gains only a little: the noise "
        "also draws some detail that real faces have. Try turning it down, not off; truncation (section 9) "
        "only costs here.",
        "Each noise image is multiplied by its layer's learned strength before it is added: scale the images "
        "in `noise` (all of them, or the 32 px ones) by a factor between 0 and 1, pass them to G, and clamp.",
    ),
)
