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
# # 02 · Conditional GAN on MNIST
#
# **Lecture:** conditional GANs (Mirza & Osindero, 2014).
#
# The DCGAN of notebook 01 (the deep convolutional GAN: a generator $G$ that turns noise $z$ into
# images, trained against a discriminator $D$ that tells them from real ones) draws *some* digit; we
# cannot ask for a 7. A **conditional GAN** gives the class $y$ (the digit, 0 to 9) to both players:
#
# $$\min_G \max_D \; \mathbb E_{x, y}[\log D(x, y)] + \mathbb E_{z, y}[\log(1 - D(G(z, y), y))]$$
#
# * the generator reads $[z, \text{one\_hot}(y)]$: the label, as a **one-hot** vector (10 numbers,
#   all 0 but a 1 at position $y$), appended to the noise;
# * the discriminator reads $[x, y\text{-channels}]$: the one-hot label broadcast over the image as
#   10 extra channels (a channel is one layer of an image, the size of the image; our digits have
#   one grey channel), appended to it;
# * and $D$ must also call a **real image with a wrong label** fake; otherwise it could judge
#   realism alone and $G$ would be free to ignore $y$.
#
# The networks are notebook 01's DCGAN, with wider inputs.
#
# In this notebook: the two inputs (exercises 1 and 2); the conditional loss of $D$ (exercise 3);
# training, live, measured by the judge; the course's trained model, measured; an ablation (an
# experiment that removes one part to see what it did); widgets; and a lab.

# %%
import inspect

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import coursekit as ck
from coursekit.models import cgan, dcgan

device = ck.device()
print("device:", device, "| quick mode:", ck.QUICK)
train = ck.data.mnist("train")

# %% [markdown]
# ## 1. The conditioning inputs, step by step
#
# A label becomes a **one-hot** vector of 10 entries:

# %%
# NBVAL_CHECK_OUTPUT
y = torch.tensor([3, 0, 7])
print(F.one_hot(y, 10))


# %% [markdown]
# **Exercise 1.** Write `generator_input(z, y)`: the one-hot labels appended to $z$, shape
# `(B, z_dim)` and `(B,)` → `(B, z_dim + 10)`.

# %%
def generator_input(z, y):
    """[z, one_hot(y)]: z (B, z_dim), labels (B,) -> (B, z_dim + 10)."""
    ### BEGIN SOLUTION
    ### HINT: G reads z and the label side by side: turn the label into a vector and join the two
    return torch.cat([z, F.one_hot(y, 10).float()], dim=1)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
generator_input = ck.check.generator_input(generator_input)
print("z", (3, 100), "+ labels", (3,), "->", tuple(generator_input(torch.zeros(3, 100), y).shape))


# %% [markdown]
# **Exercise 2.** Write `discriminator_input(x, y)`: 10 label channels appended to the image.
# Channel $1 + k$ is all ones when $y = k$, all zeros otherwise: `(B, 1, H, W)` → `(B, 11, H, W)`.
# (Hint: reshape the one-hot vectors to `(B, 10, 1, 1)` and `expand` them to `(B, 10, H, W)`.)

# %%
def discriminator_input(x, y):
    """[x, y-channels]: images (B, C, H, W), labels (B,) -> (B, C + 10, H, W)."""
    ### BEGIN SOLUTION
    ### HINT: D reads the image and ten extra channels, the one-hot label painted over the whole image
    b, _, h, w = x.shape
    channels = F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)
    return torch.cat([x, channels], dim=1)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
discriminator_input = ck.check.discriminator_input(discriminator_input)
x = train.images[:3]
print("images", tuple(x.shape), "+ labels", (3,), "->", tuple(discriminator_input(x, y).shape))

# %% [markdown]
# The lecture's picture of the two inputs, drawn from the tensors themselves, for one training digit:

# %%
fig = cgan.draw_inputs(torch.randn(100, generator=ck.seed(0)), train.images[700], int(train.labels[700]))
plt.show()

# %% [markdown]
# Top: $G$'s input, the 100 numbers of $z$ (colour: their value) followed by the 10 of the one-hot
# label, here a 7 (white: 1); bottom: $D$'s 11 channels, the image of the 7 and then one map per
# digit, where only the map of its label (the title in red) is white.
#
# The course's models use the library's versions of these two functions (with checks on the
# labels: an out-of-range or a float label gets a clear error). They wrap notebook 01's DCGAN:

# %%
print(inspect.getsource(cgan.ConditionalGenerator.forward))
print(inspect.getsource(cgan.ConditionalDiscriminator.forward))
try:
    cgan.ConditionalGenerator()(torch.randn(2, 100), torch.tensor([3, 12]))
except ValueError as e:
    print("a label of 12:", e)


