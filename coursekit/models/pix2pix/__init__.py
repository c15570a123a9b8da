"""Pix2Pix (Isola et al., 2017), notebook 03: a U-Net generator, a PatchGAN discriminator, cGAN + λ·L1.

The generator reads the condition image (a label map, an edge map) and draws
the photo; its only noise is dropout, kept on at test time as in the paper.
The discriminator reads (condition, image) pairs and says real or fake for
every patch; its patch size is its receptive field (:func:`receptive_field`).
"""

import dataclasses
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

import coursekit as ck
from coursekit import faces as _faces
from coursekit import train as _train
from coursekit.models import face_eval
from coursekit.train import distributed as dist
from coursekit.zoo import register


def down(c_in, c_out, norm=True):
    """Encoder block: Conv 4x4 stride 2 (halves the size), BatchNorm, LeakyReLU 0.2.

    The first block (it reads the image) and the innermost (its 1x1 output has one value per channel,
    which batch norm at batch size 1 cannot normalise) have no norm.  No block has a conv bias: the
    paper's reference code gives convs a bias only beside instance norm, and we keep its parameter count.
    """
    layers = [nn.Conv2d(c_in, c_out, 4, 2, 1, bias=False)]
    if norm:
        layers.append(nn.BatchNorm2d(c_out))
    return nn.Sequential(*layers, nn.LeakyReLU(0.2, inplace=True))


def up(c_in, c_out, dropout=False):
    """Decoder block: ConvTranspose 4x4 stride 2 (doubles the size), BatchNorm, dropout 0.5, ReLU."""
    layers = [nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=False), nn.BatchNorm2d(c_out)]
    if dropout:
        layers.append(nn.Dropout(0.5))
    return nn.Sequential(*layers, nn.ReLU(inplace=True))


@dataclass
class Pix2PixConfig:
    in_channels: int = 3
    out_channels: int = 3
    width: int = 32
    depth: int = 6           # 64x64 -> 1x1 at the bottleneck
    skips: bool = True       # False: the same encoder-decoder without skip connections (the ablation)
    d_layers: int = 3        # PatchGAN: 0 = PixelGAN (1x1), 1 = 16x16, 2 = 34x34, 3 = 70x70 patches


class UNetGenerator(nn.Module):
    """Encoder-decoder whose decoder block i also reads encoder block i (a skip connection).

    Shapes for 64x64 and width 32: 64 -> 32 -> 16 -> 8 -> 4 -> 2 -> 1, then back up,
    each decoder output concatenated with the encoder output of the same size.
    """

    def __init__(self, config=None):
        super().__init__()
        self.config = c = config or Pix2PixConfig()
        widths = [min(c.width * 2 ** i, c.width * 8) for i in range(c.depth)]
        self.encoder = nn.ModuleList(down(a, b, norm=0 < i < c.depth - 1)
                                     for i, (a, b) in enumerate(zip([c.in_channels] + widths[:-1], widths)))
        k = 2 if c.skips else 1
        ups = []
        for i in reversed(range(1, c.depth)):
            c_in = widths[i] if i == c.depth - 1 else k * widths[i]
            ups.append(up(c_in, widths[i - 1], dropout=i >= c.depth - 3))
        self.decoder = nn.ModuleList(ups)
        self.to_image = nn.ConvTranspose2d(k * widths[0], c.out_channels, 4, 2, 1)

    def forward(self, x):
        c = self.config
        if x.dim() != 4 or x.shape[1] != c.in_channels or x.shape[-1] % 2 ** c.depth:
            raise ValueError(f"expected condition images (N, {c.in_channels}, H, W) with H, W multiples of "
                             f"{2 ** c.depth}, got shape {tuple(x.shape)}")
        skips = []
        for block in self.encoder:
            x = block(x)
            skips.append(x)
        skips.pop()  # the bottleneck is the decoder's input, not a skip
        for block in self.decoder:
            x = block(x)
            s = skips.pop()
            x = torch.cat([x, s], 1) if c.skips else x
        return torch.tanh(self.to_image(x))


