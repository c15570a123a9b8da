"""Diagnosis by probing: how a wrong answer responds when its inputs change.

Where a wrong output keeps no plain relation to the expected one (:mod:`coursekit.feedback`), the
way it answers to its inputs still says what went wrong.  Each probe runs the student's function
and the reference on a check's own cases, changed a little:

- :func:`replaced_argument`: the student's result is the reference's with one argument replaced by
  a function of it (ψ by 1/ψ, λ by 1, a gain by He's √2, a schedule read one step early, one
  tensor argument used where another belongs);
- :func:`batch_mixing`: a result per image that depends on the other images of the batch, or on
  how many there are (reorder the batch, or cut it);
- :func:`ignored_argument`: a result that does not move when an argument the formula uses moves;
- :func:`shape_words`: a wrong shape, said with the sizes of the case (the batch size, the channels)
  in place of bare numbers (:mod:`coursekit.errors` says an error so).

Each returns a sentence in the exercise's words, or None.
"""

import inspect
import math

import torch

from coursekit import feedback

#: Argument names that are no quantity of the formula (how a case is drawn): never probed.
NOT_PROBED = ("seed", "generator", "device", "size")


def _parameter_names(reference, count):
    try:
        names = list(inspect.signature(reference).parameters)
    except (TypeError, ValueError):
        names = []
    return names + [f"argument {i + 1}" for i in range(len(names), count)]


def _said(name):
    """How a hint writes an argument: the lecture's symbol, else the name in code style."""
    symbol = feedback.symbol(name)
    return symbol if symbol != name else f"`{name}`"


def _number(a):
    return isinstance(a, (int, float)) and not isinstance(a, bool)


def _float_tensor(a):
    return torch.is_tensor(a) and a.is_floating_point()


def _run(chk, fn, args):
    torch.manual_seed(0)  # a function that draws random numbers draws the same ones each time
    return chk.observe(fn, *args)


def _same(a, b, atol):
    return torch.is_tensor(a) and torch.is_tensor(b) and feedback.close(a.detach(), b.detach(),
                                                                        atol=max(atol, feedback.ATOL))


def _agrees_when(chk, fn, change):
    """True when ``fn`` agrees, on every case, with the reference run on the case's arguments passed
    through ``change(args) -> args`` (None: the change does not apply), and the change mattered."""
    mattered = False
    for case in chk.cases:
        try:
            changed = change(list(case.make()))
            if changed is None:
                return False
            theirs = _run(chk, chk.reference, changed)
        except Exception:  # noqa: BLE001 (a change the case cannot take, 1/ψ at ψ = 0: the case says nothing)
            continue
        try:
            got = _run(chk, fn, case.make())
        except Exception:  # noqa: BLE001
            return False
        if not _same(got, theirs, chk.atol):
            return False
        mattered = mattered or not _same(_run(chk, chk.reference, case.make()), theirs, chk.atol)
    return mattered


#: What a number argument may have become, and what that says: (written as, fn(p), consequence).
NUMBER_CHANGES = [
    ("1/{p}", lambda p: 1 / p, "{p} divides where the formula multiplies by it (or the other way round)"),
    ("{p}²", lambda p: p * p, "{p} is squared where the formula takes it as it is"),
    ("√{p}", lambda p: math.sqrt(p), "a square root is taken of {p} where the formula takes {p} itself"),
    ("−{p}", lambda p: -p, "{p}'s sign is flipped"),
    ("1 − {p}", lambda p: 1 - p, "{p} and 1 − {p} are swapped"),
    ("1", lambda p: 1.0, "{p} is left out (as if it were 1)"),
    ("0", lambda p: 0.0, "what {p} multiplies is missing (as if {p} were 0)"),
    ("2{p}", lambda p: 2 * p, "{p} counts twice"),
    ("{p}/2", lambda p: p / 2, "only half of {p} counts"),
    ("√2", lambda p: math.sqrt(2), "a fixed √2 (He's gain) stands where {p} belongs"),
    ("e^{p}", lambda p: math.exp(p), "{p} passes through exp where the formula takes it as it is"),
]

#: Integer arguments (an index, a count): off by one.
INDEX_CHANGES = [
    ("{p} − 1", lambda p: p - 1, "an index is off by one (the lecture may count from 1, the code from 0)"),
    ("{p} + 1", lambda p: p + 1, "an index is off by one (the lecture may count from 1, the code from 0)"),
]


def _square(x):
    return x.dim() >= 2 and x.shape[-1] == x.shape[-2] > 1


