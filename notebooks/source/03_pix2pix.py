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
# # 03 · Pix2Pix: image-to-image translation
#
# **Lecture:** image-to-image translation with conditional adversarial networks (Isola, Zhu, Zhou &
# Efros, 2017).
#
# Many tasks turn one picture into another: a label map into a photo, edges into a photo, a photo
# into a map. Pix2Pix treats them all the same way: a **conditional GAN** (notebook 02: a GAN whose
# generator and discriminator both see a condition) **whose condition is the input image** $x$:
#
# $$G^* = \arg\min_G \max_D\ \mathcal L_{cGAN}(G, D) + \lambda\,\mathcal L_{L1}(G), \qquad
# \mathcal L_{L1} = \mathbb E_{x, y}\,\lVert y - G(x)\rVert_1,\ \lambda = 100.$$
#
# * the L1 term (the mean absolute difference, pixel by pixel; $\lambda$ is its weight) makes $G(x)$
#   close to the true photo $y$ (it alone gives blurry averages);
# * the cGAN term makes it *look* real (sharp), judged by a $D(x, y)$ that sees the input too;
# * $G$ is a **U-Net** (an encoder-decoder, which shrinks the image to a small code and grows it back,
#   with skip connections that carry each size across; section 2), $D$ a **PatchGAN** that says real
#   or fake for every patch (section 3);
# * there is no $z$: the only noise is **dropout** (a layer that zeroes a random share of its inputs),
#   kept on at test time.
#
# No face or facade photos can be downloaded offline, so the course renders its own: cartoon faces
# with **ground truth** (the true label map and photo of every face), so every result gets a number.

# %%
import inspect

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import coursekit as ck
from coursekit import faces
from coursekit.models import face_eval, pix2pix

device = ck.device()
print("device:", device, "| quick mode:", ck.QUICK)

# %% [markdown]
# ## 1. The data: faces with label maps and edge maps
#
# `ck.data.faces(n, size, seed)` renders faces from random **factors** (face shape, skin tone, hair
# colour and style, eyes, smile, glasses, pose, background, light), with a per-pixel **label map**
# (background, skin, hair, eyes, mouth, glasses) and an **edge map**. Image $i$ of a seed is always
# the same face. The two tasks of this notebook are the paper's *labels → photo* (its facades) and
# *edges → photo* (its shoes and handbags).

# %%
# NBVAL_CHECK_OUTPUT
sample = ck.data.faces(8, size=64, seed=pix2pix.TEST_SEED)
print(sample, "| parts:", ", ".join(faces.PARTS))
print("factors of face 0:", {k: round(float(v[0]), 2) for k, v in sample.factors.items()})

# %%
ck.viz.show(torch.cat([sample.label_images(), sample.edges.expand(-1, 3, -1, -1), sample.images]), nrow=8,
            title="label maps, edge maps and the photos they come from (held-out faces)",
            labels=["label map", "edge map", "photo"])
plt.show()

# %% [markdown]
# The figure's rows are the label maps (each part in its own colour), the edge maps and the photos;
# each column is one **held-out** face (from a seed that training never draws on), so read down a
# column to see an input and the photo it should become.
#
# Real paired data (facades, maps, cityscapes) ships as files with the input and the photo side by
# side. If you have such a folder, `ck.data.paired_folder` reads it in the same format:
#
# ```python
# labels, photos = ck.data.paired_folder("~/facades/train", size=64, direction="BtoA")
# ```

# %% [markdown]
# ## 2. The generator: a U-Net
#
# An encoder halves the image six times (64 → 1), a decoder doubles it back; **skip connections**
# hand each encoder output to the decoder block of the same size, so fine detail (where the edges
# are) need not squeeze through the 1×1 bottleneck. The course's U-Net, drawn from its own sizes:

# %%
fig = pix2pix.draw_unet(pix2pix.config_for("labels"), size=64)
plt.show()

# %% [markdown]
# The drawing: the encoder's outputs go down the left (pixels × pixels × channels), the decoder's come
# up the right, and each red dashed arrow is a skip joining two outputs of the same size; the top one
# hands the 32×32 encoder output straight across to the decoder's 32×32 output, one layer before
# $G(x)$.
#
# `down` is Conv 4×4 stride 2 (a convolution that moves two pixels at a time, halving the image) +
# BatchNorm + LeakyReLU; `up` is ConvTranspose 4×4 stride 2 (a transposed convolution, which doubles
# it) + BatchNorm (+ dropout 0.5 in the three innermost blocks) + ReLU, as in the paper. (Notebook 01:
# batch norm rescales each channel by its mean and spread over the batch; LeakyReLU is a ReLU with a
# small slope for negative inputs.) Two encoder blocks have no BatchNorm: the first, which reads the
# image itself, and the innermost, whose output is one value per channel (1×1): with the paper's batch
# of one image there would be nothing to normalise over.

# %%
print(inspect.getsource(pix2pix.down))
print(inspect.getsource(pix2pix.up))
G = pix2pix.UNetGenerator(pix2pix.config_for("labels"))
x = sample.label_images()[:2]
for block in G.encoder:
    x = block(x)
    print("encoder", tuple(x.shape))


