# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 · ProGAN: growing a GAN, one resolution at a time
#
# **Lecture:** progressive growing of GANs for improved quality, stability and variation
# (Karras, Aila, Laine & Lehtinen, 2018).
#
# A GAN that must draw large images from the first step has a hard time: the discriminator tells
# real from fake by fine detail long before the generator has learned the coarse layout, and its
# gradients say little that helps. ProGAN starts both networks at **4×4**, where there is only layout
# to learn, then **adds layers** for 8×8, 16×16, 32×32... Each new layer is **faded in** smoothly, so
# what was learned is not shaken up. Three more tricks make it work, each a few lines:
#
# | trick | where | what it does |
# |---|---|---|
# | smooth fade-in | G and D | a new block's output is blended in: $(1-\alpha)\,\mathrm{up}(\text{old}) + \alpha\,\text{new}$ |
# | minibatch standard deviation | D | one more feature map: how varied the batch is; a collapsed G is caught |
# | pixelwise normalisation | G | each pixel's feature vector scaled to unit length: no escalating signals |
# | equalised learning rate | G and D | weights $\sim\mathcal N(0, 1)$, scaled at run time by He's constant |
#
# The paper trains on CelebA-HQ up to 1024×1024 for days on 8 GPUs. We grow to **32×32** on the
# course's faces (notebook 03), a few minutes on a CPU for the live part, 45 minutes on one CPU thread for
# the zoo model.

# %%
import inspect

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import coursekit as ck
from coursekit import faces
from coursekit.models import face_eval, progan
from coursekit.models.progan.recipes import FACES_PROGAN

device = ck.device()
print("device:", device, "| quick mode:", ck.QUICK)

# %% [markdown]
# ## 1. What each resolution has to learn
#
# The same faces at the four sizes of our run. At 4×4 there is a skin-coloured blob on a background;
# at 8×8 the hair and the head's position; eyes, glasses and the smile only appear at 16×16 and 32×32.
# Growing lets G learn them in that order.

# %%
real = faces.faces(8, size=32, seed=progan.TEST_SEED).images
rows = [F.interpolate(progan.real_at(real, stage, 1.0), size=32, mode="nearest") for stage in range(4)]
ck.viz.show(torch.cat(rows), nrow=8, title="4x4, 8x8, 16x16, 32x32 (shown at 32x32)")
plt.show()


# %% [markdown]
# ## 2. The four tricks
#
# ### The equalised learning rate
#
# Adam divides each parameter's step by a running estimate of its gradient's size, so a weight's
# step is about the learning rate whatever its scale. With the usual He initialisation, layers with
# many inputs have small weights, and the same step size changes them *relatively* more: some layers
# learn faster than others. ProGAN draws every weight from $\mathcal N(0, 1)$ and multiplies by He's
# constant **at run time**,
#
# $$\hat w = w \cdot c, \qquad c = \frac{\text{gain}}{\sqrt{\text{fan\_in}}}, \qquad \text{gain} = \sqrt 2 \text{ before a leaky ReLU},$$
#
# so every layer learns at the same relative speed. The bias is not scaled.
#
# **Exercise 1.** Write the equalised linear layer's forward pass: `x` (N, fan_in), `weight`
# (out, fan_in) drawn from N(0, 1), `bias` (out,), `gain` a number. (`F.linear(x, w, b)` is $x w^\top + b$.)

# %%
def equalized_linear(x, weight, bias, gain):
    ### BEGIN SOLUTION
    ### HINT: store the weights at unit scale and apply He's constant at run time, at every forward pass
    fan_in = weight.shape[1]
    return F.linear(x, weight * (gain / fan_in ** 0.5), bias)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
equalized_linear = ck.check.equalized_linear(equalized_linear)

# %%
print(inspect.getsource(progan.EqualizedLinear))
layer = progan.EqualizedLinear(512, 256)
print(f"stored weights: std {layer.weight.std():.2f}; used: std {(layer.weight * layer.scale).std():.4f} "
      f"= sqrt(2 / 512) = {(2 / 512) ** 0.5:.4f}")


# %% [markdown]
# ### Pixelwise feature normalisation
#
# In G, after every convolution, each pixel's feature vector is scaled to unit root-mean-square:
#
# $$b_{x,y} = \frac{a_{x,y}}{\sqrt{\frac1N \sum_{j=1}^{N} (a^j_{x,y})^2 + \epsilon}}, \qquad \epsilon = 10^{-8},$$
#
# with $N$ the number of channels. No learned parameters, unlike batch norm; it only stops G's and
# D's magnitudes from escalating against each other.
#
# **Exercise 2.** Write it for `x` of shape (N, C, H, W).

