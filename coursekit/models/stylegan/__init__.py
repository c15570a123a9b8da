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
from coursekit.metrics import fit_linear_classifier
from coursekit.models import dcgan, face_eval
from coursekit.models.progan import Discriminator, ProGANConfig
from coursekit.models.progan import EqualizedLinear, PixelNorm
from coursekit.train import config as _config
from coursekit.train import distributed as dist
from coursekit.train.ema import decay_for_half_life, gan_with_ema
from coursekit.zoo import register


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
    """StyleGAN2's modulated convolution: each image convolved with its own kernel.

    x: (N, C_in, H, W); weight: (C_out, C_in, k, k); style s: (N, C_in).
    Modulate ``w'_ijk = s_i · w_ijk``; demodulate ``w''_ijk = w'_ijk / sqrt(Σ_ik w'_ijk² + ε)``, which
    gives each output channel unit standard deviation when the inputs have it.

    Notebook 06 writes this as the paper does: N kernels built, then one grouped convolution.  Here the
    same numbers come without building them, as StyleGAN2's own training code does: scaling input
    channel i of the kernel by s_i is scaling input channel i of the *image* by s_i, and the
    demodulation factor of output channel j is ``1 / sqrt(Σ_i s_i² Σ_k w_ijk² + ε)``, a (N, C_out)
    product, applied to the output.  One shared convolution over the batch instead of N kernels of
    C_out·C_in·k² numbers each: the zoo recipe's training step 1.45x faster in float32 and 1.8x in bf16
    autocast on a 2-core CPU (524 -> 361 ms and 420 -> 235 ms a step); notebook 06 times one layer both ways.
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
    whose outputs add up, upsampled (StyleGAN2's skip generator).  Takes one w per layer: ws (N, num_ws, w_dim)."""

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
        self.to_rgbs = nn.ModuleList(ToRGB(c.features(level), c.w_dim, c.channels) for level in range(c.levels))

    def forward(self, ws, noise=None, use_noise=True):
        """``noise``: None (fresh), or a list of one (N, 1, H, W) tensor per styled conv; ``use_noise``:
        a bool, or a list of one bool per styled conv (noise on or off per layer)."""
        c = self.config
        if ws.dim() != 3 or ws.shape[1:] != (c.num_ws, c.w_dim):
            raise ValueError(f"expected ws of shape (N, {c.num_ws}, {c.w_dim}): one w per layer, got {tuple(ws.shape)}")
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
        raise ValueError(f"crossover must be in 0..{ws_a.shape[1]} (the number of style inputs), got {crossover}")
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
    D = discriminator(StyleGANConfig(**record["config"]))
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


# The lecture's ablation: the same run without mixing regularisation (every image from one w).
ABLATIONS = {"no mixing regularisation": {"mixing_prob": 0.0}}


def train_ablations(training, checkpoint=None, device=None):
    """Train each of :data:`ABLATIONS` as ``training`` (the zoo model's schedule and seed) with the
    ablation's change; with a ``checkpoint`` directory each run is resumable.  Returns ``{name: G_ema}``."""
    def train_one(name, change, where):
        result = train_stylegan(training, checkpoint=where, device=device, desc=name, **change)
        return result.G_ema, result.run

    return _train.ablation_study(ABLATIONS, train_one, lambda name, G: G.cpu(), checkpoint)


