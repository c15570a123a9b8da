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
# # 08 · Denoising diffusion (DDPM)
#
# **Lecture:** denoising diffusion probabilistic models (DDPM; Ho, Jain & Abbeel, 2020), with DDIM, a
# faster sampler for the same trained network (Song, Meng & Ermon, 2021), and classifier-free
# guidance, a way to make samples follow their label more closely (Ho & Salimans, 2022).
#
# A GAN (lecture 01: a generator trained against a discriminator that tells real images from
# generated ones) learns to draw in one shot. A diffusion model learns to **undo a little noise**, and
# draws by undoing it a thousand times:
#
# * the **forward process** $q$ adds Gaussian noise in $T = 1000$ small steps until nothing of the
#   image is left: $q(x_t \mid x_{t-1}) = \mathcal N(\sqrt{1-\beta_t}\,x_{t-1},\ \beta_t I)$, a
#   Gaussian whose mean is the previous image, shrunk a little, and whose variance is $\beta_t$ in every
#   pixel independently ($I$ is the identity matrix). The small numbers $\beta_1 \dots \beta_T$ are
#   fixed in advance: they are the **noise schedule**;
# * a network $\varepsilon_\theta(x_t, t)$, with weights $\theta$, learns to tell which noise was added
#   to the noisy image $x_t$ (a regression on the noise: its loss is a squared error, with no
#   discriminator to play against);
# * the **reverse process** starts from pure noise $x_T \sim \mathcal N(0, I)$ and removes the
#   predicted noise step by step.
#
# What this buys, and what it costs, is measured below: with no discriminator, training just lowers
# one loss (the training curve of section 2); the samples cover every digit, where a GAN can suffer
# **mode collapse**, drawing only a few kinds of sample (lecture 01; the histogram of section 6); and
# the price is paid at sampling time, one network evaluation per step (the timings of sections 3
# and 4).
#
# **Counting steps.** The lecture and the paper count $t = 1 \dots T$, with $x_0$ the data. The code
# counts $t = 0 \dots T-1$, as diffusers (Hugging Face's library of diffusion models) does: the code's
# `t` is the lecture's $t + 1$, so
# `alphas_cumprod[t]` in the code is the lecture's $\bar\alpha_{t+1}$, and the code's `t = 0` is the
# lecture's first noising step. Every formula below is written in the lecture's numbering; the code
# cells use the code's.

# %%
import inspect
import time

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import coursekit as ck
from coursekit.models import ddpm

device = ck.device()
print("device:", device, "| quick mode:", ck.QUICK)
train = ck.data.mnist("train")

# %% [markdown]
# The lecture's picture of the two chains, drawn by the course's own model: a training digit taken to
# noise by $q$ (top), and the reverse path of the zoo model (the course's model trained to quality,
# from `data/zoo`), asked for a 3, from pure noise to a new digit (bottom). The reverse path is
# drawn with the 50-step sampler of section 4, shown at the steps nearest to those of the top row.

# %%
fig = ddpm.draw_chains(train.images[0], ddpm.DDPMSchedule(), ck.zoo.load("mnist-ddpm", device=torch.device("cpu")),
                       label=3)
plt.show()

# %% [markdown]
# The columns are the steps $x_0, x_{100}, x_{300}, x_{600}, x_{1000}$: read the top row left to right
# to see the digit sink into the noise, and the bottom row right to left, along its arrows, to see a
# digit come out of pure noise.

# %% [markdown]
# ## 1. The forward process
#
# With $\alpha_t = 1 - \beta_t$ (the share of the variance that step $t$ keeps) and
# $\bar\alpha_t = \prod_{s \le t} \alpha_s$ (the share of the image's variance left after $t$ steps),
# the $t$ steps collapse into one jump (independent Gaussian noises add up to one Gaussian):
#
# $$q(x_t \mid x_0) = \mathcal N\big(\sqrt{\bar\alpha_t}\,x_0,\ (1-\bar\alpha_t) I\big)
# \quad\Longleftrightarrow\quad x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon,
# \ \varepsilon \sim \mathcal N(0, I).$$
#
# So $x_t$ for any $t$ is drawn in one line, without running the $t$ steps. Two schedules of
# $\beta_t$: the paper's **linear** one ($\beta_t$ rising evenly from $10^{-4}$ to $0.02$) and the
# **cosine** one (Nichol & Dhariwal, 2021), which defines $\bar\alpha_t$ directly, as a cosine curve,
# so that the signal fades more evenly over the steps. `ddpm.DDPMSchedule` uses the names of
# diffusers' `DDPMScheduler` (a test of the course compares the two and finds the same numbers). The
# cell prints each schedule's first and last $\beta$, and $\bar\alpha$ halfway and at the end
# (`abar_500` is $\bar\alpha_{500}$).

