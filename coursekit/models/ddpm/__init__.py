"""Denoising diffusion (notebook 08): the noise schedule, the ε-prediction U-Net, training and samplers.

The schedule follows the names of diffusers' ``DDPMScheduler`` so that code
read here transfers: ``num_train_timesteps``, ``betas``, ``alphas_cumprod``,
``add_noise(original_samples, noise, timesteps)`` and ``step(model_output,
timestep, sample)`` returning ``prev_sample`` and ``pred_original_sample``.

One network serves as both the unconditional and the class-conditional model:
it is trained with the label dropped (replaced by the "no label" token 10) for
10% of the images, so ``eps(x_t, t, NULL)`` is an unconditional model and
classifier-free guidance mixes the two (Ho & Salimans, 2022).
"""

import math
import time
from dataclasses import dataclass
from typing import NamedTuple

import torch
import torch.nn as nn
import torch.nn.functional as F

import coursekit as ck
from coursekit.models.cgan import balanced_labels
from coursekit.train import distributed as dist
from coursekit.train.ema import EMA  # ddpm.EMA: notebook 08 uses it by this name
from coursekit.zoo import register

NUM_CLASSES = 10
NULL_LABEL = NUM_CLASSES  # the "no label" token of classifier-free guidance


# --------------------------------------------------------------------------------------------
# The forward process.

def linear_betas(num_train_timesteps=1000, beta_start=1e-4, beta_end=0.02):
    """β_t rising linearly (Ho et al., 2020), as float32 like diffusers."""
    return torch.linspace(beta_start, beta_end, num_train_timesteps, dtype=torch.float32)


def cosine_betas(num_train_timesteps=1000, s=0.008, max_beta=0.999):
    """β_t of the cosine schedule (Nichol & Dhariwal, 2021): ᾱ(t) = cos²((t/T + s)/(1 + s)·π/2)."""
    def abar(t):
        return math.cos((t / num_train_timesteps + s) / (1 + s) * math.pi / 2) ** 2
    return torch.tensor([min(1 - abar(i + 1) / abar(i), max_beta) for i in range(num_train_timesteps)],
                        dtype=torch.float32)


@dataclass
class StepOutput:
    """What one reverse step returns (named as in diffusers)."""

    prev_sample: torch.Tensor           # x_{t-1}
    pred_original_sample: torch.Tensor  # the model's guess of x_0