def draw_generator(config=None):
    """The lecture's figure of the style-based generator, drawn from ``config``: the mapping network
    z -> w on the left; the synthesis network from the learned constant, a styled convolution per
    style input (A: the affine map of w to a style; B: the per-channel noise scale), and a to-RGB per
    resolution whose outputs are upsampled and summed (StyleGAN2's skips).  Returns the figure."""
    import matplotlib.pyplot as plt  # deferred, as in ck.viz: only this figure needs matplotlib

    c = config or StyleGANConfig()
    res = layer_resolutions(c)
    fig, ax = plt.subplots(figsize=(11, 0.62 * len(res) + 1.6))
    ax.set_axis_off()
    top = len(res) + 0.8
    ax.set_xlim(-0.5, 10.5)
    ax.set_ylim(-0.8, top + 0.6)

    def box(x, y, text, colour, size=8):
        ck.viz.diagram_box(ax, x, y, text, colour, size)

    def arrow(a, b, **style):
        ck.viz.diagram_arrow(ax, a, b, size=11, **style)

    # the mapping network
    box(1.2, top, f"$z \\in \\mathbb{{R}}^{{{c.z_dim}}}$", "#eeeeee", 9)
    ys = [top - 1.2 - 0.8 * k for k in range(c.mapping_layers + 2)]
    box(1.2, ys[0], "pixel norm", "#f3e5f5")
    for k in range(c.mapping_layers):
        box(1.2, ys[k + 1], f"FC {c.w_dim}, leaky ReLU", "#f3e5f5")
    y_w = ys[-1] - 0.2
    box(1.2, y_w, f"$w \\in W = \\mathbb{{R}}^{{{c.w_dim}}}$", "#e1bee7", 9)
    for a, b in zip([top] + ys[:-1], ys[:-1] + [y_w]):
        arrow((1.2, a - 0.25), (1.2, b + 0.25), color="black")
    ax.text(1.2, y_w - 0.9, f"mapping network\n({c.mapping_layers} layers; the paper: 8)", ha="center",
            fontsize=8, style="italic")
    # the synthesis network, one row per style input
    box(5.2, top, "learned constant 4×4", "#eeeeee", 9)
    previous = top
    for i, r in enumerate(res):
        y = top - 1 - i * 0.95 * (len(res) + 0.2) / len(res)
        last = i == len(res) - 1
        name = f"to-RGB {r}×{r}" if last else ("upsample ×2, " if i > 0 and res[i - 1] != r else "") + f"mod conv 3×3 @ {r}×{r}"
        box(5.2, y, name, "#cfe2ff" if not last else "#ffe0b2")
        arrow((5.2, previous - 0.22), (5.2, y + 0.22), color="black")
        previous = y
        box(3.3, y, f"A{i}", "#e1bee7", 8)
        arrow((3.6, y), (4.0, y), color="#7b1fa2")
        if not last:
            box(7.4, y, f"B{i} · noise", "#fff9c4", 8)
            arrow((6.85, y), (6.6, y), color="#9e9d24")
    ax.text(3.3, -0.5, "A: an affine map of w to a style\n(the same w to every A, or mixed)", ha="center", fontsize=8)
    ax.text(7.4, -0.5, "B: learned per-channel scales\nof fresh per-pixel noise", ha="center", fontsize=8)
    ax.text(9.3, top - len(res) / 2, "a to-RGB at each\nresolution, upsampled\nand summed\n(StyleGAN2's skips)",
            ha="center", va="center", fontsize=8)
    arrow((2.1, y_w), (3.0, top - 1), color="#7b1fa2", ls="--")
    fig.suptitle(f"StyleGAN2's generator as configured: {c.resolution}×{c.resolution}, {len(res)} style inputs",
                 fontsize=10)
    return fig


# --------------------------------------------------------------------------------------------
# Measuring what the styles do (notebook 06): all scores read the generated faces with the
# course's attribute predictor, which knows the true factors the faces were drawn from.

def layer_resolutions(config):
    """The resolution each style input acts at: (4, 8, 8, 16, 16, 32, 32, 32) for 32x32 (a to-RGB
    shares its w with the next level's first conv, as in StyleGAN2)."""
    res = [4]
    for level in range(1, config.levels):
        res += [4 * 2 ** level] * 2
    return tuple(res + [res[-1]])


def layer_groups(config):
    """The paper's coarse (4-8 px), middle (16-32 px) and fine (64 px and up) style inputs, as
    ``{name: indices}``; a generator smaller than 64 px has its last resolution for fine (32x32: coarse
    4-8, middle 16, fine 32)."""
    res = layer_resolutions(config)
    fine = min(64, res[-1])
    groups = {"coarse": [i for i, r in enumerate(res) if r <= 8],
              "middle": [i for i, r in enumerate(res) if 8 < r < fine],
              "fine": [i for i, r in enumerate(res) if r >= fine and r > 8]}
    return {name: idx for name, idx in groups.items() if idx}


#: The paper's split of what styles decide, by kind of factor: the coarse styles carry geometry (pose,
#: face shape, hair style), the fine ones the colour scheme.
GEOMETRY = ("face_shape", "hair_style", "tilt", "x", "y")
COLOUR = ("skin_tone", "hair_colour", "background")