# %%
# NBVAL_CHECK_OUTPUT
schedules = {"linear": ddpm.DDPMSchedule(), "cosine": ddpm.DDPMSchedule(beta_schedule="squaredcos_cap_v2")}
for name, s in schedules.items():
    abar = s.alphas_cumprod
    print(f"{name:>6}: T = {s.num_train_timesteps}, beta_1 = {s.betas[0]:.2e}, beta_T = {s.betas[-1]:.3f}, "
          f"abar_500 = {abar[499]:.3f}, abar_T = {abar[-1]:.1e}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.2))
for name, s in schedules.items():
    axes[0].plot(s.alphas_cumprod, label=name)
    axes[1].plot(s.snr().log10(), label=name)
axes[0].set(title="ᾱ_t: the share of signal variance left", xlabel="t")
axes[1].set(title="signal-to-noise ratio ᾱ_t / (1 − ᾱ_t), log10", xlabel="t")
for ax in axes:
    ax.legend()
plt.show()


# %% [markdown]
# Left, $\bar\alpha_t$ against $t$; right, the **signal-to-noise ratio**
# $\bar\alpha_t / (1 - \bar\alpha_t)$, the variance of the image's part of $x_t$ over that of the
# noise's part, on a log scale: look at where each curve reaches the bottom. The linear
# $\bar\alpha_t$ is below 0.2 by $t \approx 400$, and the printed line gives the halfway point,
# $\bar\alpha_{500} = 0.079$ for the linear schedule against 0.494 for the cosine: the linear schedule
# spends the second half of its steps on near-noise, while the cosine one keeps some of the image for
# longer.
#
# **Exercise 1.** Write `q_sample(x0, t, noise, alphas_cumprod)`: $x_t$ for a batch of images, each
# with its own $t$ (shape `(N,)`).

# %%
def q_sample(x0, t, noise, alphas_cumprod):
    """x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) noise; x0, noise (N, C, H, W), t (N,) ints."""
    ### BEGIN SOLUTION
    ### HINT: the closed form of q(x_t | x_0): a scaled x_0 plus scaled noise, with ᾱ_t looked up per image
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
q_sample = ck.check.q_sample(q_sample)

# %% [markdown]
# **The closed form, checked by statistics.** Take four pixels of a digit, run the one-step
# process $q(x_i \mid x_{i-1})$ for $i = 0 \dots t$ (the code counts steps from 0, so that is $t + 1$
# steps, the lecture's $1 \dots t + 1$) on 20,000 copies, and compare the mean and variance of what comes out with
# $\sqrt{\bar\alpha_t}\,x_0$ and $1 - \bar\alpha_t$. Each printed pair of lines gives, for one $t$, the
# iterated chain, your one-jump `q_sample` and the formula side by side; the cell stops with an
# error if the chain and the jump differ by more than 0.06 in any mean or variance.

# %%
linear = schedules["linear"]
x0 = train.images[0, 0, 14, 10:14]                      # four pixels of a digit
g = torch.Generator().manual_seed(0)
for t in (50, 300, 999):
    x = x0.repeat(20000, 1)
    for i in range(t + 1):                               # x_i = sqrt(1 - beta_i) x_{i-1} + sqrt(beta_i) noise
        x = (1 - linear.betas[i]).sqrt() * x + linear.betas[i].sqrt() * torch.randn(x.shape, generator=g)
    closed = q_sample(x0.repeat(20000, 1, 1, 1).reshape(20000, 1, 1, 4), torch.full((20000,), t),
                      torch.randn(20000, 1, 1, 4, generator=g), linear.alphas_cumprod).reshape(20000, 4)
    abar = linear.alphas_cumprod[t]
    print(f"t = {t:3d}: mean  iterated {x.mean(0).numpy().round(3)}  closed form {closed.mean(0).numpy().round(3)}"
          f"  sqrt(abar) x0 {(abar.sqrt() * x0).numpy().round(3)}")
    print(f"         var   iterated {x.var(0).numpy().round(3)}  closed form {closed.var(0).numpy().round(3)}"
          f"  1 - abar {1 - abar:.3f}")
    # two estimates from 20,000 draws each: their difference has a standard deviation under 0.015
    assert torch.allclose(x.mean(0), closed.mean(0), atol=0.06) and torch.allclose(x.var(0), closed.var(0), atol=0.06)

# %% [markdown]
# Scrub $t$ over eight digits, the same noise under both schedules (top row: linear, bottom row:
# cosine):

# %%
ck.widgets.forward_process(train.images[:8], schedules)

# %% [markdown]
# Move $t$ and compare each digit with the one below it: the noise is the same, so the difference is
# the schedule's alone, and until both rows are pure noise near the end, the linear row (top) has
# lost more of the digit, as its lower $\bar\alpha_t$ in the plot above says.

# %% [markdown]
# ## 2. The network and the loss (Algorithm 1)
#
# Ho et al. give two algorithms: Algorithm 1 trains the network, Algorithm 2 (section 3) samples with
# it. First, what the network is for.
#
# **The reverse process.** The model is a **Markov chain** (a sequence in which each step depends only
# on the one before) run backwards, from $x_T$ to $x_0$, each step a Gaussian whose mean a network
# computes:
#
# $$p_\theta(x_{t-1} \mid x_t) = \mathcal N\big(\mu_\theta(x_t, t),\ \sigma_t^2 I\big), \qquad
# p(x_T) = \mathcal N(0, I),$$
#
# with the variances $\sigma_t^2$ fixed, not learned (section 3 tries two choices).
#
# **The bound.** Training should make the training images likely under the model: raise
# $\log p_\theta(x_0)$, the log-probability the whole reverse chain gives an image $x_0$. That cannot be
# computed (it sums over every path from noise to $x_0$), but it has a lower bound that can, the
# **ELBO** (evidence lower bound, as in a variational autoencoder, VAE), and training raises the bound
# in its place. Ho et al. write the bound as a sum over the steps, each term a **KL divergence**
# $D_\text{KL}(q \,\|\, p)$, a measure of how far the distribution $p$ is from $q$ that is zero when they
# are equal:
#
# $$-\log p_\theta(x_0) \le \mathbb E_q\Big[\underbrace{D_\text{KL}\big(q(x_T \mid x_0)\,\|\,p(x_T)\big)}_{L_T}
# + \sum_{t>1} \underbrace{D_\text{KL}\big(q(x_{t-1} \mid x_t, x_0)\,\|\,p_\theta(x_{t-1} \mid x_t)\big)}_{L_{t-1}}
# \underbrace{-\log p_\theta(x_0 \mid x_1)}_{L_0}\Big].$$
#
# $L_T$ has no parameters (the forward process ends in noise). Each $L_{t-1}$ compares the model's step
# with the **posterior** of the forward process, the step back *when $x_0$ is known*, which is Gaussian
# (Bayes' rule on three Gaussians):
#
# $$q(x_{t-1} \mid x_t, x_0) = \mathcal N\big(\tilde\mu_t(x_t, x_0),\ \tilde\beta_t I\big),\quad
# \tilde\mu_t = \frac{\sqrt{\bar\alpha_{t-1}}\,\beta_t}{1-\bar\alpha_t}\,x_0 +
# \frac{\sqrt{\alpha_t}\,(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}\,x_t,\quad
# \tilde\beta_t = \frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}\,\beta_t.$$
#
# **The μ-form.** Two Gaussians with the same fixed variance differ, in KL, only by their means:
# $L_{t-1} = \frac{1}{2\sigma_t^2}\,\|\tilde\mu_t(x_t, x_0) - \mu_\theta(x_t, t)\|^2 + C$, where $C$
# does not depend on $\theta$. So the network could predict $\tilde\mu_t$ directly.
#
# **The ε-form.** But $x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon$ gives $x_0$ in
# terms of $x_t$ and $\varepsilon$; put it into $\tilde\mu_t$ and it becomes
#
# $$\tilde\mu_t = \frac{1}{\sqrt{\alpha_t}}\Big(x_t - \frac{\beta_t}{\sqrt{1-\bar\alpha_t}}\,\varepsilon\Big).$$
#
# Everything in it is known at sampling time except $\varepsilon$. Ho et al. therefore let the network
# predict the noise, $\mu_\theta = \frac{1}{\sqrt{\alpha_t}}\big(x_t - \frac{\beta_t}{\sqrt{1-\bar\alpha_t}}\,
# \varepsilon_\theta(x_t, t)\big)$, and the term becomes a weighted regression on the noise,
#
# $$L_{t-1} = \frac{\beta_t^2}{2\sigma_t^2\,\alpha_t\,(1-\bar\alpha_t)}\,
# \big\|\varepsilon - \varepsilon_\theta(x_t, t)\big\|^2 + C.$$
#
# **The simple loss** drops that weight and draws $t$ uniformly:
#
# $$\mathcal L_\text{simple} = \mathbb E_{x_0, t, \varepsilon}\,\big\|\varepsilon -
# \varepsilon_\theta(\sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon,\ t)\big\|^2.$$
#
# **Why predict ε.** The target has the same scale, unit variance, at every $t$, where $x_0$ or
# $\tilde\mu_t$ would change scale along the chain; the sampler (Algorithm 2, section 3) is exactly
# the μ-form with $\varepsilon_\theta$ in place of $\varepsilon$; and dropping the weight, which is
# largest at small $t$, spends the training on the noisier steps, which Ho et al. found gives better
# samples than the true bound. (Predicting ε is also **denoising score matching**: the *score*
# $\nabla_{x_t} \log q(x_t)$ is the direction in which $x_t$ becomes more likely, and
# $-\varepsilon_\theta / \sqrt{1-\bar\alpha_t}$ estimates it.)
#
# The substitution, checked with numbers: for random $x_0$ and $\varepsilon$, the posterior mean from
# $x_0$ and the ε-form should give the same vector at every step, up to the rounding of float32
# numbers (largest at the first steps, where $1 - \bar\alpha_t$ is tiny and is divided by). The cell
# prints, for four steps, whether the largest difference is below $10^{-3}$.

# %%
# NBVAL_CHECK_OUTPUT
s = ddpm.DDPMSchedule()
g = torch.Generator().manual_seed(0)
for t in (1, 10, 500, 999):                     # code's t: the lecture's t + 1, so abar_prev is abar[t - 1]
    x_0, eps = torch.rand(4, 784, generator=g) * 2 - 1, torch.randn(4, 784, generator=g)
    abar, abar_prev, beta = s.alphas_cumprod[t], s.alphas_cumprod[t - 1], s.betas[t]
    x_t = abar.sqrt() * x_0 + (1 - abar).sqrt() * eps
    posterior = abar_prev.sqrt() * beta / (1 - abar) * x_0 + (1 - beta).sqrt() * (1 - abar_prev) / (1 - abar) * x_t
    eps_form = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    gap = (posterior - eps_form).abs().max().item()
    print(f"t = {t + 1:4d}: the two means agree to float32 rounding (largest difference < 1e-3): {gap < 1e-3}")

# %% [markdown]
# **The network.** $\varepsilon_\theta$ is a **U-Net** (lecture 03: an encoder-decoder whose **skip
# connections** pass each encoder level's features straight to the decoder level of the same size).
# Here the encoder goes from 28 to 14 to 7 pixels and the decoder back to 28. Its parts:
#
# * **residual blocks** (lecture 04: each block adds its input to its output, so it learns a
#   correction to what it is given);
# * **self-attention** at 7×7: every position of the 7×7 feature map looks at every other, so the
#   network can relate distant parts of the digit;
# * the step $t$ given to every block: first as a **sinusoidal embedding** (sines and cosines of $t$ at
#   many frequencies, as positions are given to a Transformer), then through a small MLP (a few fully
#   connected layers);
# * a class label, when given, embedded as a vector and added to the time embedding.
#
# The cell prints the network's size and the code of its residual block, then draws the embedding.

# %%
net = ddpm.UNet()
print(f"U-Net: {sum(p.numel() for p in net.parameters()) / 1e6:.2f} M parameters, config {net.config}")
print(inspect.getsource(ddpm.ResBlock.forward))
x = train.images[:4]
print("in", tuple(x.shape), "-> out", tuple(net(x, torch.tensor([0, 10, 500, 999])).shape), "(the predicted noise)")
emb = ddpm.timestep_embedding(torch.arange(1000), 32)
plt.figure(figsize=(8, 2.2))
plt.imshow(emb.T, aspect="auto", cmap="RdBu")
plt.title("sinusoidal embedding of t (rows: the 32 features)")
plt.xlabel("t")
plt.show()


# %% [markdown]
# In the printed block, the embedding enters as a scale and a shift of the normalised features
# (`h = self.norm2(h) * (1 + scale) + shift`). The figure shows the embedding of every $t$: each column
# is one $t$, each row one of the 32 features (rows 0 to 15 are sines, 16 to 31 cosines). Look at how
# the frequency falls down each half: the top rows change within a few steps, the bottom rows barely
# over the 1,000, so that every $t$ gets a column of its own.
#
# **Exercise 2.** Write the loss of Algorithm 1 for given $t$ and $\varepsilon$:
# `diffusion_loss(model, x0, t, noise, alphas_cumprod)`, where `model(x_t, t)` predicts the noise.

# %%
def diffusion_loss(model, x0, t, noise, alphas_cumprod):
    """The mean squared error between the noise and the model's prediction of it from x_t."""
    ### BEGIN SOLUTION
    ### HINT: Algorithm 1: noise x_0 to x_t in one jump, ask the model for the noise, and measure its error
    x_t = q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, t), noise)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