def draw_unet(config=None, size=64):
    """The U-Net of ``config`` for ``size``-pixel inputs, drawn from its own numbers: encoder blocks down
    the left (pixels and channels of each output), decoder blocks up the right, and the skip
    connections across, each joining two outputs of the same size.  Returns the matplotlib figure."""
    import matplotlib.pyplot as plt  # deferred, as in ck.viz: only this figure needs matplotlib

    c = config or Pix2PixConfig()
    widths = [min(c.width * 2 ** i, c.width * 8) for i in range(c.depth)]
    fig, ax = plt.subplots(figsize=(11, 0.75 * c.depth + 1.5))
    ax.set_axis_off()
    ax.set_xlim(-1.2, 2 * c.depth + 1.2)
    ax.set_ylim(-c.depth - 0.8, 1.2)

    def box(x, y, text, colour):
        ck.viz.diagram_box(ax, x, y, text, colour, pad=0.35)

    def arrow(a, b, **style):
        ck.viz.diagram_arrow(ax, a, b, **style)

    box(0, 0, f"input\n{size}×{size}×{c.in_channels}", "#eeeeee")
    box(2 * c.depth, 0, f"G(x), tanh\n{size}×{size}×{c.out_channels}", "#eeeeee")
    for i, w in enumerate(widths):  # encoder output i: size / 2^(i+1) pixels
        s = size // 2 ** (i + 1)
        bottom = i == c.depth - 1
        box(i + 1 if not bottom else c.depth, -(i + 1), f"{s}×{s}×{w}" + ("\nbottleneck" if bottom else ""),
            "#cfe2ff" if not bottom else "#ffd6d6")
        arrow((i + 0.2, -i - 0.15), (i + 0.8 if not bottom else c.depth - 0.25, -i - 0.85), color="#1f4e9c")
        if bottom:
            continue
        # the decoder output of the same size, and the skip across to it
        x_dec = 2 * c.depth - i - 1
        box(x_dec, -(i + 1), f"{s}×{s}×{widths[i]}" + (" + skip" if c.skips else ""), "#ffe0b2")
        arrow((x_dec + 0.2 if i < c.depth - 2 else c.depth + 0.25,
               -i - 1.85 if i < c.depth - 2 else -c.depth + 0.15),
              (x_dec - 0.05 if i < c.depth - 2 else x_dec - 0.2, -i - 1.15), color="#b35c00")
        if c.skips:
            arrow((i + 1.55, -(i + 1)), (x_dec - 0.75, -(i + 1)), color="#b00020", ls="--", lw=1.0)
    arrow((2 * c.depth - 0.85, -0.85), (2 * c.depth - 0.2, -0.2), color="#b35c00")
    ax.text(c.depth, 0.9, "down: Conv 4×4 stride 2 (blue)   up: ConvTranspose 4×4 stride 2 (orange)   "
            "skip: concatenate along the channels (red, dashed)", ha="center", fontsize=9)
    return fig


def patchgan(c_in, width, layers, norm=nn.BatchNorm2d):
    """The PatchGAN's convolutions: (N, c_in, H, W) -> a map of logits, one per patch.

    ``layers`` stride-2 blocks then a stride-1 block and the output conv (the paper's
    70x70 D for 3 layers); 0 gives the PixelGAN of 1x1 convolutions.  CycleGAN's D is
    the same stack with instance norm (notebook 04).
    """
    if layers == 0:
        return nn.Sequential(nn.Conv2d(c_in, width, 1), nn.LeakyReLU(0.2, True),
                             nn.Conv2d(width, 2 * width, 1, bias=False), norm(2 * width),
                             nn.LeakyReLU(0.2, True), nn.Conv2d(2 * width, 1, 1))
    blocks, ch = [nn.Conv2d(c_in, width, 4, 2, 1), nn.LeakyReLU(0.2, True)], width
    for i in range(1, layers + 1):
        stride = 2 if i < layers else 1
        nxt = min(width * 2 ** i, width * 8)
        blocks += [nn.Conv2d(ch, nxt, 4, stride, 1, bias=False), norm(nxt), nn.LeakyReLU(0.2, True)]
        ch = nxt
    blocks.append(nn.Conv2d(ch, 1, 4, 1, 1))
    return nn.Sequential(*blocks)