def _schedule(x):
    return _float_tensor(x) and x.dim() == 1 and x.numel() >= 8


#: What a tensor argument may have become: (words, applies(x), fn(x)).
TENSOR_CHANGES = [
    ("its transpose (height and width swapped)", _square, lambda x: x.transpose(-1, -2)),
    ("its average over the batch, the same for every image",
     lambda x: _float_tensor(x) and x.dim() >= 2 and x.shape[0] > 1,
     lambda x: x.mean(0, keepdim=True).expand_as(x)),
    ("its negative", _float_tensor, lambda x: -x),
    ("itself read one step early (entry t − 1 for t)", _schedule, lambda x: x.roll(1, 0)),
    ("itself read one step late (entry t + 1 for t)", _schedule, lambda x: x.roll(-1, 0)),
    ("its cumulative product", lambda x: _schedule(x) and bool((x > 0).all() and (x <= 1).all()),
     lambda x: x.cumprod(0)),
    ("one plus it", _float_tensor, lambda x: 1 + x),
    ("its mean, one number for every entry", lambda x: _float_tensor(x) and x.numel() > 1,
     lambda x: x.mean().expand_as(x)),
    ("its average over the channels (dimension 1), the same for every channel",
     lambda x: _float_tensor(x) and x.dim() >= 3 and x.shape[1] > 1,
     lambda x: x.mean(1, keepdim=True).expand_as(x)),
    ("itself clamped to [−1, 1]", lambda x: _float_tensor(x) and bool((x.abs() > 1).any()),
     lambda x: x.clamp(-1, 1)),
    ("itself with its negative entries set to zero (a ReLU or clamp)",
     lambda x: _float_tensor(x) and bool((x < 0).any()), lambda x: x.clamp(min=0)),
    ("one minus it", lambda x: _float_tensor(x) and bool((x >= 0).all() and (x <= 1).all()), lambda x: 1 - x),
    ("itself divided by its standard deviation", lambda x: _float_tensor(x) and x.numel() > 2,
     lambda x: x / x.std()),
    ("its square root", lambda x: _float_tensor(x) and bool((x >= 0).all()), lambda x: x.sqrt()),
    ("its square", _float_tensor, lambda x: x * x),
    # (an input passed through tanh, exp, a sigmoid ...: input_through, with FUNCTIONS)
    ("itself read from its end (entry T − 1 − t for t: flipped)", _schedule, lambda x: x.flip(0)),
]


def replaced_argument(chk, fn):
    """Words when ``fn`` computes the reference with one argument changed: a number replaced by a
    function of it, a tensor transposed, averaged over the batch, shifted by one step, or another
    argument of the same shape in its place; else None."""
    first = list(chk.cases[0].make())
    names = _parameter_names(chk.reference, len(first))

    def setting(i, f):
        def change(args):
            if not (_number(args[i]) or torch.is_tensor(args[i])):
                return None
            args[i] = f(args[i])
            return args
        return change

    for i, (name, a) in enumerate(zip(names, first)):
        if name in NOT_PROBED:
            continue
        p = _said(name)
        changes = (NUMBER_CHANGES + (INDEX_CHANGES if isinstance(a, int) else []) if _number(a)
                   else [(words, f, "") for words, applies, f in TENSOR_CHANGES if torch.is_tensor(a)
                         and applies(a)])
        for written, f, consequence in changes:
            if _agrees_when(chk, fn, setting(i, f)):
                if _number(a):
                    return (f"your result is the expected one with {p} replaced by {written.format(p=p)}: "
                            f"{consequence.format(p=p)}")
                return f"your result is the expected one with {p} replaced by {written}"
    schedules = [i for i, a in enumerate(first) if _schedule(a)]
    if len(schedules) > 1:  # every schedule read one step off at once
        for shift, when in ((1, "early (entry t − 1 for t)"), (-1, "late (entry t + 1 for t)")):
            def rolled(args, shift=shift):
                for i in schedules:
                    args[i] = args[i].roll(shift, 0)
                return args
            if _agrees_when(chk, fn, rolled):
                return (f"your result is the expected one with every schedule read one step {when}: an index "
                        "is off by one (the lecture may count t from 1, the code from 0)")
    for i, a in enumerate(first):
        for j, b in enumerate(first):
            if i == j or not (torch.is_tensor(a) and torch.is_tensor(b)) or a.shape != b.shape \
                    or a.dtype != b.dtype or names[i] in NOT_PROBED or names[j] in NOT_PROBED:
                continue
            if i < j and _agrees_when(chk, fn, lambda args, i=i, j=j: _swapped(args, i, j)):
                return f"your result is the expected one with {_said(names[i])} and {_said(names[j])} swapped"
            if _agrees_when(chk, fn, lambda args, i=i, j=j: _put(args, i, j)):
                return (f"your result is the expected one with {_said(names[j])} used where "
                        f"{_said(names[i])} belongs")
    return None


