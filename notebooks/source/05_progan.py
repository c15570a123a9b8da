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
# A GAN that must draw large images from the first step has a hard time: the discriminator $D$ tells
# real from fake by fine detail long before the generator $G$ has learned the coarse layout, and its
# gradients say little that helps. ProGAN (*progressive* GAN) starts both networks at **4×4**, where
# there is only layout to learn, then **adds layers** for 8×8, 16×16, 32×32... Each new layer is
# **faded in** smoothly, mixed into the old output a little more at every step, so what was learned is
# not shaken up. Three more tricks make it work, each a few lines:
#
# | trick | where | what it does |
# |---|---|---|
# | smooth fade-in | G and D | a new block's output is blended in: $(1-\alpha)\,\mathrm{up}(\text{old}) + \alpha\,\text{new}$, $\alpha$ going from 0 to 1 |
# | minibatch standard deviation | D | one more feature map: how varied the batch is; a collapsed G (one that draws only a few images, notebook 01's mode collapse) is caught |
# | pixelwise normalisation | G | each pixel's feature vector scaled to unit length: no escalating signals |
# | equalised learning rate | G and D | weights $\sim\mathcal N(0, 1)$, scaled at run time by He's constant (the scale of He initialisation, section 2) |
#
# The paper trains on CelebA-HQ (celebrity photos, up to 1024×1024) for days on 8 GPUs. We grow to
# **32×32** on the course's faces (the rendered faces of notebook 03): a few minutes on a CPU for the
# live part (section 4 prints its time), and the zoo model, the course's pre-trained ProGAN, whose
# training time its record gives in section 5.

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
# The same eight real faces at the four sizes of our run, each size averaged down from the 32×32 face
# and shown enlarged to 32×32 (every pixel repeated), so that they line up.

# %%
real = faces.faces(8, size=32, seed=progan.TEST_SEED).images
rows = [F.interpolate(progan.real_at(real, stage, 1.0), size=32, mode="nearest") for stage in range(4)]
ck.viz.show(torch.cat(rows), nrow=8, title="eight faces at the run's four sizes (shown at 32x32)",
            labels=["4x4", "8x8", "16x16", "32x32"])
plt.show()


# %% [markdown]
# Each row is one size, 4×4 at the top to 32×32 at the bottom, and each column one face: read down a
# column. At 4×4 there is a skin-coloured blob on a background; at 8×8 the hair and the head's
# position; eyes, glasses and the smile only appear at 16×16 and 32×32. Growing lets G learn them in
# that order.

# %% [markdown]
# ## 2. The four tricks
#
# ### The equalised learning rate
#
# Adam divides each parameter's step by a running estimate of its gradient's size, so a weight's
# step is about the learning rate whatever its scale. The usual **He initialisation** draws a layer's
# weights with standard deviation $\sqrt{2/\text{fan\_in}}$, where $\text{fan\_in}$ is the number of
# inputs each output sums over; that scale keeps the signal's size the same from layer to layer. So
# layers with many inputs have small weights, and the same step size changes them *relatively* more:
# some layers learn faster than others. ProGAN draws every weight from $\mathcal N(0, 1)$ and
# multiplies by He's constant **at run time**,
#
# $$\hat w = w \cdot c, \qquad c = \frac{\text{gain}}{\sqrt{\text{fan\_in}}}, \qquad \text{gain} = \sqrt 2 \text{ before a leaky ReLU},$$
#
# so every layer learns at the same relative speed. The bias is not scaled. (The gain $\sqrt 2$ makes up
# for the half of the signal that a ReLU sets to zero.)
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
# with $N$ the number of channels and $a^j_{x,y}$ channel $j$ of the features at pixel $(x, y)$. It has
# no learned parameters, unlike batch norm (which normalises each channel over the batch, then learns a
# scale and a shift). The paper's reason for it: it stops G's and D's magnitudes from escalating against
# each other as they compete.
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
# number per group, and append it to each image of the group as an extra constant feature map (one
# more channel, the same number at every pixel). Real batches are varied; a collapsed G's are not, so
# the extra map gives D a number that tells them apart.
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
# The printed line is that number: clearly above 0 for a batch of random features, and close to 0
# (only the $10^{-8}$ added before the square root) for eight copies of one image, a fully collapsed
# batch.