# %% [markdown]
# ## 2. The conditional discriminator loss
#
# $$\mathcal L_D = -\log D(x, y) - \log(1 - D(G(z, y), y)) - \log(1 - D(x, y'))$$
#
# where $y' \neq y$ is a wrong label for the real image $x$ (`cgan.wrong_labels` draws one). As in
# notebook 01, $D(x, y) = \sigma(\ell)$ for the logit $\ell$ that $D$ returns, and each term is a binary
# cross-entropy averaged over its batch.
#
# **Exercise 3.** Write `conditional_d_loss(real_logits, fake_logits, mismatched_logits)`.

# %%
def conditional_d_loss(real_logits, fake_logits, mismatched_logits):
    """Real pair -> 1, generated pair -> 0, real image with a wrong label -> 0. Logits (B,) each."""
    ### BEGIN SOLUTION
    ### HINT: three kinds of input: real with its label is real; fake, and real with a wrong label, are fake
    real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    mismatched = F.binary_cross_entropy_with_logits(mismatched_logits, torch.zeros_like(mismatched_logits))
    return real + fake + mismatched
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
conditional_d_loss = ck.check.conditional_d_loss(conditional_d_loss)

# %% [markdown]
# ## 3. Training, live
#
# The loop of notebook 01, with labels. Every `EVAL_EVERY` steps we ask $G$ for 20 samples of each
# digit and let the judge (notebook 00's MNIST classifier, trained on real digits only) read them:
# the **class accuracy**, the share of samples whose judged label is the asked label, shows how far
# $G$ has learnt to use $y$. The live plot draws the losses on the left and the class accuracy on
# the right.

# %%
CGAN_STEPS = 30 if ck.QUICK else 2000
EVAL_EVERY = 10 if ck.QUICK else 100
BATCH = 64


def train_conditional(steps, mismatch=True, label_in_D=True, seed=0, log_accuracy=True, desc="cGAN"):
    """Train a cGAN with the loop of the lecture; returns (G, run)."""
    g = ck.seed(seed)
    G = cgan.ConditionalGenerator().to(device)
    # the ablation: a D that sees the image only (it ignores y)
    D = (cgan.ConditionalDiscriminator() if label_in_D else cgan.ImageOnlyDiscriminator()).to(device)
    # lr 5e-4 rather than DCGAN's 2e-4: on 4,000 digits the same 2,000 steps reach
    # 98.4% class accuracy instead of 94.6%
    opt_G, opt_D = dcgan.make_optimizers(G, D, lr=5e-4)
    batches = train.batches(BATCH, generator=g)
    eval_labels = cgan.balanced_labels(20)
    run = ck.train.Run({"G": G, "D": D, "opt_G": opt_G, "opt_D": opt_D}, steps=steps, plot=log_accuracy, desc=desc)
    with run:
        for step in run.steps():
            real, y = next(batches)
            real, y = real.to(device), y.to(device)
            fake = G(G.sample_z(BATCH, generator=g), y)

            if mismatch:
                loss_D = conditional_d_loss(D(real, y), D(fake.detach(), y), D(real, cgan.wrong_labels(y, g)))
            else:  # the ablation: notebook 01's loss on (image, label) pairs
                loss_D = dcgan.d_loss(D(real, y), D(fake.detach(), y))
            opt_D.zero_grad(); loss_D.backward(); opt_D.step()

            D.requires_grad_(False)
            loss_G = dcgan.g_loss(D(fake, y))
            opt_G.zero_grad(); loss_G.backward(); opt_G.step()
            D.requires_grad_(True)

            run.log(loss_D=loss_D, loss_G=loss_G)
            if log_accuracy and (step + 1) % EVAL_EVERY == 0:
                samples = cgan.sample(G, eval_labels, generator=ck.seed(step))
                run.log(class_accuracy=ck.metrics.class_accuracy(samples, eval_labels))
    return G, run


G, run = train_conditional(CGAN_STEPS)
result = cgan.evaluate(G, per_class=100, seed=0)
print(f"{run.step} steps in {run.seconds:.0f} s on {device}: class accuracy {result['class_accuracy']:.1%} "
      f"on 1,000 samples (100 per digit), worst digit {result['min_class_accuracy']:.0%}")
ck.viz.show(cgan.sample(G, cgan.balanced_labels(8).view(10, 8).T.flatten(), generator=ck.seed(1)), nrow=10,
            title="your cGAN: one column per digit", columns=range(10));

# %% [markdown]
# In the plot, the class accuracy (right) climbs from about two thirds at its first measurement to
# near 1, with dips on the way, while the losses (left) settle early and do not show it; the printed
# line gives 98% at the end, on 1,000 fresh samples. The grid shows your $G$'s samples with one
# column per digit, 0 to 9 from left to right, each image from its own $z$: every column shows its
# digit, in varied handwriting.
#
# ## 4. The zoo model, measured
#
# The course's cGAN (from the zoo, the models trained in advance), trained longer. Its record holds
# its class accuracy; we measure it again.

