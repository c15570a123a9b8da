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
# # 07 · GAN inversion and editing
#
# **Lecture:** GAN inversion and image editing (after Zhu et al., *Generative visual manipulation on the
# natural image manifold*, 2016; Abdal et al., *Image2StyleGAN*, 2019; Shen et al., *InterFaceGAN*,
# 2020; Härkönen et al., *GANSpace*, 2020).
#
# A GAN draws an image from a code; it gives no code for an image it is shown. **Inversion** finds one:
# the code $z^*$ whose image $G(z^*)$ looks like a given photo $x$. Once we have it, everything
# notebook 06 learned about the code space applies to that photo: move $w^*$ (the same idea in $W$, the
# space of the mapping network's outputs, notebook 06) along a direction and the *photo* smiles.
#
# Three ways to invert, all measured on the same **held-out** faces (faces the generator never saw in
# training). The table gives the lecture's expectations; section 5 measures them:
#
# | method | idea | speed | exactness |
# |---|---|---|---|
# | 1. optimisation | $z^* = \arg\min_z \lVert G(z) - x\rVert$ by gradient descent | slow (hundreds of steps) | good |
# | 2. encoder | a network $E$ trained to map images to codes | one forward pass | rough |
# | 3. encoder + optimisation | start the optimisation at $E(x)$ | in between | best |
#
# Then **editing**: directions in $W$ from a linear classifier (InterFaceGAN) or from principal
# components (GANSpace), each scored by the **attribute predictor** (`faces-attributes`, notebook 03's
# network that reads every factor of a face back from its image: does the asked factor move, do the
# others stay?), and the lecture's **editing objective** with its two weights.
#
# The generator is notebook 06's zoo StyleGAN (the course's pre-trained `faces-stylegan`, 32×32 faces).

# %%
import matplotlib.pyplot as plt
import torch

import coursekit as ck
from coursekit import faces
from coursekit.models import inversion, stylegan

device = ck.device()
ck.seed(0)  # the same numbers every run (on the CPU)
print("device:", device, "| quick mode:", ck.QUICK)
G = ck.zoo.load("faces-stylegan", device=device)
attributes = ck.zoo.load("faces-attributes", device=device)
N_FACES = 4 if ck.QUICK else 16  # held-out faces the methods are compared on
STEPS = 20 if ck.QUICK else 200  # optimisation steps per inversion

# %% [markdown]
# ## 1. The faces to invert
#
# Real renders (the course's faces are drawn by a program from known factors) that the generator never
# saw: the faces data set's held-out seed, brought down to the 32×32 the generator draws. They are
# *real* images: nothing promises that $G$ can draw them exactly.

# %%
targets = inversion.held_out_targets(N_FACES, size=G.config.resolution).to(device)
ck.viz.show(targets, nrow=8, title="held-out real faces to invert")
plt.show()

# %% [markdown]
# These are the targets, eight to a row in no particular order: every method below tries to draw
# each of them, and the figures of sections 5 and 6 show the first few again in their top row.
#
# ## 2. What "looks like" means: the inversion loss
#
# Pixels alone make a poor judge: a blurred face is close in pixels to many faces. So the loss adds a
# **perceptual** term, the distance between the features $\phi$ of a network that knows faces (the
# numbers in one of its inner layers), weighted by $\lambda_p$:
#
# $$\mathcal L(x', x) = \operatorname{mean}\big((x' - x)^2\big) + \lambda_p\, \operatorname{mean}\big((\phi(x') - \phi(x))^2\big).$$
#
# The papers use the features of VGG (a large image classifier) trained on ImageNet (a million labelled
# photos); we have no downloads, so $\phi$ is the course's own attribute predictor (notebook 03): its
# 128-d features are the layer from which it reads every factor of these faces.
#
# **Exercise 1.** Write the inversion loss. `features` is $\phi$ (a function of an image batch), `weight`
# is $\lambda_p$.

# %%
import torch.nn.functional as F


def inversion_loss(fake, target, features, weight):
    ### BEGIN SOLUTION
    ### HINT: two distances between the generated and the target image: in pixels, and in the features of a network
    return F.mse_loss(fake, target) + weight * F.mse_loss(features(fake), features(target))
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
inversion_loss = ck.check.inversion_loss(inversion_loss)


