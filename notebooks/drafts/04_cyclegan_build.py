"""Draft builder of notebooks/solutions/04_cyclegan.ipynb (run once its zoo models exist:
printed-judge, mnist-cyclegan, faces-cyclegan).

    .venv/bin/python notebooks/drafts/04_cyclegan_build.py && .venv/bin/python -m coursekit.notebooks
"""

from nbbuild import code, md, write

md(r"""
# 04 · CycleGAN: translation without pairs

**Lecture:** unpaired image-to-image translation using cycle-consistent adversarial networks
(Zhu, Park, Isola & Efros, 2017).

Pix2Pix (notebook 03) needs **pairs**: every label map with its photo. Often there are none: nobody
has the same street photographed in summer and in winter, or a horse and the same horse as a zebra.
CycleGAN learns from two **unpaired** sets, domain $A$ and domain $B$, with two generators

$$G: A \to B, \qquad F: B \to A$$

and two discriminators $D_B$ (is this a real $B$?) and $D_A$. The adversarial losses alone make
$G(a)$ *look like* a $B$, but not *correspond* to $a$: any $B$ image fools $D_B$. The fix is
**cycle consistency**: going there and back should return the start,

$$\mathcal L_{cyc}(G, F) = \mathbb E_a \lVert F(G(a)) - a\rVert_1 + \mathbb E_b \lVert G(F(b)) - b\rVert_1,$$

$$\mathcal L = \mathcal L_{GAN}(G, D_B) + \mathcal L_{GAN}(F, D_A) + \lambda\,\mathcal L_{cyc}, \qquad \lambda = 10.$$

The paper adds an **identity loss** (a generator fed an image of its own target domain leaves it
alone), uses the **least-squares** GAN loss, and shows $D$ a **history** of generated images.

In code, as in the paper's own: `G_AB` is $G$, `G_BA` is $F$ (`F` is PyTorch's functional module).
""")

code(r"""
import inspect

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import coursekit as ck
from coursekit.models import cyclegan, pix2pix
from coursekit.models.cyclegan import to_gray, to_rgb

device = ck.device()
print("device:", device, "| quick mode:", ck.QUICK)
""")

md(r"""
## 1. Two domains, no pairs

Domain $A$: MNIST handwriting. Domain $B$: digits **printed** in a street-number style, which the
course renders itself (`ck.data.printed_digits`: the fonts that ship with matplotlib, light ink on a
dark coloured plate, a gradient, slight rotation, blur and noise). No image of $A$ is paired with one of $B$; the
training loop never sees a label.
""")

code(r"""
# NBVAL_CHECK_OUTPUT
mnist = ck.data.mnist("train", verbose=False)
printed = ck.data.printed_digits(16, seed=cyclegan.TEST_SEED)
print(mnist)
print(printed, "| images", tuple(printed.images.shape))
""")

code(r"""
ck.viz.show(torch.cat([to_rgb(mnist.images[:16]), printed.images]), nrow=16,
            title="domain A (MNIST) and domain B (printed digits): two sets, no pairs")
plt.show()
""")

md(r"""
How far apart are they? The course's MNIST judge reads the printed digits (in grey) hardly better
than chance, while a judge trained on printed digits reads them all:
""")

code(r"""
# NBVAL_CHECK_OUTPUT
judge_a = ck.zoo.load("mnist-judge", device=torch.device("cpu"))
judge_b = ck.zoo.load("printed-judge", device=torch.device("cpu"))
print("printed-judge, held out:", ck.zoo.record("printed-judge")["metrics"])
""")

md(r"""
## 2. The networks

**The generator** is the paper's ResNet-block network: a 7×7 convolution, two stride-2 convolutions
down, residual blocks at the lowest resolution, two transposed convolutions up, a 7×7 convolution
and `tanh`. Instance normalisation and reflection padding throughout. Unlike Pix2Pix's U-Net there is
no skip across the bottleneck: the residual blocks *change* the image while keeping its layout.
""")

code(r"""
print(inspect.getsource(cyclegan.ResnetBlock))
G_AB = cyclegan.ResnetGenerator()
x = to_rgb(mnist.images[:2])
for name, part in [("encoder", G_AB.encoder), ("residual blocks", G_AB.transformer), ("decoder", G_AB.decoder)]:
    x = part(x)
    print(f"{name:<16} -> {tuple(x.shape)}")
""")

md(r"""
**The discriminator** is notebook 03's PatchGAN, the same function, with instance norm instead of
batch norm and no condition to read: it judges the image alone.
""")

