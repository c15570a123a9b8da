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
# # 01 · Vanilla GAN and DCGAN
#
# **Lecture:** introduction to generative adversarial networks (Goodfellow et al., 2014; Radford et al., 2016).
#
# A *discriminative* model learns $p(y \mid x)$, the probability of a label $y$ given an image $x$:
# given an image, which digit is it? A *generative* model learns $p(x)$ itself, the distribution of the
# images, so that it can draw new samples. A GAN (generative adversarial network) learns to sample
# without ever writing $p(x)$ down: a **generator** $G$ turns noise $z \sim \mathcal N(0, I)$ (a vector
# of independent random numbers from the standard bell curve) into samples $G(z)$, and a
# **discriminator** $D$ learns to tell real data from $G$'s samples. Each trains against the other.
#
# In this notebook:
#
# 1. the minimax objective (a game in which one player minimises what the other maximises) and the
#    two losses (exercises 1 and 2), and why $G$ trains on $-\log D(G(z))$ rather than
#    $\log(1 - D(G(z)))$;
# 2. the optimal discriminator $D^*(x) = p_\text{data}(x) / (p_\text{data}(x) + p_g(x))$, checked numerically;
# 3. the alternating training step (exercise 3);
# 4. a 2-D GAN trained live on a ring of 8 Gaussians: mode coverage (how many of the 8 it draws)
#    measured, and the settings that make it collapse onto a few;
# 5. DCGAN (the deep convolutional GAN of Radford et al.) on MNIST, judged by numbers (Fréchet
#    distance, the spread of digits), then widgets.
#
# It ends with a lab: stop the collapse of section 4.

# %%
import copy
import inspect
import time

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import coursekit as ck
from coursekit.models import dcgan

device = ck.device()
print("device:", device, "| quick mode:", ck.QUICK)


# %% [markdown]
# ## 1. The minimax game
#
# $$\min_G \max_D \; V(D, G) = \mathbb E_{x \sim p_\text{data}}[\log D(x)] + \mathbb E_{z \sim p_z}[\log(1 - D(G(z)))]$$
#
# $D(x) \in (0, 1)$ is the probability that $x$ is real. Our discriminators return a **logit** $\ell$
# (a score in $(-\infty, \infty)$, positive for "real") with $D(x) = \sigma(\ell)$, where
# $\sigma(\ell) = 1 / (1 + e^{-\ell})$ is the sigmoid: PyTorch's `binary_cross_entropy_with_logits(ℓ, y)` computes
# $-[y \log \sigma(\ell) + (1-y)\log(1-\sigma(\ell))]$ exactly, even where $\sigma(\ell)$ rounds to 0 or 1.
#
# **The discriminator** maximises $V$: it minimises the binary cross-entropy (the loss of a yes/no
# classifier, the formula above) with label 1 for real images and label 0 for generated ones,
#
# $$\mathcal L_D = -\log D(x) - \log(1 - D(G(z))) \quad\text{(each term averaged over its batch).}$$
#
# **Exercise 1.** Write `d_loss(real_logits, fake_logits)`: both arguments have shape `(B,)`.

# %%
def d_loss(real_logits, fake_logits):
    """-log D(x) - log(1 - D(G(z))), each term averaged over the batch. Inputs: logits (B,)."""
    ### BEGIN SOLUTION
    ### HINT: D is a classifier of real (label 1) against fake (label 0): one binary cross-entropy per kind, added
    real_term = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    fake_term = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return real_term + fake_term
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
d_loss = ck.check.d_loss(d_loss)

# %% [markdown]
# **The generator** minimises $V$. Only the second term depends on $G$, so the minimax
# generator loss is $\log(1 - D(G(z)))$. Early in training $D$ easily rejects $G$'s samples:
# $D(G(z)) \approx 0$, where $\log(1 - D)$ is flat, and $G$ gets almost no gradient (the loss
# *saturates*). Goodfellow et al. propose the **non-saturating** loss $-\log D(G(z))$: the same
# fixed point (the same best $G$), but strong gradients exactly when $G$ is bad. Look at the gradient
# of each loss with respect to the logit $\ell$, for four values of $D(G(z))$:

