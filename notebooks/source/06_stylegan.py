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
# # 06 · StyleGAN: the code as a style at every layer
#
# **Lectures:** a style-based generator architecture for GANs (Karras, Laine & Aila, 2019) and
# analysing and improving the image quality of StyleGAN (Karras et al., 2020).
#
# ProGAN (notebook 05) feeds the code $z$ in once, at the bottom, and hopes each layer makes sense of
# what reaches it. StyleGAN turns the generator around:
#
# * a **mapping network** turns $z$ into an intermediate code $w$ (an MLP: $W$ need not be shaped like
#   the Gaussian $Z$ is);
# * the **synthesis network** starts from a **learned constant** 4×4, not from $z$;
# * every layer gets a **style** $y = (y_s, y_b) = A(w)$, an affine map of $w$, which sets the mean and
#   spread of each feature map (**AdaIN**), or in StyleGAN2 scales the convolution's weights
#   (**modulation / demodulation**);
# * per-pixel **noise**, scaled per channel by learned factors $B$, gives the details that may vary
#   freely (strands of hair), so that the styles need not.
#
# StyleGAN 1 still grew its networks as ProGAN does. **StyleGAN2** changes three things: demodulation
# replaces AdaIN (section 4: AdaIN's normalisation caused "droplet" artefacts); **progressive growing
# is dropped**, because features trained at a low resolution stay stuck to pixel positions (teeth and
# eyes that do not follow the head): the full-size networks train from the start, with skip
# connections that sum each resolution's RGB output, which makes the low resolutions count early on
# without any fading; and a **path-length regulariser** asks a fixed-size step in $W$ to move the
# image by a fixed amount, $\mathbb E_{w, y}\big(\lVert J_w^\top y\rVert_2 - a\big)^2$, with $J_w$ the
# Jacobian of $G$ at $w$, $y$ a random image and $a$ a running mean of the lengths. The course's model
# is StyleGAN2's generator with those RGB skips and no growing, trained without the path-length
# regulariser (it costs a second backward pass); section 10 measures path lengths instead.
#
# | part | class in `coursekit.models.stylegan` |
# |---|---|
# | mapping network $z \to w$ | `MappingNetwork` |
# | learned constant input | `ConstantInput` |
# | per-pixel noise, scaled by $B$ | `NoiseInjection` |
# | AdaIN / modulated convolution | `adain`, `ModulatedConv2d` |
# | to RGB | `ToRGB` |
#
# Because each layer has its own input $w$, we can give different layers different codes (**style
# mixing**), pull codes towards the mean (**truncation**), and measure how well $W$ sorts the factors
# of variation compared with $Z$ (**disentanglement**). Our faces come with their true factors, so
# every one of those claims gets a number here.

# %%
import inspect
import time

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import coursekit as ck
from coursekit import faces
from coursekit.models import face_eval, inversion, stylegan

device = ck.device()
ck.seed(0)  # the same numbers every run (on the CPU)
print("device:", device, "| quick mode:", ck.QUICK)

# %% [markdown]
# The lecture's picture of the generator, drawn from the zoo model's configuration:

# %%
fig = stylegan.draw_generator(stylegan.StyleGANConfig(**ck.zoo.record("faces-stylegan")["config"]))
plt.show()


# %% [markdown]
# ## 1. The mapping network
#
# $z \sim \mathcal N(0, I)$ is first normalised (notebook 05's pixel norm, over its features), then goes
# through a few equalised linear layers (lecture 05: weights drawn from N(0, 1) and scaled by He's
# constant at every forward pass, so that Adam moves every layer at the same pace) with leaky ReLUs. The paper uses 8 layers of 512; we use 4 of 128.
# The layers learn 100 times slower than the rest (`lr_multiplier=0.01`), as in the paper.
#
# **Exercise 1.** Write the mapping network's forward pass: normalise `z` (N, z_dim) to unit root mean
# square per code, then apply `net.net[1:]` (the layers after the pixel norm) in turn.

# %%
def mapping_forward(net, z):
    ### BEGIN SOLUTION
    ### HINT: normalise z (the mapping network's first layer, PixelNorm), then run the remaining layers in order
    x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    for layer in net.net[1:]:
        x = layer(x)
    return x
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
mapping_forward = ck.check.mapping_forward(mapping_forward)

# %%
# NBVAL_CHECK_OUTPUT
torch.manual_seed(0)
mapping = stylegan.MappingNetwork(z_dim=128, w_dim=128, layers=4)
z = torch.randn(5, 128)
print(mapping)
print("z", tuple(z.shape), "-> w", tuple(mapping(z).shape))


# %% [markdown]
# ## 2. AdaIN: the style of StyleGAN 1
#
# Each feature map is normalised per image and channel, then given the style's scale and bias:
#
# $$\mathrm{AdaIN}(x_i, y) = y_{s,i}\,\frac{x_i - \mu(x_i)}{\sigma(x_i)} + y_{b,i}.$$
#
# Whatever statistics the previous layer produced are wiped out: each layer's style decides them
# afresh. That is why a style controls "its" layer and not the ones after it.
#
# **Exercise 2.** Write `adain(x, style_scale, style_bias)` for `x` (N, C, H, W) and styles (N, C): μ and
# σ over the pixels of each map (population standard deviation, $\epsilon = 10^{-8}$ inside the root).

# %%
def adain(x, style_scale, style_bias):
    ### BEGIN SOLUTION
    ### HINT: normalise each feature map of each image to zero mean and unit spread, then give it the style's scale and bias
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    return style_scale[:, :, None, None] * (x - mu) / sigma + style_bias[:, :, None, None]
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
adain = ck.check.adain(adain)