def _swapped(args, i, j):
    args[i], args[j] = args[j], args[i]
    return args


def _put(args, i, j):
    args[i] = args[j]
    return args


def argument_offset(chk, fn):
    """Words when ``fn``'s result is the expected one minus or plus one of its tensor arguments (the update
    returned instead of the updated value, a skip connection lost or counted twice); else None."""
    first = list(chk.cases[0].make())
    names = _parameter_names(chk.reference, len(first))
    for i, name in enumerate(names[:len(first)]):
        if name in NOT_PROBED or not _float_tensor(first[i]):
            continue
        p = _said(name)
        for sign, words in ((-1, f"minus {p}: {p} itself is missing from your result (the change returned "
                                 "where the changed value belongs, or a skip connection lost)"),
                            (1, f"plus {p}: {p} is added once too often")):
            agrees, mattered = True, False
            for case in chk.cases:
                args = list(case.make())
                try:
                    ref, got = _run(chk, chk.reference, list(case.make())), _run(chk, fn, list(case.make()))
                    aimed = ref + sign * args[i]
                except Exception:  # noqa: BLE001 (shapes that do not add: not this relation)
                    agrees = False
                    break
                if aimed.shape != ref.shape or not _same(got, aimed, chk.atol):
                    agrees = False
                    break
                mattered = mattered or bool(args[i].abs().max() > 1e-6)
            if agrees and mattered:
                return f"your result is the expected one {words}"
    return None


def _batched(args):
    """The batch size N (the first tensor argument's first dimension, at least 3) and the positions of
    the arguments that carry it; or (None, [])."""
    tensors = [a for a in args if torch.is_tensor(a) and a.dim() >= 1]
    if not tensors or tensors[0].shape[0] < 3:
        return None, []
    n = tensors[0].shape[0]
    return n, [i for i, a in enumerate(args) if torch.is_tensor(a) and a.dim() >= 1 and a.shape[0] == n]


def _per_image(out, reordered, order, n, atol):
    """True when ``reordered`` is ``out`` reordered as the batch was (a result per image), or the same
    (one number for the batch); None when the result has no such shape."""
    if not torch.is_tensor(out) or not torch.is_tensor(reordered):
        return None
    if out.dim() >= 1 and out.shape[0] == n:
        return _same(reordered, out[order], atol)
    if out.numel() == 1:
        return _same(reordered, out, atol)
    return None


#: Functions an input may have been passed through, or a network's output: (words, fn).
FUNCTIONS = [
    ("tanh", torch.tanh), ("a sigmoid", torch.sigmoid), ("exp", torch.exp), ("a ReLU", torch.relu),
    ("an absolute value", torch.abs), ("a square", torch.square),
    ("softplus", torch.nn.functional.softplus),
    ("a softmax over the last dimension", lambda x: torch.softmax(x, -1)),
    ("a min-max stretch to [0, 1]", lambda x: (x - x.min()) / (x.max() - x.min())),
]


class _Through(torch.nn.Module):
    """A network whose output passes through ``f``."""

    def __init__(self, net, f):
        super().__init__()
        self.net, self.f = net, f

    def forward(self, *args, **kwargs):
        return self.f(self.net(*args, **kwargs))


def input_through(chk, fn):
    """Words when ``fn`` computes the reference with its float inputs all (or one) passed through one
    function (the logits squashed by tanh), or a network's (or a function argument's) output passed
    through it; else None."""
    first = list(chk.cases[0].make())
    names = _parameter_names(chk.reference, len(first))
    floats = [i for i, a in enumerate(first) if _float_tensor(a) and names[i] not in NOT_PROBED]
    nets = [i for i, a in enumerate(first) if callable(a) and not torch.is_tensor(a)]
    for words, f in FUNCTIONS:
        def some(args, which, f=f):
            return [f(a) if i in which else a for i, a in enumerate(args)]
        for which in ([floats] if len(floats) > 1 else []) + [[i] for i in floats]:
            if _agrees_when(chk, fn, lambda args, which=which: some(args, which)):
                said = " and ".join(_said(names[i]) for i in which)
                return (f"your result is the expected one with {said} passed through {words} first: a "
                        "function the formula does not apply to its inputs")
        for i in nets:
            def wrapped(args, i=i, f=f):
                args[i] = _Through(args[i], f)
                return args
            if _agrees_when(chk, fn, wrapped):
                return (f"your result is the expected one with {_said(names[i])}'s output passed through "
                        f"{words}: the formula takes the network's output as it is")
    return None


