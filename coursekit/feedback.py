"""Diagnosis by relation: what a wrong answer's output has in common with the right one.

A check names the mistakes it was told about (its registry, ``Check.mistakes``).  A student makes others;
their outputs still keep a relation to the expected one that says what went wrong: exactly its negative, a
constant factor that is a count of the case (a sum where the formula averages), a constant offset, the
same values in another order, its square or root, the reference one time step off or with one parameter
changed, a loss's term dropped or weighed differently.  :func:`diagnose` finds the one that holds on every
case (a factor may follow a count from case to case) and says it.

    >>> diagnose(cases)   # cases: [(got, expected, counts)] with counts {"the batch size": 64, ...}
    'your result is exactly the negative of the expected: a sign is flipped (...)'
"""

import math

import torch

#: How close a relation must hold (relative to the expected values' size).
RTOL, ATOL = 1e-4, 1e-5

#: The lectures' symbols for the references' parameter names, as hints write them.
SYMBOLS = {"lam": "λ", "lambda_cycle": "λ", "lambda_identity": "λ_idt", "l1_weight": "λ", "psi": "ψ",
           "alpha": "α"}


def symbol(name):
    """The lecture's symbol for a parameter name (``lambda_cycle`` -> ``λ``), or the name itself."""
    return SYMBOLS.get(name, name)


def close(a, b, atol=ATOL, rtol=RTOL):
    """Same shape and the same values (NaN equals NaN)."""
    return (torch.is_tensor(a) and torch.is_tensor(b) and a.shape == b.shape
            and not a.is_complex() and not b.is_complex()
            and torch.allclose(a.double(), b.double(), atol=atol, rtol=rtol, equal_nan=True))


def counts_of(args):
    """The counts a constant factor may equal, from a case's tensor arguments: the batch size, the
    channels, the pixels of one image, the values of one image, the elements of each input."""
    found = {}
    for a in args:
        if not torch.is_tensor(a) or a.dim() == 0:
            continue
        if a.dim() >= 1 and a.shape[0] > 1:
            found.setdefault("the batch size", a.shape[0])
        if a.dim() == 4:
            n, c, h, w = a.shape
            if c > 1:
                found.setdefault("the channels", c)
            found.setdefault("the pixels of one image (H·W)", h * w)
            if c > 1:
                found.setdefault("the values of one image (C·H·W)", c * h * w)
                if n > 1:
                    found.setdefault("the images and their channels (N·C)", n * c)
        if a.dim() == 2 and a.shape[1] > 1:
            found.setdefault("the features of one row", a.shape[1])
        if a.dim() >= 3:  # a stack of kernels (N, C_out, C_in, k, k): what one output value sums over
            found.setdefault(f"the values along the last {a.dim() - 2} dimensions", math.prod(a.shape[2:]))
        found.setdefault("the number of elements", a.numel())
    return found


def _factor(got, expected):
    """k with got ≈ k · expected, or None."""
    e, g = expected.double().flatten(), got.double().flatten()
    norm = (e * e).sum()
    if norm < 1e-12 or not torch.isfinite(g).all():
        return None
    k = float((g * e).sum() / norm)  # (tensors detached by the caller)
    return k if close(got, k * expected.double(), rtol=1e-3, atol=1e-5 * max(1.0, abs(k))) else None


#: Constant factors that say what happened: (value, words).
CONSTANTS = [(1 / math.log(2), "a logarithm in base 2 where the formula takes the natural log"),
             (1 / math.log(10), "a logarithm in base 10 where the formula takes the natural log"),
             (math.log(2), "a natural log where the formula takes it in base 2")]