class PatchDiscriminator(nn.Module):
    """D(condition, image) -> a map of logits, one per patch (PatchGAN, :func:`patchgan`)."""

    def __init__(self, config=None):
        super().__init__()
        self.config = c = config or Pix2PixConfig()
        self.net = patchgan(c.in_channels + c.out_channels, c.width * 2, c.d_layers)

    def forward(self, condition, image):
        if condition.shape[0] != image.shape[0] or condition.shape[-2:] != image.shape[-2:]:
            raise ValueError(
                f"condition {tuple(condition.shape)} and image {tuple(image.shape)} must pair up")
        return self.net(torch.cat([condition, image], 1))


def receptive_field(module):
    """The side of the input patch one output value of a stack of convolutions sees.

    Walks the conv layers from the output back: r ← (r − 1)·stride + kernel.
    """
    convs = [m for m in module.modules() if isinstance(m, nn.Conv2d)]
    r = 1
    for conv in reversed(convs):
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0]
    return r


def d_loss(real_logits, fake_logits):
    """BCE, real pairs -> 1 and generated pairs -> 0, halved as in the paper (D learns at half G's rate)."""
    return 0.5 * (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))


def g_loss(fake_logits, fake, target, l1_weight=100.0, gan_weight=1.0):
    """cGAN + λ·L1: fool D on every patch, and stay close to the true photo (λ = 100)."""
    adv = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    return gan_weight * adv + l1_weight * F.l1_loss(fake, target)


def train_step(G, D, opt_G, opt_D, condition, target, l1_weight=100.0, gan_weight=1.0):
    """One alternating step; ``gan_weight=0`` trains L1 only and skips D. Returns (loss_D, loss_G)."""
    fake = G(condition)
    loss_D = torch.zeros((), device=fake.device)
    if gan_weight > 0:
        loss_D = d_loss(D(condition, target), D(condition, fake.detach()))
        opt_D.zero_grad(set_to_none=True)
        loss_D.backward()
        opt_D.step()
    D.requires_grad_(False)
    fake_logits = D(condition, fake) if gan_weight > 0 else torch.zeros(1, device=fake.device)
    loss_G = g_loss(fake_logits, fake, target, l1_weight, gan_weight)
    opt_G.zero_grad(set_to_none=True)
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def make_optimizers(G, D, lr=2e-4):
    """Adam, lr 2e-4, β1 = 0.5, for both (the paper's settings)."""
    return (torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999)),
            torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999)))


# --------------------------------------------------------------------------------------------
# The course's tasks on the procedural faces: labels -> photo and edges -> photo, and the way back,
# photo -> labels (notebook 04 compares CycleGAN's unpaired translation with it).

TASKS = ("labels", "edges", "photo")
TRAIN_SEED, TEST_SEED = 0, 1


def task_pair(faces, task):
    """(condition, target) of a ``ck.faces.Faces`` batch: the colour label map or the edge map and the
    image; for ``task="photo"`` the image and its colour label map."""
    if task == "labels":
        return faces.label_images(), faces.images
    if task == "edges":
        return faces.edges, faces.images
    if task == "photo":
        return faces.images, faces.label_images()
    raise ValueError(f"task must be one of {TASKS}, got {task!r}")


def config_for(task, **changes):
    """The model configuration of a task (an edge map has one channel, a label picture three)."""
    return Pix2PixConfig(in_channels=1 if task == "edges" else 3, **changes)