code(r"""
# NBVAL_CHECK_OUTPUT
D_B = cyclegan.Discriminator()
print(f"D(image): {tuple(D_B(torch.zeros(2, 3, 28, 28)).shape)} logits, patches of "
      f"{pix2pix.receptive_field(D_B)}x{pix2pix.receptive_field(D_B)} pixels")

def millions(m):
    return sum(p.numel() for p in m.parameters()) / 1e6

paper = cyclegan.CycleGANConfig(width=64, blocks=9, d_width=64, d_layers=3)
ours = cyclegan.CycleGANConfig()
print(f"G: paper {millions(cyclegan.ResnetGenerator(paper)):4.1f} M parameters (256x256, 9 blocks), "
      f"ours {millions(cyclegan.ResnetGenerator(ours)):4.2f} M (28x28, {ours.blocks} blocks)")
print(f"D: paper {millions(cyclegan.Discriminator(paper)):4.1f} M, ours {millions(cyclegan.Discriminator(ours)):4.2f} M")
""")

md(r"""
## 3. The losses

**Adversarial, least squares.** The paper replaces the log-likelihood GAN loss by squared errors
(Mao et al., LSGAN): $D$ minimises $(D(b) - 1)^2 + D(G(a))^2$ and $G$ minimises $(D(G(a)) - 1)^2$.
The gradients stay informative even for samples $D$ is sure about, and training is steadier.
""")

code(r"""
print(inspect.getsource(cyclegan.lsgan_loss))
""")

md(r"""
**Exercise 1.** The cycle loss: $\lambda\,(\lVert F(G(a)) - a\rVert_1 + \lVert G(F(b)) - b\rVert_1)$,
each term the mean absolute error over pixels. `rec_a` is $F(G(a))$, `rec_b` is $G(F(b))$.
""")

code(r"""
def cycle_loss(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    ### BEGIN SOLUTION
    ### HINT: lambda_cycle * (F.l1_loss(rec_a, real_a) + F.l1_loss(rec_b, real_b))
    loss_cycle_A = F.l1_loss(rec_a, real_a)
    loss_cycle_B = F.l1_loss(rec_b, real_b)
    return lambda_cycle * (loss_cycle_A + loss_cycle_B)
    ### END SOLUTION
""")

code(r"""
# NBVAL_CHECK_OUTPUT
cycle_loss = ck.check.cycle_loss(cycle_loss)
""")

md(r"""
**Exercise 2.** The identity loss: a generator fed an image that is already of its target domain
should return it unchanged: $G(b) \approx b$ and $F(a) \approx a$. The paper weighs it by
$\lambda_{idt} = 0.5$ times the cycle weight $\lambda$. `idt_a` is $F(a)$ (`G_BA(real_a)`), `idt_b`
is $G(b)$.
""")

code(r"""
def identity_loss(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    ### BEGIN SOLUTION
    ### HINT: lambda_cycle * lambda_identity * (F.l1_loss(idt_a, real_a) + F.l1_loss(idt_b, real_b))
    return lambda_cycle * lambda_identity * (F.l1_loss(idt_a, real_a) + F.l1_loss(idt_b, real_b))
    ### END SOLUTION
""")

code(r"""
# NBVAL_CHECK_OUTPUT
identity_loss = ck.check.identity_loss(identity_loss)
""")

md(r"""
**Exercise 3. The history of generated images.** $D$ trained only on this step's fakes chases the
generator's latest trick and forgets the older ones; the two can circle forever. The paper keeps
the last 50 generated images and shows $D$ a mix. Write `query_pool(pool, images, size)`:
`pool` is a list of `(1, C, H, W)` images; for each new image (`images.split(1)`),

* while the pool holds fewer than `size`: append it, and return the image itself;
* once full: with probability ½ (`torch.rand(()) < 0.5`) pick a stored one at random
  (`torch.randint(size, ())`), return *it*, and put the new image in its place; otherwise return
  the new image.

Return the answers as one batch (`torch.cat`).
""")

code(r"""
def query_pool(pool, images, size=50):
    ### BEGIN SOLUTION
    ### HINT: out = []; for image in images.split(1): ... three cases ...; return torch.cat(out)
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)
    ### END SOLUTION
""")

code(r"""
# NBVAL_CHECK_OUTPUT
query_pool = ck.check.image_pool(query_pool)
""")

md(r"""
## 4. Training

One step updates both generators on
$\mathcal L_{GAN}(G) + \mathcal L_{GAN}(F) + \mathcal L_{cyc} + \mathcal L_{idt}$, then both
discriminators on real images against generated ones drawn from the histories (their loss halved,
as in the paper). Adam, $2\cdot10^{-4}$, $\beta_1 = 0.5$. A short run:
""")

