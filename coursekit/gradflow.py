"""Where gradients flow: a check's second question, once a student's values are right (issue 37).

A loss with the right value can still train nothing (its logits ``.detach()``-ed, a term computed under
``torch.no_grad()``), and a result can reach what it should leave alone (a missing ``.detach()``): the
values say nothing of either.  :func:`problem` runs the reference and the student's function on one case
whose float inputs need a gradient, sends the same random weighting of the output back through both, and
compares, input by input, whether any gradient arrives (not how much: correct alternatives may route it
otherwise).  A module among the inputs counts as one input, its parameters together.
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
    its output is not a float tensor), and the weighting used."""
    args, watched = _watched(case.make())
    for params in watched:  # a module's earlier gradients must not count
        for p in params:
            p.grad = None
    try:
        out = check.observe(fn, *args)
    except Exception:  # noqa: BLE001 - an in-place change of an input that needs a gradient, and the like
        return None, weight
    if not (torch.is_tensor(out) and out.is_floating_point()):
        return None, weight
    if not out.requires_grad:
        return [False] * len(watched), weight
    if weight is None:
        weight = torch.rand(out.shape, generator=torch.Generator().manual_seed(0), dtype=out.dtype) + 0.5
    flat = [p for params in watched for p in params]
    grads = iter(torch.autograd.grad((out * weight.to(out.device)).sum(), flat, allow_unused=True)
                 if flat else [])
    reached = []
    for params in watched:
        got = [next(grads) for _ in params]
        reached.append(any(g is not None and bool(g.abs().max() > 0) for g in got))
    return reached, weight


def problem(check, fn):
    """``(case, problem, hint)`` when ``fn``'s gradients reach other inputs than the reference's on the first
    case where the reference's output has a gradient; None when they agree or nothing can be told."""
    if check.behaviours is not None:
        return None
    for case in check.cases:
        expected, weight = _reached(check, check.reference, case)
        if expected is None or not any(expected):
            continue
        got, _ = _reached(check, fn, case, weight)
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
        return None
    return None