def _name_factor(k, counts):
    """Words for a factor k: a count of the case (or one over it), 2 or ½, or None."""
    sign = "the negative of " if k < 0 else ""
    size = abs(k)
    named = {"2": 2, **counts}  # a plain 2 first: a batch of two says less than "twice"
    for name, n in named.items():
        if n > 1 and math.isclose(size, n, rel_tol=1e-3):
            return f"{sign}{n:g} times", name, "sum"
        if n > 1 and math.isclose(size, 1 / n, rel_tol=1e-3):
            return f"{sign}1/{n:g} of", name, "mean"
    for n, words in CONSTANTS:
        if math.isclose(size, n, rel_tol=1e-4):
            return f"{sign}{size:.4g} times", words, "constant"
    for name, n in counts.items():  # Bessel: n − 1 where the formula divides by n, or the reverse
        for k, root in ((n / (n - 1) if n > 2 else 0, ""), (math.sqrt(n / (n - 1)) if n > 2 else 0, "√")):
            if k and (math.isclose(size, k, rel_tol=1e-4) or math.isclose(size, 1 / k, rel_tol=1e-4)):
                return f"{sign}{size:.4g} times", f"{root}n/(n − 1), n {name}", "bessel"
    for name, n in named.items():  # under a square root: a norm of a mean where the formula's is of a sum
        if n > 3 and math.isclose(size, math.sqrt(n), rel_tol=1e-3):
            return f"{sign}√{n:g} times", name, "root-sum"
        if n > 3 and math.isclose(size, 1 / math.sqrt(n), rel_tol=1e-3):
            return f"{sign}1/√{n:g} of", name, "root-mean"
    return None


