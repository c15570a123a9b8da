"""Diagnosis by decomposition: what a wrong result is made of, in terms of the exercise's inputs.

When a wrong output keeps no one relation to the expected one on every case (:mod:`coursekit.feedback`)
and no probe of the inputs names it (:mod:`coursekit.probe`), it may still be built from the same
pieces as the expected one, put together otherwise.  Each function below takes a check's outputs,
``[(got, expected, args)]`` per case, and the reference's argument names, and returns a sentence or None:

- :func:`change_from_input`: an update (a parameter after a step, a code moved towards a mean): the
  change from an input is related to the expected change (a factor, a sign, a square);
- :func:`weights_of_inputs`: a result that is a weighted sum of the inputs, with other weights than
  the expected's (a blend, an interpolation, a residual);
- :func:`multiple_per_case`: the right direction, with a length that changes from case to case;
- :func:`affine_per_slice`: each image or channel map a scaled and shifted copy of the expected one.

:func:`parameter_weights` reads a loss's terms' weights as products of the case's parameters (λ on
one term, λ_idt on the other).  Last, :func:`one_case`: a clear relation that holds on one case only
(NaN where an input is zero, the right values cut off where they run large) is said of that case.
"""

import itertools
import math

import torch

from coursekit import feedback, probe


def _said(name):
    return f"`{name}`"


def _failing(outputs, atol=1e-5):
    return [(g, e, args) for g, e, args in outputs
            if torch.is_tensor(g) and torch.is_tensor(e) and g.shape == e.shape
            and not feedback.close(g, e, atol=atol)]


def change_from_input(outputs, names):
    """The change from one input (of the output's shape) to the result, against the expected change."""
    failing = _failing(outputs)
    if not failing:
        return None
    for j, name in enumerate(names):
        found = None
        for got, expected, args in failing:
            if j >= len(args) or not torch.is_tensor(args[j]) or args[j].shape != got.shape:
                found = None
                break
            anchor = args[j].detach().double()
            step, want = got.detach().double() - anchor, expected.detach().double() - anchor
            if want.abs().max() < 1e-8:
                found = None
                break
            r = feedback.relation(step, want, feedback.counts_of(args))
            if r is None or (found is not None and r[0] != found[0]):
                found = None
                break
            found = r
        if found:
            words = found[1].replace("your result", "your change", 1).replace("the expected", "the "
                                                                              "expected change", 1)
            return (f"measured from {_said(name)}, your result moves it otherwise than the formula: "
                    f"{words}")
    return None


def _columns(args, names, shape):
    """The tensor inputs that broadcast to ``shape``, as flattened columns, with their names."""
    cols, said = [], []
    for a, name in zip(args, names):
        if torch.is_tensor(a) and a.is_floating_point() and a.numel() > 1:
            try:
                cols.append(a.detach().double().expand(shape).flatten())
            except RuntimeError:
                continue
            said.append(name)
    return cols, said


def _fit(columns, y):
    """Least-squares weights of ``columns`` (and a constant) for ``y``, or None when they do not fit it."""
    A = torch.stack([*columns, torch.ones_like(y)], 1)
    if not (torch.isfinite(A).all() and torch.isfinite(y).all()) or torch.linalg.matrix_rank(A) < A.shape[1]:
        return None
    w = torch.linalg.lstsq(A, y.unsqueeze(1)).solution.squeeze(1)
    return w if feedback.close(A @ w, y, atol=1e-6, rtol=1e-5) else None


def _digits(a, b):
    """The fewest significant digits (3 to 8) at which two weights read differently (3 if they agree)."""
    if abs(a - b) <= 1e-5 * max(abs(a), abs(b), 1e-3):
        return 3
    for digits in range(3, 9):
        if f"{a:.{digits}g}" != f"{b:.{digits}g}":
            return digits
    return 3


def _sum_words(weights, other, said):
    """``weights`` (the inputs', then a constant) as a sum, each written with the digits that tell it from
    its counterpart in ``other``."""
    pairs = list(zip(weights.tolist(), other.tolist()))
    terms = [f"{w:.{_digits(w, o)}g}·{s}" for (w, o), s in zip(pairs[:-1], said) if abs(w) > 1e-6]
    constant, other_constant = pairs[-1]
    if abs(constant) > 1e-6:
        terms.append(f"{constant:.{_digits(constant, other_constant)}g}")
    return " + ".join(terms).replace("+ -", "− ") or "0"