diffusion_loss = ck.check.diffusion_loss(diffusion_loss)

# %% [markdown]
# **Training.** The loop of Algorithm 1, written out: draw a batch, a random $t$ and noise
# $\varepsilon$ for each image, and take one step on the loss. Each image is given its label, except
# for a random 10%, whose label is replaced by the "no label" token 10 (written $\varnothing$): one
# network then learns both the **conditional** model $\varepsilon(x_t, t, y)$, told the digit $y$, and
# the **unconditional** one $\varepsilon(x_t, t, \varnothing)$, told nothing, which section 5 needs.
# The weights we sample from are an exponential moving average (EMA, lecture 05: after each step the
# average moves a small way towards the current weights) of the trained ones (`ddpm.EMA`), as in the
# paper.

# %%
STEPS = 20 if ck.QUICK else 300
BATCH = 32 if ck.QUICK else 128
g = ck.seed(0)
model = ddpm.UNet().to(device)
ema = ddpm.EMA(model)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
abar = linear.alphas_cumprod.to(device)
batches = train.batches(BATCH, generator=g)
run = ck.train.Run({"model": model, "opt": opt}, steps=STEPS, plot=["loss"], desc="DDPM")
with run:
    for step in run.steps():
        x0, y = (v.to(device) for v in next(batches))
        t = torch.randint(0, linear.num_train_timesteps, (BATCH,), generator=g).to(device)
        noise = torch.randn(x0.shape, generator=g).to(device)
        y = torch.where(torch.rand(BATCH, generator=g).to(device) < 0.1, ddpm.NULL_LABEL, y)  # drop 10% of labels
        loss = diffusion_loss(lambda x_t, t: model(x_t, t, y), x0, t, noise, abar)
        opt.zero_grad()
        loss.backward()
        opt.step()
        ema.update(model, step)
        run.log(loss=loss)
