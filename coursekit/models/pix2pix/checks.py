"""Notebook 03: Pix2Pix.

The exercise checks of this lecture, each with its hints (``ck.check.<name>``, ``ck.hint(name)``).
"""

import copy

import torch
import torch.nn.functional as F

import coursekit as _ck
from coursekit.check import Case, Check, Goal, Lab, Mistake, Terms, expect_images
from coursekit.models import pix2pix as _pix2pix


_bce = F.binary_cross_entropy_with_logits


def _tiny_unet_generator(seed, skips=True):
    torch.manual_seed(seed)
    G = _pix2pix.UNetGenerator(_pix2pix.Pix2PixConfig(in_channels=1, width=4, depth=3, skips=skips)).eval()
    x = torch.rand(2, 1, 16, 16, generator=torch.Generator().manual_seed(seed)) * 2 - 1
    return G, x


def _unet_with(cat_order="decoder first", tanh=True, skips_order="reversed", add=False,
               bottleneck_skip=False):
    """The U-Net's forward pass with one mistake: the concatenation's order, no tanh, the skips met in
    encoder order (a queue, not a stack), skips added instead of concatenated (channel counts break),
    or the bottleneck kept as a skip."""
    def forward(G, x):
        skips = []
        for block in G.encoder:
            x = block(x)
            skips.append(x)
        if not bottleneck_skip:
            skips.pop()
        for block in G.decoder:
            x, s = block(x), skips.pop() if skips_order == "reversed" else skips.pop(0)
            x = x + s if add else torch.cat([x, s] if cat_order == "decoder first" else [s, x], 1)
        out = G.to_image(x)
        return torch.tanh(out) if tanh else out
    return forward


unet_forward = Check(
    "unet_forward",
    same_slope=True,
    hints=(
        'Keep every encoder output in a list; the last one (the bottleneck) feeds the decoder and is not a '
        'skip.',
        'A stack fits: the decoder meets the encoder outputs in reverse order (list.pop()).',
        'Join along the channels (dim 1), and finish with the last layer G.to_image and tanh.',
    ),
    reference=lambda G, x: G(x),
    cases=[Case("a tiny U-Net (16x16, three levels)", lambda: _tiny_unet_generator(0)),
           Case("another tiny U-Net and batch", lambda: _tiny_unet_generator(1))],
    mistakes=[
        Mistake("Concatenate the decoder's output first, then the skip: torch.cat([x, skip], dim=1) "
                "(the next block's weights expect that order).", _unet_with(cat_order="skip first")),
        Mistake("The generator ends in tanh, so its photos lie in [-1, 1] like the real ones.",
                _unet_with(tanh=False)),
        Mistake("The decoder meets the encoder's outputs in reverse order (the deepest skip first): take "
                "them from the end of the list, skips.pop(), not from the front.",
                _unet_with(skips_order="in order")),
        Mistake("The skips are concatenated along the channels (torch.cat([x, skip], dim=1)), not added: "
                "the decoder's blocks expect twice the channels.", _unet_with(add=True)),
        Mistake("The bottleneck (the last encoder output) feeds the decoder and is not a skip: pop it off "
                "the list before the decoder loop.", _unet_with(bottleneck_skip=True)),
    ],
)


def _conv_stack(*layers):
    """A stack of convolutions given as (kernel, stride) pairs."""
    return (torch.nn.Sequential(*[torch.nn.Conv2d(1, 1, k, s) for k, s in layers]),)


def _convs(module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]


def _rf_layers(convs, order="output first", strides=True, start=1, form="recursive"):
    """The receptive field of the convolutions ``convs`` (in the stack's order), with one mistake:
    layers walked input first, strides ignored, a start at 0 pixels, or the kernels simply summed."""
    if form == "sum":
        return sum(c.kernel_size[0] for c in convs)
    r = start
    for conv in (reversed(convs) if order == "output first" else convs):
        r = (r - 1) * (conv.stride[0] if strides else 1) + conv.kernel_size[0]
    return r


def _rf_with(**mistake):
    """The receptive field of a module with one mistake (:func:`_rf_layers`)."""
    return lambda module: _rf_layers(_convs(module), **mistake)


def _rf_of(pick):
    """The right rule on another stack made of the module's convolutions: ``pick(convs)`` lists them."""
    return lambda module: _rf_layers(pick(_convs(module)))


def _as_number(fn, *args):
    r = fn(*args)
    return None if r is None else torch.tensor(float(r))