# %% [markdown]
# ## 3. Noise, scaled per channel
#
# A freckle or a strand of hair may be anywhere; spending the code on where is a waste. Each styled
# layer adds one noise image per sample, $\mathcal N(0, 1)$ per pixel, scaled per channel by learned
# factors $B$ (which start at 0: noise is off until G finds a use for it).
#
# **Exercise 3.** `x` (N, C, H, W), `strength` (1, C, 1, 1), `noise` (N, 1, H, W).

# %%
def noise_injection(x, strength, noise):
    ### BEGIN SOLUTION
    ### HINT: add the noise image to every channel, each channel scaled by its own learned strength
    return x + strength * noise
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
noise_injection = ck.check.noise_injection(noise_injection)


# %% [markdown]
# ## 4. StyleGAN2: weight demodulation instead of AdaIN
#
# StyleGAN 1's faces have **droplets**: blobs that do not belong to the image. StyleGAN2 traced them to
# AdaIN. AdaIN normalises each map by its *actual* statistics, so G can smuggle a signal past it: one
# strong spike inflates $\sigma$, which scales everything else in that map down, and G learned to use
# that to control the overall strength of a map. StyleGAN2 keeps the style but drops the
# data-dependent normalisation. The style scales the convolution's **weights** (modulation), and the
# weights are then rescaled so that the output *would* have unit variance if the input had
# (demodulation):
#
# $$w'_{ijk} = s_i \cdot w_{ijk}, \qquad w''_{ijk} = \frac{w'_{ijk}}{\sqrt{\sum_{i,k} {w'_{ijk}}^2 + \epsilon}}$$
#
# ($i$ input channel, $j$ output channel, $k$ kernel position). Each image has its own weights; one
# grouped convolution runs them all at once.
#
# **Exercise 4.** Write the modulated, demodulated convolution: `x` (N, C_in, H, W), `weight`
# (C_out, C_in, k, k) with k odd (3 in the generator, 1 in a to-RGB), `style` (N, C_in). Build the
# (N, C_out, C_in, k, k) weights, demodulate over dims 2, 3, 4 ($\epsilon = 10^{-8}$), and convolve
# image $n$ with its own weights, padded by k // 2 so the size is kept (1 for 3×3, none for 1×1).
# `ck.hint("demodulation")` gives the grouped-convolution trick.

# %%
def modulated_conv(x, weight, style):
    ### BEGIN SOLUTION
    ### HINT: scale the conv weights by each image's style (modulation), then rescale each output channel's weights to unit norm (demodulation), and convolve each image with its own weights
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
modulated_conv = ck.check.demodulation(modulated_conv)

# %% [markdown]
# **The same numbers without building N kernels.** Scaling input channel $i$ of every kernel by $s_i$
# is scaling input channel $i$ of the *image* by $s_i$, and the demodulation factor of output channel
# $j$, $1 / \sqrt{\sum_i s_i^2 \sum_k w_{ijk}^2 + \epsilon}$, needs only the styles and the kernel's sums
# of squares. So the course's `stylegan.modulated_conv2d`, what the course trains with (StyleGAN2's
# own code does the same), scales the input, runs one ordinary convolution shared by the whole batch
# and scales its output. The check above compared your grouped convolution with it: the same numbers.
# And fewer of them: no N kernels of $C_\text{out} C_\text{in} k^2$ weights to build, and one large
# convolution instead of N small ones. The cell below times one layer of the generator (16×16,
# 64 → 64 channels, batch 32), forward and backward, both ways on your machine (if your function did not
# pass the check, it stands in for the course's own and the two times agree).