def weights_of_inputs(outputs, names):
    """A result that weighs the inputs otherwise: on the first failing case, both as weighted sums."""
    for got, expected, args in _failing(outputs):
        cols, said = _columns(args, names, got.shape)
        if not cols or got.numel() <= len(cols) + 1:
            return None
        mine = _fit(cols, got.detach().double().flatten())
        theirs = _fit(cols, expected.detach().double().flatten())
        if mine is None or theirs is None:
            return None
        scalars = ", ".join(f"{n} = {a:g}" for a, n in zip(args, names)
                            if isinstance(a, (int, float)) and not isinstance(a, bool))
        names = [_said(s) for s in said]
        return (f"your result is a weighted sum of the inputs with other weights: "
                f"{_sum_words(mine, theirs, names)}, where the formula gives "
                f"{_sum_words(theirs, mine, names)}" + (f" (with {scalars})" if scalars else "")
                + ": see which weight belongs to which input")
    return None


def multiple_per_case(outputs, names):
    """On every failing case a multiple of the expected, the multiple changing from case to case."""
    failing = _failing(outputs)
    factors = []
    for got, expected, _ in failing:
        if got.numel() < 2:
            return None
        k = feedback._factor(got.detach().double(), expected.detach().double())
        if k is None:
            return None
        factors.append(k)
    if len(factors) < 2 or max(factors) - min(factors) < 1e-3 * max(abs(f) for f in factors):
        return None
    listed = ", ".join(f"{k:.3g}" for k in factors)
    return (f"on each case your result is a multiple of the expected ({listed} times), and the multiple "
            "changes with the input: it points the right way but has another length, so what scales it "
            "(a norm, a length, a count, a root) is computed otherwise")


def affine_per_slice(outputs, names):
    """Each image (or channel map) of the result a scaled and shifted copy of the expected one."""
    failing = _failing(outputs)
    if not failing:
        return None
    for lead, what in ((2, "channel map"), (1, "image")):
        ok = True
        for got, expected, _ in failing:
            if got.dim() < lead + 1 or got[(0,) * lead].numel() < 3:
                ok = False
                break
            g = got.detach().double().reshape(-1, got[(0,) * lead].numel())
            e = expected.detach().double().reshape(g.shape)
            fits = [feedback._affine(gi, ei) for gi, ei in zip(g, e)]
            if any(f is None for f in fits) or len(fits) < 2:
                ok = False
                break
        if ok:
            return (f"each {what} of your result is a scaled and shifted copy of the expected one, with a "
                    f"scale and shift that change from {what} to {what}: a statistic of each {what} (its "
                    "mean or its standard deviation) is used otherwise, or not at all")
    return None


#: The decompositions, asked in this order.
ALL = (change_from_input, weights_of_inputs, multiple_per_case, affine_per_slice)


def one_case(outputs, cases):
    """A relation that is not a vague one (:data:`feedback.WEAK`) on the first failing case where one holds,
    said of that case (``cases``: its name and the counts a factor may equal, per case); None if none.
    Results of one or two numbers fit too many relations to read one from a single case, except NaN."""
    for (got, expected, _), (name, counts) in zip(outputs, cases):
        if feedback.close(got, expected):
            continue
        r = feedback.relation(got, expected, counts)
        if r and not r[0].startswith(feedback.WEAK) and (got.numel() >= 3 or r[0] == "nonfinite"):
            return f"on the case “{name}”, {r[1]} (the other cases show no one simple relation)"
    return None


def _weight_words(option):
    constant, symbol = option
    if constant == 0:
        return "nothing (the term is dropped)"
    word = {1.0: "", -1.0: "−", 0.5: "½·", 2.0: "2·"}[constant]
    return (word + symbol) if symbol else {1.0: "1 (no weight)", -1.0: "−1"}.get(constant, f"{constant:g}")


def _numbers(reference, args):
    """The case's number arguments by their symbols, the products of two, and "" for 1; then what a
    slip of the operator makes of them: one over each (``/`` typed for ``*``), one plus each, and of
    two, their sum, their quotients and each raised to the other (``+``, ``/``, ``**`` for ``*``)."""
    found = {feedback.symbol(n): float(a) for n, a in zip(probe._parameter_names(reference, len(args)), args)
             if isinstance(a, (int, float)) and not isinstance(a, bool)}
    pairs = list(found.items())
    found.update({f"{a}·{b}": x * y for i, (a, x) in enumerate(pairs) for b, y in pairs[i + 1:]})
    slips = {f"1/({a})" if "·" in a else f"1/{a}": 1 / x for a, x in found.items() if x != 0}
    slips.update({f"1 + {a}": 1 + x for a, x in pairs})
    for i, (a, x) in enumerate(pairs):
        for b, y in pairs[i + 1:]:
            slips[f"{a} + {b}"] = x + y
            if x and y:
                slips.update({f"{a}/{b}": x / y, f"{b}/{a}": y / x})
            if x > 0 and y > 0:
                slips.update({f"{a} ** {b}": x ** y, f"{b} ** {a}": y ** x})
    return {"": 1.0, **found, **{k: v for k, v in slips.items() if math.isfinite(v) and abs(v) < 1e12}}


