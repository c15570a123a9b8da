"""Notebook 04: CycleGAN's cycle and identity losses, the history of generated images,
and CyCADA's semantic loss.

The exercise checks of this lecture, each with its hints (``ck.check.<name>``, ``ck.hint(name)``).
"""

import torch
import torch.nn.functional as F

import coursekit as _ck
from coursekit.check import Case, Check, Goal, Lab, Mistake, Terms
from coursekit.models import cyclegan as _cyclegan

_l1, _mse = F.l1_loss, F.mse_loss


def _pairs(seed, n=2, size=8):
    g = torch.Generator().manual_seed(seed)
    return tuple(torch.rand(n, 3, size, size, generator=g) * 2 - 1 for _ in range(4))


cycle_loss = Check(
    "cycle_loss",
    terms=Terms(("the A → B → A cycle's term", "the B → A → B cycle's term"),
                lambda a, ra, b, rb, lam=10.0: (_l1(ra, a), _l1(rb, b)),
                lambda a, ra, b, rb, lam=10.0: (lam, lam),
                lambda a, ra, b, rb, lam=10.0: (("l1", ra, a), ("l1", rb, b))),
    hints=(
        'The distance is L1: the mean absolute difference over every pixel (F.l1_loss).',
        'F(G(a)) is compared with a, G(F(b)) with b: two terms, added, then multiplied by lambda_cycle.',
    ),
    reference=_cyclegan.cycle_loss,
    cases=[Case("perfect reconstructions: zero",
                lambda: (*(lambda a, b: (a, a, b, b))(*_pairs(0)[:2]), 10.0)),
           Case("random images, λ = 10", lambda: (*_pairs(1), 10.0)),
           Case("only A's reconstruction is off, λ = 5",
                lambda: (*(lambda a, r, b: (a, r, b, b))(*_pairs(2)[:3]), 5.0)),
           Case("a batch of four, λ = 2", lambda: (*_pairs(6, n=4), 2.0))],
    mistakes=[
        Mistake("The paper's cycle loss is L1 (mean absolute error), not L2: F.l1_loss.",
                lambda a, ra, b, rb, lam: lam * (_mse(ra, a) + _mse(rb, b))),
        Mistake("λ (lambda_cycle) weighs the cycle loss: multiply the sum of both terms by it.",
                lambda a, ra, b, rb, lam: _l1(ra, a) + _l1(rb, b)),
        Mistake("Both cycles count: a → G(a) → F(G(a)) ≈ a and b → F(b) → G(F(b)) ≈ b.",
                lambda a, ra, b, rb, lam: lam * _l1(ra, a)),
        Mistake("Compare each reconstruction with the image it started from: F(G(a)) with a, G(F(b)) with b.",
                lambda a, ra, b, rb, lam: lam * (_l1(ra, b) + _l1(rb, a))),
        Mistake("Each term is a *mean* absolute error over the pixels (F.l1_loss's default), not a sum: a "
                "sum grows with the image size and swamps the GAN loss.",
                lambda a, ra, b, rb, lam: lam * (_l1(ra, a, reduction="sum") + _l1(rb, b, reduction="sum"))),
    ],
)