print(f"{run.step} steps in {run.seconds:.0f} s; last loss {run.history.mean('loss', 20):.3f}")

# %% [markdown]
# The curve is the loss (smoothed) against the training step. The network's last layer starts at
# zero, so at first it predicts no noise at all and its loss is near 1, the variance of the noise:
# compare that start with the last loss printed under the curve.

# %%
x_short = ddpm.sample(ema.model, linear, n=16, steps=50, generator=torch.Generator().manual_seed(0))
ck.viz.show(x_short, nrow=16, title=f"after {run.step} steps: shapes of ink, not yet digits")
plt.show()

# %% [markdown]
# Above, 16 samples of the network just trained, drawn without a label by the 50-step sampler of
# section 4: look at whether any of them can be read as a digit yet.
#
# The zoo model is the same network and loss trained for many more steps by `ddpm.train_ddpm`, with
# two differences its record keeps under `options`: batches of 64, and each step's gradients clipped to
# norm 1 (scaled down whenever their overall length exceeds 1: a guard against the rare large step).
# The record also says on what, in how long, and the command that retrains it:

# %%
model = ck.zoo.load("mnist-ddpm", device=device)
record = ck.zoo.record("mnist-ddpm")
print(f"mnist-ddpm: {record['steps']:,} steps of {record['options']['batch_size']}, gradients clipped to norm "
      f"{record['options']['clip_grad']}, {record['wall_time_s'] / 3600:.1f} h on {record['device']}")