# %% [markdown]
# **Exercise 1.** Write the U-Net's forward pass from its parts: run the encoder blocks, keeping each
# output; the last one (the bottleneck) is the decoder's input, not a skip; after each decoder block,
# concatenate the encoder output of the same size (decoder output first); end with `G.to_image` and
# `tanh`.

# %%
def unet_forward(G, x):
    # G.encoder, G.decoder: lists of blocks; G.to_image: the last ConvTranspose
    ### BEGIN SOLUTION
    ### HINT: go down through the encoder keeping each block's output, then come up, joining each decoder output with the encoder output of its size
    skips = []
    for block in G.encoder:
        x = block(x)
        skips.append(x)
    skips.pop()
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return torch.tanh(G.to_image(x))
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
unet_forward = ck.check.unet_forward(unet_forward)


# %% [markdown]
# **Sizes.** The paper's generator works on 256×256 images with 64 channels in its first layer and
# eight levels; the course's works on 64×64 with 32 channels and six levels, to train on a CPU:

# %%
# NBVAL_CHECK_OUTPUT
def millions(m):
    return sum(p.numel() for p in m.parameters()) / 1e6

paper = pix2pix.Pix2PixConfig(width=64, depth=8)
ours = pix2pix.config_for("labels")
print(f"U-Net G:    paper {millions(pix2pix.UNetGenerator(paper)):6.2f} M parameters (256x256), "
      f"ours {millions(pix2pix.UNetGenerator(ours)):4.1f} M (64x64)")
print(f"PatchGAN D: paper {millions(pix2pix.PatchDiscriminator(paper)):5.1f} M, "
      f"ours {millions(pix2pix.PatchDiscriminator(ours)):4.1f} M")


# %% [markdown]
# ## 3. The discriminator: PatchGAN
#
# $D$ reads the pair (input, photo) stacked as channels and outputs a **map** of logits (notebook 01:
# scores before the sigmoid, positive for "real"): each one judges one $N \times N$ patch, and the
# loss averages them. The paper argues that L1 already gets the low frequencies right, so $D$ need
# only judge local texture; a small $N$ also means fewer parameters and any image size.
#
# A patch's size is the **receptive field** of one output value. Walking back from the output, each
# layer with kernel $k$ and stride $s$ grows it: $r \leftarrow (r - 1)\,s + k$, starting from $r = 1$.
#
# **Exercise 2.** Write `receptive_field(module)` for a stack of `nn.Conv2d` layers
# (`module.modules()` lists them in order; each has `.kernel_size[0]` and `.stride[0]`).

# %%
def receptive_field(module):
    ### BEGIN SOLUTION
    ### HINT: walk back from one output pixel through the convolutions, widening the region it sees
    convs = [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]
    r = 1
    for conv in reversed(convs):
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0]
    return r
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
receptive_field = ck.check.receptive_field(receptive_field)

# %%
# NBVAL_CHECK_OUTPUT
pair = torch.zeros(2, 6, 64, 64)
for layers in range(5):
    D = pix2pix.PatchDiscriminator(pix2pix.config_for("labels", d_layers=layers))
    out = D(pair[:, :3], pair[:, 3:])
    print(f"d_layers = {layers}: patches of {receptive_field(D):3d}x{receptive_field(D):<3d} "
          f"-> a {out.shape[-2]}x{out.shape[-1]} map of logits")

# %% [markdown]
# `d_layers = 0` is the paper's **PixelGAN** (1×1 patches: it can judge colour only), 3 its default
# **70×70 PatchGAN**, and 4 sees more than our whole 64×64 image (an **ImageGAN**).
#
# ## 4. The losses
#
# $D$ learns real pairs $(x, y) \to 1$ and generated pairs $(x, G(x)) \to 0$; the paper halves its
# loss so that $D$ learns at half $G$'s rate:

# %%
print(inspect.getsource(pix2pix.d_loss))


# %% [markdown]
# **Exercise 3.** Write $G$'s loss: fool $D$ on every patch (the binary cross-entropy, BCE, of the
# logits against 1, as in notebook 01) plus $\lambda$ times the L1 distance to the true photo.

# %%
def pix2pix_g_loss(fake_logits, fake, target, lambda_L1):
    ### BEGIN SOLUTION
    ### HINT: two terms: fool D, and stay close to the true photo; λ weighs the second
    loss_G_GAN = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    loss_G_L1 = F.l1_loss(fake, target)
    return loss_G_GAN + lambda_L1 * loss_G_L1
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
pix2pix_g_loss = ck.check.pix2pix_g_loss(pix2pix_g_loss)

# %% [markdown]
# ## 5. Training labels → photo
#
# The loop: render a fresh batch of faces, update $D$ on real and generated pairs, then $G$ on the
# loss you wrote. Adam (notebook 00's optimiser), learning rate $2\cdot10^{-4}$, $\beta_1 = 0.5$ (its
# momentum, notebook 01), batch 16, as in the paper.