identity_loss = Check(
    "identity_loss",
    terms=Terms(("the A images' identity term", "the B images' identity term"),
                lambda a, ia, b, ib, lam=10.0, idt=0.5: (_l1(ia, a), _l1(ib, b)),
                lambda a, ia, b, ib, lam=10.0, idt=0.5: (lam * idt, lam * idt),
                lambda a, ia, b, ib, lam=10.0, idt=0.5: (("l1", ia, a), ("l1", ib, b))),
    hints=(
        "idt_a is F's output for an A image: it should equal real_a; likewise idt_b and real_b.",
        'The weight is the product lambda_cycle · lambda_identity (5 in the paper), on the sum of the two L1 '
        'terms.',
    ),
    reference=_cyclegan.identity_loss,
    cases=[Case("the generators leave their own domain alone: zero",
                lambda: (*(lambda a, b: (a, a, b, b))(*_pairs(3)[:2]), 10.0, 0.5)),
           Case("random images, λ = 10, λ_idt = 0.5", lambda: (*_pairs(4), 10.0, 0.5)),
           Case("λ = 10, λ_idt = 0.1", lambda: (*_pairs(5), 10.0, 0.1)),
           Case("a batch of four, λ = 5, λ_idt = 1", lambda: (*_pairs(7, n=4), 5.0, 1.0))],
    mistakes=[
        Mistake("The identity weight is λ_idt times the cycle weight λ (0.5 × 10 = 5 in the paper), "
                "not λ_idt alone.",
                lambda a, ia, b, ib, lam, idt: idt * (_l1(ia, a) + _l1(ib, b))),
        Mistake("Use L1, as for the cycle loss: F.l1_loss.",
                lambda a, ia, b, ib, lam, idt: lam * idt * (_mse(ia, a) + _mse(ib, b))),
        Mistake("G_BA(a) should stay a: compare idt_a with real_a (and idt_b with real_b).",
                lambda a, ia, b, ib, lam, idt: lam * idt * (_l1(ia, b) + _l1(ib, a))),
        Mistake("Both generators count: F(a) ≈ a and G(b) ≈ b, two terms.",
                lambda a, ia, b, ib, lam, idt: lam * idt * _l1(ia, a)),
        Mistake("The weight multiplies: λ · λ_idt, not λ + λ_idt.",
                lambda a, ia, b, ib, lam, idt: (lam + idt) * (_l1(ia, a) + _l1(ib, b))),
    ],
)


def _pool_case(stored, size, new, seed):
    """A pool holding images numbered 0.. (each image is its number, everywhere), and new images numbered
    1000.."""
    def make():
        pool = [torch.full((1, 1, 2, 2), float(i)) for i in range(stored)]
        images = (1000 + torch.arange(new, dtype=torch.float32)).view(new, 1, 1, 1).expand(
            new, 1, 2, 2).clone()
        return pool, images, size, seed
    return make


def _pool_behaviour(fn, pool, images, size, seed):
    """What the history's answer shows, as numbers the reference gets (1 = as it should be):
    the batch's size, answers drawn from the new and stored images only, the pool's size,
    what went in = what came out (nothing lost or copied twice), about half taken from the history
    when the pool was full and the batch large, and then every slot swapped at least once."""
    torch.manual_seed(seed)
    before = [float(p.flatten()[0]) for p in pool]
    full = len(pool) >= size
    out = fn(pool, images, size)
    if out is None or not torch.is_tensor(out):
        return out
    if out.shape != images.shape:
        return torch.tensor([0.0, 0, 0, 0, 0, 0])
    got = out.flatten(1)[:, 0].tolist()
    new = images.flatten(1)[:, 0].tolist()
    after = [float(p.flatten()[0]) for p in pool]
    from_history = sum(g != n for g, n in zip(got, new)) / len(got)  # not this position's new image
    # the share from the history, to the nearest quarter (a fair coin over 200 images: 0.5)
    share = (round(from_history * 4) / 4 if full and len(got) >= 100
             else float(from_history == 0 if not full else 1))
    return torch.tensor([1.0, float(all(v in new or v in before for v in got)),
                         float(len(after) == min(size, len(before) + len(new)) if not full
                               else len(after) == size),
                         # each new image that filled the pool is both stored and returned
                         float(sorted(got + after)
                               == sorted(new + before + new[:max(0, size - len(before))])),
                         share,
                         # after about 100 swaps every slot has been drawn (a slot missed: 0.9^100)
                         float(not (full and len(got) >= 100) or all(a != b for a, b in zip(after, before)))])


def _pool_with(replace=True, always=False, fill_returns="image"):
    """The history of query_pool with one mistake: the stored image not replaced, a swap every time,
    or, while the pool fills, a random stored image returned instead of the new one."""
    def query(pool, images, size):
        out = []
        for image in images.split(1):
            if len(pool) < size:
                pool.append(image)
                out.append(image if fill_returns == "image" else pool[int(torch.randint(len(pool), ()))])
            elif always or torch.rand(()) < 0.5:
                i = int(torch.randint(size, ()))
                out.append(pool[i])
                if replace:
                    pool[i] = image
            else:
                out.append(image)
        return torch.cat(out)
    return query