code(r"""
STEPS = 10 if ck.QUICK else 400
BATCH = 4 if ck.QUICK else 16
ck.seed(0)
G_AB, G_BA, D_A, D_B = (m.to(device) for m in cyclegan.build())
opt_G, opt_D = cyclegan.make_optimizers(G_AB, G_BA, D_A, D_B)
pool_A, pool_B = [], []
domains = cyclegan.Domains("digits", BATCH)
run = ck.train.Run({"G_AB": G_AB, "G_BA": G_BA}, steps=STEPS, plot=["loss_G", "loss_cycle", "loss_D"],
                   desc="cyclegan")
with run:
    for step in run.steps():
        real_a, real_b = (x.to(device) for x in next(domains))
        # the generators: fool both Ds, come back, leave their own domain alone
        fake_b, fake_a = G_AB(real_a), G_BA(real_b)
        D_A.requires_grad_(False), D_B.requires_grad_(False)
        loss_G = cyclegan.lsgan_loss(D_B(fake_b), True) + cyclegan.lsgan_loss(D_A(fake_a), True)
        loss_cycle = cycle_loss(real_a, G_BA(fake_b), real_b, G_AB(fake_a))
        loss_idt = identity_loss(real_a, G_BA(real_a), real_b, G_AB(real_b))
        opt_G.zero_grad()
        (loss_G + loss_cycle + loss_idt).backward()
        opt_G.step()
        D_A.requires_grad_(True), D_B.requires_grad_(True)
        # the discriminators: real images against the history of fakes
        old_a, old_b = query_pool(pool_A, fake_a.detach()), query_pool(pool_B, fake_b.detach())
        loss_D = 0.5 * (cyclegan.lsgan_loss(D_A(real_a), True) + cyclegan.lsgan_loss(D_A(old_a), False)
                        + cyclegan.lsgan_loss(D_B(real_b), True) + cyclegan.lsgan_loss(D_B(old_b), False))
        opt_D.zero_grad()
        loss_D.backward()
        opt_D.step()
        run.log(loss_G=loss_G, loss_cycle=loss_cycle, loss_D=loss_D)
print(f"{run.step} steps in {run.seconds:.0f} s")
""")

code(r"""
a = to_rgb(ck.data.mnist("test", verbose=False).images[:8])
b = ck.data.printed_digits(8, seed=cyclegan.TEST_SEED).images
ck.viz.show(torch.cat([a, cyclegan.translate(G_AB, a), b, cyclegan.translate(G_BA, b)]), nrow=8,
            title=f"after {run.step} steps: a, G(a), b, F(b)")
plt.show()
""")

md(r"""
The zoo model is the same recipe trained for longer (`python -m coursekit.train mnist-cyclegan`;
its record says how long and on what):
""")

code(r"""
zoo = ck.zoo.load("mnist-cyclegan", device=device)
G_AB, G_BA = zoo.G_AB, zoo.G_BA
record = ck.zoo.record("mnist-cyclegan")
print(f"mnist-cyclegan: {record['steps']:,} steps, {record['wall_time_s'] / 60:.0f} min on {record['device']}")
cycles = ck.zoo.extras("mnist-cyclegan")["cycles"]
c = cycles["zoo model"]
ck.viz.show(torch.cat([c[0, :8], c[1, :8], c[2, :8], c[3, :8], c[4, :8], c[5, :8]]), nrow=8,
            title="rows: a, G(a), F(G(a)), then b, F(b), G(F(b)) (held-out digits)")
plt.show()
""")

md(r"""
## 5. Is the digit kept? Measured

A translation is only useful if it keeps the content: a 3 should come back a 3. Each domain has a
judge trained on its own real data only: `mnist-judge` reads $F(b)$ (in grey), `printed-judge` reads
$G(a)$. The share they read as the digit we started from is the **content kept**. We add the cycle
error and a Fréchet distance in each judge's features (does the output look like the domain?).
""")

code(r"""
N_EVAL = 64 if ck.QUICK else 1000
m = cyclegan.evaluate_digits(G_AB.cpu(), G_BA.cpu(), judge_a, judge_b, n=N_EVAL)
print(f"{N_EVAL} held-out digits per domain")
print(f"A -> B (MNIST -> printed): digit kept {m['kept_a_to_b']:.1%}, cycle L1 {m['cycle_l1_a']:.3f}, "
      f"Fréchet distance to real printed digits {m['fid_b']:.1f}")
print(f"B -> A (printed -> MNIST): digit kept {m['kept_b_to_a']:.1%}, cycle L1 {m['cycle_l1_b']:.3f}, "
      f"Fréchet distance to real MNIST {m['fid_a']:.1f}")
print(f"for scale: the printed judge on the same MNIST digits only recoloured (shape kept): "
      f"{m['printed_judge_on_recoloured_mnist']:.1%}")
""")