# %%
STEPS = 10 if ck.QUICK else 600
BATCH = 4 if ck.QUICK else 16
ck.seed(0)
G = pix2pix.UNetGenerator(pix2pix.config_for("labels")).to(device)
D = pix2pix.PatchDiscriminator(pix2pix.config_for("labels")).to(device)
opt_G, opt_D = pix2pix.make_optimizers(G, D)
run = ck.train.Run({"G": G, "D": D}, steps=STEPS, plot=["loss_D", "loss_G_GAN", "loss_G_L1"], desc="pix2pix")
with run:
    for step in run.steps():
        batch = ck.data.faces(BATCH, size=64, seed=pix2pix.TRAIN_SEED, start=step * BATCH)
        x, y = batch.label_images().to(device), batch.images.to(device)
        fake = G(x)
        # D: real pairs -> 1, generated pairs -> 0
        loss_D = pix2pix.d_loss(D(x, y), D(x, fake.detach()))
        opt_D.zero_grad()
        loss_D.backward()
        opt_D.step()
        # G: fool D on every patch, and stay close to the true photo
        D.requires_grad_(False)
        loss_G = pix2pix_g_loss(D(x, fake), fake, y, 100.0)
        opt_G.zero_grad()
        loss_G.backward()
        opt_G.step()
        D.requires_grad_(True)
        run.log(loss_D=loss_D, loss_G_GAN=loss_G - 100 * F.l1_loss(fake, y), loss_G_L1=F.l1_loss(fake, y))
print(f"{run.step} steps in {run.seconds:.0f} s")

# %% [markdown]
# The curves are $D$'s loss and $G$'s two terms, step by step: the adversarial term and the L1 term
# (before its weight of 100), the distance to the true photos. Here the L1 term falls in the first few
# dozen steps and then stays flat, while $D$'s loss sinks towards zero and $G$'s adversarial term
# climbs: over this short run $D$ wins easily.

# %%
test = ck.data.faces(8, size=64, seed=pix2pix.TEST_SEED)
condition = test.label_images()
ck.viz.show(torch.cat([condition, pix2pix.translate(G, condition), test.images]), nrow=8,
            title=f"after {run.step} steps: labels, G's photos, the true photos",
            labels=["label map", "G's photo", "true photo"])
plt.show()

# %% [markdown]
# Rows: the label maps, $G$'s photos after this short run, the true photos. Compare each photo with
# the map above it (are the parts where the map puts them?) and with the true photo below (its colours
# are not in the map, so $G$ can only guess them). After 600 steps the photos are blurred heads under a
# coarse grain, with hair and glasses only roughly in place.
#
# The zoo model is the same recipe trained for longer (its record says how long, on what, and the
# command that retrains it):

# %%
G = ck.zoo.load("faces-pix2pix", device=device)
record = ck.zoo.record("faces-pix2pix")
print(f"faces-pix2pix: {record['steps']:,} steps, {record['wall_time_s'] / 60:.0f} min on {record['device']}")
print("retrain:", record["command"])
ck.viz.show(torch.cat([condition, pix2pix.translate(G, condition), test.images]), nrow=8,
            title="the zoo model: labels, G's photos, the true photos",
            labels=["label map", "G's photo", "true photo"])
plt.show()

# %% [markdown]
# The zoo model's photos (middle row) put the hair, eyes, glasses and mouth where the maps do, in
# muddy colours and with a fine grain; this section measures both.
#
# ## 6. Measured as the paper measures it
#
# The paper scores *labels → photo* with an off-the-shelf segmenter, an **FCN** (a fully convolutional
# network: one that labels every pixel of a photo with the part it shows): segment $G$'s photo
# and compare the labels found with the labels given. If $G$ drew a convincing face with the hair,
# eyes and mouth where the map says, the segmenter finds them there. The same score on the **real**
# photos is the ceiling (the segmenter's own error); the same score of one constant picture, the mean
# training photo, shown for every face, is the floor: what a $G$ that ignores its input scores (a face
# is mostly background and skin where every face has them). The course's segmenter (`faces-segmenter`) was
# trained on real renders only. We add the L1 distance to the true photo and a **Fréchet distance**
# (notebook 01: how far the features of $G$'s photos lie from those of the real ones; lower is better)
# in the features of the faces' attribute predictor (`faces-attributes`, a network that reads each
# face's factors back from its photo).
#
# This is the paper's **FCN-score**: the better the photo, the more of the map a segmenter trained on
# real photos finds in it. Two numbers summarise the comparison of the found labels with the given
# ones:
#
# * **per-pixel accuracy**: the share of pixels labelled right, dominated by the large parts
#   (background, skin);
# * **IoU** of a part $c$ (intersection over union): $\frac{|\text{found}_c \cap \text{given}_c|}
#   {|\text{found}_c \cup \text{given}_c|}$, 1 when the part is found exactly where it should be, 0 when
#   not at all; the **mean IoU** averages it over the parts present, so small parts (eyes, mouth) count
#   as much as large ones. (The CycleGAN paper also reports **per-class accuracy**: the share of each
#   part's pixels found, averaged over the parts.)