# %%
logit = torch.tensor([-6.0, -3.0, 0.0, 3.0], requires_grad=True)   # D(G(z)) = sigmoid(logit)
for name, loss_fn in [("saturating  log(1 - D)", dcgan.g_loss_saturating), ("non-saturating  -log D", dcgan.g_loss)]:
    grad, = torch.autograd.grad(loss_fn(logit) * len(logit), logit)
    print(f"{name:<24}", "  ".join(f"D={torch.sigmoid(l):.3f}: {g:+.3f}" for l, g in zip(logit.detach(), grad)))


# %% [markdown]
# In the first column, where $D$ rejects $G$'s sample ($D(G(z)) = 0.0025$, printed rounded), the
# saturating loss gives $G$ a gradient of about $-0.002$, the non-saturating one about $-1$: the two
# gradients are $-D$ and $-(1 - D)$, so the non-saturating loss gives about 400 times more signal
# where $G$ needs it most.
#
# **Exercise 2.** Write the non-saturating `g_loss(fake_logits)`: $-\log D(G(z))$, averaged.

# %%
def g_loss(fake_logits):
    """Non-saturating generator loss -log D(G(z)), averaged over the batch. Input: logits (B,)."""
    ### BEGIN SOLUTION
    ### HINT: the non-saturating loss: G wants D to call its samples real
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
g_loss = ck.check.g_loss(g_loss)

# %% [markdown]
# ## 2. The optimal discriminator
#
# For a fixed $G$, the $D$ that maximises $V$ is, pointwise,
#
# $$D^*(x) = \frac{p_\text{data}(x)}{p_\text{data}(x) + p_g(x)}$$
#
# (maximise $a \log D + b \log(1 - D)$ over $D$: the maximum is at $a / (a + b)$). Plugging it in
# gives $V = 2\,\mathrm{JSD}(p_\text{data} \| p_g) - \log 4$, where JSD, the Jensen–Shannon divergence,
# measures how different two distributions are and is 0 only when they are equal; so $V$ is minimal
# exactly when $p_g = p_\text{data}$.
#
# Check it numerically in 1-D: $p_\text{data} = \mathcal N(0, 1)$, a fixed "generator" $p_g = \mathcal N(1.5, 0.7^2)$.
# Train a small $D$ (a multilayer perceptron, MLP: a few fully connected layers with a nonlinearity
# between them) with the loss of exercise 1 on samples only, and compare it with the formula. The
# printed line gives the gap between the learned $D$ and $D^*$ where there are samples to learn from.

# %%
ck.seed(0)
p_data = torch.distributions.Normal(0.0, 1.0)
p_g = torch.distributions.Normal(1.5, 0.7)
D1 = torch.nn.Sequential(torch.nn.Linear(1, 64), torch.nn.LeakyReLU(0.2), torch.nn.Linear(64, 64),
                         torch.nn.LeakyReLU(0.2), torch.nn.Linear(64, 1))
opt = torch.optim.Adam(D1.parameters(), lr=3e-3)
D_STEPS = 300 if ck.QUICK else 3000
with ck.train.on_free_cores():  # one thread per core other programs leave free: fast on a busy laptop
    for step in range(D_STEPS):
        real, fake = p_data.sample((512, 1)), p_g.sample((512, 1))
        loss = d_loss(D1(real).flatten(), D1(fake).flatten())
        opt.zero_grad()
        loss.backward()
        opt.step()

x = torch.linspace(-3, 4, 400)[:, None]
with torch.no_grad():
    learned = torch.sigmoid(D1(x)).flatten()
pd, pg = p_data.log_prob(x).exp().flatten(), p_g.log_prob(x).exp().flatten()
optimal = pd / (pd + pg)
where = (pd + pg) > 0.05            # where there are samples to learn from
error = (learned - optimal)[where].abs()
print(f"|D - D*| where p_data + p_g > 0.05: mean {error.mean():.3f}, max {error.max():.3f}")

