"""StyleGAN (Karras, Laine & Aila, 2019) and StyleGAN2's weight demodulation (2020), notebook 06.

One small class per idea of the paper, named as the paper names it::

    z ─ MappingNetwork (MLP) ─ w ─┬─ A ─ style ─┐
                                  │             ▼
    ConstantInput 4x4 ─ [ModulatedConv ─ NoiseInjection (B) ─ act] ─ ... ─ ToRGB ─ image

* :class:`MappingNetwork` turns z into w (pixel norm, then 8 equalised linear layers in the paper);
* :func:`adain`: ``y_s · (x − μ(x)) / σ(x) + y_b``, the style of StyleGAN 1;
* :class:`ModulatedConv2d`: StyleGAN2's replacement, ``w' = s·w``, ``w'' = w' / sqrt(Σ w'² + ε)``:
  the same normalisation done on the weights, from the statistics it assumes (no droplets);
* :class:`NoiseInjection`: per-pixel noise scaled by learned per-channel factors (B);
* :class:`ConstantInput`: the learned 4x4 start; :class:`ToRGB`: a modulated 1x1 conv, no demodulation.

The equalised learning rate comes from notebook 05 (``progan.EqualizedLinear``).
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from coursekit.models.progan import EqualizedLinear, PixelNorm


class MappingNetwork(nn.Module):
    """z -> w: pixel norm, then ``layers`` equalised linear layers with leaky ReLU (lr x 0.01, as the paper)."""

    def __init__(self, z_dim=128, w_dim=128, layers=4, lr_multiplier=0.01):
        super().__init__()
        self.z_dim, self.w_dim = z_dim, w_dim
        blocks = [PixelNorm()]
        for i in range(layers):
            blocks += [EqualizedLinear(z_dim if i == 0 else w_dim, w_dim, lr_multiplier=lr_multiplier),
                       nn.LeakyReLU(0.2)]
        self.net = nn.Sequential(*blocks)

    def forward(self, z):
        if z.dim() != 2 or z.shape[1] != self.z_dim:
            raise ValueError(f"expected latent codes z of shape (N, {self.z_dim}), got {tuple(z.shape)}")
        return self.net(z)  # PixelNorm on (N, z_dim): z / sqrt(mean z² + ε)


def adain(x, style_scale, style_bias, eps=1e-8):
    """Adaptive instance normalisation: ``y_s · (x − μ(x)) / σ(x) + y_b``, per image and channel.

    x: (N, C, H, W); style_scale, style_bias: (N, C)."""
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + eps).sqrt()
    return style_scale[:, :, None, None] * (x - mu) / sigma + style_bias[:, :, None, None]


def modulated_conv2d(x, weight, style, demodulate=True, padding=None, eps=1e-8):
    """StyleGAN2's modulated convolution, one kernel per image, as one grouped convolution.

    x: (N, C_in, H, W); weight: (C_out, C_in, k, k); style s: (N, C_in).
    Modulate ``w'_ijk = s_i · w_ijk``; demodulate ``w''_ijk = w'_ijk / sqrt(Σ_ik w'_ijk² + ε)``, which
    gives each output channel unit standard deviation when the inputs have it.
    """
    n, c_in, h, w_ = x.shape
    c_out, _, k, _ = weight.shape
    if style.shape != (n, c_in):
        raise ValueError(f"style must have shape (N, C_in) = ({n}, {c_in}), got {tuple(style.shape)}")
    wts = weight[None] * style[:, None, :, None, None]                      # (N, C_out, C_in, k, k)
    if demodulate:
        wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + eps)
    out = F.conv2d(x.reshape(1, n * c_in, h, w_), wts.reshape(n * c_out, c_in, k, k),
                   padding=k // 2 if padding is None else padding, groups=n)
    return out.view(n, c_out, *out.shape[-2:])


class ModulatedConv2d(nn.Module):
    """A 3x3 conv whose weights each image's style modulates (and demodulates); A is the affine map w -> s."""

    def __init__(self, c_in, c_out, w_dim, kernel_size=3, demodulate=True, upsample=False):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(c_out, c_in, kernel_size, kernel_size))
        self.scale = 1 / math.sqrt(c_in * kernel_size ** 2)
        self.affine = EqualizedLinear(w_dim, c_in, gain=1.0)   # A: w -> style
        nn.init.ones_(self.affine.bias)                         # styles start at 1: an unmodulated conv
        self.demodulate, self.upsample = demodulate, upsample

    def forward(self, x, w):
        if self.upsample:
            x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        return modulated_conv2d(x, self.weight * self.scale, self.affine(w), self.demodulate)


class NoiseInjection(nn.Module):
    """x + B · noise: one noise image per sample (N, 1, H, W), scaled per channel by learned factors B."""

    def __init__(self, channels):
        super().__init__()
        self.strength = nn.Parameter(torch.zeros(1, channels, 1, 1))

    def forward(self, x, noise=None):
        if noise is None:
            noise = torch.randn(x.shape[0], 1, *x.shape[2:], device=x.device, dtype=x.dtype)
        return x + self.strength * noise


class ConstantInput(nn.Module):
    """The synthesis network's learned 4x4 start, the same for every image."""

    def __init__(self, channels, size=4):
        super().__init__()
        self.input = nn.Parameter(torch.randn(1, channels, size, size))

    def forward(self, n):
        return self.input.expand(n, -1, -1, -1)


class ToRGB(nn.Module):
    """A modulated 1x1 conv to RGB, without demodulation (the colours keep their scale)."""

    def __init__(self, c_in, w_dim, channels=3):
        super().__init__()
        self.conv = ModulatedConv2d(c_in, channels, w_dim, kernel_size=1, demodulate=False)
        self.bias = nn.Parameter(torch.zeros(1, channels, 1, 1))

    def forward(self, x, w):
        return self.conv(x, w) + self.bias