# %%
def layer_seconds(conv, repeats=5):
    """The fastest of `repeats` forward and backward passes of `conv` through one 16x16 layer."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(32, 64, 16, 16, generator=g, requires_grad=True)
    weight = torch.randn(64, 64, 3, 3, generator=g, requires_grad=True)
    style = torch.rand(32, 64, generator=g) + 0.5
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        conv(x, weight, style).square().mean().backward()
        times.append(time.perf_counter() - start)
    return min(times)


grouped, shared = layer_seconds(modulated_conv), layer_seconds(stylegan.modulated_conv2d)
print(f"grouped: {grouped * 1e3:.1f} ms | shared: {shared * 1e3:.1f} ms | {grouped / shared:.1f}x faster")

# %% [markdown]
# **Demodulation is AdaIN's normalisation, done on the statistics it assumes.** Feed unit-variance
# noise through a modulated convolution *without* demodulation: each output map's standard deviation
# is what demodulation divides by, $\sqrt{\sum_{i,k} {w'_{ijk}}^2}$. So demodulating the weights, or
# normalising the output maps by their actual σ as AdaIN does, gives the same result on such inputs:

# %%
# NBVAL_CHECK_OUTPUT
g = torch.Generator().manual_seed(0)
x = torch.randn(4, 16, 32, 32, generator=g)
weight, style = torch.randn(8, 16, 3, 3, generator=g), torch.rand(4, 16, generator=g) * 2 + 0.1
plain = stylegan.modulated_conv2d(x, weight, style, demodulate=False)[:, :, 1:-1, 1:-1]  # inside the border
demod = stylegan.modulated_conv2d(x, weight, style)[:, :, 1:-1, 1:-1]
normalised = plain / plain.std(dim=(2, 3), keepdim=True)  # AdaIN's scale (its mean is ~0 here)
print(f"expected std / actual std of each map: {(plain.std(dim=(2, 3)) / (weight[None] * style[:, None, :, None, None]).pow(2).sum((2, 3, 4)).sqrt()).mean():.3f}")
print(f"demodulated vs normalised by the actual std: mean |difference| {(demod - normalised).abs().mean():.3f} "
      f"(values of size {demod.abs().mean():.2f})")

# %% [markdown]
# **And where they differ: the droplet.** Put one strong spike into an otherwise ordinary map. AdaIN's
# σ grows, and the *rest* of the map is scaled down: the spike controls the whole map's strength.
# Demodulation does not look at the data, so the rest of the map is left as it was. G has no reason
# to make droplets any more.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.randn(1, 1, 32, 32, generator=torch.Generator().manual_seed(1))
spiked = x.clone()
spiked[0, 0, 5, 5] = 100.0
ones, zeros = torch.ones(1, 1), torch.zeros(1, 1)
rest = torch.ones(32, 32, dtype=torch.bool)
rest[5, 5] = False
for name, f in [("AdaIN", lambda t: stylegan.adain(t, ones, zeros)),
                ("demodulated 1x1 conv", lambda t: stylegan.modulated_conv2d(t, torch.ones(1, 1, 1, 1), ones))]:
    print(f"{name:>22}: std of the other pixels {f(x)[0, 0][rest].std():.3f} without the spike, "
          f"{f(spiked)[0, 0][rest].std():.3f} with it")


# %% [markdown]
# ## 5. The truncation trick
#
# Codes far from the average draw the faces G learned worst. Pull them towards the mean $\bar w$
# (tracked during training):
#
# $$w' = \bar w + \psi\,(w - \bar w).$$
#
# $\psi = 1$ leaves G alone; $\psi = 0$ gives the mean face for every code. Truncating in $W$ rather
# than $Z$ works because $W$ is where the faces are laid out (section 9 measures it).
#
# **Exercise 5.** `w` (N, w_dim), `w_avg` (w_dim,), `psi` a number.

# %%
def truncate(w, w_avg, psi):
    ### BEGIN SOLUTION
    ### HINT: pull w towards the average w by the factor psi
    return w_avg + psi * (w - w_avg)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
truncate = ck.check.truncation(truncate)

# %% [markdown]
# ## 6. The generator, assembled
#
# The synthesis network is StyleGAN2's: a learned 4×4 constant and one styled convolution at 4×4, then
# two styled convolutions at each higher resolution (the first upsamples), each followed by noise and a leaky ReLU, and a to-RGB at every
# resolution whose outputs are upsampled and added up ("skip" generator). A to-RGB shares its $w$ input
# with the next resolution's first convolution, so a 32×32 generator takes 8 style inputs. Here is one
# layer, then every layer's output for two faces:

# %%
print(inspect.getsource(stylegan.StyledConv))

# %%
# NBVAL_CHECK_OUTPUT
torch.manual_seed(0)
G_new = stylegan.Generator(stylegan.StyleGANConfig())
shapes = []
hooks = [m.register_forward_hook(lambda m, i, o, name=name: shapes.append((name, type(m).__name__, tuple(o.shape))))
         for name, m in G_new.synthesis.named_modules() if isinstance(m, (stylegan.StyledConv, stylegan.ToRGB))]
with torch.no_grad():
    image = G_new(torch.randn(2, 128))
for h in hooks:
    h.remove()
print("z (2, 128) -> mapping -> w (2, 128) -> one w per style input:", tuple(G_new.styles(torch.randn(2, 128)).shape))
for name, kind, shape in shapes:
    print(f"  {name:<12} {kind:<10} {shape}")
print("image:", tuple(image.shape))
print(f"parameters: mapping {sum(p.numel() for p in G_new.mapping.parameters()):,}, "
      f"synthesis {sum(p.numel() for p in G_new.synthesis.parameters()):,}")
print("resolution of each style input:", stylegan.layer_resolutions(G_new.config))

# %% [markdown]
# ## 7. Training, briefly
#
# The discriminator is notebook 05's ProGAN discriminator (with minibatch standard deviation). The
# losses are notebook 01's non-saturating ones, plus the **R1 penalty** on real images,
#
# $$R_1 = \frac{\gamma}{2}\,\mathbb E_{x \sim p_\text{data}}\,\lVert\nabla_x D(x)\rVert^2,$$
#
# added to $D$'s loss (Mescheder et al., 2018). It penalises $D$'s slope where the real images are:
# near the equilibrium, a $D$ that is flat on the data gives $G$ no push away from it, and with this
# penalty the game converges locally where plain gradient steps can circle the equilibrium (notebook 01,
# section 3). StyleGAN2 computes it only every 16 steps, multiplied by 16 ("lazy" regularisation:
# the same average push for a sixteenth of the cost), and so do we. The other addition is **mixing
# regularisation**: 90% of the batches are drawn from two codes, switched at a random layer, so that
# neighbouring layers cannot count on sharing one $w$.

# %%
print(inspect.getsource(stylegan.mixed_styles))

# %%
LIVE = stylegan.StyleGANConfig(z_dim=32, w_dim=32, mapping_layers=2, resolution=16, width=32) if ck.QUICK \
    else stylegan.StyleGANConfig()
live = stylegan.train_stylegan(steps=4 if ck.QUICK else 200, batch_size=8 if ck.QUICK else 32, model=LIVE,
                               device=device, plot=["loss_D", "loss_G"])
G_live, run = live.G_ema, live.run
print(f"{run.step} steps in {run.seconds:.0f} s")
ck.viz.show(stylegan.sample(G_live, 16), nrow=8, title=f"after {run.step} steps")
plt.show()

# %% [markdown]
# A few hundred steps give coloured blobs. The zoo model trained the same loop far longer
# (`python -m coursekit.train faces-stylegan`: 25,000 steps of 32 faces on one CPU thread); its record
# says how long, on what, and keeps the numbers of the shorter model it replaced.
#
# How good is it? We score it exactly as notebook 05 scored ProGAN: the Fréchet distance to 1,000
# held-out real faces at 32×32, in the attribute predictor's features (lower is better), and the
# **variety** of the factors the predictor reads (1.0: as varied as real faces).

# %%
G = ck.zoo.load("faces-stylegan", device=device)
record, extras = ck.zoo.record("faces-stylegan"), ck.zoo.extras("faces-stylegan")
m = record["metrics"]
progan = ck.zoo.record("faces-progan")
races = {"first": ck.zoo.record("faces-stylegan-noise"),  # the two StyleGAN recipes at ProGAN's compute
         "tuned": ck.zoo.record("faces-stylegan-equal-compute")}
before = record["previous"]  # the zoo model this one replaced: its numbers, kept in the record
hours = ck.zoo.training_hours  # CPU time where a record kept it (a run shares its core), else wall time
rows = {"ProGAN (05)": (progan["metrics"]["fid_final_1000"], progan["metrics"]["variety"]["mean"],
                        progan["steps"], hours(progan)),
        **{f"StyleGAN {kind} recipe, ProGAN's compute": (r["metrics"]["fid"], r["metrics"]["variety"]["mean"],
                                                         r["steps"], hours(r)) for kind, r in races.items()},
        "StyleGAN before (shorter)": (before["metrics"]["fid"], before["metrics"]["variety"],
                                      before["steps"], hours(before)),
        "StyleGAN now (zoo model)": (m["fid"], m["variety"]["mean"], record["steps"], hours(record))}
print(f"{'':<40} {'Fréchet':>8} {'variety':>8} {'steps':>7} {'faces seen':>11} {'hours':>6}")
for name, (fid, variety, steps, spent) in rows.items():
    print(f"{name:<40} {fid:>8.1f} {variety:>8.2f} {steps:>7,} {steps * 32:>11,} {spent:>6.1f}")
fresh = m["fresh_codes"]
print(f"\nthe zoo model on 1,000 codes of another seed: Fréchet {fresh['fid']:.1f}, variety {fresh['variety']:.2f}, "
      f"texture {fresh['texture']:.2f} of real faces' (1: as sharp; above 1: speckled)")
fig, (ax_old, ax_new) = plt.subplots(1, 2, figsize=(12, 2.3))
ck.viz.show(extras["previous_samples"].float(), nrow=8, ax=ax_old,
            title=f"before: {before['steps']:,} steps, {hours(before):.1f} h of one CPU thread")
ck.viz.show(extras["samples"].float(), nrow=8, ax=ax_new,
            title=f"now: {record['steps']:,} steps, {hours(record):.1f} h of one CPU thread")
fig.suptitle("faces-stylegan, the same 16 codes", y=1.06)
plt.show()

# %% [markdown]
# The same recipe, eight times the training: the faces went from smeared blobs to clear eyes, mouths,
# glasses and hair, and the Fréchet distance fell by a factor of about five (the table). The model now
# draws faces as varied as the renders it learned from, nearly; section 7's curves below show how that
# quality grew with compute.
#
# **The lecture's race.** The paper's claim is that StyleGAN beats ProGAN *at equal training*. The zoo
# model no longer answers that: it trained far longer than ProGAN grew. So the race has zoo models of
# its own: a StyleGAN recipe given exactly the compute of ProGAN's growth schedule (4,900 steps from
# 4×4 to 32×32), counted by `python -m coursekit.bench` (every product of a training step, forward and
# backward). ProGAN's growth is cheap early (its first phases draw 4×4 and 8×8 images), so equal
# compute buys the lecture's first recipe (`faces-stylegan-noise`: noise at every layer, D as wide as
# G, 62 GFLOP a step) 3,900 steps, and the zoo model's tuned recipe (`faces-stylegan-equal-compute`: D
# half as wide, no noise at 32 px, 31 GFLOP a step) 7,967. One run each would prove little: a GAN's
# score moves with its seed. So each race was run from training seeds 0, 1 and 2, both GANs on their
# schedules (`python -m coursekit.train faces-stylegan-equal-compute` trains and scores the tuned
# race's six):

# %%
# ProGAN's seed 0 on its growth schedule alone: the zoo model trained on far longer; its record keeps that run
growth = progan["metrics"]["ablations"].get("growth-schedule", {"fid": progan["metrics"]["fid_final_1000"]})
for kind, r in races.items():  # each race against the ProGAN runs trained beside it (seeds 1 and 2)
    seeds = {"ProGAN (05), growth schedule": {0: growth["fid"]},
             f"StyleGAN {kind} recipe, {r['steps']:,} steps": {0: r["metrics"]["fid"]}}
    for row in r["metrics"]["race"].values():  # "progan-seed-1": {"gan", "seed", "label", "fid", "variety"}
        seeds[list(seeds)[row["gan"] == "stylegan"]][row["seed"]] = row["fid"]
    print(f"{'the ' + kind + ' race, Fréchet distance by seed:':<40}", " ".join(f"{k:>6}" for k in range(3)),
          "   mean")
    for name, fids in seeds.items():
        print(f"  {name:<38} " + " ".join(f"{fids[k]:>6.1f}" for k in sorted(fids))
              + f"   {sum(fids.values()) / len(fids):.1f}")
    (progans, stylegans) = seeds.values()
    worst, best = max(stylegans.values()), min(progans.values())
    print(f"  StyleGAN's worst seed {worst:.1f} {'<' if worst < best else '>='} ProGAN's best {best:.1f}\n")

# %% [markdown]
# At equal compute, on these faces, the claim holds in both races: every StyleGAN seed scores below
# every ProGAN seed trained beside it (the last line of each). The tuned recipe wins by far more at seed
# 0 and by little at seeds 1 and 2: half the FLOPs a step buy twice the steps. Read the ProGAN rows too:
# the same recipe and seeds, trained again for the tuned race with today's code, score several points
# better than in the first race, and against them the first recipe's worst seed would no longer win. A
# race between GANs is decided by a few points, and a few points move with the seed and with
# details of the code: that is why each race trains both GANs side by side, from the same seeds, and
# why its table says so. What StyleGAN buys beyond the race is *control*, and the rest of this notebook
# measures that on the zoo model.

# %% [markdown]
# ### How quality grows with compute
#
# How fast does the Fréchet distance fall as a run goes on, and which settings make it fall fastest?
# The short runs below are the earlier recipe with one setting changed (`python -m coursekit.train
# faces-stylegan --set r1_gamma=0.1 curve_every=100 ...`), each on one CPU thread, 500 faces of its
# moving-average generator scored every 100 steps. The two changes that descended fastest at equal CPU
# time, a discriminator half as wide (`dwidth-64`) and no noise at 32 px (`fine-noise-0`), together
# make the zoo model's recipe: its whole training is the long curve, scored every 500 steps. Notebook
# 05's ProGAN, trained on at 32×32 the same way, is drawn too (from the end of its growth). The curves
# are kept in `data/curves/` (`python -m coursekit.train.curves RUNS --save ...` prints and writes them).

# %%
from coursekit.train import curves

runs = curves.load(ck.DATA_DIR / "curves" / "faces-stylegan.json")
runs["ProGAN (05)"] = curves.load(ck.DATA_DIR / "curves" / "faces-progan.json")["faces-progan"]  # its zoo run
fig, (ax_fid, ax_tex) = plt.subplots(1, 2, figsize=(11, 3.8))
for name, run_ in runs.items():
    hours = [r["cpu_h"] for r in run_["curve"]]
    ax_fid.plot(hours, [r["fid"] for r in run_["curve"]], marker=".", label=name)
    ax_tex.plot(hours, [r["texture"] for r in run_["curve"]], marker=".", label=name)
ax_fid.set(xlabel="CPU-hours of training (one thread)", ylabel="Fréchet distance (500 faces)", yscale="log",
           title="quality: lower is better")
ax_tex.set(xlabel="CPU-hours of training (one thread)", ylabel="texture / real faces'",
           title="texture: 1 is the real faces' (above: speckle)")
ax_tex.axhline(1.0, color="grey", lw=0.8)
ax_tex.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)
fig.tight_layout()
plt.show()
print(f"{'run':<16} {'CPU-h':>6} {'images':>8} {'Fréchet':>8} {'variety':>8} {'texture':>8}   (last point)")
for name, run_ in runs.items():
    r = run_["curve"][-1]
    print(f"{name:<16} {r['cpu_h']:6.2f} {r['images']:8,} {r['fid']:8.1f} {r['variety']:8.2f} {r['texture']:8.2f}")

# %% [markdown]
# The plot shows each run's Fréchet distance (left, on a log scale) and texture (right) against the
# CPU time it had spent. Early on the curves jump: the moving average of a young generator follows it
# closely, and one bad stretch of the game shows at once; only the longer runs say which settings pay.
# StyleGAN's long run keeps falling for two CPU-hours and flattens over its last few points: more of
# the same training would buy little. ProGAN's, at the same CPU time, reaches nearly the same distance
# with less variety (the table's last two lines): trained long enough on these small faces, both GANs
# draw them well.

# %% [markdown]
# ## 8. Style mixing, measured
#
# Take two faces, A and B. Give the generator A's $w$ for some layers and B's for the others. In the
# paper, the **coarse** layers (4–8 px) carry pose, face shape and hair style; the **middle** ones
# (16 px) smaller features; the **fine** ones (32 px here) colours. Here is the grid: sources B1–B4
# along the top, sources A1–A4 down the side, and each cell has A's coarse styles with B's middle and
# fine ones.

# %%
stylegan.show_mixing(extras["mixing"]["zoo-model"], title="cell (A, B): A's coarse styles, B's others")
plt.show()

# %% [markdown]
# A picture invites us to see what we expect. So we measure: for 500 pairs, draw the face that takes
# A's styles in one group only (and B's elsewhere), and read every factor with the attribute predictor.
# For each factor, the score is the share that follows A:
#
# $$\text{follows A} = \frac{\sum \lVert \text{read}(\text{mix}) - \text{read}(B)\rVert_1}{\sum \big(\lVert \text{read}(\text{mix}) - \text{read}(A)\rVert_1 + \lVert \text{read}(\text{mix}) - \text{read}(B)\rVert_1\big)},$$
#
# 1 when the factor comes with A's styles in that group, 0 when it stays B's. Each factor should score
# high in one group and low in the others.

# %%
print(inspect.getsource(stylegan.style_mixing_scores))


# %%
def mixing_table(scores, title, variety=None):
    """Each factor's share that follows source A, per group; with ``variety``, how much the model varies it."""
    groups = list(scores)
    print(title)
    print(f"{'factor':<12} " + " ".join(f"{g:>7}" for g in groups) + "   decided by"
          + ("   variety" if variety else ""))
    for factor in faces.FACTORS:
        row = [scores[g][factor] for g in groups]
        print(f"{factor:<12} " + " ".join(f"{v:>7.2f}" for v in row) + f"   {groups[row.index(max(row))]:<10}"
              + (f" {variety[factor]:>8.2f}" if variety else ""))