print("retrain:", record["command"])


# %% [markdown]
# ## 3. Sampling (Algorithm 2)
#
# From $x_T \sim \mathcal N(0, I)$, for $t = T, \dots, 1$:
#
# $$x_{t-1} = \frac{1}{\sqrt{\alpha_t}}\Big(x_t - \frac{\beta_t}{\sqrt{1-\bar\alpha_t}}\,
# \varepsilon_\theta(x_t, t)\Big) + \sigma_t z, \qquad z \sim \mathcal N(0, I),$$
#
# with no noise added at the last step: the μ-form's mean with the predicted noise, plus fresh noise
# $z$. Drawing each $x_{t-1}$ at random from the model's Gaussian in this way, one step at a time, is
# called **ancestral sampling**. The paper tries two variances: $\sigma_t^2 = \beta_t$ and
# the variance of the true posterior $q(x_{t-1} \mid x_t, x_0)$,
# $\tilde\beta_t = \frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}\beta_t$, and finds them about
# equally good (section 4's table measures both). (In the code, lecture step $t$ is `t - 1`: see
# "Counting steps" at the top.)
#
# **Exercise 3.** Write one reverse step with $\sigma_t^2 = \beta_t$:
# `reverse_step(eps, t, x_t, betas, alphas_cumprod, z)` for one integer $t$.