# %% [markdown]
# ### The smooth fade-in
#
# Each resolution of G ends in a **to-RGB** layer, a 1×1 convolution that turns that block's features
# into the 3 colour channels of an image. When 16×16 is added, G's new block and its to-RGB layer start
# from random weights. Switching to them at once would throw away the 8×8 image G has learned. Instead,
# the old output, upsampled, and the new one are blended, with $\alpha$ going from 0 to 1 over a
# **phase** of training (a fixed number of steps, section 3):
#
# $$x = (1-\alpha)\cdot\mathrm{up}(\text{toRGB}_{8}(h_8)) + \alpha\cdot \text{toRGB}_{16}(\text{block}_{16}(h_8)),$$
#
# with $h_8$ the features of the 8×8 block and $\mathrm{up}$ the ×2 upsampling that repeats each pixel.
# D does the mirror image on its input side (a from-RGB layer per resolution), and the real images D
# sees are blended the same way. The paper's figure 2, for the step from 8×8 to 16×16:

# %%
fig = progan.draw_fade_in(16)
plt.show()

# %% [markdown]
# The diagram shows G before (a), during (b) and after (c) the fade-in: follow the two paths of (b),
# the old to-RGB upsampled with weight $1 - \alpha$ and the new block with weight $\alpha$, into one
# image.
#
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
# The fade-in, drawn by the zoo's generator (the trained `faces-progan`, section 5): the same six codes
# $z$ (the random inputs G turns into faces), one per column, through its last block at five values of
# $\alpha$, one per row.

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
# Read the figure from the top row down. At $\alpha = 0$ the picture is the 16×16 output upsampled:
# blocky, and in garish colours, because the 16×16 to-RGB layer stopped training once the 32×32 block
# had faded in, while the blocks below it went on changing. As $\alpha$ grows, the 32×32 block's output
# takes over, and at $\alpha = 1$ the picture is the model's own 32×32 output.
#
# The generator puts the pieces together (`progan.Generator`): note how only the last block is faded,
# and how a *stage* (0 for 4×4, 1 for 8×8, ... 3 for 32×32) picks how many blocks run.

# %%
print(inspect.getsource(progan.Generator.forward))

# %% [markdown]
# ## 3. The schedule
#
# Train 4×4 for one phase; then for each new resolution, one phase of fade-in ($\alpha$: 0 → 1) and one
# phase **stable** (the new resolution alone, $\alpha = 1$). The paper's phases are 800k real images
# each; the zoo model's are much shorter, except the last, where it trains on at 32×32 for as long as
# it improves. The cell below reads their lengths from the zoo model's record and prints the schedule.

# %%
# NBVAL_CHECK_OUTPUT
options = ck.zoo.record("faces-progan")["options"]
PHASE, FINAL = options["steps_per_phase"], options["final_steps"] or options["steps_per_phase"]
print(f"phases of {PHASE} steps; the last, at 32x32, {FINAL:,}")
steps = progan.total_steps(PHASE, 3)  # the growth: 4x4, then a fade-in and a stable phase per size
where = [progan.stage_and_alpha(s, PHASE, 3) for s in range(steps)]
for s in range(0, steps, PHASE):
    stage, alpha = where[s]
    last = s + PHASE - 1 if s + PHASE < steps else s + FINAL - 1
    print(f"steps {s:>5}-{last:<5}: {4 * 2 ** stage:>2}x{4 * 2 ** stage:<2} "
          + ("stable" if alpha == 1 else "fading in, α from 0 to 1"))

# %%
fig, ax = plt.subplots(figsize=(8, 2.5))
ax.plot([4 * 2 ** (st - 1 + a) if st else 4 for st, a in where], label="resolution (α-weighted)")
ax.set_yscale("log", base=2)
ax.set_yticks([4, 8, 16, 32], ["4", "8", "16", "32"])
ax.set(xlabel="step", ylabel="pixels", title="the zoo model's growth schedule (its first phase at 32x32 shown)")
plt.show()

# %% [markdown]
# The plot draws the printed schedule: the resolution G works at, step by step, flat in the stable
# phases and rising through each fade-in (drawn as $\alpha$ moving it from one size to the next).