# %% [markdown]
# ## 3. Method 1: optimisation, one step at a time
#
# Start from a code, draw its image, measure the loss, and step the code against the gradient:
# $c \leftarrow c - \eta\,\nabla_c \mathcal L(G(c), x)$. The generator stays frozen; only the code moves.
#
# **Exercise 2.** Write one step of plain gradient descent on the pixel loss
# `F.mse_loss(synthesize(code), target)`: make `code` a leaf that needs a gradient, take the gradient
# with `torch.autograd.grad`, and return the new code, detached.

# %%
def gradient_step(code, target, synthesize, lr):
    ### BEGIN SOLUTION
    ### HINT: one step of gradient descent on the code, with the pixel loss of what the code draws
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
    return (code - lr * grad).detach()
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
gradient_step = ck.check.gradient_step(gradient_step)

# %% [markdown]
# Plain gradient descent on one face, in $W$, from the mean $w$ (the average $w$ of many random codes
# passed through the mapping network: the face notebook 06's truncation with $\psi = 0$ draws). The
# cell prints the pixel loss at the start and at the end, and shows the target, the start and the
# result:

# %%
draw_w = lambda c: inversion.synthesize(G, c, "w")  # noqa: E731
one = targets[:1]
code_w = inversion.start_code(G, 1, "w").to(device)
losses = []
for step in range(10 if ck.QUICK else 100):
    code_w = gradient_step(code_w, one, draw_w, lr=20.0)
    with torch.no_grad():
        losses.append(F.mse_loss(draw_w(code_w), one).item())
print(f"pixel loss: start {losses[0]:.4f}, after {len(losses)} steps {losses[-1]:.4f}")
with torch.no_grad():
    ck.viz.show(torch.cat([one, draw_w(inversion.start_code(G, 1, "w").to(device)), draw_w(code_w)]),
                nrow=3, title="plain gradient descent in W", columns=["target", "mean w", "after"])
plt.show()

# %% [markdown]
# Compare the third face with the first, and the printed loss at the end with the one at the start:
# that is how far plain gradient descent got in this many steps.
#
# In practice we use Adam (an optimiser with a step size per coordinate, scaled by that coordinate's
# recent gradients), the perceptual term, and choose *where* the code lives:
#
# * **Z**: the prior's space (the distribution $z$ is drawn from, $\mathcal N(0, I)$); every code is a
#   face the generator was trained to draw, but the mapping network stands between the code and the image;
# * **W**: the mapping network's outputs, one $w$ for all layers; a face StyleGAN could draw;
# * **W+**: a separate $w$ per layer (one per style input of the synthesis network, the part of $G$ that
#   draws the image from the styles; 8 here), far more freedom: it can draw faces $G$ never drew, and
#   Image2StyleGAN found that it reconstructs best, at the price of codes off the learned distribution
#   (section 5 measures it here).
#
# `inversion.invert` does it; here is its loop:

# %%
import inspect

print(inspect.getsource(inversion.invert))

# %% [markdown]
# ## 4. Method 2: an encoder
#
# Optimisation costs hundreds of passes through $G$ per image. An encoder $E$ is trained once, on pairs
# the generator draws itself: sample $w$, draw $G(w)$, and teach $E$ to return the $w$ (and, since a code
# can be wrong where $G$ does not care, to redraw the same image). After that, inversion is one forward
# pass. A few steps live, then the zoo's encoder (`faces-stylegan-encoder`, trained the same way for
# longer). Its record scores it twice, on held-out real faces and on faces $G$ drew itself, with the
# three scores of section 5's table: `pixel_mse` (the mean squared pixel error of the inversion),
# `perceptual` (the squared distance of the attribute predictor's features, section 2's second term) and
# `factors_kept` (the share of class factors, such as face shape or hair colour, that the attribute
# predictor reads the same on the inversion as on the target).

# %%
E_live, run = inversion.train_encoder(G, steps=5 if ck.QUICK else 150, batch_size=16, device=device, desc="encoder")
print(f"{run.step} steps in {run.seconds:.0f} s")
E = ck.zoo.load("faces-stylegan-encoder", device=device)
record = ck.zoo.record("faces-stylegan-encoder")
print(f"zoo encoder: {record['steps']:,} steps, {record['wall_time_s'] / 60:.0f} min on {record['device']}")
for where, scores in record["metrics"].items():
    print(f"  on {where.replace('_', ' ')} faces: {scores}")