image_pool = Check(
    "image_pool",
    behaviours=(
        "the pool's answer does not hold one image per new image",
        "some answers are neither a new image nor a stored one: answer with the images themselves",
        "the pool ends holding the wrong number of images: it grows by one per new image until it holds "
        "`size`, then stays that size (a swap puts the new image in the returned one's place; nothing is "
        "appended)",
        "an image was lost or answered twice: every new image must either come back or be stored, and a "
        "stored image that comes back must leave its slot to the new one (read the slot before you "
        "overwrite it)",
        "the share of answers taken from the history is wrong: while the pool fills every new image comes "
        "back itself; once it is full, a fair coin per image decides, so about half come from the history",
        "the swaps do not reach every slot: after about 100 swaps a slot still holds the image it held "
        "before them; draw the slot at random over all `size` slots (torch.randint(size, ()))",
    ),
    hints=(
        'Three cases per image: the pool is not full yet; it is full and the coin says swap; it is full and '
        'the coin says keep.',
        'A swap answers with the stored image at a random index and puts the new image in its place; join '
        'the answers with torch.cat.',
    ),
    reference=_cyclegan.query_pool,
    observe=lambda fn, pool, images, size, seed: _pool_behaviour(fn, pool, images, size, seed),
    cases=[Case("an empty pool of 4 and 3 new images: all kept and returned", _pool_case(0, 4, 3, 0)),
           Case("2 of 4 stored, 5 new images: two fill the pool, then swaps", _pool_case(2, 4, 5, 1)),
           Case("a full pool of 10 and 200 new images: about half from the history",
                _pool_case(10, 10, 200, 2))],
    mistakes=[
        Mistake("While the pool is not full, add each new image to it (pool.append) and return the image "
                "itself.",
                lambda pool, images, size: images),
        Mistake("Once the pool is full, swap with probability ½: about half of what D sees should be old "
                "images.",
                lambda pool, images, size: (_cyclegan.query_pool(pool, images, size) if len(pool) < size
                                            else images)),
        Mistake("When you return a stored image, put the new one in its place (pool[i] = image): otherwise "
                "the history never learns anything new, and the new image is lost.",
                _pool_with(replace=False)),
        Mistake("Swap with probability ½, not always: half of what D sees should be this step's images.",
                _pool_with(always=True)),
        Mistake("While the pool fills, answer with the new image itself; the history only answers for it "
                "once the pool is full.", _pool_with(fill_returns="stored")),
    ],
)


def _class_logits(seed, n=8, k=10, agree=None):
    """(logits of the translations, logits of the sources), (n, k) each; with ``agree`` the translations
    are read as the sources' classes with that margin."""
    g = torch.Generator().manual_seed(seed)
    source = torch.randn(n, k, generator=g) * 3
    translated = torch.randn(n, k, generator=g) * 3
    if agree is not None:
        translated = translated + agree * F.one_hot(source.argmax(1), k)
    return translated, source


semantic_loss = Check(
    "semantic_loss",
    terms=Terms(("the cross-entropy",), lambda lt, ls: (_cyclegan.semantic_loss(lt, ls),),
                lambda lt, ls: (1,), lambda lt, ls: (("ce", lt, ls.detach().argmax(1)),)),
    variants=[
        ("The target is taken from the wrong side: the class f reads in the *source* image (argmax of "
         "logits_source) is the target for the translation's logits.",
         lambda lt, ls: F.cross_entropy(lt, lt.detach().argmax(1))),
        ("The logits are swapped: the translation's logits are judged against the source's class, not the "
         "other way round.", lambda lt, ls: F.cross_entropy(ls, lt.argmax(1))),
        ("The target is f's probabilities (a soft label); the loss takes its hard class, argmax.",
         lambda lt, ls: F.cross_entropy(lt, ls.softmax(1))),
    ],
    hints=(
        "The target is f's class for the source image, one index per image, read from logits_source (argmax "
        "over the classes).",
        "The translation's logits are judged against that target with the mean cross-entropy.",
    ),
    reference=_cyclegan.semantic_loss,
    cases=[Case("8 images, 10 classes, random logits", lambda: _class_logits(0)),
           Case("the translations read as their sources' digits, by a wide margin",
                lambda: _class_logits(1, agree=20.0)),
           Case("32 images, 10 classes", lambda: _class_logits(2, n=32)),
           Case("5 images, 3 classes", lambda: _class_logits(3, n=5, k=3))],
    mistakes=[
        Mistake("The target is f's *predicted class* for the source (logits_source.argmax(1)), a hard label, "
                "not its probabilities.",
                lambda t, s: -(F.softmax(s, 1) * F.log_softmax(t, 1)).sum(1).mean()),
        Mistake("The roles are swapped: the translation's logits are judged against the source's predicted "
                "class, F.cross_entropy(logits_translated, logits_source.argmax(1)).",
                lambda t, s: F.cross_entropy(s, t.argmax(1))),
        Mistake("F.nll_loss expects log-probabilities: use F.cross_entropy on the logits (it applies "
                "log_softmax itself).", lambda t, s: F.nll_loss(t, s.argmax(1))),
        Mistake("Average over the batch (F.cross_entropy's default reduction), do not sum: the loss's weight "
                "should not grow with the batch size.",
                lambda t, s: F.cross_entropy(t, s.argmax(1), reduction="sum")),
        Mistake("Compare classes, not raw scores: a squared error between logits asks f to be equally sure, "
                "not to read the same digit.", lambda t, s: _mse(t, s)),
        Mistake("Cross-entropy is a loss to minimise: it is −log p(class), positive; yours has the opposite "
                "sign.",
                lambda t, s: -F.cross_entropy(t, s.argmax(1))),
    ],
)