def parameter_weights(check, outputs):
    """For a loss that adds weighted terms (``check.terms``, scalar results): each term's weight read as
    a constant (1, −1, ½, 2, 0) times one of the case's parameters or a product of two, the same reading
    on every case (λ on one term and λ_idt on the other; λ forgotten on one term).  Said when exactly one
    reading fits and it is not the formula's; else None."""
    t = check.terms
    if t is None or not all(torch.is_tensor(g) and g.numel() == 1 for g, _, _ in outputs):
        return None
    rows = []
    for got, _, args in outputs:
        params = _numbers(check.reference, args)
        raw = [float(torch.as_tensor(v).detach()) for v in t.split(*args)]
        rows.append((float(got.detach()), raw, [float(w) for w in t.weights(*args)], params))
    symbols = [s for s in rows[0][3] if all(s in r[3] for r in rows)]
    options = [(c, s) for s in symbols for c in (1.0, -1.0, 0.5, 2.0)] + [(0.0, "")]

    def pattern(option):  # the option's value on every case
        return tuple(round(option[0] * p[option[1]], 9) for *_, p in rows)

    fits = {}
    for combo in itertools.product(options, repeat=len(t.names)):
        if all(math.isclose(sum(c * p[s] * r for (c, s), r in zip(combo, raw)), got, rel_tol=1e-4,
                            abs_tol=1e-6) for got, raw, _, p in rows):
            fits.setdefault(tuple(pattern(o) for o in combo), combo)
    if len(fits) != 1:
        return None
    (found, combo), = fits.items()
    said = []
    for j, name in enumerate(t.names):
        expected = tuple(round(w[j], 9) for _, _, w, _ in rows)
        if found[j] != expected:
            formula = next((_weight_words(o) for o in options if pattern(o) == expected), f"{expected[0]:g}")
            said.append(f"{name} is weighted by {_weight_words(combo[j])} where the formula weighs it by "
                        f"{formula}")
    return "in your result " + "; ".join(said) if said else None


def added_weight(check, outputs):
    """For a result that adds weighted terms (tensors, or a loss's numbers): one term's weight added to the
    result where it should multiply the term (``+`` typed for ``*``): each sample (a loss: the one number)
    fits the terms with the formula's weights, that term's weight 1, plus a constant equal to its weight.
    The same term on every sample, or None."""
    t = check.terms
    if t is None or not all(torch.is_tensor(g) for g, _, _ in outputs):
        return None
    found, seen = None, set()  # the terms that fit every sample; those whose weight was not 1 somewhere
    for got, _, args in outputs:
        got = got.detach().double().reshape(-1) if got.dim() == 0 else got.detach().double()  # a loss: 1
        ts = [torch.broadcast_to(torch.as_tensor(v).detach().double(), got.shape) for v in t.split(*args)]
        ws = [torch.broadcast_to(torch.as_tensor(w, dtype=torch.float64).flatten(), (got.shape[0],))
              for w in t.weights(*args)]
        for n in range(got.shape[0]):
            base = sum(w[n] * x[n] for w, x in zip(ws, ts))
            fits = {j for j in range(len(ts))
                    if feedback.close(got[n], base + (1 - ws[j][n]) * ts[j][n] + ws[j][n])}
            found = fits if found is None else found & fits
            seen |= {j for j in fits if not math.isclose(float(ws[j][n]), 1.0, rel_tol=1e-3)}
            if not found:
                return None
    if len(found & seen) != 1:
        return None
    name = t.names[(found & seen).pop()]
    return (f"in your result the weight of {name} is added where the formula multiplies by it (weight + "
            "term for weight × term): a + typed for a ×, or brackets missing")


def explain(check, outputs, counts):
    """The first decomposition that says something, then :func:`parameter_weights` and :func:`one_case`
    (``counts``: per case, the counts a factor may equal); or None."""
    names = probe._parameter_names(check.reference, len(outputs[0][2]))
    for decompose in ALL:
        try:
            said = decompose(outputs, names)
        except (RuntimeError, ValueError, IndexError):
            said = None
        if said:
            return said
    try:
        return (parameter_weights(check, outputs) or added_weight(check, outputs)
                or one_case(outputs, [(c.name, n) for c, n in zip(check.cases, counts)]))
    except (RuntimeError, ValueError, IndexError):
        return None