receptive_field = Check(
    "receptive_field",
    hints=(
        'Only the convolutions count; collect them in order from module.modules().',
        'Start at 1 pixel and go from the last conv to the first: r grows by (kernel − 1) times the product '
        'of the strides after it, or, one layer at a time, r ← (r − 1) · stride + kernel.',
    ),
    reference=_pix2pix.receptive_field,
    observe=_as_number,
    # what a loop that reads the wrong layer computes: the right rule on another stack
    variants=[("Your answer is the receptive field of the last convolution alone: the loop stops after "
               "one layer (a return inside the loop?) or reads only the last one.", _rf_of(lambda c: c[-1:])),
              ("Your answer is the receptive field of the first convolution alone: the loop stops after "
               "one layer or reads only the first one.", _rf_of(lambda c: c[:1])),
              ("Your answer treats every layer as the last one: inside the loop, read the loop's own layer "
               "(conv.kernel_size, conv.stride), not convs[-1]'s.", _rf_of(lambda c: [c[-1]] * len(c))),
              ("Your answer treats every layer as the first one: inside the loop, read the loop's own layer, "
               "not convs[0]'s.", _rf_of(lambda c: [c[0]] * len(c))),
              ("Your answer leaves out the last convolution: the loop stops one layer early (a range one "
               "short, or convs[:-1]).", _rf_of(lambda c: c[:-1])),
              ("Your answer leaves out the first convolution: the loop starts one layer late (convs[1:], "
               "or a range from 1).", _rf_of(lambda c: c[1:]))],
    cases=[Case("one 3x3 convolution", lambda: _conv_stack((3, 1))),
           Case("two 3x3 convolutions", lambda: _conv_stack((3, 1), (3, 1))),
           Case("4x4 stride 2, then 3x3", lambda: _conv_stack((4, 2), (3, 1))),
           Case("the 70x70 PatchGAN",
                lambda: (_pix2pix.PatchDiscriminator(_pix2pix.Pix2PixConfig(width=2)),)),
           Case("the 1x1 PixelGAN",
                lambda: (_pix2pix.PatchDiscriminator(_pix2pix.Pix2PixConfig(width=2, d_layers=0)),))],
    mistakes=[
        Mistake("Walk from the output back to the input: start at r = 1 for one output value and apply "
                "r ← (r − 1)·stride + kernel for the last layer first.", _rf_with(order="input first")),
        Mistake("A stride-2 layer doubles the reach of every layer after it: multiply (r − 1) by its stride.",
                _rf_with(strides=False)),
        Mistake("Start from one output value, r = 1 pixel, not 0: a 3x3 conv alone sees 3 pixels.",
                _rf_with(start=0)),
        Mistake("Kernels do not simply add up: each layer adds (kernel − 1) pixels, times the strides "
                "after it. Use r ← (r − 1)·stride + kernel from the last layer back.", _rf_with(form="sum")),
        Mistake("Count the convolutions only: the PixelGAN's 1x1 layers see 1 pixel, and r starts at 1.",
                lambda module: 1 + sum(c.kernel_size[0] - 1 for c in module.modules()
                                       if isinstance(c, torch.nn.Conv2d)) * 2),
    ],
)

_l1, _mse = F.l1_loss, F.mse_loss


def _g_loss_case(seed):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(2, 1, 6, 6, generator=g) * 2, torch.rand(2, 3, 8, 8, generator=g) * 2 - 1,
            torch.rand(2, 3, 8, 8, generator=g) * 2 - 1, 100.0)