def style_split(scores):
    """The paper's claim in two numbers per group, from :func:`style_mixing_scores`: the mean share of
    the :data:`GEOMETRY` factors and of the :data:`COLOUR` factors that follow the group's source.
    The claim holds when geometry leads in the coarse group and colour in the fine one.
    Returns ``{group: {"geometry": share, "colour": share}}``."""
    def mean(group, factors):
        return round(sum(scores[group][f] for f in factors) / len(factors), 3)

    return {group: {"geometry": mean(group, GEOMETRY), "colour": mean(group, COLOUR)} for group in scores}


def mix_layers(ws_a, ws_b, layers):
    """A's styles at the style inputs ``layers``, B's at all others."""
    mask = torch.zeros(ws_a.shape[1], dtype=torch.bool, device=ws_a.device)
    mask[list(layers)] = True
    return torch.where(mask[None, :, None], ws_a, ws_b)


def noise_resolutions(config):
    """The resolution of each styled conv's noise input: (4, 8, 8, 16, 16, 32, 32) for 32x32."""
    return layer_resolutions(config)[:-1]


def fixed_noise(G, n, seed=0):
    """One noise image per styled conv for ``n`` images, drawn from ``seed`` (G's device)."""
    g = torch.Generator().manual_seed(seed)
    dev = next(G.parameters()).device
    return [torch.randn(n, 1, r, r, generator=g).to(dev) for r in noise_resolutions(G.config)]


def codes(G, n, seed=0):
    """``n`` latent codes z of ``seed`` on G's device."""
    z = torch.randn(n, G.config.z_dim, generator=torch.Generator().manual_seed(seed))
    return z.to(next(G.parameters()).device)


@torch.no_grad()
def sample(G, n, seed=0, psi=1.0, batch=250):
    """``n`` faces of G (codes and noise from ``seed``, truncation ``psi``), clamped, on the CPU."""
    z, noise = codes(G, n, seed), fixed_noise(G, n, seed)
    return torch.cat([G(z[i:i + batch], psi=psi, noise=[x[i:i + batch] for x in noise]).clamp(-1, 1).cpu()
                      for i in range(0, n, batch)])


def read_attributes(attributes, images):
    """What the predictor reads from ``images``: class probabilities (N, K) or values in [-1, 1] (N, 1)."""
    dev = next(attributes.parameters()).device
    outs = []
    with torch.no_grad():
        for chunk in images.split(250):
            outs.append(attributes.eval()(F.interpolate(chunk.to(dev), size=64, mode="nearest")))
    return {name: torch.cat([o[name] for o in outs]).float().cpu().softmax(1) if kind == "class"
            else torch.cat([o[name] for o in outs]).float().cpu().clamp(-1, 1)[:, None]
            for name, (kind, _) in _faces.FACTORS.items()}


def follows_a(read_mixed, read_a, read_b):
    """Per factor, the share of the mixed faces' attributes that follow A rather than B:
    Σ d(mixed, B) / Σ [d(mixed, A) + d(mixed, B)], d the L1 distance of what the predictor reads (class
    probabilities, or values).  1: the factor comes from A's styles; 0: from B's; 0.5: from both or neither."""
    out = {}
    for name in read_mixed:
        da = (read_mixed[name] - read_a[name]).abs().sum(1)
        db = (read_mixed[name] - read_b[name]).abs().sum(1)
        out[name] = round((db.sum() / (da + db).sum().clamp(min=1e-8)).item(), 3)
    return out


@torch.no_grad()
def style_mixing_scores(G, attributes, n=500, seed=0):
    """Style mixing, measured: for each layer group (coarse, middle, fine), ``n`` faces that take source
    A's styles in that group and B's everywhere else, and per factor the share that follows A
    (:func:`follows_a`).  Returns ``{group: {factor: share}}``; noise is the same for A, B and the mix."""
    z_a, z_b = codes(G, n, seed), codes(G, n, seed + 1)
    noise = fixed_noise(G, n, seed)
    ws_a, ws_b = G.styles(z_a), G.styles(z_b)
    read = lambda ws: read_attributes(attributes, G.synthesis(ws, noise).clamp(-1, 1))  # noqa: E731
    read_a, read_b = read(ws_a), read(ws_b)
    return {group: follows_a(read(mix_layers(ws_a, ws_b, layers)), read_a, read_b)
            for group, layers in layer_groups(G.config).items()}


