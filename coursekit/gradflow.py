"""Where gradients flow: a check's second question, once a student's values are right (issue 37).

A loss with the right value can still train nothing (its logits ``.detach()``-ed, a term computed under
``torch.no_grad()``), and a result can reach what it should leave alone (a missing ``.detach()``): the
values say nothing of either.  :func:`problem` runs the reference and the student's function on one case
whose float inputs need a gradient, sends the same random weighting of the output back through both, and
compares, input by input, whether any gradient arrives; for a layer (``Check.same_slope``) also whether
the same gradient arrives (the same function has the same slope, however it is written; a loss may
rightly cut a constant target or a schedule from the graph).  A module among the inputs counts as one input,
its parameters together.
"""

import torch

from coursekit import probe


def _watched(args):
    """The case's arguments with every float tensor made a leaf that needs a gradient, and for each
    argument the tensors to watch (itself, or a module's trainable parameters)."""
    out, watched = [], []
    for a in args:
        if torch.is_tensor(a) and a.is_floating_point():
            a = a.detach().clone().requires_grad_(True)
            watched.append([a])
        elif isinstance(a, torch.nn.Module):
            watched.append([p for p in a.parameters() if p.requires_grad])
        else:
            watched.append([])
        out.append(a)
    return out, watched


def _reached(check, fn, case, weight=None):
    """Per argument, whether a gradient of ``fn``'s observed output reaches it (None where ``fn`` raised or
    its output is not a float tensor), the weighting used, and per argument the gradient that arrived
    (flattened; None for an argument that takes none)."""
    args, watched = _watched(case.make())
    for params in watched:  # a module's earlier gradients must not count
        for p in params:
            p.grad = None
    try:
        out = check.observe(fn, *args)
    except Exception:  # noqa: BLE001 - an in-place change of an input that needs a gradient, and the like
        return None, weight, None
    if not (torch.is_tensor(out) and out.is_floating_point()):
        return None, weight, None
    if not out.requires_grad:
        return [False] * len(watched), weight, None
    if weight is None:
        weight = torch.rand(out.shape, generator=torch.Generator().manual_seed(0), dtype=out.dtype) + 0.5
    flat = [p for params in watched for p in params]
    grads = iter(torch.autograd.grad((out * weight.to(out.device)).sum(), flat, allow_unused=True)
                 if flat else [])
    reached, values = [], []
    for params in watched:
        got = [next(grads) for _ in params]
        reached.append(any(g is not None and bool(g.abs().max() > 0) for g in got))
        values.append(torch.cat([(g if g is not None else torch.zeros_like(p)).detach().flatten().double()
                                 for g, p in zip(got, params)]) if params else None)
    return reached, weight, values


def problem(check, fn):
    """``(case, problem, hint)`` when ``fn``'s gradients reach other inputs than the reference's on a case
    where the reference's output has a gradient (every such case: on one, a term may weigh nothing, α = 0
    or a photo equal to its target); None when they agree or nothing can be told."""
    if check.behaviours is not None:
        return None
    for case in check.cases:
        found = _problem_on(check, fn, case)
        if found:
            return found
    return None


def _problem_on(check, fn, case):
    """:func:`problem` on one case."""
    expected, weight, want = _reached(check, check.reference, case)
    if expected is None or not any(expected):
        return None
    got, _, have = _reached(check, fn, case, weight)
    if got is None:
        return None
    names = probe._parameter_names(check.reference, len(got))
    cut = [probe._said(n) for n, e, g in zip(names, expected, got) if e and not g]
    extra = [probe._said(n) for n, e, g in zip(names, expected, got) if g and not e]
    if cut:
        return (case, f"the values are right, but no gradient flows back from your result to "
                      f"{' and '.join(cut)}",
                f"Your values are right, but nothing before your result could learn from it: no gradient "
                f"reaches {' and '.join(cut)}. A .detach(), .item(), torch.no_grad() or a new "
                f"torch.tensor(...) cut the path; keep the computation on the graph.")
    if extra:
        extra = " and ".join(extra)
        return (case, f"the values are right, but your result sends gradients back to {extra}",
                f"Your values are right, but gradients flow from your result back to {extra}, "
                f"which the formula keeps out of the graph: a .detach() (or torch.no_grad()) is missing "
                f"there, so a training step would change what it should leave alone.")
    # the same inputs reached: by as much? (a statistic .detach()ed, a weight's .data, a copy)
    off = [probe._said(n) for n, w, h in zip(names, want, have or [None] * len(names))
           if check.same_slope and w is not None and h is not None and not _close(h, w)]
    if off:
        off = " and ".join(off)
        return (case, f"the values are right, but the gradient reaching {off} is not the formula's",
                f"Your values are right, but the gradient that flows back to {off} is not the formula's: "
                "part of your computation is cut from the graph (a statistic or a weight .detach()ed, "
                ".data, .item(), or a tensor rebuilt from numbers), so training would follow another "
                "slope than the one your values come from.")
    return None


def _close(got, want):
    """Gradients equal up to float error (relative to the larger of the two)."""
    scale = float(max(got.abs().max(), want.abs().max(), 1e-12))
    return bool(((got - want).abs() <= 1e-4 * scale + 1e-7).all())


def changed_inputs(check, fn):
    """``(case, problem, hint)`` when ``fn`` changes an input in place (a tensor, or a module's weights)
    that the reference leaves alone; None otherwise.  The values can be right on the first call and the
    next call wrong: a layer that scales its own weights in place scales them again each time."""
    def changes(f, case):  # per argument, whether f changed it in place; None where f raised
        args = case.make()
        before = [[t.detach().clone() for t in _tensors(a)] for a in args]
        try:
            check.observe(f, *args)
        except Exception:  # noqa: BLE001 - the values were judged already
            return None
        return [any(not torch.equal(t.detach(), b) for t, b in zip(_tensors(a), was))
                for a, was in zip(args, before)]

    for case in check.cases:
        mine, theirs = changes(fn, case), changes(check.reference, case)
        if mine is None or theirs is None:
            return None
        names = probe._parameter_names(check.reference, len(mine))
        changed = [probe._said(n) for n, m, t in zip(names, mine, theirs) if m and not t]
        if changed:
            changed = " and ".join(changed)
            return (case, f"the values are right, but your function changed {changed} in place",
                    f"Your values are right, but your function changed {changed} in place (an operation "
                    "ending in _, such as mul_ or add_, or an assignment into it): the next call starts from "
                    "the changed values. Compute a new tensor instead (w * scale, not w.mul_(scale)).")
    return None


def _tensors(a):
    if torch.is_tensor(a):
        return [a]
    return list(a.parameters()) + list(a.buffers()) if isinstance(a, torch.nn.Module) else []