# %%
G_zoo = ck.zoo.load("mnist-cgan")
record = ck.zoo.record("mnist-cgan")
print(f"{record['steps']} steps, {record['wall_time_s'] / 60:.1f} min on {record['device']}; retrain: {record['command']}")
y_eval = cgan.balanced_labels(100)
x_eval = cgan.sample(G_zoo, y_eval, generator=ck.seed(0))
overall, per_class = ck.metrics.class_accuracy(x_eval, y_eval, per_class=True)
print(f"class accuracy: recorded {record['metrics']['class_accuracy']:.2%}, measured now {overall:.2%}")
print("per digit:", " ".join(f"{d}:{a:.0%}" for d, a in enumerate(per_class)))

confusion = ck.metrics.confusion_matrix(x_eval, y_eval)
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
axes[0].imshow(confusion, cmap="Blues")
for (i, j), v in zip(torch.cartesian_prod(torch.arange(10), torch.arange(10)).tolist(), confusion.flatten().tolist()):
    if v:
        axes[0].text(j, i, v, ha="center", va="center", fontsize=7, color="white" if v > 50 else "black")
axes[0].set_xlabel("digit the judge reads"); axes[0].set_ylabel("digit asked for"); axes[0].set_title("confusion matrix")
axes[0].set_xticks(range(10)); axes[0].set_yticks(range(10))
ck.viz.show(x_eval.view(10, 100, 1, 28, 28)[:, :8].transpose(0, 1).flatten(0, 1), nrow=10, ax=axes[1],
            title="zoo cGAN: one column per digit", columns=range(10))
plt.show()

# %% [markdown]
# The measured class accuracy matches the record's. Left: the **confusion matrix**, one row per digit
# asked for (100 samples each), one column per digit the judge reads, each cell a count (empty cells
# are 0): the samples read as asked lie on the diagonal, and any number off it is a sample read as
# another digit. Only 6 of the 1,000 samples lie off it, the most for 7 (two read as 9). Right: 8
# samples of each digit, one column per digit, 0 to 9 from left to right.
#
# **Fréchet distance per class.** The Fréchet distance (notebook 00) compares the judge's features
# (the 128 numbers it computes from an image before deciding) of two sets of images, each summed up by
# its mean and covariance; lower is better. For each digit, the features of 100 samples against the
# training digits of that class; the floor is 100 *real* held-out digits (never trained on) of the
# class measured the same way (with so few images the estimate is biased upwards, too high on
# average; compare within the table).

# %%
test = ck.data.mnist("test", verbose=False)
print("digit   generated   floor (held-out real)")
for d in range(10):
    reference = train.images[train.labels == d]
    generated = ck.metrics.fid(x_eval[y_eval == d], reference=reference)
    floor = ck.metrics.fid(test.images[test.labels == d][:100], reference=reference)
    print(f"{d:>5} {generated:11.1f} {floor:11.1f}")

# %% [markdown]
# For every digit but 9 the samples lie further from the training digits than the real held-out
# digits do; for 9 the floor itself is above the samples' number, a reminder that 100 images give a
# rough estimate.
#
# **Data.** These models train on the 4,000 offline digits. With the full MNIST (60,000 training
# digits; the course site's *Data* page says how) the same code trains on 15 times more variety. Run
# this notebook with `COURSEKIT_MNIST_DIR` set to measure what that changes in the Fréchet distances
# above.
#
# ## 5. Ablation: what the label terms buy
#
# An **ablation** removes one part of a method and measures what is lost. Same loop, same steps,
# same seed; only $D$ changes:
#
# * **without the mismatched term**: $D$ sees the label but is never shown a real image with a wrong one;
# * **without the label in $D$**: $D$ judges realism alone; nothing makes $G$ use $y$.

# %%
ABLATION_STEPS = 30 if ck.QUICK else CGAN_STEPS
rows = [("full cGAN loss (trained above)", result)]
for name, options in [("without the mismatched-label term", dict(mismatch=False)),
                      ("without the label in D", dict(mismatch=False, label_in_D=False))]:
    G_ablation, _ = train_conditional(ABLATION_STEPS, log_accuracy=False, desc=name, **options)
    rows.append((name, cgan.evaluate(G_ablation, per_class=100, seed=0)))
print(f"{'':<36} {'class accuracy':>15} {'worst digit':>12} {'Fréchet distance':>17}")
for name, r in rows:
    print(f"{name:<36} {r['class_accuracy']:>15.1%} {r['min_class_accuracy']:>12.0%} {r['fid']:>17.1f}")