@torch.no_grad()
def sample_mixed(G, n, seed=0, latents=2):
    """``n`` faces each drawn from ``latents`` codes, switched at random layers (the paper's test of
    mixing regularisation: a G trained without it draws worse faces from mixed styles)."""
    g = torch.Generator().manual_seed(seed)
    c = G.config
    dev = next(G.parameters()).device
    ws = G.styles(torch.randn(n, c.z_dim, generator=g).to(dev))
    for _ in range(latents - 1):
        cut = torch.randint(1, c.num_ws, (n,), generator=g).to(dev)
        other = G.styles(torch.randn(n, c.z_dim, generator=g).to(dev))
        ws = torch.where(torch.arange(c.num_ws, device=dev)[None, :, None] >= cut[:, None, None], other, ws)
    return torch.cat([G.synthesis(ws[i:i + 250], fixed_noise(G, len(ws[i:i + 250]), seed + i)).clamp(-1, 1).cpu()
                      for i in range(0, n, 250)])


@torch.no_grad()
def mixing_grid(G, n=4, seed_a=0, seed_b=1, layers=None):
    """The paper's style-mixing figure as (n + 1)² images (nrow n + 1): sources B (codes of ``seed_b``)
    along the top, sources A down the left, and in cell (i, j) A_i's styles at ``layers`` (default: the
    coarse group) with B_j's everywhere else.  The corner is blank; every image has the same noise."""
    layers = layer_groups(G.config)["coarse"] if layers is None else list(layers)
    ws_a, ws_b = G.styles(codes(G, n, seed_a)), G.styles(codes(G, n, seed_b))
    ws = torch.cat([ws_b, ws_a, mix_layers(ws_a.repeat_interleave(n, 0), ws_b.repeat(n, 1, 1), layers)])
    noise = [x.expand(len(ws), -1, -1, -1) for x in fixed_noise(G, 1, seed_a)]
    b, a, mixed = G.synthesis(ws, noise).clamp(-1, 1).cpu().split([n, n, n * n])
    rows = [torch.cat([torch.ones_like(b[:1]), b])]
    rows += [torch.cat([a[i:i + 1], mixed[i * n:(i + 1) * n]]) for i in range(n)]
    return torch.cat(rows)


def truncation_table(G, attributes, psis=(0.0, 0.25, 0.5, 0.75, 1.0), n=1000, seed=0):
    """The truncation trick's trade-off: Fréchet distance and attribute variety of ``n`` faces per ψ,
    against held-out real faces (``face_eval.versus_real``).  Returns ``{psi: {"fid", "variety"}}``."""
    return {psi: face_eval.versus_real(attributes, sample(G, n, seed, psi=psi)) for psi in psis}


def binary_attributes(read):
    """Binary attributes from what the predictor reads (:func:`read_attributes`): each class of each class factor
    against the rest ("hair_colour=2"), each value factor above or below its median ("smile>median")."""
    out = {}
    for name, (kind, spec) in _faces.FACTORS.items():
        if kind == "class":
            cls = read[name].argmax(1)
            for k in range(spec if spec > 2 else 1):
                out[f"{name}={k}" if spec > 2 else name] = cls == (k if spec > 2 else 1)
        else:
            v = read[name][:, 0]
            out[f"{name}>median"] = v > v.median()
    return out


def _conditional_entropy(y, x):
    """H(Y | X) in bits for two binary (N,) tensors."""
    h = 0.0
    for xv in (False, True):
        sel = x == xv
        if sel.any():
            p = y[sel].float().mean().item()
            h += sel.float().mean().item() * -sum(q * math.log2(q) for q in (p, 1 - p) if q > 0)
    return h