# %%
def pixel_norm(x):
    ### BEGIN SOLUTION
    ### HINT: divide each pixel's feature vector by its root-mean-square over the channels
    return x / torch.sqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
pixel_norm = ck.check.pixel_norm(pixel_norm)


# %% [markdown]
# ### Minibatch standard deviation
#
# A generator that draws the same few faces can fool a D that judges one image at a time. ProGAN lets
# D see the **variety** of a group of images: split the batch into groups of $g$ images (4 here), take
# the standard deviation of every feature at every pixel over the group, average those into one
# number per group, and append it to each image of the group as an extra constant feature map. Real batches are varied; a collapsed G's are not,
# and D notices.
#
# **Exercise 3.** `x` (N, C, H, W), N a multiple of `group_size` $= g$; group $k$ holds images
# $k, k + N/g, k + 2N/g, \dots$ (`x.view(g, N // g, C, H, W)`, statistics over dim 0). Use the
# population standard deviation (`var(dim=0, unbiased=False)`), add $10^{-8}$ before the square root,
# average over channels and pixels, then repeat the number to an (N, 1, H, W) map and concatenate it.

# %%
def minibatch_std(x, group_size):
    ### BEGIN SOLUTION
    ### HINT: split the batch into groups, measure how much each feature varies inside a group, and hand D that number as an extra channel
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    std = (y.var(dim=0, unbiased=False) + 1e-8).sqrt()   # (n // g, c, h, w)
    s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)    # one number per group
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
minibatch_std = ck.check.minibatch_std(minibatch_std)

# %%
# NBVAL_CHECK_OUTPUT
varied = torch.randn(8, 4, 4, 4, generator=torch.Generator().manual_seed(0))
same = varied[:1].repeat(8, 1, 1, 1)
print(f"extra map of a varied batch: {minibatch_std(varied, 4)[:, -1].mean():.2f}; "
      f"of 8 copies of one image: {minibatch_std(same, 4)[:, -1].mean():.4f}")


# %% [markdown]
# ### The smooth fade-in
#
# When 16×16 is added, G's new block and its to-RGB layer start from random weights. Switching to
# them at once would throw away the 8×8 image G has learned. Instead, the old output, upsampled, and
# the new one are blended, with $\alpha$ going from 0 to 1 over a phase of training:
#
# $$x = (1-\alpha)\cdot\mathrm{up}(\text{toRGB}_{8}(h_8)) + \alpha\cdot \text{toRGB}_{16}(\text{block}_{16}(h_8)).$$
#
# D does the mirror image on its input side, and the real images D sees are blended the same way.
# The paper's figure 2, for the step from 8×8 to 16×16:

# %%
fig = progan.draw_fade_in(16)
plt.show()

# %% [markdown]
# **Exercise 4.** Write `fade_in(alpha, old, new)`.

# %%
def fade_in(alpha, old, new):
    ### BEGIN SOLUTION
    ### HINT: blend the old, upsampled output into the new layer's output as alpha grows from 0 to 1
    return (1 - alpha) * old + alpha * new
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
fade_in = ck.check.fade_in(fade_in)

# %% [markdown]
# The fade-in, drawn by the zoo's generator: the same six codes through its last block at five values
# of $\alpha$. At $\alpha = 0$ the picture is the 16×16 output upsampled: blocky, and in garish
# colours, because the 16×16 to-RGB layer stopped training once the 32×32 block had faded in, while
# the blocks below it went on changing. As $\alpha$ grows, the 32×32 block's output takes over.

# %%
G_fade = ck.zoo.load("faces-progan", device=torch.device("cpu"))
z_fade = torch.randn(6, G_fade.config.z_dim, generator=ck.seed(3))
alphas = (0.0, 0.25, 0.5, 0.75, 1.0)
with torch.no_grad():
    rows = [G_fade(z_fade, G_fade.config.max_stage, a).clamp(-1, 1) for a in alphas]
ck.viz.show(torch.cat(rows), nrow=6, labels=[f"α = {a}" for a in alphas],
            title="the last block faded in: (1 − α)·up(16×16 output) + α·(32×32 output)")
plt.show()

# %% [markdown]
# The generator puts the four together (`progan.Generator`): note how only the last block is faded,
# and how a *stage* picks how many blocks run.

# %%
print(inspect.getsource(progan.Generator.forward))

# %% [markdown]
# ## 3. The schedule
#
# Train 4×4 for one phase; then for each new resolution, one phase of fade-in ($\alpha$: 0 → 1) and one
# phase stable. The paper's phases are 800k real images each; the zoo model's are 700 steps of 32
# faces, 22,400 images (its record says how many steps it trained, in seven phases).