# %% [markdown]
# ## 4. Training: the first resolutions, live
#
# ProGAN trains with the **WGAN-GP** loss (Wasserstein GAN with gradient penalty, Gulrajani et al.,
# 2017), as its paper does. The Wasserstein GAN replaces the classifier $D$ by a **critic** that outputs
# a score, not a probability: $D$ maximises $\mathbb E[D(x)] - \mathbb E[D(G(z))]$, which for a critic
# whose slope is at most 1 everywhere (**1-Lipschitz**) estimates the **Wasserstein-1 distance**, the
# work of moving $p_g$'s mass (the distribution of G's images) onto $p_\text{data}$ (that of the real
# ones), mass times distance moved. Unlike the Jensen-Shannon divergence of notebook 01 (the distance
# the original GAN loss minimises), it keeps a useful gradient when the two distributions do not
# overlap. The **gradient penalty** asks for that slope softly, on random points
# $\hat x = \epsilon x + (1-\epsilon)G(z)$ between real and fake ($\epsilon$ uniform in $[0, 1]$):
#
# $$L_D = \mathbb E[D(G(z))] - \mathbb E[D(x)] + \lambda\,\mathbb E\big[(\lVert\nabla_{\hat x} D(\hat x)\rVert_2 - 1)^2\big],
# \qquad L_G = -\mathbb E[D(G(z))],$$
#
# with $\lambda = 10$ (ProGAN adds a tiny $\epsilon_\text{drift}\,\mathbb E[D(x)^2]$ so that the scores do
# not drift away from 0).
#
# The samples come from an **exponential moving average of G's weights** (EMA): after every step,
# $\theta_\text{EMA} \leftarrow \beta\,\theta_\text{EMA} + (1-\beta)\,\theta_G$ with $\beta = 0.999$,
# an average over the last thousand or so steps. $G$'s own weights wander as it chases $D$; their
# average sits in the middle of that wandering, and the papers draw their samples from it for steadier,
# cleaner images (ProGAN and StyleGAN both ship it, as does notebook 08's diffusion model; this notebook
# does not compare the two).
#
# Adam runs with $\beta_1 = 0$: $\beta_1$ is the decay of Adam's running mean of the gradient
# (momentum), so 0 turns the momentum off. One change from the paper: its learning rate, $10^{-3}$,
# goes with phases of 800k images; ours are a few hundred steps, and the zoo model's declared
# configuration (`FACES_PROGAN.lr` in `coursekit.models.progan.recipes`) raises it to $3\cdot10^{-3}$ so
# that it learns more in them; this notebook does not compare the two rates.
#
# `train_progan` is the loop of the zoo model; here a short run grows to 16×16 (quick mode: a few
# steps, tiny networks). It plots the two losses as it trains.

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

# %% [markdown]
# The loss plot has a step in both curves each time a new resolution starts to fade in (one phase
# after the start, then two phases later), and flatter stretches in between. The WGAN-GP losses are
# not probabilities: $L_D$ below 0 means the critic scores real images higher than fakes.
#
# Below, the same six codes drawn at the end of each phase.

# %%
ck.viz.show(snaps["images"][:, :6].flatten(0, 1), nrow=6,
            title="the same 6 codes at the end of each phase",
            labels=[f"{4 * 2 ** s}px " + ("faded in" if i and snaps["stage"][i - 1] != s else "stable")
                    for i, s in enumerate(snaps["stage"])])
plt.show()

# %% [markdown]
# Each row is the end of one phase, named on its left (4×4, then 8×8 faded in and stable,
# then 16×16 faded in and stable), each column one code: read down a column to watch one face take
# shape as the resolution grows. The row right after each fade-in can look worse than the one before;
# the stable phase that follows is where the new size settles.
#
# ## 5. The zoo model
#
# The same loop, grown to 32×32 (`python -m coursekit.train faces-progan`), with the phases of
# section 3. At the end of each resolution's stable phase it measured the **Fréchet distance** (notebook
# 00: how far apart two sets of images are, from the mean and covariance of their features; lower is
# better) to 500 **held-out** real faces (never used in training) at that resolution, in the features
# of the **attribute predictor** (`faces-attributes`, notebook 03's network that reads every factor of a
# face back from its image). What is "good"? Real faces against other real faces give the floor, an
# untrained G the ceiling, both computed below.

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
if "fresh_codes" in m:  # issue 35's bar, read on codes no other measure of the course samples
    fresh = m["fresh_codes"]
    print(f"  1,000 codes of another seed: Fréchet {fresh['fid']:.1f}, variety {fresh['variety']:.2f}, "
          f"texture {fresh['texture']:.2f} of real faces' (1: as sharp)")
before = record.get("previous")  # the zoo model this one replaced, if any: its numbers and faces, kept
if before is None:
    ck.viz.show(extras["samples"]["zoo-model"].float(), nrow=8, title="faces-progan: 16 fixed codes")
