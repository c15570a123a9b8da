"""Progressive growing of GANs (Karras, Aila, Laine & Lehtinen, 2018), notebook 05.

The four ideas of the paper, each one small piece:

* **progressive growing** with a **smooth fade-in**: a new, higher-resolution block is blended in,
  ``(1 − α)·upsample(old) + α·new`` for G and the mirror image for D (:func:`fade_in`);
* **minibatch standard deviation**: D sees how varied a group of its inputs is, as one more feature
  map (:class:`MinibatchStdDev`), so a G that collapses to a few images is caught;
* **pixelwise feature normalisation** in G: each pixel's feature vector scaled to unit length
  (:class:`PixelNorm`), which keeps G's signal from escalating;
* the **equalised learning rate**: weights drawn from N(0, 1) and scaled at run time by He's constant
  ``sqrt(2 / fan_in)`` (:class:`EqualizedConv2d`, :class:`EqualizedLinear`), so that Adam's
  per-parameter step size means the same for every layer.

``Generator(z, stage, alpha)`` draws at 4·2^stage pixels; ``Discriminator(x, stage, alpha)`` reads
that size.  The StyleGAN notebook reuses these pieces.
"""

import math
from dataclasses import dataclass, field, replace
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

import coursekit as ck
from coursekit import faces as _faces
from coursekit import train as _train
from coursekit.models import face_eval
from coursekit.train import config as _config
from coursekit.train import distributed as dist
from coursekit.train.ema import decay_for_half_life, gan_with_ema
from coursekit.zoo import register


class EqualizedLinear(nn.Module):
    """y = (w · c) x + b with w ~ N(0, 1) stored and c = gain / sqrt(fan_in) applied at run time.

    ``lr_multiplier`` (StyleGAN's mapping network: 0.01) slows the layer's learning by that factor:
    weights stored 1/m larger, scaled back by m at run time."""

    def __init__(self, in_features, out_features, gain=math.sqrt(2), lr_multiplier=1.0):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_features, in_features) / lr_multiplier)
        self.bias = nn.Parameter(torch.zeros(out_features))
        self.scale = gain / math.sqrt(in_features) * lr_multiplier
        self.lr_multiplier = lr_multiplier

    def forward(self, x):
        return F.linear(x, self.weight * self.scale, self.bias * self.lr_multiplier)


class EqualizedConv2d(nn.Module):
    """A convolution whose weights w ~ N(0, 1) are scaled at run time by gain / sqrt(c_in · k · k)."""

    def __init__(self, c_in, c_out, kernel_size, padding=0, gain=math.sqrt(2)):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(c_out, c_in, kernel_size, kernel_size))
        self.bias = nn.Parameter(torch.zeros(c_out))
        self.scale = gain / math.sqrt(c_in * kernel_size * kernel_size)
        self.padding = padding

    def forward(self, x):
        return F.conv2d(x, self.weight * self.scale, self.bias, padding=self.padding)


class PixelNorm(nn.Module):
    """b = a / sqrt(mean over channels of a² + ε): each pixel's feature vector to unit RMS (ε = 1e-8)."""

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8)


class MinibatchStdDev(nn.Module):
    """Append one feature map: the standard deviation of each feature over a group of ``group_size``
    images, averaged over features and pixels, the same value everywhere for the group's images."""

    def __init__(self, group_size=4):
        super().__init__()
        self.group_size = group_size

    def forward(self, x):
        n, c, h, w = x.shape
        g = min(self.group_size, n)
        if n % g:
            raise ValueError(f"the batch ({n}) must be a multiple of the group size ({g})")
        y = x.view(g, n // g, c, h, w)                       # group member i of every group: y[i]
        std = (y.var(dim=0, unbiased=False) + 1e-8).sqrt()    # (n/g, c, h, w) over each group
        s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)     # one number per group
        return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def fade_in(alpha, old, new):
    """(1 − α)·old + α·new: the new block's output blended in as α grows from 0 to 1."""
    return (1 - alpha) * old + alpha * new