# %% [markdown]
# Compare the record's two lines. The encoder learned from $G$'s drawings only, and a real face can lie
# off what $G$ draws, so any gap between the line of real faces and the line of $G$'s own is the price
# of that.
#
# ## 5. Method 3, and the three methods side by side
#
# Start the optimisation in W+ at the encoder's guess. The table scores every method on the same
# held-out faces: the pixel error, the perceptual distance, the share of class factors (face shape, hair
# colour...) that the attribute predictor reads the same on the inversion as on the photo, and the time
# per image. The three optimisations in Z, W and W+ start from the mean code and take the same number of
# steps as method 3. Below the table, the first faces: the targets in the top row, then one row per
# method in the table's order.

# %%
table, images, method_codes = inversion.compare_methods(G, E, targets, attributes, steps=STEPS)
print(f"{'method':<30} {'pixel MSE':>9} {'perceptual':>10} {'factors kept':>12} {'s / image':>9}")
for name, row in table.items():
    print(f"{name:<30} {row['pixel_mse']:>9.4f} {row['perceptual']:>10.4f} {row['factors_kept']:>12.2f} "
          f"{row['seconds_per_image']:>9.3f}")
shown = min(6, len(targets))
rows = [targets[:shown]] + [img[:shown] for img in images.values()]
names = ["target", *images]
ck.viz.show(torch.cat(rows).clamp(-1, 1), nrow=shown, title="the first faces, one row per method",
            labels=names)
plt.show()

# %% [markdown]
# In the figure, compare each row with the top one: which methods keep the hair, the skin and the
# background of the target, and which only come near.
#
# Read the table for the lecture's trade-off, column by column: the time per image of the encoder
# (one forward pass) against the optimisations' (hundreds of passes); the errors of optimisation in Z,
# W and W+, where the lecture expects the freer space to reconstruct better; and the two W+ rows, one
# started at the mean and one at the encoder's guess, after the same number of steps.
#
# We keep the codes of the lecture's best method, encoder + optimisation in W+, for editing.

# %%
best = "encoder + optimisation in W+"
codes, inverted = method_codes[best], images[best]

# %% [markdown]
# ## 6. Directions to edit along
#
# **InterFaceGAN**: draw many faces, read a binary attribute of each (a yes/no label: smile above its
# median, glasses on...), and fit a linear classifier on their $w$: a hyperplane in $W$ with the
# faces of one label on each side. The normal of its hyperplane (the unit vector at right angles to it)
# is the direction that changes the attribute fastest. **GANSpace**: no labels at all; the principal
# directions of $W$ (principal component analysis: the directions along which the $w$ of many faces
# vary most, PC1 the most), which we then have to name by looking.
#
# We score each edit on the inverted *real* faces with the attribute predictor: how far the target factor
# moves (0: not at all, 1: the whole range), and how far the others move on average (**entanglement**:
# an edit of one factor that moves others too). Each edit moves the code by three times the spread of
# $w$ along the direction (the standard deviation of many faces' $w$ projected onto it). The table has
# one row per direction; a GANSpace row has no target, so it gives the mean movement of all factors and
# the two it moves most.

# %%
with torch.no_grad():
    w = G.mapping(stylegan.codes(G, 500 if ck.QUICK else 4000, seed=21))
    drawn = G.synthesis(w.unsqueeze(1).repeat(1, G.config.num_ws, 1), use_noise=False).clamp(-1, 1)
labels = stylegan.binary_attributes(stylegan.read_attributes(attributes, drawn))
TARGETS = {"smile": "smile>median", "light": "light>median", "x": "x>median", "tilt": "tilt>median",
           "background": "background=2", "hair_colour": "hair_colour=1"}
directions = {factor: inversion.interfacegan_direction(w.cpu(), labels[label]).to(device)
              for factor, label in TARGETS.items()}
pcs, pc_std = inversion.ganspace_directions(G, k=4, n=500 if ck.QUICK else 5000)
w_std = lambda d: (w @ d).std().item()  # noqa: E731


def score_edit(direction, target=None, sigmas=3.0, codes=codes, inverted=inverted):
    after = inversion.edit(G, codes, direction, sigmas * w_std(direction)).clamp(-1, 1)
    return inversion.edit_scores(attributes, inverted.clamp(-1, 1), after, target), after


print(f"{'direction':<22} {'target moved':>12} {'others moved':>12}   the other factor it moves most")
edit_rows = {}
for factor, d in directions.items():
    s, _ = score_edit(d, factor)
    worst = max((f for f in s["per_factor"] if f != factor), key=s["per_factor"].get)
    edit_rows[f"InterFaceGAN {factor}"] = s
    print(f"{'InterFaceGAN ' + factor:<22} {s['target']:>12.3f} {s['others']:>12.3f}   {worst} ({s['per_factor'][worst]:.3f})")