# %%
segmenter = ck.zoo.load("faces-segmenter", device=device)
attributes = ck.zoo.load("faces-attributes", device=device)
print("segmenter, held out:", ck.zoo.record("faces-segmenter")["metrics"])
N_EVAL = 16 if ck.QUICK else 200
m = pix2pix.evaluate(G, "labels", segmenter, attributes, n=N_EVAL)
print(f"{N_EVAL} held-out faces")
print(f"{'':<22} {'pixel accuracy':>15} {'mean IoU':>9}")
print(f"{'G(labels)':<22} {m['pixel_accuracy']:>15.1%} {m['mean_iou']:>9.3f}")
print(f"{'real photos (ceiling)':<22} {m['pixel_accuracy_real']:>15.1%} {m['mean_iou_real']:>9.3f}")
print(f"{'the mean photo (floor)':<22} {m['pixel_accuracy_floor']:>15.1%} {m['mean_iou_floor']:>9.3f}")
way = [(m[k] - m[k + '_floor']) / (m[k + '_real'] - m[k + '_floor']) for k in ("pixel_accuracy", "mean_iou")]
print(f"G covers {way[0]:.0%} of the way from the floor to the ceiling in pixel accuracy, {way[1]:.0%} in mean IoU")
print(f"L1 to the true photo {m['l1']:.3f} (the mean photo: {m['l1_floor']:.3f}); "
      f"Fréchet distance (attribute features) {m['fid_attributes']:.2f}")
print(f"texture (neighbouring pixels' difference) of G's photos: {m['texture']:.2f} times the true photos'")
print("IoU per part, G's photos / real photos:",
      ", ".join(f"{part} {m['iou'][part]:.2f} / {m['iou_real'][part]:.2f}" for part in m["iou"]))

# %% [markdown]
# Why do $G$'s photos look muddier than the renders, and why do eyes, mouth and glasses score lower
# than skin and hair? The label map says *where* each part is, not its **colour**: skin tone, hair
# colour and background are drawn at random. For one label map many photos are right, and the L1 term
# pulls $G$ towards their average (a muddy mix); only the adversary pushes it to pick one sharp,
# plausible answer. Small parts (eyes, mouth, the thin frames of glasses) are a few pixels wide at
# 64×64, so a blur of one pixel already costs them much of their IoU. And read the texture line: $G$'s
# neighbouring pixels differ *more* than the renders' do (about three times as much). The renders are
# flat colours; what $G$ adds is not detail they have but noise, the **checkerboard** its transposed
# convolutions leave (a regular grid of lighter and darker pixels, where the 4×4 kernels moving two
# pixels at a time overlap unevenly).
#
# The floor says how much of the score is free: one mean face, the same for every map, already has
# most pixels right (a face is mostly background and skin, where every face has them), so read $G$'s
# score as the share of the way it covers from the floor to the ceiling (the print: about half in
# pixel accuracy, less in mean IoU). And look at L1: the mean photo is *closer* to the true photos
# than $G$'s are. A photo that commits to one skin and hair colour pays the whole difference when the
# true photo has another, and the average of the colours pays about half of it. L1 rewards the
# average; that is the blur the adversary is there to fight.
#
# ## 7. The lecture's ablations
#
# Each row trains the same network with one change, for the same number of steps, from the same
# seed: which loss (the paper's table 1), skips or not (its figure 5), and the patch size of $D$
# (its table 3). These runs are short: they show the trend, not the final quality. They were run when
# the zoo model was published; the numbers and pictures come from its record.

# %%
ablations = ck.zoo.extras("faces-pix2pix")["ablations"]
table = record["metrics"]["ablations"]


def colour_variety(x):
    # how much the pictures' average colours differ from one picture to the next
    return x.mean(dim=(2, 3)).std(dim=0).mean()


real = ck.data.faces(6, size=64, seed=pix2pix.TEST_SEED).images
print(f"{table['steps']} steps each, {table['images']} held-out faces. Last two columns, from the 6 pictures "
      "below, against the real renders (1 = like them): texture (neighbour differences) and colour variety")
print(f"{'variant':<30} {'pixel acc.':>10} {'mean IoU':>9} {'L1':>6} {'Fréchet':>8} {'texture':>8} {'variety':>8}")
for key in pix2pix.ABLATIONS:  # each row keyed by its identifier, its label for display
    r, x = table[key], ablations[key]
    print(f"{r['label']:<30} {r['pixel_accuracy']:>10.1%} {r['mean_iou']:>9.3f} {r['l1']:>6.3f} {r['fid_attributes']:>8.1f} "
          f"{pix2pix.texture(x) / pix2pix.texture(real):>8.1f} {colour_variety(x) / colour_variety(real):>8.2f}")
fig, axes = plt.subplots(len(pix2pix.ABLATIONS), 1, figsize=(7, 1.4 * len(pix2pix.ABLATIONS)))
for ax, key in zip(axes, pix2pix.ABLATIONS):
    ck.viz.show(ablations[key], nrow=6, title=table[key]["label"], ax=ax)
plt.tight_layout()
plt.show()