def draw_fade_in(size=16):
    """The paper's figure 2, drawn: how G grows from ``size // 2`` to ``size`` pixels.  Before, the old
    block's features go through its to-RGB layer; during the fade-in, that image upsampled (weight
    1 − α) is summed with the new block's to-RGB image (weight α); after, only the new path is left.
    D grows the mirror way (its from-RGB layers, average pooling).  Returns the matplotlib figure."""
    import matplotlib.pyplot as plt  # deferred, as in ck.viz: only this figure needs matplotlib

    old, new = f"{size // 2}×{size // 2}", f"{size}×{size}"
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    for ax, title in zip(axes, ["(a) before: G ends at " + old, "(b) fade-in, α: 0 → 1",
                                "(c) after: G ends at " + new]):
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 8)
        ax.set_axis_off()
        ax.set_title(title, fontsize=10)
    box, arrow = ck.viz.diagram_box, ck.viz.diagram_arrow
    grey, blue, orange = "#eeeeee", "#cfe2ff", "#ffe0b2"
    a, b, c = axes
    # (a): the old block and its to-RGB layer
    box(a, 5, 7, f"block {old}", blue)
    box(a, 5, 4, "toRGB (1×1 conv)", blue)
    box(a, 5, 1, f"image {old}", grey)
    arrow(a, (5, 6.5), (5, 4.5))
    arrow(a, (5, 3.5), (5, 1.5))
    # (b): two paths from the old block, blended
    box(b, 5, 7.3, f"block {old}", blue)
    box(b, 2.5, 5.2, "toRGB (old)", blue)
    box(b, 2.5, 3.4, "upsample ×2", grey)
    box(b, 7.5, 5.2, f"new block {new}", orange)
    box(b, 7.5, 3.4, "toRGB (new)", orange)
    box(b, 5, 1.6, "(1 − α)·old + α·new", "#ffd6d6", size=9)
    box(b, 5, 0.1, f"image {new}", grey)
    arrow(b, (4.6, 6.9), (2.9, 5.6))
    arrow(b, (5.4, 6.9), (7.1, 5.6))
    arrow(b, (2.5, 4.8), (2.5, 3.8))
    arrow(b, (7.5, 4.8), (7.5, 3.8))
    arrow(b, (2.7, 3.0), (4.2, 2.0))
    arrow(b, (7.3, 3.0), (5.8, 2.0))
    arrow(b, (5, 1.2), (5, 0.5))
    b.text(2.9, 2.35, "1 − α", ha="right", fontsize=9)
    b.text(7.1, 2.35, "α", ha="left", fontsize=9)
    # (c): the new path alone
    box(c, 5, 7, f"block {old}", blue)
    box(c, 5, 4.9, f"new block {new}", orange)
    box(c, 5, 2.9, "toRGB (new)", orange)
    box(c, 5, 0.8, f"image {new}", grey)
    for y0, y1 in ((6.5, 5.4), (4.4, 3.4), (2.4, 1.3)):
        arrow(c, (5, y0), (5, y1))
    fig.tight_layout()
    return fig