mixing_table(m["style_mixing"], "zoo model: share of each factor that follows the group's source A",
             variety=m["variety"])
decided = {g: sum(max(m["style_mixing"], key=lambda h: m["style_mixing"][h][f]) == g for f in faces.FACTORS)
           for g in m["style_mixing"]}
print("\nfactors decided by each group:", decided)

# %% [markdown]
# Read the table before the pictures. At 32×32 the **coarse** layers (4–8 px) decide almost every
# factor, colours included, and the fine layers (32 px) decide little. That is not the paper's split
# (pose from coarse layers, colour from fine ones); the end of this section asks which of its
# conditions is missing. A factor the model hardly varies (a low number in the last column) reads the
# same in A and B, so its share says little.

# %% [markdown]
# The same measure, live, on fewer pairs (so the numbers wobble by a few hundredths):

# %%
# NBVAL_CHECK_OUTPUT
attributes = ck.zoo.load("faces-attributes", device=device)
live = stylegan.style_mixing_scores(G, attributes, n=50 if ck.QUICK else 300, seed=7)
print({g: round(sum(s.values()) / len(s), 2) for g, s in live.items()}, "(mean over factors)")

# %% [markdown]
# ### What the split needs: more layers, and data with detail at fine scales
#
# The paper's generator has 18 style inputs at 1024×1024; ours has 8. And our renders are flat
# colours: a background's colour is one number over half the image, which a 4×4 layer paints as easily
# as a 32×32 one. Two conditions of the paper's split may be missing, then: layers, and data whose
# factors live at distinct scales. `faces-stylegan-64` trains the same recipe at 64×64 (10 style
# inputs: the paper's coarse 4–8 px, middle 16–32 px, fine 64 px) on faces **with detail** (notebook
# 03's photos: hair strands, skin pores, a mottled background), and beside it the same schedule and
# seed on the flat renders. Each group's row says it in two numbers: the mean share of the **geometry**
# factors (face shape, hair style, tilt, position) and of the **colour** factors (skin, hair colour,
# background) that follow the group's source. The paper's split has geometry ahead in the coarse group.