fig, ax = plt.subplots(figsize=(7, 3))
ax.plot(x, pd, "k", lw=1, label="p_data")
ax.plot(x, pg, "tab:orange", lw=1, label="p_g")
ax.plot(x, optimal, "k--", label="D* = p_data / (p_data + p_g)")
ax.plot(x, learned, "tab:blue", label="D learned from samples")
ax.legend(fontsize=8); ax.set_xlabel("x"); plt.show()


# %% [markdown]
# The plot shows the two densities (thin lines), the formula's $D^*$ (dashed) and the $D$ learned from
# samples (blue): the blue curve lies on the dashed one wherever the densities are high (the printed
# gap there is at most 0.015), and parts from it only at the right edge, where both densities are
# near 0 and there are almost no samples to learn from.
#
# ## 3. The alternating algorithm
#
# Each training step (Goodfellow et al., Algorithm 1, with the non-saturating loss):
#
# 1. sample a real batch $x$ and noise $z$; compute $G(z)$;
# 2. **update $D$** on $\mathcal L_D$, with $G(z)$ *detached* (cut off from the computation that made
#    it, so that no gradient flows back into $G$): $D$'s loss must not push $G$;
# 3. **update $G$** on $-\log D(G(z))$, against the $D$ that was just improved. $D$ is held fixed here
#    (`D.requires_grad_(False)` also saves computing its weight gradients).
#
# **Exercise 3.** Write `train_step(G, D, opt_G, opt_D, real, z)`, returning `(loss_D, loss_G)`
# (detached). Use your `d_loss` and `g_loss`.

# %%
def train_step(G, D, opt_G, opt_D, real, z):
    """One alternating GAN step: update D, then G. Returns (loss_D, loss_G), detached."""
    ### BEGIN SOLUTION
    ### HINT: one update of D on real and fake, then one update of G through D, each with its own optimizer
    fake = G(z)
    loss_D = d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()

    D.requires_grad_(False)
    loss_G = g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
train_step = ck.check.train_step(train_step)

# %% [markdown]
# **An equilibrium, not a minimum.** Training a GAN is a two-player game, and what it looks for is a
# **Nash equilibrium**: a pair $(G^*, D^*)$ where neither player gains by changing its own parameters
# while the other keeps its own. For the GAN game that is $p_g = p_\text{data}$ with $D^* = ½$
# everywhere (section 2). Gradient steps are not guaranteed to reach it: each player's step moves the
# other's landscape, so the pair can circle the equilibrium instead of settling. The smallest example
# is $\min_x \max_y\, V(x, y) = xy$: its only equilibrium is $(0, 0)$, yet the gradient field turns
# around it. The cell below runs 1,000 gradient steps of each kind from $(1, 1)$ and prints the
# distance from the equilibrium: *simultaneous* steps (both players move from the same point) and
# *alternating* steps (one player, then the other, as in `train_step`).

# %%
# NBVAL_CHECK_OUTPUT
for name in ("simultaneous", "alternating"):
    x, y, lr = 1.0, 1.0, 0.1
    distances = {}
    for step in range(1, 1001):
        if name == "simultaneous":
            x, y = x - lr * y, y + lr * x    # x descends V = xy (dV/dx = y), y ascends it (dV/dy = x)
        else:
            x = x - lr * y
            y = y + lr * x                   # y answers the x that has just moved
        if step in (10, 100, 1000):
            distances[step] = (x * x + y * y) ** 0.5
    print(f"{name:>12}: distance from the equilibrium (0, 0), starting at 1.41: "
          + ", ".join(f"{d:.3g} after {s}" for s, d in distances.items()))