# %% [markdown]
# The figure has one row per variant, its photos for the same six held-out faces (the columns);
# compare the rows' backgrounds and colours, and the grain in each.
#
# What these short runs show, and what they do not (the numbers of the table above):
#
# * **Skips matter.** Without them the parts land worst: the lowest mean IoU of all rows (0.20 against
#   0.31 for the same network with skips). The bottleneck of a plain encoder-decoder loses *where*
#   things are; the paper's figure 5 says the same.
# * **L1 ties G to the input.** *cGAN only* strays furthest from the true photo (L1 0.39 against 0.29
#   for *L1 only*): nothing but $D$ tells it which face to draw.
# * **L1 alone paints the average.** Look at the *L1 only* row: every face gets the same hair colour
#   and the same grey-green background, the average of all the colours the renders use; its colour
#   variety (how much the pictures' average colours differ from one to the next) is 0.19 of the real
#   renders'. With the adversary the pictures choose colours again (the variety column): this is the
#   paper's point that L1 gives "blurry" averages and the GAN term gives plausible choices. (Six
#   pictures are few: read these two columns as a trend.)
# * **The paper's other claim does not show up here.** In its table 1 (Cityscapes, street photos with
#   their label maps, trained for 200 epochs, passes over the training set) L1 + cGAN beats L1 alone on
#   the segmentation score. After 500 steps on our faces, *L1 only* scores best on every measure of the
#   table but colour variety, and even the zoo model, L1 + cGAN for 3,000 steps, stays below it (89% of
#   pixels in section 6, against *L1 only*'s 94% here). Look at the pictures: the variants with a
#   discriminator carry the checkerboard texture (not yet trained away), and in the texture column
#   every one of them is above *L1 only*.
#   A segmenter that only ever saw clean renders may read that grain badly, while an average-coloured,
#   smooth face is easy for it to read; section 8 tests this. Whether *L1 only* stays ahead when both
#   train as long as the zoo model is not measured here; `pix2pix.ablation_study("labels", segmenter,
#   attributes, steps=3000, names=["l1-cgan-the-paper", "l1-only"])` trains and scores both if you want
#   to see. The adversary's gift, sharp texture, matters for photos with texture, detail that the label
#   map does not decide; our renders are flat colours, which leaves L1 almost nothing to blur.
#   Section 8 gives the photos that detail and measures again.
# * **Patch size:** here the 1×1 PixelGAN scores best by far (91% of pixels; 16×16, 34×34, the paper's
#   70×70 and the whole image all score below 80%, in no clear order). A PixelGAN judges each
#   pixel's colour alone: it adds the least texture of the variants with a $D$ and so behaves
#   most like *L1 only*, which the segmenter favours here. The paper found 70×70 best after full
#   training, on photos with texture to judge.

# %% [markdown]
# ## 8. Photos with detail: what the adversary is for
#
# The paper's claim is about **detail the input does not decide**: a label map says *where* the hair
# is, not where each strand falls. For such detail the best L1 answer is the average over all the
# photos that fit the map, and the average of many strands is a smooth smear: the blur. An adversary
# that has seen real hair rejects the smear, and G must draw strands of its own. Our renders have no
# such detail, so there is nothing for L1 to blur. `ck.data.faces(n, detail=True)` draws the same faces
# with it: strands in the hair, pores and blotches in the skin, a mottled and grainy background, at
# two scales each, drawn from every image's own random numbers and not from its factors. The label
# maps are exactly the same.

# %%
flat, rich = ck.data.faces(8, seed=pix2pix.TEST_SEED), ck.data.faces(8, seed=pix2pix.TEST_SEED, detail=True)
ck.viz.show(torch.cat([flat.label_images(), flat.images, rich.images]), nrow=8,
            title="one label map each: the flat render, the photo with detail",
            labels=["label map", "flat render", "with detail"])
plt.show()
print(f"texture (neighbouring pixels' difference): flat renders {pix2pix.texture(flat.images):.3f}, "
      f"with detail {pix2pix.texture(rich.images):.3f}")

# %% [markdown]
# Each column is one face: its label map, the flat render, and the photo with detail drawn for the same
# map. Look at the hair and the background, where the detail is, and at the texture line: the photos
# with detail differ more from pixel to pixel.
#
# The zoo's `faces-pix2pix-detail` is this notebook's model trained on those photos, as long as
# `faces-pix2pix` (3,000 steps), and beside it the same network trained as long with L1 alone: the
# paper's table 1 at equal training. A segmenter that has only seen photos with detail
# (`faces-segmenter-detail`, as the paper's FCN has only seen real photos) reads both.

# %%
record_detail = ck.zoo.record("faces-pix2pix-detail")
study, pictures = record_detail["metrics"]["ablations"], ck.zoo.extras("faces-pix2pix-detail")["ablations"]
print(f"{study['steps']:,} steps each, {study['images']} held-out faces with detail, read by faces-segmenter-detail "
      f"(real photos: {record_detail['metrics']['pixel_accuracy_real']:.1%}, mean IoU "
      f"{record_detail['metrics']['mean_iou_real']:.3f}; the mean photo: "
      f"{record_detail['metrics']['pixel_accuracy_floor']:.1%}, {record_detail['metrics']['mean_iou_floor']:.3f})")