def train_pix2pix(task="labels", steps=2000, batch_size=16, size=64, config=None, l1_weight=100.0,
                  gan_weight=1.0, checkpoint=None, device=None, seed=0, plot=None, desc=None, bf16=None,
                  detail=False):
    """Train Pix2Pix on a stream of fresh faces (batch k = faces k·B .. of the training seed).

    Returns (G, D, run).  ``gan_weight=0``: L1 only; ``l1_weight=0``: GAN only (the ablations).
    ``detail=True``: photos with hair, skin and background texture that the maps do not decide.
    ``bf16``: autocast to bf16 (None: where the hardware has native bf16, ``ck.core.autocast``).
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    dev = device or ck.device()
    ck.seed(seed)
    config = config or config_for(task)
    G, D = UNetGenerator(config).to(dev), PatchDiscriminator(config).to(dev)
    dist.data_parallel(G, D)  # under torchrun: gradients averaged over the ranks
    dist.seed_dropout(seed)
    opt_G, opt_D = make_optimizers(G, D)
    run = ck.train.Run({"G": G, "D": D, "opt_G": opt_G, "opt_D": opt_D}, steps=steps, checkpoint=checkpoint,
                       checkpoint_every=500, plot=plot, desc=desc or f"pix2pix {task}")
    offset, n = dist.shard_range(batch_size)  # this rank renders only its slice of the global batch
    with run:
        for step in run.steps():
            batch = _faces.faces(n, size=size, seed=TRAIN_SEED, start=step * batch_size + offset,
                                 detail=detail)
            condition, photo = dist.to_device(*task_pair(batch, task), device=dev)
            with ck.core.autocast(dev, bf16):
                loss_D, loss_G = train_step(G, D, opt_G, opt_D, condition, photo, l1_weight, gan_weight)
            run.log(loss_D=dist.mean(loss_D), loss_G=dist.mean(loss_G))
    return ck.train.GANTrained(G.eval(), D.eval(), run)


@torch.no_grad()
def translate(G, condition, batch_size=100, dropout=True):
    """G's photos for conditions (N, C, S, S); dropout stays on (the paper's only noise) unless asked."""
    was = G.training
    G.eval()
    if dropout:
        for m in G.modules():
            if isinstance(m, nn.Dropout):
                m.train()
    dev = next(G.parameters()).device
    out = torch.cat([G(c.to(dev)).cpu() for c in condition.split(batch_size)])
    G.train(was)
    return out


def texture(x):
    """How much fine detail (or noise) pictures (N, C, H, W) carry: the mean absolute difference between
    neighbouring pixels, across and down.  A blurred picture has less than a real photo, a noisy one more."""
    return ((x[..., :, 1:] - x[..., :, :-1]).abs().mean()
            + (x[..., 1:, :] - x[..., :-1, :]).abs().mean()).item() / 2


def _judged(segmenter, fake, photo, mean_photo, labels):
    """One segmenter's scores of G's photos against the given ``labels``, with their ceiling (the true
    photos) and their floor (the mean photo for every face)."""
    scores = face_eval.segmentation_scores(face_eval.segment(segmenter, fake), labels)
    ceiling = face_eval.segmentation_scores(face_eval.segment(segmenter, photo), labels)
    floor = face_eval.segmentation_scores(face_eval.segment(segmenter, mean_photo).expand_as(labels), labels)
    return {"pixel_accuracy": round(scores["pixel_accuracy"], 4), "mean_iou": round(scores["mean_iou"], 4),
            "pixel_accuracy_real": round(ceiling["pixel_accuracy"], 4),
            "mean_iou_real": round(ceiling["mean_iou"], 4),
            "pixel_accuracy_floor": round(floor["pixel_accuracy"], 4),
            "mean_iou_floor": round(floor["mean_iou"], 4),
            "iou": {part: round(v, 4) for part, v in scores["iou"].items()},
            "iou_real": {part: round(v, 4) for part, v in ceiling["iou"].items()}}


def evaluate(G, task, segmenter, attributes, n=200, size=64, run=None, detail=False, camera_segmenter=None):
    """The paper's measures on held-out faces: the segmenter's scores on G's photos against the input
    labels, between their floor and their ceiling, L1 to the true photo, and the Fréchet distance in
    the attribute predictor's features.  The ceiling: the same scores of the real photos; the floor:
    those of one constant picture, the mean of n training photos, for every face (what a G that ignores
    its input scores).  ``texture``: :func:`texture` of G's photos over that of the true photos (1: as
    detailed; below 1: blurred; above: noisier).  ``run(G, conditions)`` makes the photos (default
    :func:`translate`).  ``detail=True``: against photos with detail (a G trained on them, and a
    segmenter trained on them, ``faces-segmenter-detail``).  ``camera_segmenter``: a second judge, one
    that has seen a camera's blur, grain and colour casts (``faces-segmenter-camera``); its scores under
    ``"camera_judge"``."""
    test = _faces.faces(n, size=size, seed=TEST_SEED, detail=detail)
    condition, photo = task_pair(test, task)
    fake = (run or translate)(G, condition)
    mean_photo = task_pair(_faces.faces(n, size=size, seed=TRAIN_SEED, detail=detail),
                           task)[1].mean(0, keepdim=True)
    out = {**_judged(segmenter, fake, photo, mean_photo, test.labels),
           "l1": round(F.l1_loss(fake, photo).item(), 4),
           "l1_floor": round(F.l1_loss(mean_photo.expand_as(photo), photo).item(), 4),
           "texture": round(texture(fake) / texture(photo), 3),
           "fid_attributes": round(face_eval.faces_frechet_distance(attributes, fake, photo), 3), "images": n}
    if camera_segmenter is not None:
        out["camera_judge"] = _judged(camera_segmenter, fake, photo, mean_photo, test.labels)
    return out


#: The lecture's ablations (Isola et al., tables 1, 2 and 3), each a change to the full model's training:
#: identifier (the key of its checkpoint folder and of its row in a record) -> label and change.
ABLATIONS = {
    "l1-cgan-the-paper": {"label": "L1 + cGAN (the paper)"},
    "l1-only": {"label": "L1 only", "gan_weight": 0.0},
    "cgan-only": {"label": "cGAN only", "l1_weight": 0.0},
    "encoder-decoder-no-skips": {"label": "encoder-decoder, no skips", "config": {"skips": False}},
    "pixelgan-1x1": {"label": "PixelGAN (1x1)", "config": {"d_layers": 0}},
    "patchgan-16x16": {"label": "PatchGAN 16x16", "config": {"d_layers": 1}},
    "patchgan-34x34": {"label": "PatchGAN 34x34", "config": {"d_layers": 2}},
    "imagegan-whole-64x64-image": {"label": "ImageGAN (whole 64x64 image)", "config": {"d_layers": 4}},
}


def ablation_study(task, segmenter, attributes, steps=1000, batch_size=16, names=None, n=200, device=None,
                   config=None, samples=6, progress=True, checkpoint=None, detail=False,
                   camera_segmenter=None):
    """Train each of :data:`ABLATIONS` (or those whose identifiers are ``names``) for ``steps`` steps from
    the same seed and score it with :func:`evaluate`.  Short runs show the trend, not the final quality.
    With a ``checkpoint`` directory each variant's run is resumable (and one trained beforehand, e.g. in
    another process with ``ck.train.ablation_checkpoint``, is only scored).

    Returns ``{key: {"label", metric: value, ..., "samples": (samples, 3, S, S)}}``, keyed by the
    variants' identifiers, the samples being G's photos for the first held-out conditions.
    ``detail=True``: trained and scored on photos with detail; ``camera_segmenter``: a second judge
    (:func:`evaluate`).
    """
    base = config or config_for(task)
    condition = task_pair(_faces.faces(samples, seed=TEST_SEED, detail=detail), task)[0]

    def train_one(key, change, where):
        cfg = dataclasses.replace(base, **change.pop("config", {}))
        G, _, run = train_pix2pix(task, steps=steps, batch_size=batch_size, config=cfg, device=device,
                                  desc=key if progress else None, checkpoint=where, detail=detail, **change)
        return G, run

    def score(key, G):
        return {**evaluate(G, task, segmenter, attributes, n=n, detail=detail,
                           camera_segmenter=camera_segmenter),
                "samples": translate(G.cpu(), condition)}

    return _train.ablation_study({key: ABLATIONS[key] for key in names or ABLATIONS}, train_one, score,
                                 checkpoint)


# The zoo saves and rebuilds this lecture's models by these names.
register("pix2pix.UNetGenerator", UNetGenerator, Pix2PixConfig)