# %%
def reverse_step(eps, t, x_t, betas, alphas_cumprod, z):
    """x_{t-1} from x_t and the predicted noise eps (Algorithm 2); z is the fresh noise, unused at t = 0."""
    ### BEGIN SOLUTION
    ### HINT: Algorithm 2's line 4: the mean from the predicted noise, plus fresh noise scaled by sigma_t, except at the last step
    beta, abar_t = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar_t).sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
reverse_step = ck.check.reverse_step(reverse_step)

# %% [markdown]
# The sampler, written out with your step, 1,000 network evaluations per image, one image per digit
# (0 to 9 in the full run; the labels go to the network). It also keeps the model's guess of $x_0$,
# $\hat x_0 = (x_t - \sqrt{1-\bar\alpha_t}\,\hat\varepsilon)/\sqrt{\bar\alpha_t}$ (the one-jump formula
# of section 1 solved for $x_0$, with the predicted noise $\hat\varepsilon$ in place of the true one),
# every 50 steps, for the widget below. The second row is drawn by the course's `ddpm.sample` with
# $\sigma_t^2 = \tilde\beta_t$ (and, as diffusers does, its guess $\hat x_0$ clipped to $[-1, 1]$ at
# each step), from the same starting noise $x_T$.

# %%
N = 2 if ck.QUICK else 10
labels = torch.arange(N) % 10
g = torch.Generator().manual_seed(0)
x = torch.randn(N, 1, 28, 28, generator=g)
trajectory = []
start = time.perf_counter()
with torch.no_grad():
    for t in reversed(range(linear.num_train_timesteps)):
        eps = model(x.to(device), t, labels.to(device)).cpu()
        if t % 50 == 0 or t == linear.num_train_timesteps - 1:
            trajectory.append((t, x.clone(), linear.pred_original(eps, t, x)))
        x = reverse_step(eps, t, x, linear.betas, linear.alphas_cumprod, torch.randn(x.shape, generator=g))
seconds_ancestral = (time.perf_counter() - start) / N
x_beta = x.clamp(-1, 1)
x_tilde = ddpm.sample(model, linear, labels=labels, sampler="ddpm", generator=torch.Generator().manual_seed(0))
ck.viz.show(torch.cat([x_beta, x_tilde]), nrow=N,
            title=f"1,000 ancestral steps, {seconds_ancestral:.2f} s per image", labels=["σ² = β", "σ² = β̃"],
            columns=labels.tolist())
plt.show()

# %% [markdown]
# Each column is one digit, 0 to 9, from the same starting noise in both rows (top:
# $\sigma_t^2 = \beta_t$, your loop; bottom: $\sigma_t^2 = \tilde\beta_t$); look at whether each column
# shows the digit asked for, and at the seconds per image in the title, the cost of 1,000 steps.
#
# Scrub the reverse trajectory (top row $x_t$, bottom row the guess $\hat x_0$), from $t = 999$ down to
# 0. (The widget only shows what the loop saved; it samples nothing.)

# %%
ck.widgets.reverse_trajectory(trajectory)

# %% [markdown]
# Watch the bottom row as $t$ falls: at which $t$ does the guess $\hat x_0$ first show which digit it
# will be, and what do the later steps still change?

# %% [markdown]
# ## 4. Beyond the lecture: DDIM, 20 to 50 times fewer steps
#
# DDIM (denoising diffusion implicit models, Song et al.) keeps the training (the same
# $\varepsilon_\theta$) and changes the sampler: from $\hat x_0$ and $\hat\varepsilon$ it jumps straight
# to an earlier $t' < t$, skipping the steps between,
#
# $$x_{t'} = \sqrt{\bar\alpha_{t'}}\,\hat x_0 + \sqrt{1 - \bar\alpha_{t'} - \sigma^2}\,\hat\varepsilon + \sigma z,$$
#
# where $\sigma$, the scale of the fresh noise $z$ added at each jump, is set by a number
# $\eta \ge 0$ (Song et al.'s name; $\eta = 0$ gives $\sigma = 0$). With $\sigma = 0$ the whole path
# is **deterministic**: the same $x_T$ always gives the same image. Fewer steps cost less time; how
# much quality they cost is measured below. The cell draws the same labels from the same starting
# noise with 50, 20 and 10 steps, and prints the time per image of each sampler.

# %%
rows = []
for steps in (50, 20, 10):
    start = time.perf_counter()
    x_ddim = ddpm.sample(model, linear, labels=labels, steps=steps, generator=torch.Generator().manual_seed(0))
    rows.append((steps, (time.perf_counter() - start) / N, x_ddim))