md(r"""
The last line is what A → B scores for a generator that changes only the colours: the printed judge
learned fonts, and a handwritten 2 or 9 is not always a font's. To score higher, $G$ has to redraw
the handwriting as print, a change of shape, which CycleGAN makes least readily.
""")

md(r"""
## 6. The lecture's ablation: take the cycle away

Three runs from the same seed, the same number of steps: the full loss; the cycle in one direction
only (A → B → A); no cycle at all (the GAN alone). No identity loss in any of them, so that only the
cycle differs. These runs are shorter than the zoo model's; they were run when it was published.
""")

code(r"""
table = record["metrics"]["ablations"]
print(f"{table['steps']} steps each, {table['GAN alone (no cycle)']['images']} held-out digits per domain")
print(f"{'variant':<40} {'kept A->B':>9} {'kept B->A':>9} {'FID B':>7} {'FID A':>7} {'cycle L1 A':>10}")
for name in cyclegan.ABLATIONS:
    r = table[name]
    print(f"{name:<40} {r['kept_a_to_b']:>9.1%} {r['kept_b_to_a']:>9.1%} {r['fid_b']:>7.1f} {r['fid_a']:>7.1f} "
          f"{r['cycle_l1_a']:>10.3f}")
fig, axes = plt.subplots(len(cyclegan.ABLATIONS), 1, figsize=(7, 2.2 * len(cyclegan.ABLATIONS)))
for ax, name in zip(axes, cyclegan.ABLATIONS):
    c = cycles[name]
    ck.viz.show(torch.cat([c[0, :8], c[1, :8], c[3, :8], c[4, :8]]), nrow=8, title=name, ax=ax)
plt.tight_layout()
plt.show()
""")

md(r"""
What to read: without the cycle, the outputs still look like the other domain (the Fréchet
distances stay low: $D$ is fooled), but the digit is not kept, because nothing asks for it. The cycle
in one direction protects that direction most.

## 7. Domain adaptation

The lecture's application: a classifier trained on one domain fails on another; translate the
other domain's images first and it works again. The MNIST judge on printed digits as they are,
against on their translations $F(b)$:
""")

code(r"""
print(f"MNIST judge on printed digits (grey):         {m['mnist_judge_on_printed']:.1%}")
print(f"MNIST judge on the same digits after F (B->A): {m['mnist_judge_on_translated']:.1%}")
""")

md(r"""
## 8. A second task: glasses on, glasses off

Object transfiguration (the paper's horses ↔ zebras, apples ↔ oranges) on the course's faces:
domain $A$ is faces drawn without glasses, $B$ faces drawn with them, never the same face. The
attribute predictor of notebook 03 says whether the glasses were added (removed) and whether every
other factor (face shape, skin, hair, eyes, background) was kept.
""")

code(r"""
faces_zoo = ck.zoo.load("faces-cyclegan", device=device)
attributes = ck.zoo.load("faces-attributes", device=device)
g = cyclegan.evaluate_glasses(faces_zoo.G_AB, faces_zoo.G_BA, attributes, n=16 if ck.QUICK else 200)
print(f"glasses added (A -> B): {g['glasses_added']:.1%}, other factors kept {g['others_kept_a_to_b']:.1%} "
      f"(worst: {g['worst_kept_a_to_b']})")
print(f"glasses removed (B -> A): {g['glasses_removed']:.1%}, other factors kept {g['others_kept_b_to_a']:.1%} "
      f"(worst: {g['worst_kept_b_to_a']})")
plain = cyclegan.glasses_faces(6, False, seed=cyclegan.TEST_SEED).images
with_glasses = cyclegan.glasses_faces(6, True, seed=cyclegan.TEST_SEED + 1).images
ck.viz.show(torch.cat([plain, cyclegan.translate(faces_zoo.G_AB, plain), with_glasses,
                       cyclegan.translate(faces_zoo.G_BA, with_glasses)]), nrow=6,
            title="faces, glasses added; faces with glasses, glasses removed")
plt.show()
""")

md(r"""
## 9. Explore

Pick a model (the zoo model or one of the ablations), a direction and an image: the input, its
translation, the way back, and where the way back lost something (bright).
""")

code(r"""
ck.widgets.cycle_explorer(cycles)
""")

md(r"""
## What to remember

* CycleGAN learns a translation from two **unpaired** sets: two generators, two discriminators.
* The adversarial loss makes outputs look like the target domain; only the **cycle loss** ties
  each output to its input. Without it the digit is lost, as the ablation measured.
* Least-squares GAN loss, an identity loss and a history of fakes make training steadier.
* A translation that keeps content turns a classifier of one domain into one for the other
  (domain adaptation).
""")

write("04_cyclegan.ipynb")