for k in range(len(pcs)):
    moved, _ = score_edit(pcs[k].to(device))
    top = sorted(moved, key=moved.get, reverse=True)[:2]
    print(f"{'GANSpace PC' + str(k + 1):<22} {'':>12} {sum(moved.values()) / len(moved):>12.3f}   "
          f"moves most: {top[0]} ({moved[top[0]]:.3f}), {top[1]} ({moved[top[1]]:.3f})")

# %% [markdown]
# Read the rows against notebook 06's separability table (how cleanly a hyperplane in $W$ splits each
# attribute, in bits: 0 when it splits it cleanly, 1 when it tells nothing). A direction is clean when
# its *target moved* is large beside its *others moved*; the last column names the factor it drags
# along most. Where notebook 06 found an attribute poorly separable (close to 1 bit), expect a weak
# normal: the target moves little at three standard deviations of $w$. Where a direction drags one
# factor along, the likely reason is that the faces the classifier learned from do not vary the two
# independently enough. A linear edit can only be as clean as the space is **disentangled** (each factor
# along its own direction). The GANSpace rows show which factors each principal direction moves:
# unsupervised, they follow the largest variation of $W$, which need not be one named factor.
#
# **Reconstruction against editability.** The codes of encoder + optimisation in W+, the lecture's best
# reconstruction, can lie where the mapping network never puts a code, and the directions were learned
# from codes it did put. The same edits on the encoder's codes alone (section 5's table scored their
# reconstruction on its own row):

# %%
EDIT_CODES, EDIT_FACES = method_codes["encoder"], images["encoder"]
print(f"{'direction':<22} {'target moved: encoder + optimisation':>36} {'encoder alone':>14}")
for factor, d in directions.items():
    s_enc, _ = score_edit(d, factor, codes=EDIT_CODES, inverted=EDIT_FACES)
    print(f"{'InterFaceGAN ' + factor:<22} {edit_rows['InterFaceGAN ' + factor]['target']:>36.3f} {s_enc['target']:>14.3f}")


# %% [markdown]
# The table gives, for each direction, how far the target factor moves from the optimised codes (left)
# and from the encoder's (right). Where the right column is larger, the optimised codes have left the
# region the directions describe: the price of the better reconstruction (the distortion–editability
# trade-off named by Tov et al., 2021, in their encoder for StyleGAN editing: the more exactly a code
# draws the photo, the less well it may edit). The direction edits below (the projection and the
# widget) start from the encoder's codes, so that they stay where the directions were learned.
#
# ### Projecting out an attribute
#
# If editing the hair colour also moves another factor, remove that factor's direction from it:
# $d' = d - (d \cdot \hat o)\,\hat o$, renormalised, with $\hat o$ the other factor's direction at unit
# length. To first order the edit then leaves the other factor alone (InterFaceGAN's **conditional
# manipulation**: edit one attribute on condition that another stays). The cell after the exercise
# picks the factor the hair-colour edit drags most, removes its direction, and prints how far both
# factors move before and after.
#
# **Exercise 3.** Write `project_out(direction, other)`: normalise `other`, subtract the projection of
# `direction` onto it, and return the result at unit length.

# %%
def project_out(direction, other):
    ### BEGIN SOLUTION
    ### HINT: remove from the direction its component along the other direction, then make it unit length
    o = other / other.norm()
    d = direction - (direction @ o) * o
    return d / d.norm()
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
project_out = ck.check.project_out(project_out)

# %%
EDITED = "hair_colour"
s, after = score_edit(directions[EDITED], EDITED, codes=EDIT_CODES, inverted=EDIT_FACES)
other = max((f for f in s["per_factor"] if f != EDITED), key=s["per_factor"].get)  # what it drags along most
# that factor's own direction: for a class factor, the class whose direction is most aligned with the edit
candidates = {lab: inversion.interfacegan_direction(w.cpu(), labels[lab]).to(device) for lab in labels
              if lab.split("=")[0].split(">")[0] == other and 0.02 < labels[lab].float().mean() < 0.98}
label = max(candidates, key=lambda lab: abs(F.cosine_similarity(directions[EDITED], candidates[lab], dim=0)))
clean = project_out(directions[EDITED], candidates[label])
s_clean, after_clean = score_edit(clean, EDITED, codes=EDIT_CODES, inverted=EDIT_FACES)
print(f"the {EDITED} edit moves {other} by {s['per_factor'][other]:.3f}; with the direction of {label} projected "
      f"out by {s_clean['per_factor'][other]:.3f} ({EDITED} moves {s['target']:.3f} -> {s_clean['target']:.3f}, "
      f"the others on average {s['others']:.3f} -> {s_clean['others']:.3f})")