# %%
print(inspect.getsource(stylegan.style_split))

# %%
record64, extras64 = ck.zoo.record("faces-stylegan-64"), ck.zoo.extras("faces-stylegan-64")
m64 = record64["metrics"]
flat64 = m64["ablations"]["flat-renders"]  # the comparison, keyed by its identifier
models = {"32×32, flat renders (zoo model)": m["style_mixing"],
          f"64×64, {flat64['label']}": flat64["style_mixing"],
          "64×64, faces with detail": m64["style_mixing"]}
print(f"faces-stylegan-64: {record64['steps']:,} steps each, {record64['wall_time_s'] / 60:.0f} min for the "
      f"detail model on {record64['device']}")
print(f"{'':<32} {'coarse: geometry':>16} {'colour':>7} {'middle: geometry':>17} {'colour':>7}"
      f" {'fine: geometry':>15} {'colour':>7}   geometry ahead in coarse?")
for name, scores in models.items():
    split = stylegan.style_split(scores)
    cells = "".join(f" {split[g]['geometry']:>{w}.2f} {split[g]['colour']:>7.2f}"
                    for g, w in (("coarse", 16), ("middle", 17), ("fine", 15)))
    ahead = split["coarse"]["geometry"] - split["coarse"]["colour"]  # within 0.02: the measure's noise
    print(f"{name:<32}{cells}   {'yes' if ahead > 0.02 else 'no' if ahead < -0.02 else 'even'}")