print(f"{'variant':<24} {'pixel acc.':>10} {'mean IoU':>9} {'L1':>6} {'Fréchet':>8} {'texture':>8}")
for r in study.values():
    if isinstance(r, dict):
        print(f"{r['label']:<24} {r['pixel_accuracy']:>10.1%} {r['mean_iou']:>9.3f} {r['l1']:>6.3f} "
              f"{r['fid_attributes']:>8.1f} {r['texture']:>8.2f}")
maps, photos = pix2pix.task_pair(ck.data.faces(6, seed=pix2pix.TEST_SEED, detail=True), "labels")
fig, axes = plt.subplots(len(pictures) + 2, 1, figsize=(7, 1.4 * (len(pictures) + 2)))
ck.viz.show(maps, nrow=6, title="the label maps", ax=axes[0])
for ax, (key, x) in zip(axes[1:], pictures.items()):
    ck.viz.show(x, nrow=6, title=study[key]["label"], ax=ax)
ck.viz.show(photos, nrow=6, title="the true photos", ax=axes[-1])
plt.tight_layout()
plt.show()

# %% [markdown]
# The figure: the label maps, one row per variant, then the true photos with detail; each column is
# one face.
#
# What the table says, all three trained alike on the same photos (the record's numbers):
#
# * **The adversary makes the photos realistic.** In the attribute predictor's features, *cGAN only*'s
#   photos are by far the nearest to real ones (a Fréchet distance of 58, half *L1 only*'s), and
#   L1 + cGAN is a little nearer than L1 alone. Look at the backgrounds: the variants with a $D$ draw a
#   mottled sky of their own, where *L1 only* paints one smooth average grey-green for every face.
# * **L1 alone blurs what the map does not decide.** Its texture is below the real photos' (0.93, and the
#   strands of its hair are gone): the average of all the strands that could be there is a smear. This is
#   the paper's "blurry" result, here for the first time, because here there is detail to blur.
# * **But the adversary overshoots, and the segmenter punishes it.** With a $D$ the photos carry about
#   1.6 to 1.75 times the real texture, grain the segmenter has never seen on a real photo, and colours no
#   render uses. The segmenter reads *L1 only*'s average faces best, *cGAN only*'s next, and L1 + cGAN's
#   worst, below even the mean photo (87% of pixels, the first line): L1's pull to the average and the
#   adversary's push away from it leave a face that is neither. So of the paper's table 1 the realism
#   holds here and the segmentation score does not: in the paper the FCN reads L1 + cGAN best (0.66
#   per-pixel against 0.42 for L1), after 200 epochs of Cityscapes at 256×256; here the three had 3,000
#   steps of 16 photos on a CPU.
# * **L1 keeps G on the face it was asked for.** *cGAN only* strays furthest from the true photo (L1
#   distance 0.39, against 0.29 for *L1 only*): it draws a plausible face, not always this one.
#
# Is it only training time? These runs cannot say: all three stopped at 3,000 steps.
# `pix2pix.ablation_study` with `detail=True` and more `steps` trains and scores them again, at the
# cost of a long run on a CPU.

# %% [markdown]
# ### What the judge punishes: blur or grain?
#
# The natural reading of the paper's table 1 is that its FCN score rewards L1 + cGAN because an FCN
# cannot find the parts in a blurry photo. Does our segmenter fail on blur? Take the *real* photos with
# detail, spoil them on purpose, a little blur, more blur, a faint grain (random noise added to every
# pixel), a uniform colour cast (one colour shift added to the whole photo), and read them again. A
# blur's sigma (σ) is the width of its Gaussian, in pixels. Each row's texture is the same ratio as
# the table's texture column, so the rows can be set beside the three variants.

# %%
from torchvision.transforms.functional import gaussian_blur

seg_detail = ck.zoo.load("faces-segmenter-detail", device=device)
probe = ck.data.faces(N_EVAL, seed=pix2pix.TEST_SEED, detail=True)
noise = torch.randn(probe.images.shape, generator=torch.Generator().manual_seed(0))
cast = torch.randn(N_EVAL, 3, 1, 1, generator=torch.Generator().manual_seed(1))
spoilt = {
    "the real photos": probe.images,
    "blur, sigma 0.5 px": gaussian_blur(probe.images, 7, 0.5),
    "blur, sigma 1 px": gaussian_blur(probe.images, 7, 1.0),
    "blur, sigma 2 px": gaussian_blur(probe.images, 7, 2.0),
    "grain, 0.05 per pixel": (probe.images + 0.05 * noise).clamp(-1, 1),
    "grain, 0.1 per pixel": (probe.images + 0.1 * noise).clamp(-1, 1),
    "colour cast, 0.2": (probe.images + 0.2 * cast).clamp(-1, 1),
}
print(f"{'the real photos, spoilt':<24} {'texture':>8} {'pixel acc.':>10} {'mean IoU':>9}")
for name, x in spoilt.items():
    s = face_eval.segmentation_scores(face_eval.segment(seg_detail, x), probe.labels)
    print(f"{name:<24} {pix2pix.texture(x) / pix2pix.texture(probe.images):>8.2f} "
          f"{s['pixel_accuracy']:>10.1%} {s['mean_iou']:>9.3f}")