class DDPMSchedule:
    """The noise schedule and the ancestral sampler of DDPM.

    Args:
        num_train_timesteps: T.
        beta_schedule: ``"linear"`` (β from ``beta_start`` to ``beta_end``) or
            ``"squaredcos_cap_v2"`` (cosine).
        variance_type: σ_t² of the reverse step, ``"fixed_small"`` (the
            posterior variance β̃_t) or ``"fixed_large"`` (β_t).
        clip_sample: clip the predicted x_0 to [-1, 1] in ``step`` (diffusers' default).
    """

    def __init__(self, num_train_timesteps=1000, beta_start=1e-4, beta_end=0.02, beta_schedule="linear",
                 variance_type="fixed_small", clip_sample=True):
        if beta_schedule == "linear":
            betas = linear_betas(num_train_timesteps, beta_start, beta_end)
        elif beta_schedule == "squaredcos_cap_v2":
            betas = cosine_betas(num_train_timesteps)
        else:
            raise ValueError(f"beta_schedule must be 'linear' or 'squaredcos_cap_v2', got {beta_schedule!r}")
        if variance_type not in ("fixed_small", "fixed_large"):
            raise ValueError(f"variance_type must be 'fixed_small' or 'fixed_large', got {variance_type!r}")
        self.num_train_timesteps, self.beta_schedule = num_train_timesteps, beta_schedule
        self.variance_type, self.clip_sample = variance_type, clip_sample
        self.betas = betas
        self.alphas = 1.0 - betas
        self.alphas_cumprod = torch.cumprod(self.alphas, dim=0)

    def __repr__(self):
        return (f"DDPMSchedule(T={self.num_train_timesteps}, {self.beta_schedule}, "
                f"{self.variance_type}, clip_sample={self.clip_sample})")

    def _timesteps(self, timesteps, n, device):
        t = torch.as_tensor(timesteps, device=device).long().reshape(-1)
        if t.numel() == 1:
            t = t.expand(n)
        if t.numel() != n or t.min() < 0 or t.max() >= self.num_train_timesteps:
            raise ValueError(f"timesteps must be one value or {n} values (one per image) in "
                             f"0..{self.num_train_timesteps - 1}, got {timesteps!r}")
        return t

    def add_noise(self, original_samples, noise, timesteps):
        """x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε: a sample of q(x_t | x_0) in one jump."""
        x0 = original_samples
        t = self._timesteps(timesteps, len(x0), x0.device)
        abar = self.alphas_cumprod.to(x0.device)[t].to(x0.dtype).view(-1, *[1] * (x0.dim() - 1))
        return abar.sqrt() * x0 + (1 - abar).sqrt() * noise

    def snr(self):
        """Signal-to-noise ratio ᾱ_t / (1 − ᾱ_t) for every t."""
        return self.alphas_cumprod / (1 - self.alphas_cumprod)

    def posterior_variance(self, t):
        """β̃_t = (1 − ᾱ_{t−1}) / (1 − ᾱ_t) · β_t, the variance of q(x_{t−1} | x_t, x_0)."""
        abar_prev = self.alphas_cumprod[t - 1] if t > 0 else torch.tensor(1.0)
        return ((1 - abar_prev) / (1 - self.alphas_cumprod[t]) * self.betas[t]).clamp(min=1e-20)

    def pred_original(self, model_output, timestep, sample):
        """x̂_0 = (x_t − √(1−ᾱ_t)·ε̂) / √ᾱ_t, clipped to [-1, 1] when ``clip_sample``."""
        abar = self.alphas_cumprod[timestep]
        x0 = (sample - (1 - abar).sqrt() * model_output) / abar.sqrt()
        return x0.clamp(-1, 1) if self.clip_sample else x0

    def step(self, model_output, timestep, sample, generator=None):
        """One ancestral step x_t -> x_{t−1} (Algorithm 2), through the posterior mean given x̂_0.

        μ = √ᾱ_{t−1}·β_t/(1−ᾱ_t)·x̂_0 + √α_t·(1−ᾱ_{t−1})/(1−ᾱ_t)·x_t, then + σ_t·z (no noise at t = 0).
        ``timestep`` is one int for the whole batch.
        """
        t = int(timestep)
        abar_t = self.alphas_cumprod[t]
        abar_prev = self.alphas_cumprod[t - 1] if t > 0 else torch.tensor(1.0)
        x0 = self.pred_original(model_output, t, sample)
        mean = ((abar_prev.sqrt() * self.betas[t] / (1 - abar_t)) * x0
                + (self.alphas[t].sqrt() * (1 - abar_prev) / (1 - abar_t)) * sample)
        if t > 0:
            var = self.posterior_variance(t) if self.variance_type == "fixed_small" else self.betas[t]
            z = torch.randn(model_output.shape, generator=generator,
                            dtype=model_output.dtype).to(sample.device)
            mean = mean + var.sqrt() * z
        return StepOutput(mean, x0)

    def ddim_timesteps(self, num_inference_steps):
        """The DDIM sub-sequence, evenly spaced as diffusers' "leading" spacing: 980, 960, ..., 0 for 50."""
        if not 0 < num_inference_steps <= self.num_train_timesteps:
            raise ValueError(f"num_inference_steps must be in 1..{self.num_train_timesteps}, got "
                             f"{num_inference_steps}")
        stride = self.num_train_timesteps // num_inference_steps
        return list(range(0, num_inference_steps * stride, stride))[::-1]

    def ddim_step(self, model_output, timestep, prev_timestep, sample, eta=0.0, generator=None,
                  use_clipped_model_output=False):
        """One DDIM step x_t -> x_{t_prev} (Song et al., 2021); ``eta=0`` is deterministic.

        x_prev = √ᾱ_prev·x̂_0 + √(1 − ᾱ_prev − σ²)·ε̂ + σ·z, σ = η·√((1−ᾱ_prev)/(1−ᾱ_t)·(1−ᾱ_t/ᾱ_prev)).
        ``prev_timestep`` −1 means "to x_0" (ᾱ = 1).  As in diffusers, x̂_0 is clipped; ε̂ is the model's
        output unless ``use_clipped_model_output``, which recomputes ε̂ = (x_t − √ᾱ_t·x̂_0)/√(1−ᾱ_t) from
        the clipped x̂_0 so the two agree.  :func:`sample` does: with guidance the model's ε̂ often
        points outside [-1, 1], and stepping with a clipped x̂_0 but the unclipped ε̂ ruins the
        guided samples: most no longer show the asked digit.
        """
        abar_t = self.alphas_cumprod[timestep]
        abar_prev = self.alphas_cumprod[prev_timestep] if prev_timestep >= 0 else torch.tensor(1.0)
        x0 = self.pred_original(model_output, timestep, sample)
        eps = ((sample - abar_t.sqrt() * x0) / (1 - abar_t).sqrt() if use_clipped_model_output
               else model_output)
        sigma = eta * ((1 - abar_prev) / (1 - abar_t) * (1 - abar_t / abar_prev)).sqrt()
        prev = abar_prev.sqrt() * x0 + (1 - abar_prev - sigma**2).sqrt() * eps
        if eta > 0:
            prev = prev + sigma * torch.randn(model_output.shape, generator=generator,
                                              dtype=model_output.dtype).to(sample.device)
        return StepOutput(prev, x0)