ck.viz.show(torch.cat([x for _, _, x in rows]), nrow=N, title="DDIM, the same noise at three step counts",
            labels=[f"{steps} steps" for steps, _, _ in rows], columns=labels.tolist())
plt.show()
print(f"ancestral, 1,000 steps: {seconds_ancestral:.3f} s per image (this machine)")
for steps, seconds, _ in rows:
    print(f"DDIM, {steps:>2} steps:        {seconds:.3f} s per image")

# %% [markdown]
# The rows are 50, 20 and 10 DDIM steps, top to bottom, and each column one digit from one starting
# noise: look at what changes down a column as the steps fall, against the times printed below the
# figure.
#
# The **Fréchet distances** (notebook 00: how far the judge's features of generated digits are from
# those of the training digits, lower is better; the judge is the course's MNIST classifier) of the
# samplers, measured when the zoo model was published: 100 unconditional images each, the same seed.
# With so few images every distance comes out higher (section 6 measures the 50-step sampler again on
# 1,000 images): compare the rows with each other, not with distances measured on more images.

# %%
samplers = record["metrics"]["samplers"]
print(f"{samplers['images']} images per sampler; seconds measured on {record['device']}")
print(f"{'sampler':<28} {'Fréchet distance':>17} {'s per image':>12}")
for name, r in samplers.items():
    if name != "images":
        print(f"{name:<28} {r['fid']:>17.1f} {r['seconds_per_image']:>12.3f}")

# %% [markdown]
# Read the table down: the two ancestral samplers are level, as the paper found, and each cut in
# DDIM's steps raises the distance a little (from 37.7 at 50 steps to 41.0 at 10), while the time per
# image falls with the number of steps.

# %% [markdown]
# ## 5. Beyond the lecture: classifier-free guidance
#
# **Guidance** steers sampling towards images that look more like their label. Classifier-free
# guidance does it without a separate classifier, from the one network trained in section 2, which
# knows both $\varepsilon(x_t, t, y)$ and $\varepsilon(x_t, t, \varnothing)$. It extrapolates from the
# unconditional prediction towards the conditional one:
#
# $$\hat\varepsilon = \varepsilon(x_t, t, \varnothing) + s\,\big(\varepsilon(x_t, t, y) - \varepsilon(x_t, t, \varnothing)\big).$$
#
# $s = 0$ ignores the label, $s = 1$ is the plain conditional model, $s > 1$ pushes samples towards
# what makes them look like a $y$ (more legible, less varied: the table below and section 6 measure
# both). In the widget, pick a digit and a scale $s$; each (digit, scale) is sampled once and cached,
# so moving back is instant.

# %%
ck.widgets.guidance(model, linear, steps=10 if ck.QUICK else 20)

# %% [markdown]
# The widget's eight images start from the same noise at every scale, so look at how one image
# changes as $s$ grows.
#
# **Class accuracy against the scale**: the share of samples that the judge of notebook 00 (it never
# trained on generated digits) reads as the digit asked for, over all digits and for the worst digit.
# The price of a high scale is variety: section 6 gives the Fréchet distance of the samples at
# scales 1 and 3.

# %%
PER_CLASS, GUIDED_STEPS = (2, 5) if ck.QUICK else (20, 20)
y_eval = torch.arange(10).repeat_interleave(PER_CLASS)
print(f"{len(y_eval)} images per scale, DDIM {GUIDED_STEPS} steps")
print(f"{'scale':>6} {'class accuracy':>15} {'worst digit':>12}")
for s in (0.0, 1.0, 2.0, 3.0, 5.0):
    x_s = ddpm.sample(model, linear, labels=y_eval, steps=GUIDED_STEPS, guidance_scale=s,
                      generator=torch.Generator().manual_seed(1))
    acc, per = ck.metrics.class_accuracy(x_s, y_eval, per_class=True)
    print(f"{s:>6.1f} {acc:>15.1%} {per.min().item():>12.0%}")

# %% [markdown]
# ## 6. The numbers: diffusion against the DCGAN of notebook 01
#
# The DCGAN of notebook 01 is a GAN with a convolutional generator and discriminator. Both models were
# measured the same way when published: 1,000 unconditional samples, the judge's Fréchet distance to
# the training digits, and how the judge labels the samples (a model that drops digits, as in mode
# collapse, shows it here). The **floor** is the distance of 1,000 real **held-out** digits (digits
# kept out of training): about the best a model can reach. The table also gives the guided samples'
# class accuracy and distance at scales 1 and 3.