else:
    hours = ck.zoo.training_hours  # CPU time where the record kept it (a run shares its core), else wall
    print(f"\n{'':<8} {'Fréchet':>8} {'steps':>7} {'faces seen':>11} {'hours':>6}")
    for name, rec, fid in (("before", before, before["metrics"]["fid_final_1000"]),
                           ("now", record, m["fid_final_1000"])):
        print(f"{name:<8} {fid:>8.1f} {rec['steps']:>7,} {rec['steps'] * 32:>11,} {hours(rec):>6.1f}")
    fig, (ax_old, ax_new) = plt.subplots(1, 2, figsize=(12, 2.3))
    ck.viz.show(extras["previous_samples"].float(), nrow=8, ax=ax_old,
                title=f"before: {before['steps']:,} steps, {hours(before):.1f} h of one CPU thread")
    ck.viz.show(extras["samples"]["zoo-model"].float(), nrow=8, ax=ax_new,
                title=f"now: {record['steps']:,} steps, {hours(record):.1f} h of one CPU thread")
    fig.suptitle("faces-progan, the same 16 codes", y=1.06)
plt.show()

# %% [markdown]
# **What to read.** While the model grew, its Fréchet distance rose with each resolution (4, 8, 16 px):
# every size is scored against real faces at that size, and each has more detail to get wrong. At
# 32×32 it then trained on for much longer than one phase, and its distance there fell below the 8 px
# one: far below the untrained G's, a few times the floor of real against real. The table compares it
# with the zoo model it replaced, the same schedule stopped after one phase at 32×32, and the two grids
# draw the same 16 codes from each, with the hours each cost: the short run's faces are blurred blobs,
# the long run's have eyes, mouths, glasses and hair.
#
# **The growth, replayed.** The images of 8 fixed codes every 50 steps while the model grew, kept by
# the zoo's earlier run of the same schedule and seed (the long run kept none; the record's
# `metrics["snapshots"]` says so). Drag the slider through the steps (its caption gives the step, the
# resolution and $\alpha$) and watch the faces appear as blobs first, then sharpen each time a block
# fades in.

# %%
ck.widgets.growth(progan.unpack_snapshots(extras))

# %% [markdown]
# The row shows the 8 codes at the step the slider picks; saved with the notebook, it is the last
# snapshot, the grown model's faces.

# %% [markdown]
# ## 6. Take one trick away: minibatch standard deviation
#
# The paper credits minibatch standard deviation with **variation**. To measure variation we read
# every generated face with the attribute predictor and ask how spread its answers are: for each
# **class factor** (one of a few classes: hair colour, glasses, background, ...) the entropy of the
# predicted classes (how evenly the faces spread over the classes: 0 when all read the same), for each
# **value factor** (a number: smile, tilt, light, ...) their standard deviation, each as a share of the
# same on real faces. 1.0 means "as varied as real faces"; a generator stuck on one face scores near 0.
# The **ablation** (a run with one part taken away) trained on the zoo model's schedule from the same
# seed, with D's extra map removed. The table gives each model's Fréchet distance, its mean variety,
# and the variety of each factor; below it, 16 faces of each model:

# %%
# rows keyed by identifier ("no-minibatch-std"), each with its label for display; the first row is the
# model the ablation is compared with: trained on the same schedule (a long zoo run keeps the one that was)
rows = {"zoo-model": {"label": "zoo model (all four tricks)", "fid": m["fid_final_1000"], "variety": m["variety"]}}
rows = {**({} if "growth-schedule" in m["ablations"] else rows), **m["ablations"]}
factors = list(faces.FACTORS)
print(f"{'':<28} {'Fréchet':>8} {'variety':>8}   " + " ".join(f"{f[:9]:>9}" for f in factors))
for row in rows.values():
    v = row["variety"]
    print(f"{row['label']:<28} {row['fid']:>8.1f} {v['mean']:>8.2f}   " + " ".join(f"{v[f]:>9.2f}" for f in factors))
fig, axes = plt.subplots(1, 2, figsize=(12, 3))
for ax, key in zip(axes, rows):
    ck.viz.show(extras["samples"][key].float(), nrow=8, title=rows[key]["label"], ax=ax)
plt.show()