def draw_chains(x0, schedule, model, label, ts=(100, 300, 600, 1000), seed=0):
    """The lecture's figure of the two chains, drawn with real numbers: on top the forward process q
    taking the digit ``x0`` (1, 28, 28) to noise, shown at the lecture's steps ``ts`` (1 … T); below
    the reverse process p_θ, ``model``'s DDIM path (50 steps, digit ``label``) from pure noise back to
    a digit, shown at the nearest steps.  Returns the matplotlib figure."""
    import matplotlib.pyplot as plt  # deferred, as in ck.viz: only this figure needs matplotlib
    from matplotlib.patches import FancyArrowPatch

    g = torch.Generator().manual_seed(seed)
    code_t = torch.tensor(ts) - 1  # the code counts 0 … T − 1
    noisy = q_sample(x0.expand(len(ts), *x0.shape), code_t, torch.randn((len(ts), *x0.shape), generator=g),
                     schedule.alphas_cumprod)
    images, path = sample(model, schedule, labels=[label], steps=50, generator=g, trajectory_every=1)
    forward = [x0, *noisy]
    reverse = [images[0], *(min(path, key=lambda step: abs(step[0] - t))[1][0] for t in code_t.tolist())]
    ts = (0, *ts)
    fig, axes = plt.subplots(2, len(ts), figsize=(2.1 * len(ts), 5))
    for row, images, name in ((0, forward, "forward q"), (1, reverse, "reverse $p_\\theta$")):
        for col, (t, image) in enumerate(zip(ts, images)):
            ax = axes[row, col]
            ax.imshow(image[0].clamp(-1, 1).cpu(), cmap="gray", vmin=-1, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"$x_{{{t}}}$", fontsize=11)
    axes[0, 0].set_ylabel("forward $q(x_t \\mid x_{t-1})$\nadds noise", fontsize=10)
    axes[1, 0].set_ylabel("reverse $p_\\theta(x_{t-1} \\mid x_t)$\nremoves it", fontsize=10)
    for col in range(len(ts) - 1):
        for row in (0, 1):
            left, right = axes[row, col].get_position(), axes[row, col + 1].get_position()
            y = (left.y0 + left.y1) / 2
            start, end = (left.x1 + 0.005, y), (right.x0 - 0.005, y)
            fig.add_artist(FancyArrowPatch(*((start, end) if row == 0 else (end, start)),
                                           transform=fig.transFigure, arrowstyle="-|>", mutation_scale=14))
    fig.suptitle("top: q adds noise step by step (fixed, no parameters); bottom: p_θ removes it (learned), "
                 "from x_T ~ N(0, I)", fontsize=10)
    return fig