def item_left_out(chk, fn):
    """Words when ``fn``'s result (one number) is the reference's over the batch without its last (or
    first) item: a loop or a slice one short; else None."""
    for cut, where in ((lambda n: slice(0, n - 1), "the last"), (lambda n: slice(1, n), "the first")):
        def shorter(args, cut=cut):
            sized = [a for a in args if torch.is_tensor(a) and a.dim() >= 1]
            n = sized[0].shape[0] if sized else 0
            if n < 2:
                return None
            return [a[cut(n)] if torch.is_tensor(a) and a.dim() >= 1 and a.shape[0] == n else a for a in args]
        if _agrees_when(chk, fn, shorter):
            return (f"your result is the formula's over the batch without {where} item: a loop or a slice "
                    "stops one short (range(N − 1), [:-1], or a count from 1)")
    return None


def batch_mixing(chk, fn):
    """Words when the reference computes each image on its own (reordering the batch reorders its
    results; a smaller batch gives the same results for the images kept) and ``fn`` does not; else
    None."""
    for case in chk.cases:
        args = list(case.make())
        n, batched = _batched(args)
        if n is None:
            continue
        order = torch.arange(n)
        order[:2] = torch.tensor([1, 0])  # two images trade places (a cyclic shift commutes with a roll)
        reorder = [a[order] if i in batched else a for i, a in enumerate(args)]
        try:
            ref, ref_r = _run(chk, chk.reference, case.make()), _run(chk, chk.reference, reorder)
            if not _per_image(ref, ref_r, order, n, chk.atol):
                continue
            got, got_r = _run(chk, fn, case.make()), _run(chk, fn, [a.clone() if torch.is_tensor(a) else a
                                                                    for a in reorder])
        except Exception:  # noqa: BLE001
            continue
        single = torch.is_tensor(ref) and ref.numel() == 1
        if _per_image(got, got_r, order, n, chk.atol) is False:
            return ("your loss changes when the batch is reordered: it pairs values of different images (an "
                    "index, a reshape or a reduction over the wrong dimension)" if single else
                    "your result for one image depends on where it sits in the batch: reordering the batch "
                    "changes more than the order of your results. An index, view or reshape mixes images, "
                    "or a statistic is taken over groups of them, where the formula treats each image on "
                    "its own")
        if single:
            continue
        cut = [a[:n - 1] if i in batched else a for i, a in enumerate(args)]
        try:
            ref_c = _run(chk, chk.reference, cut)
            if not _same(ref_c, ref[:n - 1], chk.atol):
                continue
            got_c = _run(chk, fn, [a.clone() if torch.is_tensor(a) else a for a in cut])
        except Exception:  # noqa: BLE001
            continue
        if torch.is_tensor(got) and got.shape == ref.shape and not _same(got_c, got[:n - 1], chk.atol):
            return ("your result for the same image changes with the size of the batch: a statistic is taken "
                    "over the batch (a mean, norm, softmax or argmax over dimension 0), or a count of the "
                    "batch (x.shape[0], len(x)) stands where the formula has another size")
    return None


def _moved(a, generator):
    if _float_tensor(a):
        return a + (0.5 * a.double().std().nan_to_num(1.0).clamp(min=0.1)).float() * torch.randn(
            a.shape, generator=generator, dtype=a.dtype)
    if _number(a) and not isinstance(a, int):
        return a * 1.37 + 0.05
    return None