# %% [markdown]
# **What to read.** The ablation is compared with the model trained on the same schedule (the growth
# of section 3, one phase at 32×32), not with the long zoo model. The two grids of samples, with the
# extra map on the left and without it on the right, look alike: neither draws the same face again and
# again. The table says the same in numbers: here the lecture's claim is *not* reproduced. With and
# without the extra map the mean variety is the same to the two printed decimals, and the Fréchet
# distance is a little lower without it. Our run is tiny beside the paper's (4,900 steps of 32 faces;
# the paper grows to 1024×1024 on millions of images),
# and at the paper's scale a collapsing generator is the problem this trick solves; ours does not
# collapse either way: both varieties are far from the 0 of one repeated face. A measured "no
# difference" is a result too: a trick that matters at one scale need not at another.
#
# The columns show where both generators fall short: **glasses** and **eyes open/closed** (`eyes_open`)
# have a variety of 0, so every generated face reads the same for them. Those are details of a few
# pixels at 32×32. The big things, background, skin tone and hair colour, which the growing schedule
# has both models learn first, come close to the variety of real faces (their columns are near 1).

# %% [markdown]
# ## 7. Explore: walk between faces
#
# Pick two codes (by their seeds); the row shows G along the straight line between them, or along the
# great circle (**spherical interpolation**, which keeps the codes at the norm G was trained on: codes
# drawn from $\mathcal N(0, I)$ in many dimensions all have nearly the same length, and the midpoint of
# a straight line between two of them is shorter). A smooth walk, with no face that looks broken in
# between, is a sign that G learned a continuous space of faces rather than a list of memorised ones.

# %%
ck.widgets.interpolation(G, steps=8, z_dim=G.config.z_dim)

# %% [markdown]
# The row goes from the start code (left) to the end code (right) in eight equal steps. In the row saved
# with the notebook (seeds 0 and 1, the straight line) the face changes little by little, with no
# broken face between the two ends; the background turns from blue to green only in the last steps.

# %% [markdown]
# ## 8. Lab: a D that sees the batch
#
# Section 6 found no difference from minibatch standard deviation in the zoo's run, which does not
# collapse. So go where a GAN does collapse: notebook 01's 2-D ring of eight **modes** (eight small
# Gaussian blobs of points on a circle), with $D$ learning ten times faster than $G$, where notebook 01
# saw the samples pile onto a few of the eight modes. Notebook 01's lab ended that collapse by changing
# the loss; here the loss and the loop stay as they are, and only what $D$ sees may change.
#
# **The task.** `make_discriminator()` returns a new $D$ for the 2-D points: `(B, 2) → (B,)` logits
# (scores before the sigmoid). The check trains notebook 01's `ToyGenerator` against it in the
# collapsing setting ($\text{lr}_D = 10^{-2}$, $\text{lr}_G = 10^{-3}$, the non-saturating loss
# $-\log D(G(z))$ of notebook 01, batches of 256, 3,000 steps), on three seeds.
#
# **The goal**, as in notebook 01's lab: every seed's $G$ covers all 8 modes, and on average at least
# half of its samples are sharp (within $3\sigma$ of a mode, $\sigma$ the standard deviation of each
# blob); a mode counts as covered when it gets at least a fifth of its fair share of sharp samples.
# (Quick mode measures one seed of 300 steps: too short to meet it, enough to run it.) Stuck?
# `ck.hint("lab_batch_aware")`, one step per call.

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
# The check prints the modes that the worst of the seeds covers, beside notebook 01's $D$'s, and the
# share of sharp samples. Where it reports the goal met, the lecture's claim holds where there is a
# collapse to catch: a $D$ that sees the batch's variety makes $G$ keep it.
#
# How much $D$ must see is worth trying for yourself, one change at a time, with the same check:
#
# | what $D$ gets beside each point's features | numbers added to each point |
# |---|---|
# | ProGAN's layer as section 2 wrote it: the spread over a group of 4, averaged over the features | 1 |
# | one spread per feature, over groups of 4 | one per hidden feature |
# | one spread per feature, over groups of 16 (the solved notebook's $D$, in `notebooks/solutions/`) | one per hidden feature |
# | one spread per feature, over the whole batch | one per hidden feature |
# | the spread of the raw points $(x, y)$, over the whole batch | 2 |
#
# A larger group measures the spread more steadily; a richer statistic of the batch tells $D$ more;
# Salimans et al. (2016), whose *minibatch discrimination* ProGAN simplified, kept many numbers per
# image for the same reason.

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