shown = min(6, len(targets))
ck.viz.show(torch.cat([targets[:shown], EDIT_FACES[:shown].clamp(-1, 1), after[:shown], after_clean[:shown]]), nrow=shown,
            title=f"an edit of {EDITED}, with and without {label} projected out",
            labels=["target", "inverted", f"+ {EDITED}", f"+ {EDITED}, {label} out"])
plt.show()

# %% [markdown]
# The figure's rows: the targets, the encoder's inversions, the hair-colour edit, and the same edit with
# the other factor's direction projected out; compare the last two rows for the factor named in the
# printed line. The projection takes away the part of the hair-colour direction that lay along the
# other factor's, so, to first order, that factor should move less; the printed line gives how much
# less, and whether the hair colour itself lost some of its movement with it.

# %% [markdown]
# ## 7. The editing objective
#
# A direction moves every face the same way. The lecture's objective asks for the result instead:
#
# $$w^* = \arg\min_w\; U(G(w)) + \lambda_1 \lVert w - w_0\rVert^2 - \lambda_2\, D(G(w)),$$
#
# * $U$, the **user's constraint**: here "a broad smile", read by the attribute predictor (a loss that
#   is small when the face reads as smiling broadly);
# * $\lambda_1\lVert w - w_0\rVert^2$: stay close to the inverted face $w_0$, so it stays *that* face;
# * $-\lambda_2 D(G(w))$: stay realistic, as judged by the GAN's own discriminator $D$ (the network
#   that scored real against generated faces in training, kept in the zoo beside the generator; a
#   higher score means "more real").
#
# With $\lambda_1 = 0$ nothing holds the face: it may become another face that smiles. With a large
# $\lambda_1$ nothing changes. Each row of the table optimises the same inverted faces with Adam for one
# setting of $(\lambda_1, \lambda_2)$, and gives the final $U$, the distance $\lVert w - w_0\rVert^2$,
# the $D$ score, and, as in section 6, how far the smile and the other factors moved from the start:

# %%
D = stylegan.zoo_discriminator(device=device)
user = inversion.attribute_constraint(attributes, "smile", 1.0)
w0 = codes[:2 if ck.QUICK else 8]
start = inverted[:len(w0)].clamp(-1, 1)
with torch.no_grad():
    print(f"start: U {user(start).mean():.3f}, D {D(start).mean():.2f}")
SETTINGS = [(0.0, 0.0), (0.1, 0.0)] if ck.QUICK else [(0.0, 0.0), (0.01, 0.0), (0.1, 0.0), (1.0, 0.0),
                                                      (0.0, 0.1), (0.01, 0.1)]
print(f"{'λ1':>5} {'λ2':>5} {'U':>7} {'‖w−w0‖²':>8} {'D':>7} {'smile moved':>11} {'others moved':>12}")
edited = []
for lam1, lam2 in SETTINGS:
    _, x, terms = inversion.editing_objective(G, D, w0, user, lam1, lam2, steps=5 if ck.QUICK else 100)
    s = inversion.edit_scores(attributes, start, x.clamp(-1, 1), "smile")
    edited.append(x.clamp(-1, 1))
    print(f"{lam1:>5} {lam2:>5} {terms['user']:>7.3f} {terms['distance']:>8.2f} {terms['realism']:>7.2f} "
          f"{s['target']:>11.3f} {s['others']:>12.3f}")
shown = min(4, len(w0))
ck.viz.show(torch.cat([start[:shown]] + [x[:shown] for x in edited]), nrow=shown,
            title="the editing objective, one row per setting", labels=["start"] + [f"λ1 {a:g}, λ2 {b:g}"
                                                                           for a, b in SETTINGS])
plt.show()

# %% [markdown]
# The figure's top row is the start, the inverted faces; each row below is one setting, in the table's
# order: look for the smile, and for whether each face stays the one at the top of its column.
#
# Read the table's rows from the top, against the start line. With $\lambda_1 = 0$, see how low $U$
# gets, how far the code travels ($\lVert w - w_0\rVert^2$) and how much the *other* factors move:
# nothing holds the face. As $\lambda_1$ grows, the objective trades the constraint for the identity:
# compare the distance and the other factors' movement with $U$ and the smile's movement, row by row.
# The last two rows add $\lambda_2$, the discriminator's opinion: compare their $D$ column and their $U$
# with the rows of the same $\lambda_1$ without it.
#
# ## 8. Explore: edit an inverted face
#
# Pick a face (the encoder inverted it above, so each slider costs one pass through $G$), then move it
# along the InterFaceGAN directions of section 6 (in units of the spread of $w$ along each).