# %%
# NBVAL_CHECK_OUTPUT
PHASE = ck.zoo.record("faces-progan")["steps"] // progan.total_steps(1, 3)  # 7 phases: 4x4, then 2 per size
print(f"phases of {PHASE} steps")
steps = progan.total_steps(PHASE, 3)
where = [progan.stage_and_alpha(s, PHASE, 3) for s in range(steps)]
for s in range(0, steps, PHASE):
    stage, alpha = where[s]
    print(f"steps {s:>4}-{s + PHASE - 1:<4}: {4 * 2 ** stage:>2}x{4 * 2 ** stage:<2} "
          + ("stable" if alpha == 1 else "fading in, α from 0 to 1"))

# %%
fig, ax = plt.subplots(figsize=(8, 2.5))
ax.plot([4 * 2 ** (st - 1 + a) if st else 4 for st, a in where], label="resolution (α-weighted)")
ax.set_yscale("log", base=2)
ax.set_yticks([4, 8, 16, 32], ["4", "8", "16", "32"])
ax.set(xlabel="step", ylabel="pixels", title="the zoo model's growth schedule")
plt.show()

# %% [markdown]
# ## 4. Training: the first resolutions, live
#
# ProGAN trains with the **WGAN-GP** loss (Gulrajani et al., 2017), as its paper does. The
# Wasserstein GAN replaces the classifier $D$ by a **critic** that outputs a score, not a probability:
# $D$ maximises $\mathbb E[D(x)] - \mathbb E[D(G(z))]$, which for a critic whose slope is at most 1
# everywhere (1-Lipschitz) estimates the Wasserstein-1 distance, the work of moving $p_g$'s mass onto
# $p_\text{data}$. Unlike the Jensen-Shannon divergence of notebook 01, it keeps a useful gradient when
# the two distributions do not overlap. The **gradient penalty** asks for that slope softly, on points
# $\hat x = \epsilon x + (1-\epsilon)G(z)$ between real and fake:
#
# $$L_D = \mathbb E[D(G(z))] - \mathbb E[D(x)] + \lambda\,\mathbb E\big[(\lVert\nabla_{\hat x} D(\hat x)\rVert_2 - 1)^2\big],
# \qquad L_G = -\mathbb E[D(G(z))],$$
#
# with $\lambda = 10$ (ProGAN adds a tiny $\epsilon_\text{drift}\,\mathbb E[D(x)^2]$ so that the scores do
# not drift away from 0).
#
# The samples come from a **moving average of G's weights** (EMA): after every step,
# $\theta_\text{EMA} \leftarrow \beta\,\theta_\text{EMA} + (1-\beta)\,\theta_G$ with $\beta = 0.999$,
# an average over the last thousand or so steps. $G$'s own weights wander as it chases $D$; their
# average sits in the middle of that wandering and draws steadier, cleaner images (ProGAN and StyleGAN
# both ship it, as does notebook 08's diffusion model). Adam runs with $\beta_1 = 0$. One change from the paper: its learning rate, $10^{-3}$, goes with phases of 800k
# images; ours are a few hundred steps, and $3\cdot10^{-3}$ learns more in them (`FACES_PROGAN.lr` in `coursekit.models.progan.recipes`, the zoo model's declared configuration). `train_progan` is the loop of the zoo model; here a short run grows to 16×16
# (quick mode: a few steps, tiny networks).

# %%
print(inspect.getsource(progan.d_loss))

# %%
LIVE = progan.ProGANConfig(max_stage=1, width=16, z_dim=32) if ck.QUICK else progan.ProGANConfig(max_stage=2)
LIVE_PHASE = 2 if ck.QUICK else 200
G_live, _, _, run, snaps = progan.train_progan(steps_per_phase=LIVE_PHASE, batch_size=8 if ck.QUICK else 32,
                                                model=LIVE, lr=FACES_PROGAN.lr, device=device,
                                                snapshot_every=LIVE_PHASE,
                                                plot=["loss_D", "loss_G"])
print(f"{run.step} steps in {run.seconds:.0f} s")

# %%
ck.viz.show(snaps["images"][:, :6].flatten(0, 1), nrow=6,
            title="the same 6 codes after each phase: " + ", ".join(
                f"{4 * 2 ** s}px α {a:.1f}" for s, a in zip(snaps["stage"], snaps["alpha"])))
plt.show()