# %% [markdown]
# Simultaneous steps spiral outwards: their distance grows at every printed step. Alternating steps
# circle the equilibrium and stay at about the same distance, never coming closer.
#
# ## 4. A 2-D GAN, trained live: mode coverage and mode collapse
#
# A distribution with several separate peaks has several **modes** (one per peak); a GAN that draws
# from only a few of them suffers **mode collapse**.
# The standard toy of the mode-collapse literature (Metz et al., 2017; Srivastava et al., 2017):
# a ring of 8 Gaussians (8 modes), their centres on a circle of radius 2, each with standard
# deviation σ = 0.02. $G$ and $D$ are small MLPs (section 2) in `ck.models.toy`.
# What the literature measures, from 2,500 samples:
#
# * **high-quality samples**: the share within 3σ of some mode;
# * **modes covered**: a mode counts when it gets at least a fifth of its fair share (2,500 / 8) of
#   high-quality samples.
#
# The loop below is `train_step`'s algorithm again, on points instead of images.

# %%
from coursekit.models.toy import ToyConfig, ToyDiscriminator, ToyGenerator

CENTERS, STD = ck.data.ring_centers(8, radius=2.0), 0.02
TOY_STEPS = 300 if ck.QUICK else 3000


def train_toy(seed, loss_G_fn=g_loss, lr_G=1e-3, lr_D=1e-3, steps=TOY_STEPS, batch=256, snapshots=(),
              loss_D_fn=None):
    """Train a 2-D GAN on the ring; returns (G, D, coverage, [(step, fake, D copy)...]).
    ``loss_D_fn(D, real, fake)``: D's loss (default: your d_loss on D's logits)."""
    g = ck.seed(seed)
    G, D = ToyGenerator(ToyConfig()), ToyDiscriminator(ToyConfig())
    opt_G = torch.optim.Adam(G.parameters(), lr=lr_G, betas=(0.5, 0.999))
    opt_D = torch.optim.Adam(D.parameters(), lr=lr_D, betas=(0.5, 0.999))
    # the learning rates decay to 0 (cosine): the last steps sharpen the modes
    schedules = [torch.optim.lr_scheduler.CosineAnnealingLR(o, steps) for o in (opt_G, opt_D)]
    saved = []
    with ck.train.on_free_cores():  # one thread per core other programs leave free (as ck.train.Run)
        for step in range(steps):
            real = ck.data.ring_of_gaussians(batch, std=STD, generator=g)
            fake = G(torch.randn(batch, G.config.z_dim, generator=g))
            loss_D = loss_D_fn(D, real, fake.detach()) if loss_D_fn else d_loss(D(real), D(fake.detach()))
            opt_D.zero_grad(); loss_D.backward(); opt_D.step()
            loss_G = loss_G_fn(D(fake))
            opt_G.zero_grad(); loss_G.backward(); opt_G.step()
            for s in schedules:
                s.step()
            if step + 1 in snapshots:
                with torch.no_grad():
                    saved.append((step + 1, G(torch.randn(1000, G.config.z_dim, generator=g)),
                                  copy.deepcopy(D)))
    with torch.no_grad():
        samples = G(torch.randn(2500, G.config.z_dim, generator=g))
    return G, D, ck.metrics.mode_coverage(samples, CENTERS, STD), saved


