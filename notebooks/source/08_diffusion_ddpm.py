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
# **Lecture:** denoising diffusion probabilistic models (Ho, Jain & Abbeel, 2020), with DDIM
# (Song, Meng & Ermon, 2021) and classifier-free guidance (Ho & Salimans, 2022).
#
# A GAN learns to draw in one shot. A diffusion model learns to **undo a little noise**, and draws
# by undoing it a thousand times:
#
# * the **forward process** $q$ adds Gaussian noise in $T = 1000$ small steps until nothing of the
#   image is left: $q(x_t \mid x_{t-1}) = \mathcal N(\sqrt{1-\beta_t}\,x_{t-1},\ \beta_t I)$;
# * a network $\varepsilon_\theta(x_t, t)$ learns to tell which noise was added (a regression, no
#   adversary);
# * the **reverse process** starts from pure noise $x_T \sim \mathcal N(0, I)$ and removes the
#   predicted noise step by step.
#
# No discriminator, no mode collapse, a loss that goes down: the price is paid at sampling time.
#
# **Counting steps.** The lecture and the paper count $t = 1 \dots T$, with $x_0$ the data. The code
# counts $t = 0 \dots T-1$, as diffusers does: the code's `t` is the lecture's $t + 1$, so
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
# noise by $q$ (top), and the zoo model's reverse path from pure noise to a new digit (bottom).

# %%
fig = ddpm.draw_chains(train.images[0], ddpm.DDPMSchedule(), ck.zoo.load("mnist-ddpm", device=torch.device("cpu")),
                       label=3)
plt.show()

# %% [markdown]
# ## 1. The forward process
#
# With $\alpha_t = 1 - \beta_t$ and $\bar\alpha_t = \prod_{s \le t} \alpha_s$, the $t$ steps
# collapse into one jump (a sum of Gaussians is a Gaussian):
#
# $$q(x_t \mid x_0) = \mathcal N\big(\sqrt{\bar\alpha_t}\,x_0,\ (1-\bar\alpha_t) I\big)
# \quad\Longleftrightarrow\quad x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon,
# \ \varepsilon \sim \mathcal N(0, I).$$
#
# Two schedules of $\beta_t$: the paper's **linear** one ($10^{-4}$ to $0.02$) and the **cosine**
# one (Nichol & Dhariwal, 2021), which defines $\bar\alpha_t$ directly so that the signal fades
# evenly. `ddpm.DDPMSchedule` uses the names of diffusers' `DDPMScheduler` (a test shows it gives
# the same numbers).

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
# The linear schedule has destroyed most of the digit by $t \approx 400$ and spends the last
# half of its steps on near-noise; the cosine schedule keeps information for longer.
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
# $\sqrt{\bar\alpha_t}\,x_0$ and $1 - \bar\alpha_t$.

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
# Scrub $t$ over eight digits, the same noise under both schedules (top: linear, bottom: cosine):

# %%
ck.widgets.forward_process(train.images[:8], schedules)

# %% [markdown]
# ## 2. The network and the loss (Algorithm 1)
#
# **The reverse process.** The model is a Markov chain run backwards, each step a Gaussian whose mean
# a network computes:
#
# $$p_\theta(x_{t-1} \mid x_t) = \mathcal N\big(\mu_\theta(x_t, t),\ \sigma_t^2 I\big), \qquad
# p(x_T) = \mathcal N(0, I),$$
#
# with the variances $\sigma_t^2$ fixed, not learned (section 3 tries two choices).
#
# **The bound.** As for a VAE, $\log p_\theta(x_0)$ cannot be computed, but it has a lower bound
# (the ELBO), which Ho et al. write as a sum over the steps:
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
# $L_{t-1} = \frac{1}{2\sigma_t^2}\,\|\tilde\mu_t(x_t, x_0) - \mu_\theta(x_t, t)\|^2 + C$. So the network
# could predict $\tilde\mu_t$ directly.
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
# samples than the true bound. (Predicting ε is also denoising score matching:
# $-\varepsilon_\theta / \sqrt{1-\bar\alpha_t}$ estimates $\nabla_{x_t} \log q(x_t)$.)
#
# The substitution, checked with numbers: the posterior mean from $x_0$ and the ε-form give the
# same vector at every step (to float32's rounding of the schedule: about $10^{-4}$ at the first
# steps, where $1 - \bar\alpha_t$ is tiny, and $10^{-7}$ later).

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
#
# $\varepsilon_\theta$ is a **U-Net**: an encoder (28 → 14 → 7 pixels) and a decoder back to 28
# with a skip connection at each resolution, residual blocks, self-attention at 7×7, and $t$ given to
# every block through a **sinusoidal embedding** (as positions in a Transformer) and a small MLP.
# A class label, when given, is embedded and added to the time embedding.

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
# **Training.** The loop of Algorithm 1, written out. The labels are kept but dropped (replaced by
# the "no label" token 10) for 10% of the images: one network then learns both $\varepsilon(x_t, t, y)$
# and $\varepsilon(x_t, t, \varnothing)$, which section 5 needs. The weights we sample from are an
# exponential moving average of the trained ones (`ddpm.EMA`), as in the paper.

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