mixing_table(m64["style_mixing"], "\n64×64, faces with detail: share of each factor that follows the group's source A")
fig, axes = plt.subplots(1, 2, figsize=(14, 7.4))
labels64 = {"zoo-model": "faces with detail", "flat-renders": flat64["label"]}
for ax, (key, grid) in zip(axes, extras64["mixing"].items()):
    stylegan.show_mixing(grid, title=f"64×64, {labels64[key]}", ax=ax)
fig.tight_layout(w_pad=4)
plt.show()

# %% [markdown]
# More layers alone do not do it: at 64×64 on flat renders the coarse styles still paint the colours
# (the background most, its share 0.79), and the 32×32 zoo model, trained far longer, reads "even": its
# coarse styles decide the colours as much as the geometry. With detail in the data as well, the direction turns the
# paper's way: geometry follows the coarse styles more than colour does, and colour follows the middle
# ones more than geometry does. The background shows it in the grids: on flat renders each *row*
# (source A's coarse styles) keeps its background; with detail each *column* (source B's middle and
# fine styles) does. A mottled background is no longer one colour a 4×4 layer can paint.
#
# Read the size of it honestly, though. The margins are a few hundredths (500 other pairs move each
# number by 0.01–0.02), each row is one training run, and the finest group (64 px) decides little of
# anything: it draws the strands and grain, which the attribute predictor does not read. The paper's
# clean split (coarse ≈ all geometry, fine ≈ all colour) came from 25 million training images; these
# models saw 96,000 (3,000 steps of 32), and their faces are still blurred and speckled:

# %%
ck.viz.show(torch.cat([extras64["samples"].float(), extras64["samples_flat"].float()]), nrow=8,
            title="faces-stylegan-64: 16 codes each", labels=["with detail", "", "flat renders", ""])
plt.show()

# %% [markdown]
# ### Mixing regularisation
#
# Without mixing regularisation, every training image comes from one $w$, so a layer can count on its
# neighbours getting the same code. The paper measures the damage by drawing faces from *mixed* codes
# and computing the Fréchet distance: a model trained without the regularisation draws worse mixed
# faces. The ablation trained the same schedule from the same seed with mixing probability 0:

# %%
# rows keyed by identifier ("no-mixing-regularisation"), each with its label for display
rows = {"zoo-model": {**m, "label": "zoo model (mixing p 0.9)"}, **m.get("ablations", {})}
print(f"{'':<28} {'Fréchet':>8} {'Fréchet, mixed styles':>22} {'variety':>8}")
for row in rows.values():
    print(f"{row['label']:<28} {row['fid']:>8.1f} {row['fid_mixed_styles']:>22.1f} {row['variety']['mean']:>8.2f}"
          f"   (mixed styles cost {row['fid_mixed_styles'] - row['fid']:+.1f})")
for row in m.get("ablations", {}).values():
    mixing_table(row["style_mixing"], f"\n{row['label']}: share that follows A")
fig, axes = plt.subplots(1, 2, figsize=(14, 7.4))
for ax, (key, grid) in zip(axes, extras["mixing"].items()):
    stylegan.show_mixing(grid, title=rows[key]["label"], ax=ax)
fig.tight_layout(w_pad=4)
plt.show()