# %% [markdown]
# ## 5. The zoo model
#
# The same loop, grown to 32×32 with phases of 700 steps (`python -m coursekit.train faces-progan`).
# At the end of each resolution's stable phase it measured the **Fréchet distance** to 500 held-out
# real faces at that resolution, in the features of notebook 03's attribute predictor (lower is
# better). What is "good"? Real faces against other real faces give the floor, an untrained G the
# ceiling, both computed below.

# %%
G = ck.zoo.load("faces-progan", device=device)
record = ck.zoo.record("faces-progan")
extras = ck.zoo.extras("faces-progan")
print(f"faces-progan: {record['steps']:,} steps, {record['wall_time_s'] / 60:.0f} min on {record['device']}")
m = record["metrics"]
for stage in range(4):
    size = 4 * 2 ** stage
    print(f"  {size:>2}x{size:<2}: Fréchet distance {m[f'fid_{size}px']:6.1f}")
print(f"  final, 1,000 faces: {m['fid_final_1000']:.1f}")
attributes = ck.zoo.load("faces-attributes", device=device)


def at_32(images):  # as the zoo's measure: down to 32x32, then up (nearest) to the predictor's 64x64
    return F.interpolate(F.adaptive_avg_pool2d(images, 32), size=64, mode="nearest")


floor = face_eval.faces_frechet_distance(attributes, at_32(faces.faces(500, size=64, seed=2).images),
                                         at_32(faces.faces(500, size=64, seed=progan.TEST_SEED).images))
print(f"  floor: 500 real faces against 500 others, 32x32: {floor:.1f}")
torch.manual_seed(0)  # an untrained G's score depends on its random weights: one fixed draw
untrained = progan.Generator(G.config).to(device).eval()
print(f"  an untrained G, same measure: {progan.stage_fid(untrained, 3, attributes):.1f}")
ck.viz.show(extras["samples"]["zoo-model"].float(), nrow=8, title="faces-progan: 16 fixed codes")
plt.show()

# %% [markdown]
# **The growth, replayed.** The zoo run kept the images of 8 fixed codes every 50 steps. Drag the
# slider: the faces appear blob first, then sharpen each time a block fades in.

# %%
ck.widgets.growth(progan.unpack_snapshots(extras))

# %% [markdown]
# ## 6. Take one trick away: minibatch standard deviation
#
# The paper credits minibatch standard deviation with **variation**. To measure variation we read
# every generated face with the attribute predictor and ask how spread its answers are: for each
# class factor (hair colour, glasses, background, ...) the entropy of the predicted classes, for each
# value factor (smile, tilt, light, ...) their standard deviation, each as a share of the same on real
# faces. 1.0 means "as varied as real faces"; a generator stuck on one face scores near 0. The
# ablation trained on the zoo model's schedule from the same seed, with D's extra map removed:

# %%
# rows keyed by identifier ("no-minibatch-std"), each with its label for display
rows = {"zoo-model": {"label": "zoo model (all four tricks)", "fid": m["fid_final_1000"], "variety": m["variety"]},
        **m["ablations"]}
factors = list(faces.FACTORS)
print(f"{'':<28} {'Fréchet':>8} {'variety':>8}   " + " ".join(f"{f[:9]:>9}" for f in factors))
for row in rows.values():
    v = row["variety"]
    print(f"{row['label']:<28} {row['fid']:>8.1f} {v['mean']:>8.2f}   " + " ".join(f"{v[f]:>9.2f}" for f in factors))
fig, axes = plt.subplots(1, 2, figsize=(12, 3))
for ax, (key, images) in zip(axes, extras["samples"].items()):
    ck.viz.show(images.float(), nrow=8, title=rows[key]["label"], ax=ax)
plt.show()

# %% [markdown]
# **What to read.** Here the lecture's claim is *not* reproduced: with and without the extra map, the
# variety is within a hundredth of each other, and the Fréchet distance is a little lower without it.
# A run of 4,900 steps at 32×32 is far from the paper's 1024×1024 and millions of images, where a
# collapsing generator is the problem this trick solves; ours does not collapse either way (variety
# 0.5 against 0 for one repeated face). A measured "no difference" is a result too: a trick that
# matters at one scale need not at another.
#
# The columns show where both generators fall short: **glasses** and **eyes open/closed** have a
# variety of 0, so every generated face reads the same for them. Those are details of a few pixels at
# 32×32; both models spend their capacity on the big things first (background, skin, hair), as the
# growing schedule intends.

# %% [markdown]
# ## 7. Explore: walk between faces
#
# Pick two codes; the row shows G along the straight line between them, or along the great circle
# (spherical interpolation keeps the codes at the norm G was trained on). A smooth walk, with no face
# that looks broken in between, is a sign that G learned a continuous space of faces rather than a
# list of memorised ones.