# %%
x_short = ddpm.sample(ema.model, linear, n=16, steps=50, generator=torch.Generator().manual_seed(0))
ck.viz.show(x_short, nrow=16, title=f"after {run.step} steps: shapes of ink, not yet digits")
plt.show()

# %% [markdown]
# The zoo model is the same network and loss trained for many more steps by `ddpm.train_ddpm`, with
# two differences its record keeps under `options`: batches of 64, and each step's gradients clipped to
# norm 1 (a guard against the rare large step). The record also says on what, in how long, and the
# command that retrains it:

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
# with no noise added at the last step. The paper tries two variances: $\sigma_t^2 = \beta_t$ and
# the variance of the true posterior $q(x_{t-1} \mid x_t, x_0)$,
# $\tilde\beta_t = \frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}\beta_t$, and finds them about
# equally good. (In the code, lecture step $t$ is `t - 1`: see "Counting steps" at the top.)
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
# The sampler, written out with your step, 1,000 network evaluations per image. It also keeps the
# model's guess of $x_0$, $\hat x_0 = (x_t - \sqrt{1-\bar\alpha_t}\,\hat\varepsilon)/\sqrt{\bar\alpha_t}$,
# every 50 steps, for the widget below.

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
            title=f"1,000 ancestral steps, σ² = β (top), σ² = β̃ (bottom); {seconds_ancestral:.2f} s per image")
plt.show()

# %% [markdown]
# Scrub the reverse trajectory: early on, $\hat x_0$ is already a blurry average digit, and the
# later steps add the details (the widget only shows what the loop saved; it samples nothing).

# %%
ck.widgets.reverse_trajectory(trajectory)

# %% [markdown]
# ## 4. Beyond the lecture: DDIM, 20 to 50 times fewer steps
#
# DDIM keeps the training (the same $\varepsilon_\theta$) and changes the sampler: from $\hat x_0$
# and $\hat\varepsilon$ it jumps straight to an earlier $t' < t$,
#
# $$x_{t'} = \sqrt{\bar\alpha_{t'}}\,\hat x_0 + \sqrt{1 - \bar\alpha_{t'} - \sigma^2}\,\hat\varepsilon + \sigma z,$$
#
# and with $\sigma = 0$ ($\eta = 0$) the whole path is deterministic: the same $x_T$ always gives the
# same image. Fewer steps cost less time; how much quality they cost is measured below.

# %%
rows = []
for steps in (50, 20, 10):
    start = time.perf_counter()
    x_ddim = ddpm.sample(model, linear, labels=labels, steps=steps, generator=torch.Generator().manual_seed(0))
    rows.append((steps, (time.perf_counter() - start) / N, x_ddim))
ck.viz.show(torch.cat([x for _, _, x in rows]), nrow=N, title="DDIM with 50, 20 and 10 steps (rows)")
plt.show()
print(f"ancestral, 1,000 steps: {seconds_ancestral:.3f} s per image (this machine)")
for steps, seconds, _ in rows:
    print(f"DDIM, {steps:>2} steps:        {seconds:.3f} s per image")

# %% [markdown]
# The Fréchet distances of the samplers, measured when the zoo model was published (100
# unconditional images each, the same seed; so few images bias every distance upwards by the same
# kind of amount, so compare the rows with each other):

# %%
samplers = record["metrics"]["samplers"]
print(f"{samplers['images']} images per sampler; seconds measured on {record['device']}")
print(f"{'sampler':<28} {'Fréchet distance':>17} {'s per image':>12}")
for name, r in samplers.items():
    if name != "images":
        print(f"{name:<28} {r['fid']:>17.1f} {r['seconds_per_image']:>12.3f}")

# %% [markdown]
# ## 5. Beyond the lecture: classifier-free guidance
#
# The network knows $\varepsilon(x_t, t, y)$ and $\varepsilon(x_t, t, \varnothing)$. Guidance
# extrapolates from the unconditional prediction towards the conditional one:
#
# $$\hat\varepsilon = \varepsilon(x_t, t, \varnothing) + s\,\big(\varepsilon(x_t, t, y) - \varepsilon(x_t, t, \varnothing)\big).$$
#
# $s = 0$ ignores the label, $s = 1$ is the plain conditional model, $s > 1$ pushes samples towards
# what makes them look like a $y$ (more legible, less varied). Each (digit, scale) below is sampled
# once and cached, so moving back is instant.

# %%
ck.widgets.guidance(model, linear, steps=10 if ck.QUICK else 20)

# %% [markdown]
# **Class accuracy against the scale**, measured by the judge of notebook 00 (it never trained on
# generated digits). The price of a high scale is variety: section 6 gives the Fréchet distance of
# the samples at scales 1 and 3.

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
# Both measured the same way when published: 1,000 unconditional samples, the judge's Fréchet
# distance to the training digits (the floor is 1,000 real held-out digits), and how the judge
# labels the samples (a model that drops digits shows it here).

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
# the same steps and seed. (Quick mode measures 20 images and 10 steps; the full run, 200 and 50.)
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
# * Guidance trades variety for fidelity with one number, $s$.
#
# This is the last notebook of the course.