# %%
scaled = {name: d * w_std(d) for name, d in directions.items()}
ck.widgets.edit_inverted(G, targets, EDIT_CODES, scaled)

# %% [markdown]
# The widget shows three faces: the target, the encoder's inversion of it, and that inversion moved
# by the sliders; compare the last two to see what each direction changes besides its own factor.

# %% [markdown]
# ## 9. Lab: a new hair colour, and nothing else
#
# Section 6's hair-colour direction moves every face by the same amount, whatever each face needs, and
# can drag another factor along (its printed line named the one it drags most); section 7's objective
# asks for the result itself, but nothing in it but $\lambda_1$ holds the rest of the face. Make every
# inverted face **blond** and keep the rest of it: the face shape, skin tone, hair style, eyes, glasses
# and background.
#
# **The task.** `recolour(G, attributes, codes, colour)` receives the encoder's W+ codes of held-out
# faces, shape `(N, num_ws, w_dim)`, and a hair colour (a class index of `faces.HAIR_COLOUR_NAMES`),
# and returns edited codes of the same shape. Any method: directions, the editing objective, your own.
#
# **The goal**, read by the attribute predictor on 16 held-out faces: at least 90% of the faces that
# were not blond now read as blond, and at least 90% of the other class factors read as before.
# (Quick mode measures 4 faces with a short optimisation: enough to run it, not to judge it.)
# Stuck? `ck.hint("lab_recolour")`, one step per call.

# %%
LAB_STEPS = 10 if ck.QUICK else 100


def recolour(G, attributes, codes, colour):
    """Edit W+ codes (N, num_ws, w_dim) so their faces read with hair colour `colour`, all else kept."""
    ### BEGIN SOLUTION
    ### HINT: ask for the new hair colour and, at the same time, for every other factor the predictor reads now
    import torch.nn.functional as F

    def read(w):
        return attributes(F.interpolate(inversion.synthesize(G, w, "w+"), size=64, mode="bilinear",
                                        align_corners=False))

    others = [name for name, (kind, _) in faces.FACTORS.items() if kind == "class" and name != "hair_colour"]
    with torch.no_grad():
        start = read(codes)
    keep = {name: start[name].argmax(1) for name in others}
    wanted = torch.full((len(codes),), colour, device=codes.device)
    G.requires_grad_(False)
    attributes.eval().requires_grad_(False)
    w = codes.clone().requires_grad_(True)
    opt = torch.optim.Adam([w], lr=0.05)
    for _ in range(LAB_STEPS):
        out = read(w)
        loss = F.cross_entropy(out["hair_colour"], wanted) + sum(F.cross_entropy(out[n], keep[n]) for n in others)
        loss = loss + 0.01 * (w - codes).pow(2).sum((1, 2)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    G.requires_grad_(True)
    return w.detach()
    ### END SOLUTION


# %%
lab = ck.check.lab_recolour(recolour, G=G, attributes=attributes, n=4 if ck.QUICK else 16)
if lab.numbers:  # the faces as your codes draw them, one row per eight
    ck.viz.show(lab.numbers["images"], nrow=8, title="your edit: the held-out faces, recoloured")
    plt.show()

# %% [markdown]
# The figure shows the held-out faces as your codes draw them, eight to a row in the order of
# section 1's targets: compare each with its target, for the hair and for everything else.

# %% [markdown]
# ## What to remember
#
# * **Inversion** turns a photo into a code; in the lecture, optimisation is exact and slow, an encoder
#   fast and rough, and the encoder's guess a good start for the optimisation (section 5's table
#   measures all three).
# * **W+** is the least constrained space, so the lecture expects it to reconstruct best; the codes it
#   finds can leave the distribution the edits were learned on.
# * Edit directions come from a linear classifier (**InterFaceGAN**) or from principal components
#   (**GANSpace**); measure what *else* they move, and **project out** what should stay.
# * The **editing objective** states the trade-off: the user's wish, closeness to the start, realism.
#
# Next: **08 · DDPM**, a generator that is trained without a discriminator at all.