# %%
m, dcgan_m = record["metrics"], ck.zoo.record("mnist-dcgan")["metrics"]
print(f"{'model':<42} {'Fréchet distance':>17}")
print(f"{'real held-out digits (floor)':<42} {m['fid_floor']:>17.2f}")
print(f"{'DDPM, unconditional (DDIM 50 steps)':<42} {m['fid_unconditional']:>17.2f}")
print(f"{'DCGAN (notebook 01)':<42} {dcgan_m['fid']:>17.2f}")
for key in ("guided_1", "guided_3"):
    r = m[key]
    print(f"DDPM guided, scale {key.split('_')[1]}: class accuracy {r['class_accuracy']:.1%} "
          f"(worst digit {r['min_class_accuracy']:.0%}), Fréchet distance {r['fid']:.2f}")
fig, ax = plt.subplots(figsize=(7, 2.5))
ax.bar(range(10), m["label_histogram_unconditional"])
ax.set(xticks=range(10), xlabel="digit the judge reads", ylabel="samples",
       title="1,000 unconditional DDPM samples: every digit is drawn")
plt.show()

# %% [markdown]
# The bars count how often the judge reads each digit among the 1,000 unconditional samples: look for
# a bar near zero, the sign of mode collapse; there is none, all ten lie between 80 and 120. In the
# table, the diffusion model's distance is below the DCGAN's, and guidance at scale 3 has every sample
# read as its digit but about twice the distance of scale 1 (8.59 against 4.20): the price in variety
# that section 5 named.

# %% [markdown]
# ## 7. Lab: your own DDIM sampler
#
# Section 4 used the course's `ddpm.sample`. Now write the sampler yourself, from the DDIM update of
# section 4 with $\eta = 0$, and make it as good as the course's at the same number of steps.
#
# **The task.** `ddim_sample(model, schedule, labels, steps, generator)` returns one image per label,
# (N, 1, 28, 28) in $[-1, 1]$, after exactly `steps` network evaluations. You have the network,
# `model(x, t, labels)` with `t` a tensor of N timesteps (its output is $\hat\varepsilon$), and the
# schedule's `alphas_cumprod` ($\bar\alpha_t$ for the code's $t = 0 \dots T-1$). Draw $x_T$ with the
# given `generator`, so that the same seed gives the same images (on the CPU).
#
# **The goal**, read by the lab's check: the judge reads at least 90% of the samples as the asked
# digit, and their Fréchet distance is at most 10% (plus 1) above that of the course's sampler with
# the same steps and seed. (Quick mode, the shrunk run the tests use, measures 20 images and 10 steps;
# the full run, 200 and 50.)
# Stuck? `ck.hint("lab_ddim")`, one step per call.

# %%
def ddim_sample(model, schedule, labels, steps, generator=None):
    """DDIM (eta = 0) from pure noise to one image per label in `steps` network evaluations."""
    ### BEGIN SOLUTION
    ### HINT: choose the timesteps, then at each one predict the noise, estimate x_0, and jump to the next timestep
    abar = schedule.alphas_cumprod
    ts = torch.linspace(schedule.num_train_timesteps - 1, 0, steps).round().long().tolist()
    x = torch.randn(len(labels), 1, 28, 28, generator=generator)
    for i, t in enumerate(ts):
        eps = model(x, torch.full((len(x),), t), labels)
        abar_t = abar[t]
        abar_next = abar[ts[i + 1]] if i + 1 < len(ts) else torch.tensor(1.0)  # after the last step: x_0
        x0 = ((x - (1 - abar_t).sqrt() * eps) / abar_t.sqrt()).clamp(-1, 1)
        eps = (x - abar_t.sqrt() * x0) / (1 - abar_t).sqrt()  # the noise that agrees with the clipped x_0
        x = abar_next.sqrt() * x0 + (1 - abar_next).sqrt() * eps
    return x
    ### END SOLUTION


# %%
# the check runs the zoo model on the CPU, as your sampler's torch.randn draws there
lab = ck.check.lab_ddim(ddim_sample, schedule=linear, per_class=2 if ck.QUICK else 20, steps=10 if ck.QUICK else 50)

# %% [markdown]
# ## What to remember
#
# * Training is a regression: predict the noise of $x_t = \sqrt{\bar\alpha_t}x_0 + \sqrt{1-\bar\alpha_t}\varepsilon$.
# * Sampling undoes the noise step by step: 1,000 network calls per image for Algorithm 2, 10 to 50
#   for DDIM, at a price in quality you can now read off a table.
# * Guidance trades variety for fidelity to the label with one number, $s$.
#
# This is the last notebook of the course.