start = time.perf_counter()
shots = [TOY_STEPS // 10, TOY_STEPS // 4, TOY_STEPS // 2, TOY_STEPS]
G_toy, D_toy, coverage, saved = train_toy(seed=0, snapshots=shots)
print(f"trained in {time.perf_counter() - start:.1f} s:", coverage)

real = ck.data.ring_of_gaussians(1000, std=STD, generator=ck.seed(1))
fig, axes = plt.subplots(1, len(saved), figsize=(3 * len(saved), 3.2))
for ax, (step, fake, D_then) in zip(axes, saved):
    ck.viz.plot_toy(ax, real, fake, D_then, title=f"step {step}")
axes[0].legend(loc="lower left", fontsize=7)
fig.suptitle("G's samples (orange) over D's decision surface (red: 'fake', blue: 'real')", fontsize=10)
plt.show()

# %% [markdown]
# The four panels show $G$'s samples (orange) and the real points (black) at four steps of training,
# over $D$'s decision surface $D(x)$ (its probability that a point is real, from red for "fake" to blue
# for "real"). At the first snapshot the samples already lie near the ring but spread all along it;
# by the last they gather on the modes, with a thin trail between them. In the later panels $D$
# calls everything away from the modes fake (red) and is lighter at the modes, where $G$'s samples
# and the data overlap (where they match exactly, the best $D$ is ½, section 2). The printed line
# counts what this run covers at the end: one mode gets too few samples to count, so 7 of the 8.
#
# Now the claim of the lecture, with numbers. Three settings, each over several seeds (random
# starts) so that the difference is not luck:
#
# * **equal learning rates** with the non-saturating loss;
# * **$D$ learning 10× faster** than $G$: $D$ sharpens around wherever $G$'s samples are now, $G$
#   chases the nearest mode that $D$ still calls real, and the samples pile onto a few modes
#   (**mode collapse**);
# * the **saturating loss** with the same fast $D$: once $D$ wins, $D(G(z))$ is near 0, and section 1
#   showed that there this loss gives $G$ almost no gradient.

# %%
SEEDS = [0] if ck.QUICK else [0, 1, 2]
SETTINGS = {
    "non-saturating, lr_G = lr_D = 1e-3": dict(),
    "non-saturating, D 10x faster (1e-2)": dict(lr_D=1e-2),
    "saturating, D 10x faster (1e-2)": dict(loss_G_fn=dcgan.g_loss_saturating, lr_D=1e-2),
}
start = time.perf_counter()
outcomes, finals = {}, {}
for name, options in SETTINGS.items():
    runs = [train_toy(seed, **options) for seed in SEEDS]
    outcomes[name] = [r[2] for r in runs]
    with torch.no_grad():
        finals[name] = runs[0][0](torch.randn(1000, 2, generator=ck.seed(5)))

print(f"{'setting':<38} {'modes covered (of 8)':>22} {'high-quality share':>20}   per seed")
for name, cov in outcomes.items():
    modes = torch.tensor([c["modes"] for c in cov], dtype=torch.float)
    hq = torch.tensor([c["high_quality"] for c in cov])
    print(f"{name:<38} {modes.mean():>16.1f} ± {modes.std(correction=0):.1f} {hq.mean():>15.2f} ± {hq.std(correction=0):.2f}"
          f"   {[c['modes'] for c in cov]}")
print(f"({len(SEEDS)} seeds x {len(SETTINGS)} settings in {time.perf_counter() - start:.0f} s)")

fig, axes = plt.subplots(1, 3, figsize=(10, 3.4))
for ax, (name, fake) in zip(axes, finals.items()):
    ck.viz.plot_toy(ax, real, fake, title=name)
plt.show()

# %% [markdown]
# The table gives, for each setting, the modes covered (the mean ± the spread over the seeds, then
# each seed's count) and the high-quality share; the three panels show the first seed's samples for
# each setting. With equal learning rates $G$ covers nearly all the modes on every seed; with $D$ ten
# times faster it covers fewer than half on every seed, and the middle panel shows real modes (black)
# with no orange on them: mode collapse. The saturating loss with the same fast $D$ collapses too,
# and only about half of its samples are sharp: in its panel they trail along the lines between the
# modes.
#
# ## 5. DCGAN on MNIST
#
# Radford, Metz and Chintala (2016) found an architecture that trains stably on images: DCGAN, the
# deep convolutional GAN. Their guidelines:
#
# * no pooling (shrinking an image by taking the maximum or mean of each small block):
#   **strided convolutions** in $D$ (convolutions that move two pixels at a time, halving the image's
#   size), **transposed convolutions** in $G$ (their reverse: they double it);
# * **batch norm** (batch normalisation: each channel rescaled to mean 0 and variance 1 over the
#   batch, then by learned factors) in both (not on $G$'s output nor on $D$'s input);
# * **no fully connected hidden layers**: $z$ enters $G$ as a $1\times1$ image with `z_dim` channels
#   (`z_dim` is the length of $z$);
# * **ReLU** in $G$ with a **tanh** output (images in [-1, 1]); **LeakyReLU(0.2)** in $D$ (like ReLU,
#   but with slope 0.2 instead of 0 for negative inputs);
# * weights from $\mathcal N(0, 0.02)$ (standard deviation 0.02), Adam (notebook 00's optimiser) with
#   learning rate $2\cdot10^{-4}$ and $\beta_1 = 0.5$ (Adam's momentum: how much of the past gradients
#   each step keeps; the default is 0.9).
#
# Here is the course's version for 28×28 digits, in `coursekit` so that later notebooks reuse it:

# %%
print(inspect.getsource(dcgan.Generator))
print(inspect.getsource(dcgan.Discriminator))

# %% [markdown]
# Train it briefly with your `train_step`. (Interrupt the kernel at any time: the model keeps
# what it learned.)

# %%
DCGAN_STEPS = 20 if ck.QUICK else 600
train = ck.data.mnist("train")
ck.seed(0)
G = dcgan.Generator().to(device)
D = dcgan.Discriminator().to(device)
opt_G, opt_D = dcgan.make_optimizers(G, D)
batches = train.batches(64, generator=ck.seed(0))

run = ck.train.Run({"G": G, "D": D, "opt_G": opt_G, "opt_D": opt_D}, steps=DCGAN_STEPS, plot=True, desc="DCGAN")
with run:
    for step in run.steps():
        real, _ = next(batches)
        loss_D, loss_G = train_step(G, D, opt_G, opt_D, real.to(device), G.sample_z(64))
        run.log(loss_D=loss_D, loss_G=loss_G)

print(f"{run.step} steps in {run.seconds:.0f} s ({run.step * 64 / run.seconds:.0f} images/s on {device})")
ck.viz.show(dcgan.sample(G, 32, generator=ck.seed(1)), title=f"your DCGAN after {run.step} steps");

# %% [markdown]
# The plot shows $D$'s and $G$'s losses step by step (faint) and smoothed (solid): over the first few
# dozen steps $D$ wins (its loss falls while $G$'s climbs), then both settle at about the same level.
# A settled loss does not say how good $G$ is, since each player's loss depends on how good the other
# is; that is why the numbers below judge $G$ by its samples. The grid shows 32 samples of your $G$,
# in no particular order: strokes on a black ground, few of them readable digits yet.
#
# Now the model the course trained for longer (its record says how long, on what, and how to
# retrain it):

# %%
G_zoo = ck.zoo.load("mnist-dcgan")
record = ck.zoo.record("mnist-dcgan")
print(f"{record['steps']} steps, {record['wall_time_s'] / 60:.0f} min on {record['device']}; retrain: {record['command']}")
ck.viz.show(dcgan.sample(G_zoo, 64, generator=ck.seed(1)), title="zoo DCGAN: 64 samples");

# %% [markdown]
# The grid shows 64 samples of the zoo's $G$, in no particular order: most are readable digits, some
# are not; compare them with your brief run's above.
#
# ### Judged by numbers
#
# Two measures, both from the course's judge (an MNIST classifier trained on real digits only, notebook 00):
#
# * the **Fréchet distance** (notebook 00: how far the judge's features of two sets of images are
#   apart, each set summed up by a mean and a covariance; lower is better) between 1,000 samples and
#   the training digits, read between the **floor** (1,000 real held-out digits, never trained on)
#   and the **ceiling** (an untrained $G$);
# * the **class histogram** of 1,000 samples (how many the judge reads as each digit): each digit is a
#   mode of MNIST. A generator that covers them gives every digit about 10%; we ask for 5-15% each.
#   Mode collapse shows up here.

# %%
test = ck.data.mnist("test", verbose=False)
samples = dcgan.sample(G_zoo, 1000, generator=ck.seed(0))
untrained = dcgan.sample(dcgan.Generator(G_zoo.config), 1000, generator=ck.seed(0))
brief = dcgan.sample(G, 1000, generator=ck.seed(0))
for name, images in [("floor: held-out real digits", test.images), ("zoo DCGAN", samples),
                     (f"your DCGAN ({run.step} steps)", brief), ("ceiling: untrained G", untrained)]:
    print(f"Fréchet distance  {name:<30} {ck.metrics.fid(images):9.1f}")

share = ck.metrics.class_histogram(samples).float() / len(samples)
print("\nshare of each digit:", " ".join(f"{d}:{s:.1%}" for d, s in enumerate(share)))
print(f"smallest {share.min():.1%}, largest {share.max():.1%} -> every digit within 5-15%: "
      f"{bool((share >= 0.05).all() and (share <= 0.15).all())}")
fig, ax = plt.subplots(figsize=(6, 2.5))
ax.bar(range(10), share, color="tab:blue")
ax.axhspan(0.05, 0.15, color="tab:green", alpha=0.15, label="5-15%")
ax.set_xticks(range(10)); ax.set_xlabel("digit (as read by the judge)"); ax.set_ylabel("share"); ax.legend()
plt.show()

# %% [markdown]
# The first lines put the zoo DCGAN far closer to the floor than to the ceiling, and well ahead of
# your brief run. The bar chart shows each digit's share of the zoo $G$'s 1,000 samples, with the
# 5-15% band in green: every bar lies in the band, the 1s just on its lower edge, so no digit is
# missing, though some are drawn far more often than others.
#
# **Why not the judge's confidence?** (Its probability for the digit it picks.) Because a classifier
# can be confidently wrong on inputs unlike anything it saw: in notebook 00 the judge was almost
# certain of its label for every noise image. Compare its confidence on real digits, on the zoo $G$'s
# samples and on noise, beside the Fréchet distance of each:

# %%
noise = torch.rand(1000, 1, 28, 28, generator=ck.seed(2)) * 2 - 1
judge = ck.metrics.judge()
with torch.no_grad():
    for name, images in [("real held-out digits", test.images), ("zoo DCGAN samples", samples), ("uniform noise", noise)]:
        confidence = judge(images).softmax(1).max(1).values.mean()
        print(f"mean confidence on {name:<22} {confidence:.2f}   Fréchet distance {ck.metrics.fid(images):9.1f}")

# %% [markdown]
# Noise gets a higher mean confidence than the real digits, while its Fréchet distance is about ten
# thousand times theirs: the confidence says nothing about how real an image looks.
#
# ## 6. Widgets
#
# **Interpolation.** Pick two latent points (two inputs $z$ of $G$) and walk between them. The
# straight line between two Gaussian samples passes close to the origin, where the length $\|z\|$ is
# about $\sqrt{d/2}$ instead of $\sqrt{d}$ ($d$ = `z_dim`, the size of $z$): $G$ never saw such
# inputs. The spherical path (slerp, spherical linear interpolation) follows the sphere instead. The
# cell prints $\|z\|$ at five points of each path, then opens the widget.

# %%
z0, z1 = torch.randn(2, G_zoo.config.z_dim, generator=ck.seed(0))
t = torch.linspace(0, 1, 5)
print("norm along the linear path:   ", [round(v, 1) for v in ck.latent.lerp(z0, z1, t).norm(dim=1).tolist()])
print("norm along the spherical path:", [round(v, 1) for v in ck.latent.slerp(z0, z1, t).norm(dim=1).tolist()])
ck.widgets.interpolation(G_zoo)

# %% [markdown]
# Along the straight line the norm dips well below both ends; along the spherical path it moves from
# $\|z_0\|$ to $\|z_1\|$ without dipping. The widget shows $G(z)$ at ten points of the path, from
# $z_0$ (left) to $z_1$ (right): switch between the linear and the spherical path and compare the
# middle images.
#
# **Latent directions.** Eight samples, moved together along four fixed random directions of $z$.
# Move one slider at a time and watch whether the stroke changes, or the digit itself: nothing in the
# GAN objective asks the directions of $z$ to mean anything (StyleGAN, notebook 06, is about fixing
# that).

# %%
ck.widgets.latent_sliders(G_zoo)

# %% [markdown]
# The widget shows the eight samples in one row; each slider moves them along one direction.
#
# **Replay.** What the zoo's $G$ drew for the same 64 latent vectors as its training went.

# %%
extras = ck.zoo.extras("mnist-dcgan")
ck.widgets.replay(extras["frames"], extras["frame_steps"])

# %% [markdown]
# The widget opens at the last saved step of training; drag the slider left to see the same 64
# inputs at earlier steps.
#
# ## 7. Lab: end the mode collapse
#
# A **lab** (notebook 00) is a larger task than an exercise, with a measured goal; any approach that
# reaches the goal passes.
#
# Section 4's second setting collapses: with $D$ learning ten times faster than $G$ the samples pile
# onto a few of the eight modes. Keep that setting ($\text{lr}_D = 10^{-2}$, $\text{lr}_G = 10^{-3}$,
# the non-saturating loss) and make $G$ cover the ring, by any remedy you can argue for: a
# penalty that keeps $D$ smooth (R1, a penalty on the size of $D$'s gradient at real points), a
# different loss (WGAN-GP, the Wasserstein GAN loss with a gradient penalty), noise on
# $D$'s inputs, unrolled steps ($G$ looks a few of $D$'s updates ahead), minibatch features ($D$ also
# sees statistics of the whole batch)... `train_toy` takes a `loss_D_fn(D, real, fake)`
# for remedies on $D$'s side; for others, write your own loop.
#
# **The task.** `train_remedy(seed, steps)` trains with your remedy and returns $G$.
#
# **The goal**, read by the lab's check over three seeds of 3,000 steps: every seed's $G$ covers all
# 8 modes, and on average at least half of the samples are sharp (within $3\sigma$ of a mode).
# (Quick mode measures one seed of 300 steps: too short to meet it, enough to run it.)
# Stuck? `ck.hint("lab_mode_collapse")`, one step per call.

# %%
def train_remedy(seed, steps):
    """Train the collapsing setting (lr_D = 1e-2, lr_G = 1e-3) with a remedy; return G."""
    ### BEGIN SOLUTION
    ### HINT: keep train_toy's collapsing settings and pass it a D loss with a remedy
    def r1_d_loss(D, real, fake, gamma=10.0):  # R1: penalise D's slope on the real points
        real = real.requires_grad_(True)
        logits = D(real)
        grad, = torch.autograd.grad(logits.sum(), real, create_graph=True)
        return d_loss(logits, D(fake)) + gamma / 2 * grad.pow(2).sum(1).mean()

    return train_toy(seed, lr_D=1e-2, steps=steps, loss_D_fn=r1_d_loss)[0]
    ### END SOLUTION


# %%
lab = ck.check.lab_mode_collapse(train_remedy, seeds=(0,) if ck.QUICK else (0, 1, 2), steps=TOY_STEPS)

# %% [markdown]
# ## What to remember
#
# * $D$ is a binary classifier trained with cross-entropy; $G$ is trained through $D$'s gradient.
# * Train $G$ on $-\log D(G(z))$: the same fixed point as the minimax loss, without the vanishing gradient.
# * For a fixed $G$, the best $D$ is $p_\text{data} / (p_\text{data} + p_g)$; at the optimum of $G$, $D = ½$ everywhere.
# * GANs can collapse onto a few modes; measure coverage (modes, class histograms), do not just look.
# * DCGAN's architecture made image GANs train; its pieces return in the later notebooks.
#
# Next: **02 · conditional GAN**, where $G$ and $D$ are told which digit to draw.