# --------------------------------------------------------------------------------------------
# The lab: a reader of printed digits that never saw a printed digit's label (domain adaptation).

def _score_reader(build_reader, unlabelled=4000, n=1000):
    """Hand the student's ``build_reader(images)`` ``unlabelled`` printed digits (N, 3, 28, 28) of the
    training seed, without their labels; it returns ``reader(images) -> logits (N, 10)`` (or class
    indices (N,)). Read ``n`` held-out printed digits of the test seed (never in the pool) and score the
    readings."""
    pool = _ck.data.printed_digits(unlabelled, seed=_cyclegan.TRAIN_SEED).images
    reader = build_reader(pool.clone())
    if not callable(reader):
        raise TypeError(f"build_reader must return a function that reads images (N, 3, 28, 28) and returns "
                        f"logits (N, 10); it returned {type(reader).__name__}. Return the function "
                        f"(or module) itself.")
    test = _ck.data.printed_digits(n, seed=_cyclegan.TEST_SEED)
    classes = []
    with torch.no_grad():
        for chunk in test.images.split(250):
            out, m = torch.as_tensor(reader(chunk)).detach().cpu(), len(chunk)
            if out.shape not in ((m, 10), (m,)):
                raise ValueError(f"reader(images) of {m} printed digits must return logits ({m}, 10) or "
                                 f"class indices ({m},); got shape {tuple(out.shape)}.")
            classes.append(out.argmax(1) if out.dim() == 2 else out.long())
    read = torch.cat(classes)
    per_digit = [(read[test.labels == d] == d).float().mean().item() for d in range(10)]
    return {"accuracy": (read == test.labels).float().mean().item(), "worst_digit": min(per_digit),
            "per_digit": per_digit, "digits": n}


lab_printed_reader = Lab(
    "lab_printed_reader",
    task="write build_reader(unlabelled) -> reader: from 4,000 printed digits (N, 3, 28, 28) without their "
         "labels and whatever MNIST gives (its digits, its labels, the zoo's MNIST readers and translators), "
         "build reader(images) -> logits (N, 10) for printed digits. No model or label that saw a printed "
         "digit's class: not printed-judge, not printed-judge-2, not ck.data.printed_digits' labels.",
    measure=_score_reader,
    goals=[Goal("accuracy", "share of 1,000 held-out printed digits read correctly", at_least=0.95),
           Goal("worst_digit", "the worst digit's share (a reader that gives up on one class fails)",
                at_least=0.7)],
    hints=(
        "You own good readers of MNIST digits, and translators between the two domains. Which direction of "
        "translation brings a printed digit to where a reader you own can read it?",
        "Translate B -> A (printed -> MNIST style) and read with the MNIST judge; section 5 measured which "
        "translator keeps the digit (the confusion table) and section 7 which does better. The judge reads "
        "one grey channel: cyclegan.to_gray.",
        "cyclegan.translate(G, images) runs a translator over a batch; the semantic CycleGAN's "
        "printed -> MNIST translator is its G_BA; ck.zoo.load('mnist-judge') returns logits for "
        "(N, 1, 28, 28). Going further: read the 4,000 unlabelled digits that way and train a printed-digit "
        "reader on them (self-training).",
    ),
)