# %% [markdown]
# Read it beside the table of the three variants:
#
# * **Blur hurts only when there is a lot of it, and then the small parts.** At σ = 1 px the mean IoU
#   falls to 0.58 while 98% of the pixels are still right: the pixels lost are few, so they are those
#   of the small parts (eyes, mouth), which count as much as the large ones in the mean IoU. That is
#   the paper's effect. But *L1 only* is blurred far less (its texture, 0.93, is above that of the
#   smallest blur, σ = 0.5 px), and a blur that small costs the segmenter almost nothing. At 64×64 with
#   our detail, the average of the strands is a smear *inside* the hair; the hair is still where it
#   should be.
# * **Grain and colour hurt at once.** A faint grain of the adversary's size (texture 1.6) costs eight
#   points of pixel accuracy, a colour cast as many: what the variants with a $D$ add, and what no photo
#   the segmenter was trained on had.
#
# So the paper's score needs two things this setting lacks: a blur large enough to hide parts (as it
# can in the paper's Cityscapes street scenes, where signs and pedestrians are small), and a judge
# that has seen the noise of real photos (the paper's FCN was trained on them). Here L1's blur is too
# small to hide anything and the judge is brittle to the adversary's grain, so the segmentation score
# reads the opposite of the paper's, while the realism score (Fréchet) reads as the paper's does.

# %% [markdown]
# ### A judge that has seen a camera
#
# The second condition we can give. `faces-segmenter-camera` is the same segmenter trained on the same
# photos, each passed first through `face_eval.through_camera`: about half of them get a blur (σ 0.3 to
# 1.5 px), half a grain, half a colour cast, as a camera's focus, sensor and white balance would give
# them. The cell shows what the camera does to a few photos, prints how well the new judge reads
# held-out photos as they are and through the camera, and then sets both judges' readings side by side:

# %%
print(inspect.getsource(face_eval.through_camera))
clean = ck.data.faces(8, seed=pix2pix.TEST_SEED, detail=True).images
ck.viz.show(torch.cat([clean, face_eval.through_camera(clean, torch.Generator().manual_seed(0))]), nrow=8,
            title="photos with detail, and the same through the camera",
            labels=["photo", "through camera"])
plt.show()
camera = ck.zoo.record("faces-segmenter-camera")["metrics"]
print(f"faces-segmenter-camera on held-out photos: {camera['pixel_accuracy']:.1%} of pixels, mean IoU "
      f"{camera['mean_iou']:.3f}; through the camera: {camera['camera_pixel_accuracy']:.1%}, "
      f"{camera['camera_mean_iou']:.3f}\n")
print(f"{'':<24} {'faces-segmenter-detail':>23} {'faces-segmenter-camera':>23}")
print(f"{'':<24} {'pixel acc.':>12} {'mean IoU':>10} {'pixel acc.':>12} {'mean IoU':>10}")
judged = {"the real photos (ceiling)": ("_real", record_detail["metrics"]),
          "the mean photo (floor)": ("_floor", record_detail["metrics"])}
judged.update({name: ("", r) for name, r in study.items() if isinstance(r, dict)})
for name, (end, r) in judged.items():
    c = r["camera_judge"]
    print(f"{name:<24} {r['pixel_accuracy' + end]:>12.1%} {r['mean_iou' + end]:>10.3f} "
          f"{c['pixel_accuracy' + end]:>12.1%} {c['mean_iou' + end]:>10.3f}")

# %% [markdown]
# The figure: eight photos with detail (top row) and the same eight through the camera (bottom row);
# look for the softer edges, the grain and the shifted colours.
#
# The new judge reads clean photos about as well as the first (the ceiling rows of the table). With a
# judge that has seen grain, the adversary's photos are read almost as well as the real ones: L1 +
# cGAN's pixel accuracy rises from 76% to 98%, and its mean IoU and *cGAN only*'s scores rise with
# it. Most of the gap to *L1 only* was the judge's brittleness. But the order does not turn: *L1 only*
# still reads best. What is missing is the first condition, a blur that hides parts: at 64×64 L1's
# smear stays inside each part, and every part stays where the map put it. The realism (Fréchet) and
# sharpness (texture) columns agree with the paper's findings; its table 1's segmentation column does
# not, most likely because it needs larger images with more left undecided, which a CPU lecture
# cannot train.

# %% [markdown]
# ## 9. A second task: edges → photo
#
# The same code with a one-channel edge map as the input (the paper's shoes and handbags):

# %%
G_edges = ck.zoo.load("faces-pix2pix-edges", device=device)
edges = test.edges
ck.viz.show(torch.cat([edges.expand(-1, 3, -1, -1), pix2pix.translate(G_edges, edges), test.images]), nrow=8,
            title="edges, G's photos, the true photos", labels=["edge map", "G's photo", "true photo"])