def _order(got, expected):
    """A sentence when got holds expected's values in another order, or None."""
    if got.shape != expected.shape or got.numel() < 2:
        return None
    if not close(got.flatten().sort().values, expected.flatten().sort().values):
        return None
    for d in range(got.dim()):
        if got.shape[d] > 1 and close(got, expected.flip(d)):
            return f"the right values in reverse order along dimension {d}"
    for a in range(got.dim()):
        for b in range(a + 1, got.dim()):
            if got.shape[a] == got.shape[b] and close(got, expected.transpose(a, b)):
                return f"the right values transposed (dimensions {a} and {b} swapped)"
    flat, e = got.flatten(), expected.flatten()
    n = e.numel()
    for k in range(2, n):
        if n % k == 0 and (close(flat, e.view(k, n // k).t().flatten())
                           or close(flat, e.view(n // k, k).t().flatten())):
            return ("the right values interleaved: each value repeated in place where the formula repeats "
                    "the whole block, or the other way round (repeat_interleave and repeat, or a view where "
                    "a permute belongs)")
    return "the right values in the wrong places (another order: a view, permute, flip or index mixed up)"


def relation(got, expected, counts):
    """What ``got`` is, seen from ``expected`` (one case): ``(kind, words)`` or None.  ``kind`` tells
    whether the same relation holds on another case (a factor named by a count keeps its name)."""
    if not (torch.is_tensor(got) and torch.is_tensor(expected)) or got.shape != expected.shape:
        return None
    g, e = got.detach().double(), expected.detach().double()
    bad = ~torch.isfinite(g) & torch.isfinite(e)
    if bad.any():
        where = tuple(int(i) for i in bad.nonzero()[0]) if g.dim() else ()
        what = "NaN" if torch.isnan(g[bad]).any() else "an infinity"
        return ("nonfinite", f"your result holds {what}" + (f" (first at {where})" if where else "") +
                ": a division by zero, the log of 0 or the square root of a negative number; "
                "see where a small ε belongs")
    rounded = _rounded(g, e)
    if rounded:
        return (f"rounded:{rounded}", f"your result is the expected rounded to {rounded}: a lower precision "
                "somewhere (.half(), bfloat16, or an integer step) where the course computes in float32")
    if e.abs().max() > 1e-8 and close(g, -e):
        return ("negative", "your result is exactly the negative of the expected: a sign is flipped (a minus "
                "lost or one too many, or a loss maximised where it should be minimised)")
    k = _factor(g, e)
    if k is not None and not math.isclose(k, 1.0, rel_tol=1e-3):
        named = _name_factor(k, counts)
        if named:
            how, name, kind = named
            tail = {"sum": f"a sum over {name} where the formula averages",
                    "mean": f"an average over {name} where the formula sums, or a division too many",
                    "root-sum": f"under a square root, a mean over {name} where the formula sums (a root "
                                "of a mean for a root of a sum, or a division by it)",
                    "root-mean": f"under a square root, a sum over {name} where the formula averages (a "
                                 "root of a sum for a root of a mean)",
                    "constant": name,
                    "bessel": f"a factor {name}: an average over n − 1 where the formula divides by n, or "
                              "the other way round (unbiased=True for unbiased=False, or Bessel's correction "
                              "forgotten)"}[kind]
            if name == "2":
                tail = ("a factor 2 too many: two terms counted twice, or a ½ or mean lost" if kind == "sum"
                        else "half the expected: two terms averaged where the formula adds them, "
                             "or a ½ too many")
            return (f"factor:{name}:{kind}:{k < 0}", f"your result is {how} the expected: {tail}")
        if g.numel() > 1:  # a single number is always some multiple of another: that says nothing
            return (f"factor-unnamed:{k:.6g}", f"your result is {k:.4g} times the expected on every case: a "
                    "constant factor is off (a weight, a 2, or a mean where the formula sums)")
    d = g - e
    if d.numel() > 1 and d.std() < 1e-6 * max(1.0, float(e.abs().max())) and d.abs().max() > 1e-5:
        c = float(d.flatten()[0])
        return (f"offset:{c:.6g}", f"your result is the expected plus {c:.4g} everywhere: a constant term is "
                "added or missing (a +1, a shift of the range, a bias)")
    along = _offset_along(d)
    if along is not None:
        return (f"offset-along:{along}", f"your result differs from the expected by an amount that changes "
                f"only along dimension {along} (one value per entry there): a per-feature term such as a "
                "bias is added or forgotten, or a statistic is taken over the wrong dimension")
    affine = _affine(g, e)
    if affine is not None:
        a, b = affine
        if math.isclose(a, 0.5, rel_tol=1e-3) and math.isclose(b, 0.5, rel_tol=1e-3):
            return ("affine:half", "your result is (expected + 1) / 2: values in [0, 1] where the course's "
                    "live in [-1, 1] (a sigmoid for a tanh, or a mapping for display)")
        return (f"affine:{a:.4g}:{b:.4g}", f"your result is {a:.4g} × the expected {'+' if b >= 0 else '−'} "
                f"{abs(b):.4g}: a scale and a shift are off (a constant you divide by, or a term you add)")
    if close(g, e * e) and not close(e * e, e):
        return ("square", "your result is the square of the expected: a square root is missing (σ² where σ "
                "belongs, or a variance where the formula has its root)")
    if (e >= 0).all() and close(g * g, e) and not close(g, e):
        return ("root", "your result is the square root of the expected: a square root too many (σ where σ² "
                "belongs)")
    clamp = _clamped(g, e)
    if clamp:
        lo, hi = clamp
        return ("clamped", f"your result is the expected cut off at [{lo:.4g}, {hi:.4g}]: a clamp (or a "
                "ReLU) where the formula has none, or bounds too narrow")
    order = _order(g, e)
    if order:
        return ("order", f"your result holds {order}")
    part = _wrong_part(g, e)
    if part is not None:
        dim, lo, hi, size = part
        return (f"part:{dim}", f"your result is right except at indices {lo}..{hi - 1} of dimension {dim} "
                f"(of {size}, on the first case that fails): the part built there is wrong (a piece joined "
                "with torch.cat, a channel added, or a slice)")
    along = _ratio_along(g, e)
    if along is not None:
        return (f"ratio-along:{along}", "your result is the expected scaled by a factor that is the same "
                f"along dimension {along} and changes across the others: each slice along dimension {along} "
                "keeps its direction but not its length, so the quantity that scales it (a norm, a root mean "
                "square, a standard deviation, a sum of squares) is computed otherwise")
    if g.numel() >= 8 and _monotone(g, e):
        return ("monotone", "your result rises and falls with the expected everywhere, with other values: "
                "the right quantity passed through another function (a sigmoid for a tanh, a missing log, "
                "square or square root, a clamp) or scaled unevenly")
    return None


def _rounded(g, e):
    """The lower precision ``g`` is ``e`` rounded to ("half precision", "bfloat16"), or None."""
    if not torch.isfinite(g).all() or not close(g, e, rtol=1e-2, atol=1e-2):
        return None
    for name, dtype in (("half precision (float16)", torch.float16), ("bfloat16", torch.bfloat16)):
        if close(g, e.to(dtype).double(), rtol=1e-6, atol=1e-7):
            return name
    return None


def _clamped(g, e):
    """(low, high) when ``g`` is ``e`` clamped to a range it leaves (some entries cut), else None."""
    if g.numel() < 4 or not torch.isfinite(g).all():
        return None
    lo, hi = float(g.min()), float(g.max())
    if not close(g, e.clamp(lo, hi)) or close(g, e):
        return None
    return lo, hi


def _wrong_part(g, e):
    """(dim, first, end, size) when every wrong entry lies in one run of indices of one dimension, and
    the entries outside it are right; else None."""
    wrong = ~torch.isclose(g, e, rtol=RTOL, atol=ATOL, equal_nan=True)
    if g.dim() < 1 or not wrong.any() or wrong.all():
        return None
    for dim in range(min(g.dim(), 2)):  # pieces are joined along the batch or the channels, not in an image
        rows = wrong.movedim(dim, 0).reshape(g.shape[dim], -1).any(1)
        idx = rows.nonzero().flatten()
        lo, hi = int(idx.min()), int(idx.max()) + 1
        if hi - lo < g.shape[dim]:
            return dim, lo, hi, g.shape[dim]
    return None


def _ratio_along(g, e):
    """The dimension along which ``g / e`` is constant (and positive) while it changes across the others,
    or None: a per-slice scale computed otherwise."""
    if g.dim() < 2 or (e.abs() < 1e-6).any() or not torch.isfinite(g).all():
        return None
    r = g / e
    if (r <= 0).any() or torch.allclose(r, r.flatten()[0].expand_as(r), rtol=1e-3):
        return None
    for dim in range(g.dim()):
        if g.shape[dim] > 1 and torch.allclose(r, r.narrow(dim, 0, 1).expand_as(r), rtol=1e-3, atol=1e-6):
            return dim
    return None


def _affine(g, e):
    """(a, b) with g ≈ a·e + b (a ≠ 0, not the identity), or None."""
    e, g = e.flatten(), g.flatten()
    if e.numel() < 3 or not (torch.isfinite(g).all() and torch.isfinite(e).all()) or e.std() < 1e-8:
        return None
    A = torch.stack([e, torch.ones_like(e)], 1)
    a, b = torch.linalg.lstsq(A, g.unsqueeze(1)).solution.squeeze(1).tolist()
    if abs(a) < 1e-6 or not close(g, a * e + b, rtol=1e-3, atol=1e-5 * max(1.0, abs(b))):
        return None
    return a, b


def _offset_along(d):
    """The one dimension along which the difference ``d`` changes (constant over every other), or None."""
    if d.dim() < 2 or d.abs().max() < 1e-5 or not torch.isfinite(d).all():
        return None
    for dim in range(d.dim()):
        if d.shape[dim] < 2:
            continue
        first = d.select(dim, 0).unsqueeze(dim)
        if torch.allclose(d - d.mean(dim, keepdim=True), d - d.mean(dim, keepdim=True)) and all(
                torch.allclose(d.narrow(other, 0, 1).expand_as(d), d, atol=1e-5)
                for other in range(d.dim()) if other != dim and d.shape[other] > 1) and \
                not torch.allclose(first.expand_as(d), d, atol=1e-5):
            return dim
    return None


def _monotone(g, e):
    """True when ``g`` is a strictly monotone function of ``e``, elementwise, not affine (said above)."""
    e, g = e.flatten(), g.flatten()
    order = torch.argsort(e)
    es, gs = e[order], g[order]
    distinct = (es[1:] - es[:-1]).abs() > 1e-6
    if distinct.sum() < 4 or not torch.isfinite(g).all():
        return False
    steps = (gs[1:] - gs[:-1])[distinct]
    return bool((steps > 1e-9).all() or (steps < -1e-9).all())


#: Relations that say less than a loss's terms can: a factor no count names, an affine map, a monotone one.
WEAK = ("factor-unnamed:", "affine:", "monotone", "offset-along:", "ratio-along:")


def diagnose(cases, weak=True):
    """The relation that holds on every case, in words, or None (``weak=False``: not the vague ones).
    ``cases``: ``[(got, expected, counts)]`` (cases whose expected value is all zeros say nothing about a
    factor and are left out)."""
    found, few = None, []
    for got, expected, counts in cases:
        if torch.is_tensor(expected) and torch.is_tensor(got) and close(got, expected):
            continue  # this case passed: it neither confirms nor contradicts a relation
        try:
            r = relation(got, expected, counts)
        except (RuntimeError, ValueError, IndexError):  # an output no relation can read: no diagnosis
            return None
        if torch.is_tensor(got) and got.numel() < 3:
            few.append(r)  # two numbers fit too many relations to tell: the other cases decide
            continue
        if r is None:
            return None
        if found is None:
            found = r
        elif r[0] != found[0]:
            return _common_count(cases)
    if found is None and few and all(r is not None and r[0] == few[0][0] for r in few):
        found = few[0]  # only small cases, all of one mind
    elif found is None and few:
        return _common_count(cases)
    if found and not weak and found[0].startswith(WEAK):
        return None
    return found[1] if found else None


def _common_count(cases):
    """Words for a factor that is one count of each case, changing with it (a batch of 2, then 4), or None."""
    names, failing = None, []
    for got, expected, counts in cases:
        if not (torch.is_tensor(got) and torch.is_tensor(expected)) or got.shape != expected.shape:
            return None
        if close(got, expected) or float(expected.detach().abs().max()) < 1e-8:
            continue  # a case that passed, or whose zero says nothing of a factor
        k = _factor(got.detach(), expected.detach())
        if k is None:
            return None
        fits = {name for name, n in counts.items() if n > 1 and any(
                    math.isclose(abs(k), x, rel_tol=1e-3) for x in (n, 1 / n))}
        names = fits if names is None else names & fits
        failing.append((got, expected, counts))
    if not names or len(failing) < 2:
        return None
    for got, expected, counts in failing:  # said of a case where the count is not 2 (which reads as "twice")
        name = next(n for n in counts if n in names)
        if counts[name] != 2:
            tail = relation(got, expected, {name: counts[name]})[1].split(": ", 1)[1]
            return (f"your result is off by a factor equal to {name} on every case (by {counts[name]:g} "
                    f"where that is {counts[name]:g}): {tail}")
    return None


def fit_terms(outputs, terms):
    """How a student's scalar outputs weigh a loss's terms: the least-squares weights ``w`` with
    ``output ≈ Σ w_i · term_i`` over the cases, when the fit is exact; else None.  ``terms``: one row of
    term values per case."""
    A = torch.tensor(terms, dtype=torch.float64)
    y = torch.tensor(outputs, dtype=torch.float64)
    informative = int((A.abs().sum(1) > 1e-9).sum())  # a case whose terms are all zero says nothing
    if (not (torch.isfinite(A).all() and torch.isfinite(y).all())  # (LAPACK prints an error on NaN)
            or informative <= A.shape[1] or torch.linalg.matrix_rank(A) < A.shape[1]):
        return None  # finite, more telling cases than terms (else any fit is exact)
    w = torch.linalg.lstsq(A, y.unsqueeze(1)).solution.squeeze(1)
    if not torch.allclose(A @ w, y, rtol=1e-4, atol=1e-6):
        return None
    return [float(v) for v in w]


def describe_weights(fitted, names, weights, words=None):
    """Words for weights a student's loss gives the terms, against the reference's: a term dropped, its
    sign flipped, its weight lost or added, the terms averaged where they should add up."""
    words = {v: k.split(" (= ")[0] for v, k in (words or {}).items()}
    diffs = [(n, f, r) for n, f, r in zip(names, fitted, weights)
             if not math.isclose(f, r, rel_tol=1e-3, abs_tol=1e-6)]
    if not diffs:
        return None
    if len(diffs) == len(names) and all(math.isclose(f, r / len(names), rel_tol=1e-3) for _, f, r in diffs):
        return (f"your loss averages the {len(names)} terms where the formula adds them "
                f"(each counts 1/{len(names)})")
    if len(diffs) == len(names) and all(math.isclose(f, -r, rel_tol=1e-3) for _, f, r in diffs):
        return "your loss is the negative of the expected: every term's sign is flipped"
    said = []
    for name, f, r in diffs:
        weight = words.get(r, f"{r:g}")
        if abs(f) < 1e-6:
            said.append(f"{name} is missing (weight 0, the formula's is {weight})")
        elif math.isclose(f, -r, rel_tol=1e-3):
            said.append(f"{name} has the wrong sign")
        elif math.isclose(f, 1.0, rel_tol=1e-3) and r != 1:
            said.append(f"{name} lacks its weight {weight}")
        elif any(math.isclose(f, v, rel_tol=1e-3) for v in words):
            said.append(f"{name} is weighed by {words[min(words, key=lambda v: abs(v - f))]} where the "
                        f"formula has {weight}")
        elif r and any(math.isclose(f / r, m, rel_tol=1e-3) for m in (0.5, 2, -0.5, -2, 0.25, 4)):
            said.append(f"{name} is weighed {f / r:g} times the formula's {weight}")
        else:
            return None  # weights that no mistake explains: a fit by chance, not a diagnosis
    return "in your loss " + "; ".join(said)


def _coefficient_words(fitted, reference):
    """How one fitted coefficient relates to the formula's, in words: None where it is the formula's,
    "?" where no relation explains it (the closest candidate wins: weights near 1 sit close together)."""
    f, r = fitted, reference
    candidates = [(None, r), ("is missing (weight 0)", 0.0), ("has its sign flipped", -r),
                  ("lacks a square root on its weight", r * r),
                  ("has one minus the formula's weight (the two weights swapped, or the complement)", 1 - r),
                  ("has no weight (the formula's is missing)", 1.0)]
    if r:
        candidates.append(("is divided by its weight where the formula multiplies", 1 / r))
    if r > 0:
        candidates.append(("has a square root too many on its weight", math.sqrt(r)))
    words, value = min(candidates, key=lambda c: abs(f - c[1]))
    return words if abs(f - value) <= 1e-5 * max(1.0, abs(value)) + 1e-7 else "?"


def coefficients(outputs, terms, weights, names):
    """For a result that adds weighted tensor terms: fit each sample's coefficients (least squares over
    its elements) and say how they differ from the formula's, the same way on every sample; else None.
    ``outputs``: per case (N, ...); ``terms``: per case a list of (N, ...) tensors; ``weights``: per case a
    list of per-sample weights (N,) or numbers."""
    found = None
    for got, ts, ws in zip(outputs, terms, weights):
        got = got.detach().double()
        ts = [torch.broadcast_to(t.detach().double(), got.shape) for t in ts]
        ws = [torch.broadcast_to(torch.as_tensor(w, dtype=torch.float64).flatten(), (got.shape[0],))
              for w in ws]
        for n in range(got.shape[0]):
            A = torch.stack([t[n].flatten() for t in ts], 1)
            y = got[n].flatten()
            if not (torch.isfinite(y).all() and torch.isfinite(A).all()):
                return None
            if A.shape[0] <= A.shape[1] or torch.linalg.matrix_rank(A) < A.shape[1]:
                continue  # terms that coincide on this sample (a zero, equal images) cannot be told apart
            c = torch.linalg.lstsq(A, y.unsqueeze(1)).solution.squeeze(1)
            if not torch.allclose(A @ c, y, rtol=1e-4, atol=1e-5):
                return None
            words = tuple(_coefficient_words(float(ci), float(w[n])) for ci, w in zip(c, ws))
            if "?" in words:
                return None
            if not any(words):
                continue  # this sample agrees with the formula (a weight of 0 or 1 hides a square root)
            if found is None:
                found = words
            elif words != found:
                return None
    if not found or not any(found):
        return None
    return "in your result " + "; ".join(f"{name} {w}" for name, w in zip(names, found) if w)