pix2pix_g_loss = Check(
    "pix2pix_g_loss",
    terms=Terms(("the GAN term", "the L1 term"),
                lambda logits, fake, target, lam: (_bce(logits, torch.ones_like(logits)), _l1(fake, target)),
                lambda logits, fake, target, lam: (1, lam),
                lambda logits, fake, target, lam: (("bce", logits, torch.ones_like(logits)),
                                                   ("l1", fake, target))),
    hints=(
        "The GAN term is the non-saturating loss on D's fake logits (target: real).",
        'The reconstruction term is the mean absolute error between fake and target (F.l1_loss), times '
        'lambda_L1.',
    ),
    reference=lambda logits, fake, target, lam: _pix2pix.g_loss(logits, fake, target, lam),
    cases=[Case("G's photo equals the target: only the GAN term",
                lambda: (*_g_loss_case(0)[:2], _g_loss_case(0)[1], 100.0)),
           Case("random patches and photos, λ = 100", lambda: _g_loss_case(1)),
           Case("λ = 10", lambda: (*_g_loss_case(2)[:3], 10.0))],
    mistakes=[
        Mistake("The paper uses L1, not L2: it blurs less. F.l1_loss(fake, target).",
                lambda lg, f, t, lam: _bce(lg, torch.ones_like(lg)) + lam * _mse(f, t)),
        Mistake("λ weighs the L1 term (λ = 100), not the adversarial one.",
                lambda lg, f, t, lam: lam * _bce(lg, torch.ones_like(lg)) + _l1(f, t)),
        Mistake("G wants every patch called real: BCE against 1, not 0.",
                lambda lg, f, t, lam: _bce(lg, torch.zeros_like(lg)) + lam * _l1(f, t)),
        Mistake("D returns logits: do not apply torch.sigmoid before binary_cross_entropy_with_logits.",
                lambda lg, f, t, lam: _bce(torch.sigmoid(lg), torch.ones_like(lg)) + lam * _l1(f, t)),
        Mistake("The adversarial term is missing: without it Pix2Pix is plain L1 regression (blurry).",
                lambda lg, f, t, lam: lam * _l1(f, t)),
    ],
)


# --------------------------------------------------------------------------------------------
# The lab: the same weights, better photos (inference as the paper runs it).

def _score_inference(translate, G=None, segmenter=None, attributes=None, n=200):
    """Hand the student's ``translate(G, conditions)`` a copy of the zoo's labels -> photo generator and the
    label maps of ``n`` held-out faces; score its photos as section 6 does (the segmenter's pixel accuracy
    and mean IoU against the input labels, the Fréchet distance to the true photos)."""
    cpu = torch.device("cpu")
    G = G if G is not None else _ck.zoo.load("faces-pix2pix", device=cpu)
    segmenter = segmenter if segmenter is not None else _ck.zoo.load("faces-segmenter", device=cpu)
    attributes = attributes if attributes is not None else _ck.zoo.load("faces-attributes", device=cpu)
    mine = copy.deepcopy(G).eval()  # the student may switch modes or hooks: the zoo's G stays as it was

    def run(model, conditions):
        # the same dropout masks every run, and the student's random state untouched
        with torch.random.fork_rng():
            torch.manual_seed(0)
            fake = translate(model, conditions.clone())
        if any(not torch.equal(a, b) for a, b in zip(model.parameters(), G.parameters())):
            raise ValueError("G's weights changed: the lab asks for the same weights. Translate under "
                             "torch.no_grad(), and do not train or edit G.")
        return expect_images(fake, conditions.shape, f"translate(G, conditions) for {n} label maps")

    scores = _pix2pix.evaluate(mine, "labels", segmenter, attributes, n=n, run=run)
    return {"pixel_accuracy": scores["pixel_accuracy"], "mean_iou": scores["mean_iou"],
            "fid": scores["fid_attributes"], "faces": n}


def _inference_goals():
    # measured with pix2pix.translate when the model was published
    zoo = _ck.zoo.record("faces-pix2pix")["metrics"]
    return [Goal("pixel_accuracy", f"the segmenter's pixel accuracy on 200 photos (pix2pix.translate: "
                                   f"{zoo['pixel_accuracy']:.3f})", at_least=0.91),
            Goal("fid", f"Fréchet distance to the true photos (pix2pix.translate: "
                        f"{zoo['fid_attributes']:.1f})",
                 at_most=150.0)]


lab_inference = Lab(
    "lab_inference",
    task="write translate(G, conditions) -> photos (N, 3, 64, 64) in [-1, 1]: the zoo's labels -> photo G "
         "(a copy; its weights must not change) translates N held-out label maps (N, 3, 64, 64), and scores "
         "better than pix2pix.translate, the course's way of running it.",
    measure=_score_inference,
    goals=lambda numbers: _inference_goals(),
    hints=(
        "The weights are fixed, but some layers compute differently in training and at test time. Which "
        "layers of the U-Net are those, and in which way does pix2pix.translate run each?",
        "Dropout and batch norm. Section 5 keeps dropout on, as the paper does. Now read what the paper says "
        "it does with batch norm at inference (Isola et al., 2017, section 3.3) and compare with G.eval().",
        "Switch only the nn.BatchNorm2d modules to training mode (module.train()): they then normalise with "
        "the statistics of the batch being translated, not with the running averages of training. Translate "
        "under torch.no_grad(), in batches of a few dozen maps or more.",
    ),
)
