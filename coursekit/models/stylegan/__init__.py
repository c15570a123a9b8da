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
from dataclasses import dataclass, field
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

import coursekit as ck
from coursekit import faces as _faces
from coursekit import train as _train
from coursekit.checkpoint import load_weights
from coursekit.models import dcgan, face_eval
from coursekit.models.progan import Discriminator, ProGANConfig
from coursekit.models.progan import EqualizedLinear, PixelNorm
# The measures live in a module of their own (they read G, never build it); the lecture reaches them here.
from coursekit.models.stylegan.measures import (
    layer_resolutions, layer_groups, style_split, mix_layers, noise_resolutions, fixed_noise, codes,
    sample, read_attributes, follows_a, style_mixing_scores, sample_mixed, mixing_grid,
    truncation_table, binary_attributes, separability, path_length, evaluate, GEOMETRY, COLOUR,
)
from coursekit.train import config as _config
from coursekit.train import distributed as dist
from coursekit.train.ema import decay_for_half_life, gan_with_ema
from coursekit.zoo import register


class MappingNetwork(nn.Module):
    """z -> w: pixel norm, then ``layers`` equalised linear layers with leaky ReLU (lr x 0.01, as the
    paper)."""

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
    """StyleGAN2's modulated convolution: each image convolved with its own kernel.

    x: (N, C_in, H, W); weight: (C_out, C_in, k, k); style s: (N, C_in).
    Modulate ``w'_ijk = s_i · w_ijk``; demodulate ``w''_ijk = w'_ijk / sqrt(Σ_ik w'_ijk² + ε)``, which
    gives each output channel unit standard deviation when the inputs have it.

    Notebook 06 writes this as the paper does: N kernels built, then one grouped convolution.  Here the
    same numbers come without building them, as StyleGAN2's own training code does: scaling input
    channel i of the kernel by s_i is scaling input channel i of the *image* by s_i, and the
    demodulation factor of output channel j is ``1 / sqrt(Σ_i s_i² Σ_k w_ijk² + ε)``, a (N, C_out)
    product, applied to the output.  One shared convolution over the batch instead of N kernels of
    C_out·C_in·k² numbers each, and a faster training step (``python -m coursekit.bench`` times the
    zoo recipe's step; notebook 06 times one layer both ways).
    """
    n, c_in = x.shape[:2]
    k = weight.shape[-1]
    if style.shape != (n, c_in):
        raise ValueError(f"style must have shape (N, C_in) = ({n}, {c_in}), got {tuple(style.shape)}")
    out = F.conv2d(x * style[:, :, None, None], weight, padding=k // 2 if padding is None else padding)
    if demodulate:
        out = out * torch.rsqrt(style.pow(2) @ weight.pow(2).sum(dim=(2, 3)).t() + eps)[:, :, None, None]
    return out


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

    def __init__(self, channels, gain=1.0):
        super().__init__()
        self.strength = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.gain = gain  # a fixed factor on the learned one (0: no noise at this layer)

    def forward(self, x, noise=None):
        if self.gain == 0:
            return x
        if noise is None:
            noise = torch.randn(x.shape[0], 1, *x.shape[2:], device=x.device, dtype=x.dtype)
        return x + self.gain * self.strength * noise


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


# --------------------------------------------------------------------------------------------
# The generator: a mapping network, then a synthesis network of styled convolutions.

@dataclass
class StyleGANConfig:
    z_dim: int = 128
    w_dim: int = 128
    mapping_layers: int = 4       # the paper: 8
    resolution: int = 32          # 4x4 doubled to this size
    width: int = 128              # features at 4x4 and 8x8, halved per doubling after (at least 32)
    channels: int = 3
    fine_noise: float = 1.0       # the noise's gain at the finest resolution's layers (0: none there)

    @property
    def levels(self):
        """Resolutions 4, 8, ..., ``resolution``: how many."""
        return int(math.log2(self.resolution)) - 1

    def features(self, level):
        return max(32, self.width // 2 ** max(0, level - 1))

    @property
    def num_ws(self):
        """Style inputs of the synthesis network: one per styled conv (1 at 4x4, then 2 per level)
        plus the last to-RGB's."""
        return 2 * self.levels


class StyledConv(nn.Module):
    """Modulated conv (style from w), noise (B), bias, leaky ReLU: one layer of the synthesis network."""

    def __init__(self, c_in, c_out, w_dim, upsample=False, demodulate=True, noise_gain=1.0):
        super().__init__()
        self.conv = ModulatedConv2d(c_in, c_out, w_dim, upsample=upsample, demodulate=demodulate)
        self.noise = NoiseInjection(c_out, noise_gain)
        self.bias = nn.Parameter(torch.zeros(1, c_out, 1, 1))

    def forward(self, x, w, noise=None, use_noise=True):
        x = self.conv(x, w)
        if use_noise:
            x = self.noise(x, noise)
        return F.leaky_relu(x + self.bias, 0.2) * math.sqrt(2)


class SynthesisNetwork(nn.Module):
    """ConstantInput 4x4, then per level: StyledConv (upsampling) and StyledConv; a ToRGB per level
    whose outputs add up, upsampled (StyleGAN2's skip generator).  Takes one w per layer:
    ws (N, num_ws, w_dim)."""

    def __init__(self, config):
        super().__init__()
        c = self.config = config
        self.input = ConstantInput(c.features(0))
        self.first = StyledConv(c.features(0), c.features(0), c.w_dim)
        self.convs = nn.ModuleList()
        for level in range(1, c.levels):
            gain = c.fine_noise if level == c.levels - 1 else 1.0
            self.convs.append(StyledConv(c.features(level - 1), c.features(level), c.w_dim, upsample=True,
                                         noise_gain=gain))
            self.convs.append(StyledConv(c.features(level), c.features(level), c.w_dim, noise_gain=gain))
        self.to_rgbs = nn.ModuleList(ToRGB(c.features(level), c.w_dim, c.channels)
                                     for level in range(c.levels))

    def forward(self, ws, noise=None, use_noise=True):
        """``noise``: None (fresh), or a list of one (N, 1, H, W) tensor per styled conv; ``use_noise``:
        a bool, or a list of one bool per styled conv (noise on or off per layer)."""
        c = self.config
        if ws.dim() != 3 or ws.shape[1:] != (c.num_ws, c.w_dim):
            raise ValueError(f"expected ws of shape (N, {c.num_ws}, {c.w_dim}): one w per layer, got "
                             f"{tuple(ws.shape)}")
        layers = 1 + len(self.convs)
        noise = noise or [None] * layers
        use = use_noise if isinstance(use_noise, (list, tuple)) else [use_noise] * layers
        x = self.first(self.input(len(ws)), ws[:, 0], noise[0], use[0])
        rgb = self.to_rgbs[0](x, ws[:, 1])
        for level in range(1, c.levels):
            i = 2 * level - 1  # the first conv of this level
            x = self.convs[i - 1](x, ws[:, i], noise[i], use[i])
            x = self.convs[i](x, ws[:, i + 1], noise[i + 1], use[i + 1])
            rgb = F.interpolate(rgb, scale_factor=2, mode="bilinear", align_corners=False) \
                + self.to_rgbs[level](x, ws[:, i + 2] if i + 2 < c.num_ws else ws[:, -1])
        return rgb


class Generator(nn.Module):
    """z -> MappingNetwork -> w -> (truncation, style mixing) -> SynthesisNetwork -> image."""

    def __init__(self, config=None):
        super().__init__()
        self.config = c = config or StyleGANConfig()
        self.mapping = MappingNetwork(c.z_dim, c.w_dim, c.mapping_layers)
        self.synthesis = SynthesisNetwork(c)
        self.register_buffer("w_avg", torch.zeros(c.w_dim))  # the mean w, tracked while training

    def forward(self, z, psi=1.0, z_mix=None, crossover=None, noise=None, use_noise=True):
        """Images for codes z (N, z_dim).  ``psi`` < 1: the truncation trick; ``z_mix`` and
        ``crossover``: style mixing, z's styles for layers < crossover, z_mix's from there on."""
        ws = self.styles(z, psi)
        if z_mix is not None:
            ws = mix_styles(ws, self.styles(z_mix, psi), crossover)
        return self.synthesis(ws, noise, use_noise)

    def styles(self, z, psi=1.0):
        """ws (N, num_ws, w_dim): w = mapping(z), truncated, repeated for every layer."""
        w = truncate(self.mapping(z), self.w_avg, psi)
        return w.unsqueeze(1).repeat(1, self.config.num_ws, 1)


def truncate(w, w_avg, psi):
    """The truncation trick in W: w' = w̄ + ψ (w − w̄)."""
    return w_avg + psi * (w - w_avg)


def mix_styles(ws_a, ws_b, crossover):
    """Style mixing: layers before ``crossover`` take A's styles (coarse: pose, shape), the rest B's."""
    if not 0 <= crossover <= ws_a.shape[1]:
        raise ValueError(f"crossover must be in 0..{ws_a.shape[1]} (the number of style inputs), got "
                         f"{crossover}")
    out = ws_a.clone()
    out[:, crossover:] = ws_b[:, crossover:]
    return out


# --------------------------------------------------------------------------------------------
# Training: the non-saturating loss of notebook 01, R1 on real images, mixing regularisation.

TRAIN_SEED, TEST_SEED = 0, 1


def discriminator(config, width=None):
    """StyleGAN's D here is notebook 05's ProGAN discriminator at the final size (with minibatch std);
    ``width``: its features at 4x4 and 8x8 (None: the generator's)."""
    return Discriminator(ProGANConfig(channels=config.channels, width=width or config.width,
                                      max_stage=config.levels - 1))


def mixed_styles(G, n, mixing_prob, device):
    """Styles of n random codes; with probability ``mixing_prob`` two codes mixed at a random layer
    (mixing regularisation: neighbouring layers must not rely on sharing one w)."""
    c = G.config
    z = torch.randn(n, c.z_dim, device=device)
    ws = G.styles(z)
    if torch.rand(()) < mixing_prob:
        crossover = int(torch.randint(1, c.num_ws, ()))
        ws = mix_styles(ws, G.styles(torch.randn(n, c.z_dim, device=device)), crossover)
    return ws


def zoo_discriminator(name="faces-stylegan", device=None):
    """The discriminator a zoo StyleGAN was trained with, kept beside it (notebook 07 asks it how real
    an edited face looks)."""
    record, extras = ck.zoo.record(name), ck.zoo.extras(name)
    if "discriminator" not in extras:
        raise KeyError(f"zoo model {name!r} keeps no discriminator; retrain it: {record.get('command')}")
    # its width is the training's (options.d_width), not always G's
    D = discriminator(StyleGANConfig(**record["config"]), record.get("options", {}).get("d_width"))
    load_weights(D, extras["discriminator"], f"zoo model {name}, its discriminator")
    return D.to(device or ck.device()).eval()


def r1_penalty(D, real):
    """R1 (Mescheder et al.): E[‖∇_x D(x)‖²] on real images; keeps D flat where the data are."""
    real = real.detach().requires_grad_(True)
    grad, = torch.autograd.grad(D(real).sum(), real, create_graph=True)
    return grad.pow(2).flatten(1).sum(1).mean()


@dataclass(frozen=True)
class Training:
    """Everything a StyleGAN training run depends on; a zoo record keeps it whole (``"options"``).

    The recipes declare one per zoo model (``stylegan.recipes``); ``--set NAME=VALUE`` changes a field
    from the command line (``ck.train.config``)."""
    steps: int = 3000
    batch_size: int = 32
    lr: float = 2e-3
    betas: tuple[float, float] = (0.0, 0.99)     # Adam's, for G and D (the paper's)
    r1_gamma: float = 1.0                        # R1's weight γ
    r1_every: int = 16                           # lazy regularisation: R1 every this many steps
    mixing_prob: float = 0.9                     # share of batches whose styles mix two codes
    ema_half_life: int = 22170                   # images after which a weight counts half in G's EMA
    d_width: Optional[int] = None                # D's features at 4x4 and 8x8 (None: G's width)
    seed: int = 0
    bf16: Optional[bool] = None                  # None: where the hardware has native bf16
    detail: bool = False                         # faces with detail (strands, pores, grain)
    curve_every: int = 0                         # score 500 EMA faces every this many steps (0: never)
    model: StyleGANConfig = field(default_factory=StyleGANConfig)


def train_stylegan(training=None, checkpoint=None, device=None, plot=None, desc=None, **changes):
    """Train a StyleGAN on the course's faces as ``training`` (a :class:`Training`; fields changed by
    ``changes``, e.g. ``steps=200``) says.  Returns ``ck.train.Trained(G_ema, G, D, run)``.
    With ``curve_every`` the run's history holds the quality curve (``ck.train.Curve``)."""
    t = _config.override(training or Training(), changes)
    dev = device or ck.device()
    config = t.model
    ck.seed(t.seed)
    G, D, ema, opt_G, opt_D = gan_with_ema(Generator(config), discriminator(config, t.d_width), t.lr, dev,
                                           t.betas, decay_for_half_life(t.ema_half_life, t.batch_size))
    run = ck.train.Run({"G": G, "D": D, "G_ema": ema.model, "opt_G": opt_G, "opt_D": opt_D}, steps=t.steps,
                       checkpoint=checkpoint, checkpoint_every=500, plot=plot, desc=desc or "stylegan",
                       record={"options": _config.as_record(t)})
    curve = _train.Curve(run, t.curve_every, t.batch_size, lambda: _curve_point(ema.model, t.detail))
    offset, n = dist.shard_range(t.batch_size)
    size = config.resolution
    render = size if size in _faces.SIZES else 64
    with run:
        for step in run.steps():
            real = _faces.faces(n, size=render, seed=TRAIN_SEED, start=step * t.batch_size + offset,
                                detail=t.detail).images.to(dev)
            if render != size:
                real = F.adaptive_avg_pool2d(real, size)
            with ck.core.autocast(dev, t.bf16):  # bf16 where the hardware has it
                # D: real -> 1, generated -> 0; every r1_every steps the R1 penalty (lazy regularisation)
                with torch.no_grad():
                    fake = G.synthesis(mixed_styles(G, n, t.mixing_prob, dev))
                loss_D = dcgan.d_loss(D(real), D(fake))
                if t.r1_gamma and step % t.r1_every == 0:
                    loss_D = loss_D + t.r1_gamma / 2 * t.r1_every * r1_penalty(D, real)
                opt_D.zero_grad(set_to_none=True)
                loss_D.backward()
                opt_D.step()
                # G: the non-saturating loss
                D.requires_grad_(False)
                ws = mixed_styles(G, n, t.mixing_prob, dev)
                loss_G = dcgan.g_loss(D(G.synthesis(ws)))
                opt_G.zero_grad(set_to_none=True)
                loss_G.backward()
                opt_G.step()
                D.requires_grad_(True)
            with torch.no_grad():  # the mean w, for the truncation trick
                G.w_avg.lerp_(ws[:, 0].float().mean(0), 0.005)
            ema.update(G, step)
            run.log(loss_D=dist.mean(loss_D.detach()), loss_G=dist.mean(loss_G.detach()))
            curve.after(step)
    return _train.Trained(ema.model.eval(), G.eval(), D.eval(), run)


def _curve_point(G, detail):
    """The quality curve's point: :func:`face_eval.quality` of 500 of G's faces (seed 0)."""
    attributes = ck.zoo.load("faces-attributes", device=torch.device("cpu"))
    with torch.no_grad():
        faces = sample(G, 500)
    return face_eval.quality(attributes, faces.float().cpu(), detail=detail)


#: The lecture's ablation: the same run without mixing regularisation (every image from one w);
#: identifier -> label and change.
ABLATIONS = {"no-mixing-regularisation": {"label": "no mixing regularisation", "mixing_prob": 0.0}}


def ablation_study(attributes, training, checkpoint=None, device=None):
    """Train each of :data:`ABLATIONS` as ``training`` (the zoo model's schedule and seed) with the
    ablation's change, and score it as the zoo model is (:func:`evaluate`, :func:`mixing_grid`); with a
    ``checkpoint`` directory each run is resumable.  Returns ``{key: {"label", "fid", ...,
    "mixing": (25, 3, S, S)}}``, keyed by the variants' identifiers."""
    def train_one(key, change, where):
        result = train_stylegan(training, checkpoint=where, device=device, desc=key, **change)
        return result.G_ema.cpu(), result.run

    def score(key, G):
        return {**evaluate(G, attributes), "mixing": mixing_grid(G)}

    return _train.ablation_study(ABLATIONS, train_one, score, checkpoint)


def draw_generator(config=None):
    """The lecture's figure of the style-based generator, drawn from ``config`` (``stylegan.figures``)."""
    from coursekit.models.stylegan import figures  # deferred: the figure needs matplotlib, and these networks

    return figures.draw_generator(config or StyleGANConfig())


def show_mixing(grid, title=None, ax=None):
    """A style-mixing grid (:func:`mixing_grid`) drawn large, its sources labelled (``stylegan.figures``)."""
    from coursekit.models.stylegan import figures  # deferred, as draw_generator

    return figures.show_mixing(grid, title, ax)


# The zoo saves and rebuilds this lecture's models by these names.
register("stylegan.Generator", Generator, StyleGANConfig)