@torch.no_grad()
def separability(G, attributes, n=4000, seed=0, min_share=0.05):
    """The paper's linear separability, in Z and in W: label ``n`` generated faces with the factors the
    predictor reads (:func:`binary_attributes`), fit a logistic regression on the codes of half of them,
    and on the other half measure H(attribute | the classifier's side), in bits: 0 when a hyperplane
    splits the attribute cleanly, 1 when it tells nothing.  Attributes whose rarer side is under
    ``min_share`` of the faces are left out (a G that seldom draws glasses gives no hyperplane to
    find).  Returns ``{"z": {attr: bits}, "w": {...}, "accuracy_z"/"accuracy_w": {attr: share},
    "left_out": [...]}``, plus the paper's summary exp(Σ bits) per space."""
    z = codes(G, n, seed)
    w = G.mapping(z)
    images = G.synthesis(w.unsqueeze(1).repeat(1, G.config.num_ws, 1), fixed_noise(G, n, seed)).clamp(-1, 1)
    labels = binary_attributes(read_attributes(attributes, images))
    half = n // 2
    out = {"z": {}, "w": {}, "accuracy_z": {}, "accuracy_w": {}, "left_out": []}
    for attr, y in labels.items():
        share = y.float().mean().item()
        if min(share, 1 - share) < min_share:
            out["left_out"].append(attr)
            continue
        for space, x in (("z", z.cpu()), ("w", w.cpu())):
            with torch.enable_grad():
                weight, bias = fit_linear_classifier(x[:half], y[:half])
            side = x[half:] @ weight + bias > 0
            out[space][attr] = round(_conditional_entropy(y[half:], side), 4)
            out[f"accuracy_{space}"][attr] = round((side == y[half:]).float().mean().item(), 4)
    for space in ("z", "w"):
        out[f"score_{space}"] = round(math.exp(sum(out[space].values())), 3)
    return out


def _slerp(a, b, t):
    a_n, b_n = a / a.norm(dim=1, keepdim=True), b / b.norm(dim=1, keepdim=True)
    omega = torch.acos((a_n * b_n).sum(1, keepdim=True).clamp(-1 + 1e-7, 1 - 1e-7))
    so = torch.sin(omega)
    return torch.sin((1 - t) * omega) / so * a + torch.sin(t * omega) / so * b


@torch.no_grad()
def path_length(G, attributes, space="w", n=1000, eps=1e-3, seed=0):
    """Perceptual path length (the paper's, with the attribute predictor's features as the perceptual
    space): for random pairs of codes and t ~ U(0, 1), ``‖φ(G(p(t))) − φ(G(p(t + ε)))‖² / ε²`` with p the
    path between the codes: spherical in Z, linear in W (noise fixed per pair).  Returns the mean with
    the top and bottom 1% left out, as the paper does, and the median."""
    g = torch.Generator().manual_seed(seed)
    c = G.config
    dev = next(G.parameters()).device
    z0, z1 = (torch.randn(n, c.z_dim, generator=g).to(dev) for _ in range(2))
    t = torch.rand(n, 1, generator=g).to(dev)
    noise = fixed_noise(G, n, seed)
    if space == "z":
        a, b = _slerp(z0, z1, t), _slerp(z0, z1, t + eps)
        wa, wb = G.mapping(a), G.mapping(b)
    elif space == "w":
        w0, w1 = G.mapping(z0), G.mapping(z1)
        wa, wb = torch.lerp(w0, w1, t), torch.lerp(w0, w1, t + eps)
    else:
        raise ValueError(f"space must be 'z' or 'w', got {space!r}")
    draw = lambda w: G.synthesis(w.unsqueeze(1).repeat(1, c.num_ws, 1), noise)  # noqa: E731
    fa, fb = (face_eval.attribute_features(attributes, F.interpolate(draw(w), size=64, mode="nearest"))
              for w in (wa, wb))
    d = (fa - fb).pow(2).sum(1).double() / eps ** 2
    lo, hi = torch.quantile(d, 0.01), torch.quantile(d, 0.99)
    four_digits = lambda x: float(f"{x:.4g}")  # noqa: E731
    return {"mean": four_digits(d[(d >= lo) & (d <= hi)].mean().item()), "median": four_digits(d.median().item())}


def evaluate(G, attributes, n=1000, detail=False):
    """The zoo's numbers for a StyleGAN: quality (Fréchet distance and variety, ψ = 1), Fréchet distance
    of faces from mixed styles, and the style-mixing scores; ``detail``: against real faces with detail
    (a G trained on them)."""
    return {**face_eval.versus_real(attributes, sample(G, n), detail=detail),
            "fid_mixed_styles": face_eval.versus_real(attributes, sample_mixed(G, n), detail=detail)["fid"],
            "style_mixing": style_mixing_scores(G, attributes)}


# The zoo saves and rebuilds this lecture's models by these names.
register("stylegan.Generator", Generator, StyleGANConfig)