def ignored_argument(chk, fn):
    """Words when the reference's result moves with an argument and ``fn``'s never does (or the other
    way round); else None."""
    first = list(chk.cases[0].make())
    names = _parameter_names(chk.reference, len(first))
    for i, name in enumerate(names[:len(first)]):
        if name in NOT_PROBED:
            continue
        ref_moves = got_moves = False
        for k, case in enumerate(chk.cases):
            args = list(case.make())
            moved = _moved(args[i], torch.Generator().manual_seed(k))
            if moved is None:
                break
            changed = args[:i] + [moved] + args[i + 1:]
            try:
                ref, ref_m = _run(chk, chk.reference, case.make()), _run(chk, chk.reference, list(changed))
                got, got_m = _run(chk, fn, case.make()), _run(chk, fn, changed)
            except Exception:  # noqa: BLE001
                ref_moves = got_moves = None
                break
            ref_moves |= not _same(ref, ref_m, chk.atol)
            got_moves |= not _same(got, got_m, chk.atol)
        if ref_moves is None:
            continue
        if ref_moves and not got_moves:
            return (f"your result does not change when {_said(name)} changes: your function never uses "
                    f"{_said(name)} (or replaces it, e.g. with fresh random numbers or a constant)")
        if got_moves and not ref_moves and chk.cases:
            return (f"your result changes with small changes of {_said(name)}, which leave the expected "
                    f"result as it is: the formula uses {_said(name)} only through what they do not move "
                    "(an argmax, a sign, a count), or not at all")
    return None


def size_names(reference, args):
    """{size: its name} for the sizes of a case: the batch size, the channels, the height and width of
    images, the length of a list, a number argument's value by its name."""
    found = {}
    names = _parameter_names(reference, len(args))
    batch = next((a.shape[0] for a in args if torch.is_tensor(a) and a.dim() >= 2), None)
    for name, a in zip(names, args):
        if torch.is_tensor(a) and a.dim() >= 1:
            # a tensor that carries the batch names its dimensions; another (weights, a schedule) by its name
            parts = ({4: ("the batch size", "the channels", "the height", "the width"),
                      2: ("the batch size", f"the features of {name}")}.get(a.dim(), ())
                     if a.dim() >= 2 and a.shape[0] == batch else ())
            for d, n in enumerate(a.shape):
                found.setdefault(int(n), parts[d] if d < len(parts) else f"{name}.shape[{d}]")
        elif isinstance(a, (list, tuple)):
            found.setdefault(len(a), f"len({name})")
        elif isinstance(a, int) and not isinstance(a, bool):
            found.setdefault(a, f"`{name}`")
    found.pop(1, None)  # a 1 is every tensor's, and a broadcast's
    return found


def named_size(n, sizes):
    name = sizes.get(int(n))
    return f"{n} ({name})" if name else f"{n}"


def shape_words(got, expected, sizes):
    """Words for a result of the wrong shape, or None: a dimension the formula reduces (and how), one
    of size 1 lost or added (keepdim), the right values in another arrangement, or the sizes named."""
    g, e = tuple(got.shape), tuple(expected.shape)
    if got.dim() == expected.dim() + 1:
        for d in range(got.dim()):
            for how, reduce in (("mean", torch.mean), ("sum", torch.sum)):
                try:
                    if _same(reduce(got.double(), dim=d), expected.double(), 1e-5):
                        return (f"your result has shape {g} where the expected has {e}: it keeps "
                                f"dimension {d} (of size {named_size(got.shape[d], sizes)}) that the "
                                f"formula reduces: take the {how} over it")
                except RuntimeError:
                    pass
    if expected.dim() == 0 and got.numel() > 1:
        return (f"your result has shape {g} where one number is expected: a reduction is missing, or stops "
                "short (reduction='none', or a mean over some dimensions only): the loss averages over "
                "every entry")
    if got.numel() == expected.numel():
        if [s for s in g if s != 1] == [s for s in e if s != 1]:
            return (f"your result has shape {g} where the expected has {e}: the same values with a dimension "
                    "of size 1 lost or added (keepdim=True, unsqueeze or squeeze)")
        if sorted(g) == sorted(e):
            return (f"your result has shape {g} where the expected has {e}: the dimensions in another order "
                    "(a permute, transpose or view mixed up)")
        return (f"your result has shape {g} where the expected has {e}: the right number of values in "
                "another shape (a view or reshape)")
    if got.dim() == expected.dim() - 1:
        for d in range(expected.dim()):
            if g == e[:d] + e[d + 1:]:
                return (f"your result has shape {g} where the expected has {e}: dimension {d} (of size "
                        f"{named_size(expected.shape[d], sizes)}) is gone, reduced (a mean, a sum, an index) "
                        "where the formula keeps one value for each of its entries")
    if got.dim() == expected.dim():
        wrong = [d for d in range(got.dim()) if g[d] != e[d]]
        said = "; ".join(f"dimension {d} has {named_size(g[d], sizes)} where the formula's has "
                         f"{named_size(e[d], sizes)}" for d in wrong)
        return f"your result has shape {g} where the expected has {e}: {said}"
    return None