# %% [markdown]
# Without the label in $D$, nothing ties $G$'s digit to what we asked: its class accuracy is at
# chance, about 10% (one digit in ten right by luck). It still draws digits: its Fréchet distance is
# higher than the full loss's, but nowhere near an untrained $G$'s (thousands, notebook 01). With the
# label but without the mismatched term, $D$ can still learn which images go with which label channel
# from the pairs it sees, so the label mostly works, but nothing forces it: the class accuracy and
# the worst digit are both lower than with the full loss.
#
# ## 6. Widgets
#
# **Class and style.** The same 16 latent vectors (inputs $z$ of $G$) for every digit. If $y$ carries
# the class and $z$ the style, switching the digit keeps each image's handwriting (slant, thickness,
# width) and moving the style slider changes it.

# %%
ck.widgets.class_and_style(G_zoo)

# %% [markdown]
# The widget shows 16 samples of the digit picked (0 at first), in two rows of 8, each from its own
# $z$: switch the digit and compare each image with the one in the same place before.
#
# **The ten digits of one $z$.**

# %%
ck.widgets.ten_classes(G_zoo)

# %% [markdown]
# Each row is one $z$ drawn with the ten labels, 0 to 9 from left to right, and each row keeps one
# handwriting through the ten digits: bold strokes in the middle row, thin ones in the last.
#
# **Interpolation in label space.** $G$ was only trained on one-hot labels, but it accepts any
# vector: the widget draws $G$ for the label $(1-t)\,e_a + t\,e_b$ ($e_a$ the one-hot vector of digit
# $a$), with $z$ fixed and $t$ from 0 to 1.

# %%
ck.widgets.label_interpolation(G_zoo)

# %% [markdown]
# The row goes from digit $a$ (left, $t = 0$) to digit $b$ (right, $t = 1$) with $z$ fixed; the images
# in the middle come from labels $G$ never saw in training. From 3 to 8 the digit does not morph
# gradually: it switches between the fourth and the fifth image, while the stroke and the slant stay
# the same along the row.
#
# ## 7. Lab: a label that D never reads
#
# A **lab** (notebook 00) is a larger task than an exercise, with a measured goal; any approach that
# reaches the goal passes.
#
# Section 5's last row shows what happens when $D$ judges the image alone: nothing makes $G$ use $y$,
# and its class accuracy is at chance. The **AC-GAN** (auxiliary classifier GAN, Odena et al., 2017)
# keeps $D$ blind to the label and gives it a second job instead: besides *real or fake?*, it answers
# *which digit is this?* (`cgan.AuxiliaryDiscriminator`: one trunk, the shared layers, and two heads,
# a last layer for each question). Make that work.
#
# **The task.** `acgan_step(G, D, opt_G, opt_D, real, y, z)`: one training step, $D$ then $G$, where
# `D(x)` returns the real-or-fake logits `(B,)` and the digit logits `(B, 10)`. `G(z, y)` is this
# notebook's generator. Return the two losses.
#
# **The goal**, read by the judge after 2,000 steps from a fresh G and D (batch 64, Adam 5·10⁻⁴, as in
# section 3): at least 85% of 1,000 samples read as the asked digit, with a Fréchet distance under 30
# (a $G$ that drew one template per digit could reach the accuracy; the Fréchet distance, which also
# measures how varied the samples are, would not pass it). (Quick mode trains 30 steps: enough to
# run your step, not to meet the goal.) Stuck? `ck.hint("lab_acgan")`, one step per call.

# %%
def acgan_step(G, D, opt_G, opt_D, real, y, z):
    """One AC-GAN step: D's two heads learn real/fake and the digit; G wants 'real' and the asked digit."""
    ### BEGIN SOLUTION
    ### HINT: D's second head is a digit classifier: train it on digits whose class you know, and let G ask it for y
    fake = G(z, y)
    source_real, digit_real = D(real)
    source_fake, _ = D(fake.detach())
    # D's digit head learns from the real digits (the paper also trains it on the fakes, which early on
    # are poor digits: here that reaches 88% of the asked digits after 2,000 steps, against 94% without)
    loss_D = dcgan.d_loss(source_real, source_fake) + F.cross_entropy(digit_real, y)
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()

    source_fake, digit_fake = D(fake)
    loss_G = dcgan.g_loss(source_fake) + F.cross_entropy(digit_fake, y)
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    return loss_D.detach(), loss_G.detach()
    ### END SOLUTION


# %%
lab = ck.check.lab_acgan(acgan_step, steps=30 if ck.QUICK else 2000)

# %% [markdown]
# ## What to remember
#
# * Conditioning is just more input: $[z, \text{one\_hot}(y)]$ for $G$, label channels for $D$.
# * $D$ must judge the *pair*: a real image with the wrong label is fake.
# * Measure conditioning by class accuracy under an independent classifier, not by looking.
# * A $D$ blind to the label can still teach $G$ the classes if it also has to name them (AC-GAN).
#
# Next: **03 · Pix2Pix**, where the condition is a whole image.
