"""Notebook 06: StyleGAN's pieces.

The exercise checks of this lecture, each with its hints (``ck.check.<name>``, ``ck.hint(name)``).
"""

import torch
import torch.nn.functional as F

from coursekit.check import Case, Check, Mistake, randn
from coursekit.models import stylegan as _stylegan


def _adain_with(unbiased=False, swap=False, per="image and channel"):
    def adain(x, ys, yb):
        dims = (2, 3) if per == "image and channel" else (0, 2, 3)
        mu = x.mean(dim=dims, keepdim=True)
        sigma = (x.var(dim=dims, keepdim=True, unbiased=unbiased) + 1e-8).sqrt()
        s, b = (yb, ys) if swap else (ys, yb)
        return s[:, :, None, None] * (x - mu) / sigma + b[:, :, None, None]
    return adain


adain = Check(
    "adain",
    hints=(
        'The statistics are per image and per channel: over the spatial dims (2, 3), keeping them for broadcasting.',
        'The spread is the population standard deviation (unbiased=False) with 1e-8 inside the root; the style vectors (N, C) need two trailing dimensions.',
    ),
    reference=_stylegan.adain,
    cases=[Case("2 images, 3 channels", lambda: (randn(20, 2, 3, 4, 4, scale=3.0) + 1, randn(21, 2, 3).abs() + 0.5,
                                                 randn(22, 2, 3))),
           Case("one image, unit style", lambda: (randn(23, 1, 4, 8, 8), torch.ones(1, 4), torch.zeros(1, 4))),
           Case("4 images of 2x2", lambda: (randn(24, 4, 2, 2, 2, scale=5.0), randn(25, 4, 2).abs(), randn(26, 4, 2)))],
    atol=1e-4,
    mistakes=[
        Mistake("μ(x) and σ(x) are per image and per channel: reduce over the pixels (dims 2, 3) only.",
                _adain_with(per="channel")),
        Mistake("y_s scales and y_b shifts: y_s · (x − μ) / σ + y_b.", _adain_with(swap=True)),
        Mistake("Use the population standard deviation (unbiased=False), as instance norm does.",
                _adain_with(unbiased=True)),
    ],
)


def _demod_with(demod_dims=(2, 3, 4), modulate=True, demodulate=True):
    def modulated(x, weight, style):
        n, c_in, h, w = x.shape
        c_out, _, k, _ = weight.shape
        wts = weight[None] * (style[:, None, :, None, None] if modulate else 1.0)
        wts = wts.expand(n, -1, -1, -1, -1)
        if demodulate:
            wts = wts * torch.rsqrt(wts.pow(2).sum(dim=demod_dims, keepdim=True) + 1e-8)
        out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
        return out.view(n, c_out, *out.shape[-2:])
    return modulated


demodulation = Check(
    "demodulation",
    hints=(
        'Modulated weights per image: (N, C_out, C_in, k, k), the style multiplying the input-channel dimension.',
        'Demodulate: divide by the root of the sum of squares over (C_in, k, k), +1e-8 inside the root.',
        'One grouped convolution does N convolutions at once: the batch folded into channels (1, N·C_in, H, W), groups = N, padding k // 2.',
    ),
    reference=lambda x, weight, style: _stylegan.modulated_conv2d(x, weight, style),
    cases=[Case("2 images, 4 -> 3 channels, 3x3", lambda: (randn(27, 2, 4, 6, 6), randn(28, 3, 4, 3, 3),
                                                          randn(29, 2, 4).abs() + 0.2)),
           Case("one image, unit style", lambda: (randn(30, 1, 2, 5, 5), randn(31, 2, 2, 3, 3), torch.ones(1, 2))),
           Case("3 images, 1x1 kernel", lambda: (randn(32, 3, 5, 4, 4), randn(33, 6, 5, 1, 1), randn(34, 3, 5).abs()))],
    atol=1e-4,
    mistakes=[
        Mistake("Demodulate per output channel j: sum w'² over the input channels and the kernel (dims 2, 3, 4 "
                "of the (N, C_out, C_in, k, k) weights), not over everything.", _demod_with(demod_dims=(1, 2, 3, 4))),
        Mistake("Demodulate too: divide each output channel's weights by sqrt(Σ w'² + ε), or the output's "
                "scale follows the style's.", _demod_with(demodulate=False)),
        Mistake("Modulate first: w' = s · w, each input channel i scaled by its style s_i "
                "(style[:, None, :, None, None]); then demodulate.", _demod_with(modulate=False)),
    ],
)


def _truncate_with(form="paper"):
    def truncate(w, w_avg, psi):
        return {"paper": w_avg + psi * (w - w_avg), "scale w": psi * w,
                "swapped": w + psi * (w_avg - w)}[form]
    return truncate


truncation = Check(
    "truncation",
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
    ],
)


def _noise_case(seed):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(2, 3, 4, 4, generator=g), torch.randn(1, 3, 1, 1, generator=g),
            torch.randn(2, 1, 4, 4, generator=g))


noise_injection = Check(
    "noise_injection",
    hints=(
        'noise is (N, 1, H, W) and strength (1, C, 1, 1): broadcasting makes (N, C, H, W).',
        'Nothing else is needed: no normalisation, no new noise.',
    ),
    reference=lambda x, strength, noise: x + strength * noise,
    cases=[Case("2 images, 3 channels", lambda: _noise_case(41)),
           Case("zero strength: unchanged", lambda: (_noise_case(42)[0], torch.zeros(1, 3, 1, 1), _noise_case(42)[2])),
           Case("another draw", lambda: _noise_case(43))],
    mistakes=[
        Mistake("Add the scaled noise to x; do not multiply x by it.", lambda x, s, n: x * (1 + s * n)),
        Mistake("Scale the noise by the learned per-channel strength B: x + B · noise.", lambda x, s, n: x + n),
    ],
)


def _mapping_case(seed):
    torch.manual_seed(seed)
    net = _stylegan.MappingNetwork(z_dim=8, w_dim=8, layers=2)
    return net, torch.randn(4, 8, generator=torch.Generator().manual_seed(seed)) * 3


def _mapping_with(norm=True):
    def forward(net, z):
        x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8) if norm else z
        for layer in net.net[1:]:
            x = layer(x)
        return x
    return forward


mapping_forward = Check(
    "mapping_forward",
    hints=(
        'The normalisation divides each z by its root-mean-square over the features (dim 1), +1e-8 inside the root.',
        'net.net[0] is that normalisation; apply net.net[1:] one after the other.',
    ),
    reference=lambda net, z: net(z),
    cases=[Case("a 2-layer mapping network, 4 codes", lambda: _mapping_case(44)),
           Case("another network", lambda: _mapping_case(45))],
    atol=1e-4,
    mistakes=[
        Mistake("Normalise z first (pixel norm over its features: z / sqrt(mean z² + ε)), then the layers.",
                _mapping_with(norm=False)),
    ],
)