# %% [markdown]
# What matters is the last column: how much worse faces get when their styles come from two codes. The
# regularised model barely notices; the model trained on single codes draws clearly worse mixed faces,
# the paper's finding. (Its plain Fréchet distance is close to the zoo model's: it spent all its
# training on the single-code faces this number scores. The regularisation buys robust mixing, not
# better single faces.)
#
# **Explore.** Pick the sources and where the crossover is: A's styles for the layers before it, B's
# from there on. Slide the crossover towards the fine layers and watch more of A survive.

# %%
ck.widgets.style_mixing(G)

# %% [markdown]
# ## 9. The truncation trick: quality against variety
#
# For ψ from 0 to 1, 1,000 faces each: the Fréchet distance to real faces and the attribute variety.
# ψ < 1 trades variety for typicality; the paper shows the faces getting "better" and more alike.

# %%
table = {float(psi): row for psi, row in m["truncation"].items()}
print(f"{'ψ':>5} {'Fréchet':>8} {'variety':>8}")
for psi, row in sorted(table.items()):
    print(f"{psi:>5.2f} {row['fid']:>8.1f} {row['variety']['mean']:>8.2f}")
psis = sorted(table)
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(psis, [table[p]["fid"] for p in psis], "o-", label="Fréchet distance")
ax.set(xlabel="ψ", ylabel="Fréchet distance")
ax2 = ax.twinx()
ax2.plot(psis, [table[p]["variety"]["mean"] for p in psis], "s--", color="C1", label="variety")
ax2.set_ylabel("variety")
ax.set_title("truncation: ψ = 1 samples G as trained, ψ = 0 draws the average face", pad=28)
fig.legend(loc="upper center", bbox_to_anchor=(0.5, 0.93), ncol=2, frameon=False)
plt.show()

# %% [markdown]
# As ψ falls from 1 to 0 the variety falls with it (the dashed curve) and the Fréchet distance rises
# (the solid one): the faces grow more alike, and a set of faces that are all alike is far from the
# real ones, however typical each looks.

# %%
ck.widgets.truncation(G)

# %% [markdown]
# ## 10. Is W more disentangled than Z? Measured with the true factors
#
# The paper's argument: $Z$ is a Gaussian, so if some combination of factors is rare in the data, $Z$
# has to warp to avoid it, and the factors end up tangled. $W$ is learned and need not be so shaped.
# Two measures test the claim.
#
# **Linear separability.** Draw 4,000 faces; label each with binary attributes read by the
# predictor (each class of each factor against the rest, each value factor above or below its
# median). Fit a linear classifier on the codes of half, and on the other half measure
# $H(\text{attribute} \mid \text{side of the hyperplane})$: 0 bits when a hyperplane splits the
# attribute cleanly, 1 bit when it tells nothing. The paper sums the bits and reports $\exp(\Sigma)$;
# lower is more disentangled.

# %%
sep = m["separability"]
attrs = list(sep["z"])
print(f"{'attribute':<16} {'bits in Z':>9} {'bits in W':>9} {'acc. Z':>7} {'acc. W':>7}")
for a in attrs:
    print(f"{a:<16} {sep['z'][a]:>9.3f} {sep['w'][a]:>9.3f} {sep['accuracy_z'][a]:>7.2f} {sep['accuracy_w'][a]:>7.2f}")
print(f"{'mean':<16} {sum(sep['z'].values()) / len(attrs):>9.3f} {sum(sep['w'].values()) / len(attrs):>9.3f}")
print(f"separability exp(Σ bits): Z {sep['score_z']:,.1f}   W {sep['score_w']:,.1f}   "
      f"({len(attrs)} attributes; left out, too rare to split: {', '.join(sep['left_out']) or 'none'})")

# %% [markdown]
# **Perceptual path length.** Walk a tiny step $\epsilon$ along the path between two codes and measure
# how much the image changes, in the attribute predictor's features:
# $\lVert\phi(G(p(t))) - \phi(G(p(t+\epsilon)))\rVert^2/\epsilon^2$, averaged over random pairs and $t$.
# A space where faces change smoothly has short paths; one that must hurry through rare combinations has
# long ones. In $Z$ the path is spherical (slerp: spherical linear interpolation, which keeps the codes
# at the length Gaussian codes have), in $W$ linear, as in the paper.

# %%
pl = m["path_length"]
print(f"path length (mean, 1%-99% kept): Z {pl['z']['mean']:,.0f}   W {pl['w']['mean']:,.0f}")
print(f"                         median: Z {pl['z']['median']:,.0f}   W {pl['w']['median']:,.0f}")

# %% [markdown]
# ## 11. Stochastic variation: what the noise draws
#
# The same $w$, different noise. Each row below is one face with six noise draws, then the per-pixel
# spread of the six (bright: where the noise changed something). Turn the noise off at some
# resolutions: the coarse layers' noise moves larger things, the fine layers' only texture.

# %%
# NBVAL_CHECK_OUTPUT
with torch.no_grad():
    ws = G.styles(stylegan.codes(G, 20, seed=3))
    res = stylegan.noise_resolutions(G.config)
    for name, on in [("all noise", [True] * len(res)), ("coarse only (4-8 px)", [r <= 8 for r in res]),
                     ("fine only (32 px)", [r > 16 for r in res]), ("none", [False] * len(res))]:
        spread = []
        for i in range(len(ws)):
            x = G.synthesis(ws[i:i + 1].expand(6, -1, -1), stylegan.fixed_noise(G, 6, seed=i), use_noise=on)
            spread.append(x.std(0).mean())
        print(f"{name:<22} mean per-pixel spread over 6 noise draws: {torch.stack(spread).mean():.4f}")

# %% [markdown]
# The zoo model has no noise at 32 px at all (`fine_noise=0` in its recipe): the "fine only" row reads
# zero, as "none" does. The earlier, shorter recipe had it, and its faces were speckled: a short
# training never learned to use the 32-pixel noise for texture (its learned strength small, but not
# zero). The race's first StyleGAN (`faces-stylegan-noise`: the lecture's first recipe at ProGAN's
# compute) still has it. Does the speckle cost quality? Score the same codes with its fine noise on and
# off:

# %%
# NBVAL_CHECK_OUTPUT
G_noisy = ck.zoo.load("faces-stylegan-noise", device=device)
n_fid = 200 if ck.QUICK else 1000
with torch.no_grad():
    ws = G_noisy.styles(stylegan.codes(G_noisy, n_fid, seed=0))
    noise = stylegan.fixed_noise(G_noisy, n_fid, seed=0)
    for name, on in [("all noise", [True] * len(res)), ("32 px noise off", [r <= 16 for r in res])]:
        x = torch.cat([G_noisy.synthesis(ws[i:i + 250], [b[i:i + 250] for b in noise], use_noise=on)
                       for i in range(0, n_fid, 250)]).clamp(-1, 1)
        print(f"{name:<16} Fréchet distance of {n_fid} faces: {face_eval.versus_real(attributes, x.cpu())['fid']:.1f}")

# %% [markdown]
# Switching it off helps a little (and, in quick mode's 200 faces, the numbers wobble). The long runs
# of section 7 asked the same question of training: a recipe without the 32 px noise descended faster
# at equal CPU time, which is why the zoo model trained without it. The widget below shows what the
# zoo model's noise still draws at the coarser layers.

# %%
ck.widgets.noise_layers(G)

# %% [markdown]
# ## 12. Directions in W
#
# If $W$ is disentangled, each factor has a direction: the normal of the hyperplane that separated it
# in section 10. This is **InterFaceGAN** (Shen et al., 2020), which notebook 07 builds on: label many
# codes $w$ with an attribute (here read by the attribute predictor from the faces they draw), fit a
# linear classifier, and take the unit normal $n$ of its decision boundary; an edit is then
# $w' = w + \alpha\,n$, with $\alpha$ saying how far and on which side. Fit one for a few attributes and move faces along them (in units of the spread of $w$
# along each). Watch what moves *with* the attribute: that is the entanglement notebook 07 measures.

# %%
with torch.no_grad():
    z = stylegan.codes(G, 300 if ck.QUICK else 2000, seed=11)
    w = G.mapping(z)
    read = stylegan.read_attributes(attributes, G.synthesis(w.unsqueeze(1).repeat(1, G.config.num_ws, 1),
                                                     stylegan.fixed_noise(G, len(w), seed=11)).clamp(-1, 1))
labels = stylegan.binary_attributes(read)
# the normal of a linear classifier's boundary (InterFaceGAN; notebook 07 builds on it)
directions = {name.split(">")[0]: inversion.interfacegan_direction(w.cpu(), labels[name]).to(w.device)
              for name in ["smile>median", "x>median", "light>median", "tilt>median"]}
ck.widgets.style_directions(G, directions)

# %% [markdown]
# ## 13. Lab: better faces from the same weights
#
# The race's first StyleGAN (`faces-stylegan-noise`: the lecture's first recipe, 32 px noise on,
# ProGAN's compute) is what a short training gives. Part of what it lacks is not in what G learned but
# in how we sample it: section 11 found that the speckle of the 32-pixel noise costs quality. How far
# can sampling alone go?
#
# **The task.** `sample(G, z, noise)`: `z` are codes `(N, 128)`, `noise` a list with one noise image
# `(N, 1, H, W)` per styled convolution (the course's fixed draws, as `stylegan.fixed_noise` gives
# them). Return G's faces for them, `(N, 3, 32, 32)` in [-1, 1]. Anything that changes how this G
# is sampled is allowed (truncation, noise, styles per layer ...); retraining or another model is not.
#
# **The goal**, on 1,000 faces against 1,000 held-out real ones: a Fréchet distance at least 4 points
# below its own sampler's (its record's), with a variety of at least 0.5. (Quick mode scores 200 faces,
# and a Fréchet distance of fewer faces reads higher: the goal is for the full run.) Stuck?
# `ck.hint("lab_sampler")`, one step per call.

# %%
def sample(G, z, noise):
    """G's faces (N, 3, 32, 32) in [-1, 1] for codes z and per-layer noise images, sampled better."""
    ### BEGIN SOLUTION
    ### HINT: what did section 11 find about the 32-pixel noise, and is off the only alternative to on?
    # turn the 32 px noise down to half: less speckle, and still the bit of texture real faces have
    # (off gains less; a half of every layer's noise scores the same as a half of the 32 px ones)
    resolutions = stylegan.noise_resolutions(G.config)
    quieter = [b * 0.5 if r == G.config.resolution else b for b, r in zip(noise, resolutions)]
    return G(z, noise=quieter).clamp(-1, 1)
    ### END SOLUTION


# %%
lab = ck.check.lab_sampler(sample, G=G_noisy, attributes=attributes, n=200 if ck.QUICK else 1000)

# %% [markdown]
# The model did not change, only how much of one input reaches the image. This does not settle the
# lecture's comparison: the paper's claim is about training (StyleGAN against ProGAN at equal compute),
# and a fair race samples both the way they were trained. It shows how much a score can hang on a
# detail of sampling, and why a table should say how each number was drawn.

# %% [markdown]
# ## What to remember
#
# * A **mapping network** gives a code space $W$ shaped by the data; the synthesis network starts from a
#   constant and gets $w$ as a **style** at every layer.
# * **AdaIN** sets each map's statistics from the style; StyleGAN2's **demodulation** does the same on
#   the weights, from the statistics it assumes, and the droplets go.
# * **Noise** draws what may vary freely; **style mixing** shows which layers decide what, and we
#   measured it; **truncation** trades variety for typicality.
# * The claim that $W$ is more disentangled than $Z$ is a measurable one: separability and path length.
#
# Next: **07 · GAN inversion and editing**, which finds the $w$ of a given face and moves it along the
# directions of section 12.