# %%
ck.widgets.interpolation(G, steps=8, z_dim=G.config.z_dim)

# %% [markdown]
# ## 8. Lab: a D that sees the batch
#
# Section 6 found no difference from minibatch standard deviation in the zoo's run, which does not
# collapse. So go where a GAN does collapse: notebook 01's 2-D ring, with $D$ learning ten times
# faster than $G$, where the samples pile onto three of the eight modes. Notebook 01's lab ended that
# collapse by changing the loss; here the loss and the loop stay as they are, and only what $D$
# sees may change.
#
# **The task.** `make_discriminator()` returns a new $D$ for the 2-D points: `(B, 2) → (B,)` logits.
# The check trains notebook 01's `ToyGenerator` against it in the collapsing setting
# ($\text{lr}_D = 10^{-2}$, $\text{lr}_G = 10^{-3}$, the non-saturating loss, batches of 256, 3,000
# steps), on three seeds.
#
# **The goal**, as in notebook 01's lab: every seed's $G$ covers all 8 modes, and on average at least
# half of its samples are sharp (within $3\sigma$ of a mode). (Quick mode measures one seed of 300
# steps: too short to meet it, enough to run it.) Stuck? `ck.hint("lab_batch_aware")`, one step per call.

# %%
def make_discriminator():
    """A new D for 2-D points (B, 2) -> logits (B,) that sees how spread its batch is."""
    ### BEGIN SOLUTION
    ### HINT: what does a batch of collapsed fakes have that a batch of real points has not, and how can D see it?
    class BatchAwareD(torch.nn.Module):
        """notebook 01's D, with one standard deviation per hidden feature over groups of 16 points
        appended before its last layer (ProGAN's idea, without the averaging to one number)."""

        def __init__(self, hidden=128, group=16):
            super().__init__()
            self.group = group
            self.features = torch.nn.Sequential(
                torch.nn.Linear(2, hidden), torch.nn.LeakyReLU(0.2), torch.nn.Linear(hidden, hidden),
                torch.nn.LeakyReLU(0.2), torch.nn.Linear(hidden, hidden), torch.nn.LeakyReLU(0.2))
            self.head = torch.nn.Linear(2 * hidden, 1)

        def forward(self, x):
            f = self.features(x)                                        # (B, F)
            groups = f.view(self.group, -1, f.shape[1])                 # as section 2: point k in group k mod B/g
            std = (groups.var(dim=0, unbiased=False) + 1e-8).sqrt()     # (B/g, F): spread of each feature
            return self.head(torch.cat([f, std.repeat(self.group, 1)], dim=1)).flatten()

    return BatchAwareD()
    ### END SOLUTION


# %%
lab = ck.check.lab_batch_aware(make_discriminator, seeds=(0,) if ck.QUICK else (0, 1, 2),
                               steps=300 if ck.QUICK else 3000)

# %% [markdown]
# What we measured (seeds 0-2, or 0-3): notebook 01's $D$ covers 3, 4 and 3 modes. ProGAN's layer as
# section 2 wrote it, one number per group of 4 (the spread averaged over the features), already
# helps: 8, 4 and 7. One spread per feature in groups of 4 covers 8, 8, 7 and 8 (seeds 0-3); in groups
# of 16, all 8 modes on every seed, and so does one spread per feature over the whole batch (seeds 0-4).
# The spread of the raw points, only two numbers, is not always enough: over the whole batch it covered
# 7, 8, 8, 8 and 8 modes (seeds 0-4) on one of the CPUs we measured on. A larger group measures the
# spread more steadily; a richer statistic of the batch tells $D$ more; Salimans et al. (2016), whose
# *minibatch discrimination* ProGAN simplified, kept many numbers per image for the same reason. So the claim holds where there is a collapse to catch: a $D$
# that sees the batch's variety makes $G$ keep it.

# %% [markdown]
# ## What to remember
#
# * Grow both networks: start at 4×4, add a block per resolution, and **fade it in** with $\alpha$.
# * **Minibatch standard deviation** lets D see variety, **pixel norm** keeps G's magnitudes in check,
#   the **equalised learning rate** makes every layer learn at the same pace.
# * Measure: the Fréchet distance per resolution shows where the model stands; the attribute variety
#   shows what a trick buys.
#
# Next: **06 · StyleGAN**, which keeps ProGAN's discriminator (StyleGAN 1 also its growing, which
# StyleGAN2 drops) but feeds the code in
# as a *style* at every resolution.