@dataclass
class ProGANConfig:
    z_dim: int = 128
    channels: int = 3
    width: int = 128          # features at 4x4 and 8x8 (the paper: 512)
    max_stage: int = 3        # 0: 4x4, 1: 8x8, 2: 16x16, 3: 32x32, 4: 64x64
    mbstd_group: int = 4      # minibatch standard deviation group (0: off, the ablation)

    def features(self, stage):
        """Features at a stage: ``width`` up to 8x8, then halved per doubling (at least 16)."""
        return max(16, self.width // 2 ** max(0, stage - 1))


def _lrelu():
    return nn.LeakyReLU(0.2)


class GeneratorBlock(nn.Module):
    """Upsample ×2 (nearest), then two 3x3 convs, each followed by leaky ReLU and pixel norm."""

    def __init__(self, c_in, c_out):
        super().__init__()
        self.body = nn.Sequential(EqualizedConv2d(c_in, c_out, 3, 1), _lrelu(), PixelNorm(),
                                  EqualizedConv2d(c_out, c_out, 3, 1), _lrelu(), PixelNorm())

    def forward(self, x):
        return self.body(F.interpolate(x, scale_factor=2, mode="nearest"))


class Generator(nn.Module):
    """z -> image at 4·2^stage pixels, growing a block (and a to-RGB) per stage::

        z ─ pixel norm ─ linear → 4x4 ─ conv ─ [block 8x8] ─ [block 16x16] ─ ... ─ to-RGB
                                          └ to-RGB(upsample) ┘  fade-in while the newest block comes in
    """

    def __init__(self, config=None):
        super().__init__()
        self.config = c = config or ProGANConfig()
        f0 = c.features(0)
        self.input = nn.Sequential(PixelNorm(), EqualizedLinear(c.z_dim, f0 * 16, gain=math.sqrt(2) / 4))
        self.first = nn.Sequential(_lrelu(), PixelNorm(), EqualizedConv2d(f0, f0, 3, 1), _lrelu(),
                                   PixelNorm())
        self.blocks = nn.ModuleList(GeneratorBlock(c.features(s - 1), c.features(s))
                                    for s in range(1, c.max_stage + 1))
        self.to_rgb = nn.ModuleList(EqualizedConv2d(c.features(s), c.channels, 1, gain=1.0)
                                    for s in range(c.max_stage + 1))

    def forward(self, z, stage=None, alpha=1.0):
        c = self.config
        stage = c.max_stage if stage is None else stage
        if not 0 <= stage <= c.max_stage:
            raise ValueError(
                f"stage must be in 0..{c.max_stage} (4x4 .. {4 * 2 ** c.max_stage}px), got {stage}")
        if z.dim() != 2 or z.shape[1] != c.z_dim:
            raise ValueError(f"expected latent codes (N, {c.z_dim}), got shape {tuple(z.shape)}")
        x = self.first(self.input(z).view(len(z), c.features(0), 4, 4))
        for s in range(1, stage + 1):
            previous = x
            x = self.blocks[s - 1](x)
        image = self.to_rgb[stage](x)
        if stage > 0 and alpha < 1:
            old = F.interpolate(self.to_rgb[stage - 1](previous), scale_factor=2, mode="nearest")
            image = fade_in(alpha, old, image)
        return image


class DiscriminatorBlock(nn.Module):
    """Two 3x3 convs with leaky ReLU, then average-pool ×½."""

    def __init__(self, c_in, c_out):
        super().__init__()
        self.body = nn.Sequential(EqualizedConv2d(c_in, c_in, 3, 1), _lrelu(),
                                  EqualizedConv2d(c_in, c_out, 3, 1), _lrelu(), nn.AvgPool2d(2))

    def forward(self, x):
        return self.body(x)


class Discriminator(nn.Module):
    """Image at 4·2^stage pixels -> one score; the mirror image of the generator, with the minibatch
    standard deviation before its last block."""

    def __init__(self, config=None):
        super().__init__()
        self.config = c = config or ProGANConfig()
        self.from_rgb = nn.ModuleList(nn.Sequential(EqualizedConv2d(c.channels, c.features(s), 1), _lrelu())
                                      for s in range(c.max_stage + 1))
        # blocks[s - 1] takes stage s's resolution down to stage s - 1's
        self.blocks = nn.ModuleList(DiscriminatorBlock(c.features(s), c.features(s - 1))
                                    for s in range(1, c.max_stage + 1))
        f0 = c.features(0)
        extra = 1 if c.mbstd_group else 0
        self.mbstd = MinibatchStdDev(c.mbstd_group) if c.mbstd_group else nn.Identity()
        self.last = nn.Sequential(EqualizedConv2d(f0 + extra, f0, 3, 1), _lrelu(), EqualizedConv2d(f0, f0, 4),
                                  _lrelu(), nn.Flatten(), EqualizedLinear(f0, 1, gain=1.0))

    def forward(self, x, stage=None, alpha=1.0):
        c = self.config
        stage = c.max_stage if stage is None else stage
        size = 4 * 2 ** stage
        if x.dim() != 4 or x.shape[1] != c.channels or x.shape[-1] != size or x.shape[-2] != size:
            raise ValueError(f"stage {stage} reads images (N, {c.channels}, {size}, {size}), got "
                             f"{tuple(x.shape)}")
        h = self.from_rgb[stage](x)
        if stage > 0:
            h = self.blocks[stage - 1](h)
            if alpha < 1:
                h = fade_in(alpha, self.from_rgb[stage - 1](F.avg_pool2d(x, 2)), h)
            for s in range(stage - 1, 0, -1):
                h = self.blocks[s - 1](h)
        return self.last(self.mbstd(h)).squeeze(1)


# --------------------------------------------------------------------------------------------
# The loss (WGAN-GP, as in the paper) and the growing schedule.

def d_loss(D, real, fake, stage, alpha, gp_weight=10.0, drift=1e-3):
    """WGAN-GP for D: E[D(fake)] − E[D(real)] + λ·E[(‖∇D(x̂)‖ − 1)²] + ε·E[D(real)²], λ = 10, ε = 0.001.

    x̂ are random points between real and fake images; the drift term keeps D's output near 0."""
    real_score, fake_score = D(real, stage, alpha), D(fake, stage, alpha)
    eps = torch.rand(len(real), 1, 1, 1, device=real.device)
    mix = (eps * real + (1 - eps) * fake).requires_grad_(True)
    grad, = torch.autograd.grad(D(mix, stage, alpha).sum(), mix, create_graph=True)
    penalty = (grad.flatten(1).norm(dim=1) - 1).pow(2).mean()
    return fake_score.mean() - real_score.mean() + gp_weight * penalty + drift * real_score.pow(2).mean()


def g_loss(D, fake, stage, alpha):
    """WGAN for G: −E[D(fake)]."""
    return -D(fake, stage, alpha).mean()


def stage_and_alpha(step, steps_per_phase, max_stage):
    """Where training is at ``step``: 4x4 trains for one phase, then each new resolution fades in
    over one phase (α from 0 to 1) and trains stable for one more.  Returns (stage, alpha)."""
    if step < steps_per_phase:
        return 0, 1.0
    phase = (step - steps_per_phase) // steps_per_phase  # 0: fade to 8x8, 1: stable 8x8, 2: fade to 16x16...
    stage = min(phase // 2 + 1, max_stage)
    if phase >= 2 * max_stage:
        return max_stage, 1.0
    fading = phase % 2 == 0
    alpha = ((step - steps_per_phase) % steps_per_phase) / steps_per_phase if fading else 1.0
    return stage, alpha


def phases(max_stage):
    """The phases of growing to ``max_stage``: 4x4, then a fade-in and a stable phase per added resolution."""
    return 1 + 2 * max_stage


def total_steps(steps_per_phase, max_stage, final_steps=0):
    """Steps to grow to ``max_stage`` and train it stable for one phase, or for ``final_steps``."""
    grown = steps_per_phase * (phases(max_stage) - 1)
    return grown + (final_steps or steps_per_phase)


def real_at(images, stage, alpha):
    """Real images at a stage's size; while a stage fades in, blended with the previous size (upsampled)
    as the paper does, so that D sees real and fake images made the same way."""
    size = 4 * 2 ** stage
    x = F.adaptive_avg_pool2d(images, size) if images.shape[-1] != size else images
    if stage > 0 and alpha < 1:
        x = fade_in(alpha, F.interpolate(F.avg_pool2d(x, 2), scale_factor=2, mode="nearest"), x)
    return x


TRAIN_SEED, TEST_SEED = 0, 1


@dataclass(frozen=True)
class Training:
    """Everything a ProGAN training run depends on; a zoo record keeps it whole (``"options"``).

    The recipes declare one per zoo model (``progan.recipes``); ``--set NAME=VALUE`` changes a field
    from the command line (``ck.train.config``)."""
    steps_per_phase: int = 300                   # each fade-in and each stable phase
    final_steps: int = 0                         # steps at the final size once grown (0: one phase)
    batch_size: int = 32
    lr: float = 1e-3                             # the paper's
    betas: tuple[float, float] = (0.0, 0.99)     # Adam's (the paper's)
    n_critic: int = 1                            # D steps per G step
    ema_half_life: int = 22170                   # images after which a weight counts half in G's EMA
    seed: int = 0
    bf16: Optional[bool] = None                  # None: where the hardware has native bf16
    snapshot_every: int = 0                      # the EMA's faces of fixed codes every this many steps
    snapshot_z: int = 8
    curve_every: int = 0                         # score 500 EMA faces every this many steps (0: never)
    model: ProGANConfig = field(default_factory=ProGANConfig)


def train_progan(training=None, checkpoint=None, device=None, stage_end=None, plot=None, desc=None,
                 **changes):
    """Grow a ProGAN on the course's faces from 4x4 to 4·2^max_stage pixels, as ``training`` (a
    :class:`Training`; fields changed by ``changes``, e.g. ``steps_per_phase=2``) says.

    Adam (the paper's lr 1e-3 and β = (0, 0.99) by default), WGAN-GP, G's weights averaged (EMA).
    ``stage_end(stage, G_ema)`` is called when a resolution has finished its stable phase; the numbers
    it returns go into ``run.history`` (kept in checkpoints).  Returns ``ck.train.Trained(G_ema, G, D,
    run, extras)`` whose ``extras`` are the snapshots: {"steps", "stage", "alpha" (K,), "images" (K,
    snapshot_z, C, S, S)}, the EMA generator's images of fixed codes, upsampled to the final size,
    every ``snapshot_every`` steps while it grows and one phase more (the resolution/α scrubber of
    notebook 05); they are part of the checkpoint, so they survive a resume.  With ``curve_every`` the
    history holds the quality curve of the grown G (``ck.train.Curve``; at the final size only)."""
    t = _config.override(training or Training(), changes)
    dev = device or ck.device()
    config, steps_per_phase, batch_size = t.model, t.steps_per_phase, t.batch_size
    ck.seed(t.seed)
    G, D, ema, opt_G, opt_D = gan_with_ema(Generator(config), Discriminator(config), t.lr, dev, t.betas,
                                           decay_for_half_life(t.ema_half_life, batch_size))
    steps = total_steps(steps_per_phase, config.max_stage, t.final_steps)
    final = 4 * 2 ** config.max_stage
    fixed_z = torch.randn(t.snapshot_z, config.z_dim, generator=torch.Generator().manual_seed(t.seed))
    snapped = total_steps(steps_per_phase, config.max_stage)  # snapshots while growing and one phase more
    k = snapped // t.snapshot_every if t.snapshot_every else 0
    snap_images = torch.zeros(k, t.snapshot_z, config.channels, final, final)
    snap_meta = torch.zeros(k, 3)  # step, stage, alpha
    run = ck.train.Run({"G": G, "D": D, "G_ema": ema.model, "opt_G": opt_G, "opt_D": opt_D,
                        "snapshot_images": snap_images, "snapshot_meta": snap_meta}, steps=steps,
                       checkpoint=checkpoint, checkpoint_every=500, plot=plot, desc=desc or "progan",
                       record={"options": _config.as_record(t)})
    grown = 2 * config.max_stage * steps_per_phase  # the step the final size is stable from
    curve = _train.Curve(run, t.curve_every, batch_size,
                         lambda: face_eval.quality(_attributes(),
                                                   _generated(ema.model, config.max_stage, 500, 0)))
    offset, n = dist.shard_range(batch_size)
    render = 64 if final > 32 else 32
    with run:
        for step in run.steps():
            stage, alpha = stage_and_alpha(step, steps_per_phase, config.max_stage)
            faces = _faces.faces(n, size=render, seed=TRAIN_SEED, start=step * batch_size + offset).images
            real = real_at(faces.to(dev), stage, alpha)
            with ck.core.autocast(dev, t.bf16):  # bf16 where the hardware has it
                for _ in range(t.n_critic):
                    fake = G(torch.randn(n, config.z_dim, device=dev), stage, alpha)
                    loss_D = d_loss(D, real, fake.detach(), stage, alpha)
                    opt_D.zero_grad(set_to_none=True)
                    loss_D.backward()
                    opt_D.step()
                D.requires_grad_(False)
                loss_G = g_loss(D, G(torch.randn(n, config.z_dim, device=dev), stage, alpha), stage, alpha)
                opt_G.zero_grad(set_to_none=True)
                loss_G.backward()
                opt_G.step()
            D.requires_grad_(True)
            ema.update(G, step)
            run.log(loss_D=dist.mean(loss_D.detach()), loss_G=dist.mean(loss_G.detach()), stage=stage,
                    alpha=alpha)
            if t.snapshot_every and (step + 1) % t.snapshot_every == 0 and step < snapped:
                with torch.no_grad():
                    img = ema.model(fixed_z.to(dev), stage, alpha).clamp(-1, 1).cpu()
                i = (step + 1) // t.snapshot_every - 1
                snap_images[i] = F.interpolate(img, size=final, mode="nearest")
                snap_meta[i] = torch.tensor([step + 1, stage, alpha])
            last_of_stage = (step + 1 == steps
                             or stage_and_alpha(step + 1, steps_per_phase, config.max_stage)[0] != stage)
            if stage_end and last_of_stage:
                run.history.record(step + 1, **stage_end(stage, ema.model))
            if step >= grown:
                curve.after(step)
    done = int((snap_meta[:, 0] > 0).sum())
    snapshots = {"steps": snap_meta[:done, 0].long().tolist(), "stage": snap_meta[:done, 1].long().tolist(),
                 "alpha": snap_meta[:done, 2].tolist(), "images": snap_images[:done]}
    return _train.Trained(ema.model.eval(), G.eval(), D.eval(), run, snapshots)


def _attributes():
    return ck.zoo.load("faces-attributes", device=torch.device("cpu"))


@torch.no_grad()
def _generated(G, stage, n, seed):
    """``n`` of G's faces at a stage, from codes of ``seed``, on the CPU."""
    dev = next(G.parameters()).device
    z = torch.randn(n, G.config.z_dim, generator=torch.Generator().manual_seed(seed)).to(dev)
    return torch.cat([G(c, stage).clamp(-1, 1).cpu() for c in z.split(250)])


def stage_fid(G, stage, attributes, n=500, seed=0):
    """Fréchet distance (attribute predictor's features) between G's faces at a stage and held-out
    real faces brought to the same resolution (``face_eval.versus_real``)."""
    return face_eval.versus_real(attributes, _generated(G, stage, n, seed), seed=TEST_SEED)["fid"]


def evaluate(G, attributes, n=1000, seed=0):
    """The grown G's Fréchet distance (as :func:`stage_fid`, ``n`` faces) and the variety of its faces'
    attributes against held-out real faces (``face_eval.attribute_variety``)."""
    return face_eval.versus_real(attributes, _generated(G, G.config.max_stage, n, seed), seed=TEST_SEED)


@torch.no_grad()
def sample(G, n=16, seed=0):
    """G's faces of ``n`` fixed codes at its final resolution, on the CPU (pictures of the notebook)."""
    z = torch.randn(n, G.config.z_dim, generator=torch.Generator().manual_seed(seed))
    return G(z.to(next(G.parameters()).device)).clamp(-1, 1).cpu()


def pack_snapshots(snapshots):
    """The growth snapshots of :func:`train_progan` as the zoo keeps them: images in float16 and one
    (T, 3) table of step, stage and alpha.  :func:`unpack_snapshots` undoes it."""
    return {"snapshot_images": snapshots["images"].half(),
            "snapshot_meta": torch.tensor([snapshots["steps"], snapshots["stage"], snapshots["alpha"]]).t()}


def unpack_snapshots(extras):
    """The snapshots a zoo record keeps (``ck.zoo.extras("faces-progan")``), as ``ck.widgets.growth``
    takes them: {"images" (T, B, C, S, S) float, "steps", "stage", "alpha" (T lists)}."""
    meta = extras["snapshot_meta"]
    return {"images": extras["snapshot_images"].float(), "steps": meta[:, 0].long().tolist(),
            "stage": meta[:, 1].long().tolist(), "alpha": meta[:, 2].tolist()}


#: The lecture's ablation: one trick taken away, everything else the same (identifier -> label and change).
ABLATIONS = {"no-minibatch-std": {"label": "no minibatch std", "mbstd_group": 0}}


def ablation_study(attributes, training, checkpoint=None, device=None, n=1000):
    """Train each of :data:`ABLATIONS` as ``training`` (the zoo model's schedule and seed) with the
    ablation's change to the model, and score it with :func:`evaluate`; with a ``checkpoint`` directory
    each run is resumable.  Returns ``{key: {"label", "fid", "variety", "samples"}}``, keyed by the
    variants' identifiers."""
    def train_one(key, change, where):
        result = train_progan(training, model=replace(training.model, **change), checkpoint=where,
                              device=device, desc=key)
        return result.G_ema.cpu(), result.run

    def score(key, G):
        return {**evaluate(G, attributes.cpu(), n=n), "samples": sample(G)}

    return _train.ablation_study(ABLATIONS, train_one, score, checkpoint)


# The zoo saves and rebuilds this lecture's models by these names.
register("progan.Generator", Generator, ProGANConfig)