def q_sample(x0, t, noise, alphas_cumprod):
    """x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε with one t per image (the closed form of notebook 08's exercise)."""
    abar = alphas_cumprod[t].view(-1, *[1] * (x0.dim() - 1))
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def reverse_step(eps, t, x_t, betas, alphas_cumprod, z):
    """Algorithm 2, one step: x_{t−1} = (x_t − β_t/√(1−ᾱ_t)·ε̂)/√α_t + σ_t·z with σ_t² = β_t, no noise
    at t = 0.

    Equal to ``DDPMSchedule(variance_type="fixed_large", clip_sample=False).step`` (a test shows it).
    """
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean


def simple_loss(model, x0, t, noise, alphas_cumprod):
    """Algorithm 1's loss for given t and ε: mean of (ε − ε_θ(x_t, t))² over every pixel."""
    return F.mse_loss(model(q_sample(x0, t, noise, alphas_cumprod), t), noise)


# --------------------------------------------------------------------------------------------
# The ε-prediction U-Net.

def timestep_embedding(t, dim):
    """Sinusoidal embedding of the timestep, as in the Transformer: (N,) -> (N, dim)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    angles = t.float()[:, None] * freqs[None]
    return torch.cat([angles.sin(), angles.cos()], dim=1)


class ResBlock(nn.Module):
    """GroupNorm-SiLU-conv twice and a skip; the time (and class) embedding scales and shifts the
    normalised features in between (FiLM, as in Dhariwal & Nichol's U-Net): h = norm(h)·(1 + s) + b.

    (Adding the embedding as a bias before a GroupNorm, as the first DDPM U-Net does, lets the norm
    take much of it away again; with a label in the embedding that left guidance weak.)
    """

    def __init__(self, c_in, c_out, emb_dim, dropout=0.0):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(8, c_in), nn.Conv2d(c_in, c_out, 3, padding=1)
        self.emb = nn.Sequential(nn.SiLU(), nn.Linear(emb_dim, 2 * c_out))
        self.norm2, self.conv2 = nn.GroupNorm(8, c_out), nn.Conv2d(c_out, c_out, 3, padding=1)
        self.dropout = nn.Dropout(dropout)
        self.skip = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.emb(emb)[:, :, None, None].chunk(2, dim=1)
        h = self.norm2(h) * (1 + scale) + shift
        h = self.conv2(self.dropout(F.silu(h)))
        return self.skip(x) + h


class Attention(nn.Module):
    """Self-attention over the pixels of a low-resolution feature map, with a residual connection."""

    def __init__(self, channels, heads=4):
        super().__init__()
        self.norm, self.heads = nn.GroupNorm(8, channels), heads
        self.qkv, self.out = nn.Conv2d(channels, 3 * channels, 1), nn.Conv2d(channels, channels, 1)

    def forward(self, x):
        n, c, h, w = x.shape
        q, k, v = (self.qkv(self.norm(x)).reshape(n, 3, self.heads, c // self.heads, h * w)
                   .transpose(-1, -2).unbind(1))
        y = F.scaled_dot_product_attention(q, k, v)  # (n, heads, hw, c/heads)
        return x + self.out(y.transpose(-1, -2).reshape(n, c, h, w))


@dataclass
class UNetConfig:
    """A small U-Net for 28x28 digits: 28 -> 14 -> 7, attention at 7x7."""

    channels: tuple = (32, 64, 64)
    emb_dim: int = 128
    num_classes: int = NUM_CLASSES  # 0: unconditional only
    dropout: float = 0.1
    image_channels: int = 1


class UNet(nn.Module):
    """ε_θ(x_t, t, y): predicts the noise in x_t.  Labels ``y`` in 0..9, or 10 for "no label"."""

    def __init__(self, config=None):
        super().__init__()
        self.config = c = config or UNetConfig()
        if isinstance(c.channels, list):
            c.channels = tuple(c.channels)
        ch, e = c.channels, c.emb_dim
        self.time_mlp = nn.Sequential(nn.Linear(ch[0], e), nn.SiLU(), nn.Linear(e, e))
        self.label_emb = nn.Embedding(c.num_classes + 1, e) if c.num_classes else None
        self.inp = nn.Conv2d(c.image_channels, ch[0], 3, padding=1)
        self.down = nn.ModuleList(ResBlock(a, b, e, c.dropout) for a, b in zip((ch[0],) + ch[:-1], ch))
        self.downsample = nn.ModuleList(nn.Conv2d(b, b, 3, stride=2, padding=1) for b in ch[:-1])
        self.mid1, self.attn, self.mid2 = (ResBlock(ch[-1], ch[-1], e), Attention(ch[-1]),
                                           ResBlock(ch[-1], ch[-1], e))
        self.up = nn.ModuleList(ResBlock(2 * b, b, e, c.dropout) for b in ch)
        self.upsample = nn.ModuleList(nn.Conv2d(b, a, 3, padding=1) for a, b in zip(ch[:-1], ch[1:]))
        self.out = nn.Sequential(nn.GroupNorm(8, ch[0]), nn.SiLU(),
                                 nn.Conv2d(ch[0], c.image_channels, 3, padding=1))
        nn.init.zeros_(self.out[-1].weight)
        nn.init.zeros_(self.out[-1].bias)

    def forward(self, x, t, y=None):
        c = self.config
        if x.dim() != 4 or x.shape[1] != c.image_channels:
            raise ValueError(f"expected images (N, {c.image_channels}, H, W), got shape {tuple(x.shape)}"
                             + (": the timesteps? The network is called model(x_t, t), images first"
                                if x.dim() <= 1 else ""))
        t = torch.as_tensor(t, device=x.device).reshape(-1)
        t = t.expand(len(x)) if t.numel() == 1 else t
        if len(t) != len(x):
            raise ValueError(f"expected one timestep or one per image ({len(x)}), got {len(t)}")
        emb = self.time_mlp(timestep_embedding(t, c.channels[0]))
        if self.label_emb is not None:
            y = (torch.full((len(x),), NULL_LABEL, device=x.device) if y is None
                 else torch.as_tensor(y, device=x.device))
            if y.min() < 0 or y.max() > NULL_LABEL:
                raise ValueError(f"labels must be 0..9, or {NULL_LABEL} for 'no label'; got "
                                 f"{y.unique().tolist()}")
            emb = emb + self.label_emb(y.long())
        h, skips = self.inp(x), []
        for i, block in enumerate(self.down):
            h = block(h, emb)
            skips.append(h)
            if i < len(self.downsample):
                h = self.downsample[i](h)
        h = self.mid2(self.attn(self.mid1(h, emb)), emb)
        for i in reversed(range(len(self.up))):
            h = self.up[i](torch.cat([h, skips[i]], 1), emb)
            if i > 0:
                h = self.upsample[i - 1](F.interpolate(h, size=skips[i - 1].shape[-2:], mode="nearest"))
        return self.out(h)


# --------------------------------------------------------------------------------------------
# Training (Algorithm 1) and sampling (Algorithm 2, DDIM, guidance).

def draw(schedule, x0, y=None, generator=None, p_uncond=0.1):
    """The random part of Algorithm 1 for a batch: t ~ U{0..T−1}, ε ~ N(0, I), and the labels with a
    share ``p_uncond`` replaced by the "no label" token.  Returns (t, noise, y)."""
    n = len(x0)
    t = torch.randint(0, schedule.num_train_timesteps, (n,), generator=generator).to(x0.device)
    noise = torch.randn(x0.shape, generator=generator).to(x0.device)
    if y is not None and p_uncond > 0:
        drop = (torch.rand(n, generator=generator) < p_uncond).to(x0.device)
        y = torch.where(drop, torch.full_like(y, NULL_LABEL), y)
    return t, noise, y


def loss(model, schedule, x0, y=None, generator=None, p_uncond=0.1):
    """The simple loss ‖ε − ε_θ(√ᾱ_t·x_0 + √(1−ᾱ_t)·ε, t)‖², t ~ U{0..T−1}, labels dropped with
    ``p_uncond``."""
    t, noise, y = draw(schedule, x0, y, generator, p_uncond)
    return simple_loss(lambda x_t, t: model(x_t, t, y), x0, t, noise, schedule.alphas_cumprod.to(x0.device))


def guided_eps(model, x, t, y, guidance_scale=1.0):
    """ε̂ = ε_u + s·(ε_c − ε_u) (classifier-free guidance): s = 0 unconditional, 1 conditional, >1 guided."""
    if y is None or guidance_scale == 1.0:
        return model(x, t, y)
    null = torch.full_like(y, NULL_LABEL)
    if guidance_scale == 0.0:
        return model(x, t, null)
    eps_c, eps_u = model(torch.cat([x, x]), torch.cat([t, t]), torch.cat([y, null])).chunk(2)
    return eps_u + guidance_scale * (eps_c - eps_u)


@torch.no_grad()
def sample(model, schedule, n=None, labels=None, sampler="ddim", steps=50, guidance_scale=1.0, eta=0.0,
           generator=None, trajectory_every=None, device=None, batch_size=256, size=28):
    """Draw images from the reverse process.

    Args:
        n / labels: how many unconditional images, or one image per label (0..9).
        sampler: ``"ddpm"`` (ancestral, all T steps, the schedule's variance) or
            ``"ddim"`` (``steps`` steps, ``eta`` = 0 deterministic).
        guidance_scale: classifier-free guidance scale (with labels).
        trajectory_every: also return ``[(t, x_t, x̂_0), ...]`` every so many steps
            (for the first batch only).
        size: the images' height and width (the network's data: 28 for the digits).
    Returns images (N, C, size, size) in [-1, 1] on the CPU (and the trajectory).
    """
    if labels is not None:
        labels = torch.as_tensor(labels).long().reshape(-1)
        n = len(labels)
    if not n or n < 1:
        raise ValueError("give n (how many images) or labels (one image per label)")
    dev = device or next(model.parameters()).device
    was_training = model.training
    model.eval()
    c = model.config
    images, trajectory = [], []
    for start in range(0, n, batch_size):
        m = min(batch_size, n - start)
        y = labels[start:start + m].to(dev) if labels is not None else None
        x = torch.randn((m, c.image_channels, size, size), generator=generator).to(dev)
        if sampler == "ddpm":
            ts = list(range(schedule.num_train_timesteps))[::-1]
        elif sampler == "ddim":
            ts = schedule.ddim_timesteps(steps)
        else:
            raise ValueError(f"sampler must be 'ddpm' or 'ddim', got {sampler!r}")
        for i, t in enumerate(ts):
            eps = guided_eps(model, x, torch.full((m,), t, device=dev), y, guidance_scale).float()
            if sampler == "ddpm":
                out = schedule.step(eps.cpu(), t, x.cpu(), generator=generator)
            else:
                out = schedule.ddim_step(eps.cpu(), t, ts[i + 1] if i + 1 < len(ts) else -1, x.cpu(), eta,
                                         generator, use_clipped_model_output=True)
            if trajectory_every and start == 0 and (i % trajectory_every == 0 or i == len(ts) - 1):
                trajectory.append((t, x.cpu().clone(), out.pred_original_sample.clone()))
            x = out.prev_sample.to(dev)
        images.append(x.cpu().clamp(-1, 1))
    model.train(was_training)
    images = torch.cat(images)
    return (images, trajectory) if trajectory_every else images


class DDPMTrained(NamedTuple):
    """What :func:`train_ddpm` returns, by name: the weights' moving average (what the zoo ships), the
    network as trained, and the run."""
    model_ema: nn.Module
    model: nn.Module
    run: object


def train_ddpm(steps=2000, batch_size=128, lr=1e-3, seed=0, checkpoint=None, device=None, config=None,
               schedule=None, p_uncond=0.1, plot=None, checkpoint_every=500, bf16=None, clip_grad=1.0,
               data=None):
    """Train the ε-prediction U-Net (Algorithm 1); returns (ema_model, model, run).

    ``data``: what it learns from, anything with ``.batches(batch_size, generator=g)`` yielding
    (images (B, C, H, W) in [-1, 1], labels (B,)) (default: the MNIST training digits, ``ck.data.mnist``);
    ``config`` sizes the network for it.  ``clip_grad``: the gradients' norm is clipped to it (None: not).
    Runs unchanged under torchrun: ``batch_size`` is the global batch, split among the ranks.
    ``bf16``: autocast to bf16 (None: where the hardware has native bf16, ``ck.core.autocast``).
    """
    dev = device or ck.device()
    g = ck.seed(seed)
    schedule = schedule or DDPMSchedule()
    model = UNet(config).to(dev)
    ema = EMA(model)
    dist.seed_dropout(seed)
    dist.data_parallel(model)  # under torchrun: gradients averaged over the ranks
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    abar = schedule.alphas_cumprod.to(dev)
    data = data if data is not None else ck.data.mnist("train", verbose=dist.is_main())
    batches = data.batches(batch_size, generator=g)
    run = ck.train.Run({"model": model, "ema": ema.model, "opt": opt, "data_rng": g, "data": batches},
                       steps=steps, checkpoint=checkpoint, checkpoint_every=checkpoint_every, desc="DDPM",
                       plot=plot)
    with run:
        for step in run.steps():
            x0, y = next(batches)
            t, noise, y = draw(schedule, x0, y, g, p_uncond)           # the global batch's randomness
            x0, y, t, noise = dist.to_device(*dist.shard(x0, y, t, noise), device=dev)
            with ck.core.autocast(dev, bf16):  # bf16 where the hardware has it (the bench times both)
                batch_loss = simple_loss(lambda x_t, t: model(x_t, t, y), x0, t, noise, abar)
            opt.zero_grad(set_to_none=True)
            batch_loss.backward()
            if clip_grad:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip_grad)
            opt.step()
            ema.update(model, step)
            run.log(loss=dist.mean(batch_loss))
    return DDPMTrained(ema.model.eval(), model, run)


def compare_samplers(model, schedule=None, n=100, seed=0,
                     samplers=(("ddpm", 1000, "fixed_small"), ("ddpm", 1000, "fixed_large"),
                               ("ddim", 50, None), ("ddim", 20, None), ("ddim", 10, None))):
    """Unconditional samples from each sampler, the same n and seed: Fréchet distance and seconds per image.

    Fréchet distances from few samples are biased upwards; compare the rows with each other only.
    """
    schedule = schedule or DDPMSchedule()
    rows = {}
    for kind, steps, variance in samplers:
        sched = DDPMSchedule(variance_type=variance) if variance else schedule
        t0 = time.perf_counter()
        x = sample(model, sched, n=n, sampler=kind, steps=steps,
                   generator=torch.Generator().manual_seed(seed))
        name = f"ddpm {steps} steps, σ²={'β̃' if variance == 'fixed_small' else 'β'}" if kind == "ddpm" \
            else f"ddim {steps} steps"
        rows[name] = {"fid": round(ck.metrics.fid(x), 2),
                      "seconds_per_image": round((time.perf_counter() - t0) / n, 4)}
    return rows


def evaluate(model, schedule=None, unconditional=1000, per_class=50, steps=50, guidance_scales=(1.0, 3.0),
             seed=0, sampler_images=100):
    """The numbers of notebook 08 for a trained model: unconditional Fréchet distance and class
    histogram, class accuracy + Fréchet distance under guidance (DDIM, ``steps`` steps), and
    the samplers compared on ``sampler_images`` images."""
    schedule = schedule or DDPMSchedule()
    out = {"sampler": f"ddim {steps} steps, eta 0", "samples_unconditional": unconditional,
           "samples_guided": per_class * NUM_CLASSES}
    t0 = time.perf_counter()
    x = sample(model, schedule, n=unconditional, steps=steps, generator=torch.Generator().manual_seed(seed))
    out["seconds_per_image_unconditional"] = round((time.perf_counter() - t0) / len(x), 4)
    out["fid_unconditional"] = round(ck.metrics.fid(x), 3)
    out["label_histogram_unconditional"] = ck.metrics.class_histogram(x).tolist()
    y = balanced_labels(per_class)
    for s in guidance_scales:
        x = sample(model, schedule, labels=y, steps=steps, guidance_scale=s,
                   generator=torch.Generator().manual_seed(seed))
        acc, per = ck.metrics.class_accuracy(x, y, per_class=True)
        out[f"guided_{s:g}"] = {"class_accuracy": round(acc, 4),
                                "min_class_accuracy": round(per.min().item(), 4),
                                "fid": round(ck.metrics.fid(x), 3)}
    if sampler_images:
        out["samplers"] = {"images": sampler_images,
                           **compare_samplers(model, schedule, n=sampler_images, seed=seed)}
    return out


# The zoo saves and rebuilds this lecture's models by these names.
register("ddpm.UNet", UNet, UNetConfig)