plt.show()
m_edges = pix2pix.evaluate(G_edges, "edges", segmenter, attributes, n=N_EVAL)
print(f"edges -> photo: segmenter pixel accuracy {m_edges['pixel_accuracy']:.1%} "
      f"(ceiling {m_edges['pixel_accuracy_real']:.1%}), L1 {m_edges['l1']:.3f}")
print("The edges do not say which colour the hair or the skin is: G has to guess, and L1 punishes guesses.")
print(f"(A shorter run than the labels model: {ck.zoo.record('faces-pix2pix-edges')['steps']:,} steps.)")

# %% [markdown]
# Rows: the edge maps, $G$'s photos, the true photos; look at whether each part lands inside its
# outline, and at the colours, which the edges do not give. The print scores these photos below the
# labels model of section 6 (82% of pixels against 89%), from a shorter run.
#
# ## 10. Explore
#
# Redraw the faces with other factors: the label map changes, and $G$ draws a new photo from it.

# %%
ck.widgets.face_factors(G, task="labels")

# %% [markdown]
# The widget's picture: the label maps (top), $G$'s photos (middle) and the renderer's true photos
# (bottom), one face per column; change a control and look at whether $G$'s photo follows the map.
#
# Pix2Pix has no $z$; its only randomness is dropout. How much variety does it give for one input?
# (The paper: "only minor stochasticity".) Bright pixels in the last picture are where the draws differ.

# %%
ck.widgets.dropout_variety(G, condition[:4])

# %% [markdown]
# The widget's row: the input map, six photos from six dropout draws, and their per-pixel spread
# (bright where the draws differ). The six photos look almost alike, as the paper found; what spread
# there is lies inside the face.
#
# ## 11. Lab: the same weights, better photos
#
# Every photo in this notebook came from `pix2pix.translate`, which runs $G$ the way PyTorch models
# are usually run at test time: `G.eval()`, with dropout switched back on as the paper's noise. The
# paper runs its generator a little differently at inference, and it matters here.
#
# **The task.** `translate(G, conditions)`: `G` is a copy of the zoo's labels → photo generator,
# `conditions` the label maps of 200 held-out faces `(200, 3, 64, 64)`. Return their photos
# `(200, 3, 64, 64)` in [-1, 1]. The weights must stay as they are (no training, no editing);
# everything else about how $G$ runs is yours to choose.
#
# **The goal**, scored as in section 6: the segmenter reads at least 91% of the pixels as the input
# labels say, and the Fréchet distance to the true photos is at most 150 (`pix2pix.translate`: 88% and
# 182, the zoo record). Stuck? `ck.hint("lab_inference")`, one step per call.

# %%
def translate(G, conditions):
    """G's photos (N, 3, 64, 64) for label maps (N, 3, 64, 64), run as the paper runs it at inference."""
    ### BEGIN SOLUTION
    ### HINT: which layers of the U-Net behave differently in training and at test, and how does the paper run each?
    # The paper (section 3.3) runs G at test time exactly as in training: dropout on, and batch norm with the
    # statistics of the test batch instead of the running averages gathered in training.
    for module in G.modules():
        if isinstance(module, (torch.nn.BatchNorm2d, torch.nn.Dropout)):
            module.train()
    dev = next(G.parameters()).device
    with torch.no_grad():
        return torch.cat([G(chunk.to(dev)).cpu() for chunk in conditions.split(100)])
    ### END SOLUTION


# %%
lab = ck.check.lab_inference(translate)

# %% [markdown]
# Why should batch statistics beat the running averages? Batch norm's **running averages** (the means
# and spreads it gathers, step by step, during training) follow the statistics of the *training*
# batches as $G$ changed, with a lag, while the test batch gives the statistics of the very maps being
# translated; in the paper's batch of one image they are the statistics of that image alone
# (**instance normalisation**: each image normalised by its own statistics, as notebook 04's CycleGAN
# does). The price: a photo depends a little on which other maps share its batch, which is why
# `pix2pix.translate` and every number of this notebook keep PyTorch's usual `eval()` convention. The
# check above prints what your `translate` reaches; run it on the other choices too: batch statistics
# in batches of 16, 50 or 200 maps, dropout off with the running averages, the average of several
# dropout draws.

# %% [markdown]
# ## What to remember
#
# * Pix2Pix is a conditional GAN whose condition is an image, with L1 to the target added: L1 gets
#   the content right, the adversary makes it sharp.
# * The U-Net's skips carry the input's layout to the output.
# * The PatchGAN judges texture patch by patch; its patch size is its receptive field.
# * The adversary earns its keep on detail the input does not decide: there L1 alone blurs, and the cGAN
#   draws photos nearer real ones (section 8). Measure both realism and faithfulness: here they disagree.
# * A judge scores what it has learned to read: spoil real photos on purpose to see what it punishes
#   (here grain and colour casts, not a small blur) before reading a model's score from it.
# * It needs **paired** data. Notebook 04 (CycleGAN) drops that requirement.
