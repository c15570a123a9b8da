"""Where a student's computation leaves the formula's, for the wrong answers no relation explains.

Both functions run on the failing case with every torch call recorded (a ``TorchFunctionMode``): each
step's operation, its arguments and the values it made.  A student's value is *agreed* when the
reference computes the same numbers somewhere along its way (or it is a view, a slice, a copy of
agreed values).  The step named is the first of the student's whose inputs are all agreed and whose
result no later agreed value grows from: the place where the two computations part for good.  The
hint shows that line of the student's code and, written in the student's own names, the step the
formula takes there from the same values::

    Line 4 of your code, `loss = real_term * fake_term`, is where your values leave the formula's:
    from the same values the formula computes `real_term + fake_term`; yours `real_term * fake_term`.

Only the reference's single next step is shown, never its code.
"""

import inspect
import linecache
import math
import os
import sys

import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

#: words every hint from here carries (tests/blind/measure.py counts these hints apart from the named ones)
MARKS = ("is where your values leave the formula's", "is where your numbers leave the formula's",
         "raised it:", "a value the formula computes along the way",
         "a number the formula reaches on its way")

_TORCH = os.path.dirname(torch.__file__)
_COURSEKIT = os.path.dirname(__file__)
_MODULES = os.path.join(_TORCH, "nn", "modules")

#: steps that only reshape, select, copy or join values: their result is agreed when their inputs are
STRUCTURAL = {"view", "reshape", "flatten", "squeeze", "unsqueeze", "contiguous", "clone", "detach", "to",
              "float", "double", "type_as", "__getitem__", "select", "narrow", "chunk", "split", "unbind",
              "expand", "expand_as", "view_as", "reshape_as", "requires_grad_", "__get__", "cpu",
              "permute", "transpose", "t", "movedim", "stack", "cat", "size", "dim"}

#: steps that make a tensor from another's shape alone: never the formula's step "from the same values"
_FACTORIES = {"ones_like", "zeros_like", "full_like", "empty_like", "rand_like", "randn_like", "new_ones",
              "new_zeros", "new_full", "new_empty", "new_tensor"}

_INFIX = {"__add__": "+", "add": "+", "__sub__": "-", "sub": "-", "__mul__": "*", "mul": "*",
          "__truediv__": "/", "__div__": "/", "div": "/", "__iadd__": "+=", "__isub__": "-=",
          "__imul__": "*=", "__itruediv__": "/=", "__pow__": "**", "pow": "**", "__matmul__": "@",
          "matmul": "@",
          "__lt__": "<", "__le__": "<=", "__gt__": ">", "__ge__": ">=", "__eq__": "==", "__ne__": "!=",
          "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!=",
          "__floordiv__": "//", "__mod__": "%"}
_SPELLED = {"__neg__": "-", "neg": "-", "__getitem__": "[", "__invert__": "~", "__abs__": "abs"}
_REFLECTED = {"__radd__": "+", "__rsub__": "-", "__rmul__": "*", "__rtruediv__": "/", "__rdiv__": "/",
              "__rpow__": "**",
              "__rmatmul__": "@", "__rfloordiv__": "//"}


def _flat(obj):
    if isinstance(obj, (list, tuple)):
        for o in obj:
            yield from _flat(o)
    elif isinstance(obj, dict):
        for o in obj.values():
            yield from _flat(o)
    else:
        yield obj


class Step:
    """One recorded call: ``name``, its ``args`` and ``kwargs`` (tensors stood in by their producer: a
    step index, or ``("given", id)``), the values it made, and where the student's code called it."""

    def __init__(self, func, args, kwargs, values, where, names):
        self.func, self.args, self.kwargs, self.values = func, args, kwargs, values
        self.where, self.names = where, names  # (file, line) in the student's code; {input key: local name}
        self.name = getattr(func, "__name__", str(func))
        self.method = "Tensor" in getattr(func, "__qualname__", "")
        self.attribute = getattr(getattr(func, "__self__", None), "__name__", None)  # x.T, x.indices
        self.numbers = {}

    def inputs(self):
        return [a for a in _flat((self.args, self.kwargs)) if isinstance(a, _Ref)]


class _Ref:
    """A tensor argument: the index of the step that made it, or None for a tensor given from outside."""

    def __init__(self, step, key):
        self.step, self.key = step, key


class _Recorder(TorchFunctionMode):
    def __init__(self, fn, student):
        super().__init__()  # fn: the function whose calls are recorded; student: place them in its code
        self.steps, self.made, self.keep, self.given = [], {}, [], {}
        self.fn, self.student, self.quiet = fn, student, 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        if not self.quiet:
            self.note(func, args, kwargs, out)
        return out

    def note(self, func, args, kwargs, out):
        values = [t for t in _flat(out) if torch.is_tensor(t)]
        if not values:
            return
        frame, inside = _caller(self.fn)
        frame = frame if self.student else None
        local = {id(v): k for k, v in frame.f_locals.items() if torch.is_tensor(v)} if frame else {}
        numbers = {}
        for k, v in (frame.f_locals.items() if frame else ()):
            if isinstance(v, float) and not k.startswith("_"):
                numbers[v] = None if v in numbers else k  # a name only where one local holds the number
        names = {}

        def ref(a):
            if isinstance(a, (list, tuple)):
                return type(a)(ref(x) for x in a)
            if not torch.is_tensor(a):
                return a
            r = _Ref(self.made.get(id(a)), id(a))
            if r.step is None:
                self.given.setdefault(id(a), a.detach().clone())
            if id(a) in local:
                names[id(a)] = local[id(a)]
            return r
        step = Step(func, tuple(ref(a) for a in args),
                    {k: ref(v) for k, v in kwargs.items() if not _default(func, k, v)},
                    [v.detach().clone() for v in values],
                    (frame.f_code.co_filename, frame.f_lineno) if frame else None, names)
        step.real_args, step.real_kwargs = (None, None) if self.student else (args, kwargs)
        step.inside = inside or bool(frame) and not _spelled(step, linecache.getline(*step.where))
        step.numbers = {v: k for v, k in numbers.items() if k}
        self.keep.append(out)  # alive, so that no later tensor takes its id
        for v in values:
            self.made[id(v)] = len(self.steps)
        self.steps.append(step)


def _caller(fn):
    """(the innermost frame outside torch and coursekit, within a call of ``fn``: the student's line that
    made this call, or None; whether the call was made inside a network's layer that line called)."""
    frame, code, inside = sys._getframe(2), getattr(fn, "__code__", None), False
    while frame is not None:
        file = frame.f_code.co_filename
        if not file.startswith(_TORCH) and not file.startswith(_COURSEKIT):
            break
        inside = inside or file.startswith(_MODULES)
        frame = frame.f_back
    outer = frame
    while code is not None and outer is not None and outer.f_code is not code:
        inside = inside or outer.f_code.co_filename.startswith(_MODULES)
        outer = outer.f_back
    return (frame if outer is not None else None), inside


def _spelled(step, line):
    """Whether the student's line spells the step (an operator, or the function's name) rather than call
    something that takes it (an optimiser's step, a helper)."""
    line = line.replace("_", "")
    symbol = _INFIX.get(step.name) or _REFLECTED.get(step.name) or _SPELLED.get(step.name)
    spelled = {step.name.strip("_").replace("_", ""), step.name.removesuffix("_loss").replace("_", "")}
    return (bool(symbol) and symbol in line or any(s in line for s in spelled) or step.name in STRUCTURAL
            or isinstance(step.func, _StandIn))


def _default(func, key, value):
    """True for a keyword argument that only repeats its default (PyTorch passes them all on)."""
    if value is None or value is False:
        return True
    try:
        return inspect.signature(func).parameters[key].default == value
    except (KeyError, TypeError, ValueError, RuntimeError):
        return False


def record(observe, fn, args, student):
    """Run ``observe(fn, *args)`` recording every torch call: the recorder (steps, made, given) and the
    result."""
    rec = _Recorder(fn, student)
    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        params = []
    args = tuple(_StandIn(a, rec, params[i] if i < len(params) else "f") if _stand_in(a) else a
                 for i, a in enumerate(args))
    with rec:
        result = observe(fn, *args)
    rec.unreduced = [] if student else _unreduced(rec.steps)
    return rec, result


def _stand_in(a):
    """A plain function given to the exercise (a feature network φ, a synthesis network): its call is one
    step of the formula's, not the steps inside it."""
    return callable(a) and not isinstance(a, (torch.nn.Module, type)) and not torch.is_tensor(a)


class _StandIn:
    """A function argument whose calls are recorded as one step, named as the exercise names it."""

    def __init__(self, fn, rec, name):
        self.fn, self.rec, self.__name__ = fn, rec, name

    def __call__(self, *args, **kwargs):
        self.rec.quiet += 1
        try:
            out = self.fn(*args, **kwargs)
        finally:
            self.rec.quiet -= 1
        if torch.is_tensor(out):
            self.rec.note(self, args, kwargs, out)
        return out


def _unreduced(steps):
    """The values a student who writes a loss function out by hand computes on the way, for each loss the
    reference calls: its values before the mean or sum, each image's loss, the log-likelihoods (their
    negatives), and its pieces (the log-softmax of a cross-entropy, the sigmoid of a logit, the
    difference of an L1 or MSE)."""
    out = []
    for s in steps:
        if s.real_args is None or not s.name.endswith(("_loss", "entropy", "entropy_with_logits")):
            continue
        try:
            each = s.func(*s.real_args, **{**s.real_kwargs, "reduction": "none"}).detach()
            out += [each, -each]
            if each.dim() > 1:  # each image's loss: a loop over the batch computes them one by one
                out += [each.flatten(1).mean(1), each.flatten(1).sum(1)]
        except Exception:  # noqa: BLE001 - a loss that takes no reduction: no values before it
            pass
        x, target = (list(s.real_args) + [None, None])[:2]
        if not (torch.is_tensor(x) and torch.is_tensor(target)):
            continue
        x, target = x.detach(), target.detach()
        if s.name == "cross_entropy" and x.dim() > 1:
            out += [F.log_softmax(x, 1), -F.log_softmax(x, 1), F.softmax(x, 1)]
        elif s.name.startswith("binary_cross_entropy_with_logits"):
            out += [torch.sigmoid(x), F.logsigmoid(x), F.logsigmoid(-x), -F.logsigmoid(x), -F.logsigmoid(-x)]
        elif x.shape == target.shape:
            out += [x - target, target - x]
    return out


def _same(a, b):
    if (a.numel() != b.numel() or a.is_complex() or b.is_complex()
            or a.is_floating_point() != b.is_floating_point()):
        return False
    a, b = a.detach().double().flatten(), b.detach().double().flatten()
    scale = float(b.abs().max()) if b.numel() else 0.0
    # a single number may meet one of many by chance: it must agree to float32's rounding of a mean
    return bool(torch.allclose(a, b, rtol=1e-4 if a.numel() > 1 else 3e-6,
                               atol=(1e-6 + 1e-5 * (scale if math.isfinite(scale) else 0)) if a.numel() > 1
                               else 1e-7))


class _Values:
    """The reference's values by size, to ask whether a student's value is among them."""

    def __init__(self, tensors):
        self.by_size = {}
        for t in tensors:
            self.by_size.setdefault(t.numel(), []).append(t)
            if t.dim() and len(t) <= 64:  # its rows too: a loop over the batch reads them
                for row in t:
                    self.by_size.setdefault(row.numel(), []).append(row)

    def find(self, v):
        return next((t for t in self.by_size.get(v.numel(), ()) if _same(v, t)), None)


def _agreed(steps, known, given):
    """For each student step: True when its values are among ``known``, it only rearranges agreed ones, or
    it makes a constant (no input of the function's grows into it: `torch.tensor(2.0)`, its log)."""
    agreed, constant = [], []
    for s in steps:
        inputs = s.inputs()
        constant.append(all(r.step is not None and constant[r.step] for r in inputs))
        ok = constant[-1] or all(known.find(v) is not None or _averaged(v, known) for v in s.values)
        if not ok and s.name in STRUCTURAL and not (s.name == "__getitem__" and len(inputs) > 1):
            ok = all(r.step is None or agreed[r.step] for r in inputs)  # (an index by a tensor picks values)
        agreed.append(ok)
    return agreed


def _averaged(v, known):
    """A value whose mean is one of the formula's numbers (its terms summed per item, then averaged by
    the formula): the student's way of writing the same sum."""
    return (v.numel() > 1 and v.is_floating_point()
            and known.find(v.detach().double().mean().float().reshape(())) is not None)


def _descendants(steps):
    """Each step's consumers, leaving out the steps that read only its shape (`torch.ones_like(x)`)."""
    children = [[] for _ in steps]
    for i, s in enumerate(steps):
        for r in s.inputs() if s.name not in _FACTORIES else ():
            if r.step is not None:
                children[r.step].append(i)
    return children


def _reaches(children, start, test):
    stack, seen = [start], set()
    while stack:
        i = stack.pop()
        for c in children[i]:
            if c not in seen:
                seen.add(c)
                if test(c):
                    return True
                stack.append(c)
    return False


def _ancestors(steps, result_ids, made):
    """Indices of the steps the result grows from."""
    todo = [made[i] for i in result_ids if i in made]
    found = set()
    while todo:
        i = todo.pop()
        if i not in found:
            found.add(i)
            todo.extend(r.step for r in steps[i].inputs() if r.step is not None)
    return found


def as_code(x):
    return f"{x:.4g}" if isinstance(x, float) else repr(x)


def render(step, rec, names, depth=1, nested=False):
    """A step as code: tensors by the student's names for them, else by the code that made them (to
    ``depth`` steps back), else `…`."""
    def arg(a):
        if isinstance(a, (list, tuple)):
            inner = ", ".join(arg(x) for x in a)
            return f"({inner}{',' if len(a) == 1 else ''})" if isinstance(a, tuple) else f"[{inner}]"
        if isinstance(a, _Ref):
            if a.key in names:
                return _grouped(names[a.key]) if nested or step.name in _INFIX or step.name in _REFLECTED \
                    else names[a.key]
            if a.step is not None and depth > 0:
                return render(rec.steps[a.step], rec, names, depth - 1, nested=True)
            return "…"
        if isinstance(a, float) and a in step.numbers:
            return step.numbers[a]
        if isinstance(a, (int, float)):
            return as_code(a)
        if isinstance(a, slice):
            return ":".join("" if v is None else arg(v) for v in (a.start, a.stop, a.step)).rstrip(":") or ":"
        if a is Ellipsis:
            return "..."
        return "…" if callable(a) else repr(a)
    args = [arg(a) for a in step.args]
    infix = _INFIX.get(step.name) or _REFLECTED.get(step.name)
    if infix and len(args) == 2:
        left, right = args[::-1] if step.name in _REFLECTED else args
        return f"({left} {infix} {right})" if nested else f"{left} {infix} {right}"
    if step.name in ("__neg__", "neg") and len(args) == 1:
        return f"-{args[0]}"
    if step.name == "__getitem__" and len(args) == 2:
        return f"{args[0]}[{args[1].strip('()')}]"
    if step.name == "__get__" and args:
        return f"{args[0]}.{step.attribute or '…'}"
    if isinstance(step.func, _StandIn):
        return f"{step.name}({', '.join(args + [f'{k}={arg(v)}' for k, v in step.kwargs.items()])})"
    rest = (args[1:] if step.method else args) + [f"{k}={arg(v)}" for k, v in step.kwargs.items()]
    if step.method and args:
        return f"{args[0]}.{step.name}({', '.join(rest)})"
    module = getattr(step.func, "__module__", "") or ""
    prefix = ("F." if module.endswith("functional") else f"{module}." if module.startswith("torch.")
              and "._" not in module else "torch.")
    return f"{prefix}{step.name}({', '.join(rest)})"


def _values(r, rec):
    """The values a tensor argument stands for."""
    return rec.steps[r.step].values if r.step is not None else [rec.given[r.key]]


def _line(where):
    if where is None:
        return None, ""
    return where[1], linecache.getline(*where).strip()


def least_alike(cases):
    """The case whose inputs are least alike, to trace on: values that coincide (a photo equal to its
    target, a tensor of ones, a weight of 1) would make the student's values look agreed by chance."""
    def variety(case):
        args = case.make()
        tensors = [a.detach() for a in args if torch.is_tensor(a) and a.numel() and not a.is_complex()]
        numbers = sum(isinstance(a, (int, float)) and not isinstance(a, bool) and a not in (0, 1)
                      for a in args)
        alike = sum(len(torch.unique(t)) == 1 for t in tensors) + sum(
            a.shape == b.shape and torch.equal(a, b) for i, a in enumerate(tensors) for b in tensors[i + 1:])
        return -alike, numbers, sum(len(torch.unique(t)) for t in tensors)
    return max(cases, key=variety)


def parting(observe, reference, fn, args):
    """The hint for ``fn``'s first step off the reference's way on the case ``args()``, or None."""
    try:
        ref, _ = record(observe, reference, args(), student=False)
        mine, result = record(observe, fn, args(), student=True)
    except Exception:  # noqa: BLE001 - any error: no hint from here
        return None
    known = _Values([v for s in ref.steps for v in s.values] + list(ref.given.values()) + ref.unreduced)
    agreed = _agreed(mine.steps, known, mine.given)
    result_ids = [id(t) for t in _flat(result) if torch.is_tensor(t)]
    if not result_ids:
        return None
    names = {k: v for s in mine.steps for k, v in s.names.items()}
    answered = _Values([v for s, ok in zip(mine.steps, agreed) if ok for v in s.values]
                       + list(mine.given.values()))
    final = mine.made.get(result_ids[0])
    if final is not None and mine.steps[final].where is not None and any(
            known.find(v) is not None for v in mine.steps[final].values):
        return _returned_early(mine.steps[final], mine, ref, answered, names)
    # settled: agreed, or a way of the student's own that comes back to the formula's values later
    children = _descendants(mine.steps)
    settled = [ok or _reaches(children, i, lambda c: agreed[c]) for i, ok in enumerate(agreed)]
    for i in sorted(_ancestors(mine.steps, result_ids, mine.made)):
        s = mine.steps[i]
        inputs_settled = all(r.step is None or settled[r.step] for r in s.inputs())
        if not settled[i] and s.where is not None and inputs_settled:
            return _words(s, mine, ref, answered, names)
    return None


def _ref_next(values, ref, answered, whole=True):
    """The reference's first step that starts from ``values`` (all of them, and only values the student
    has too, when ``whole``; else from any of them) and makes a value no student value answers to: the
    step the student did not take there."""
    for r in ref.steps:
        theirs = [v for x in r.inputs() for v in _values(x, ref)]
        if all(answered.find(v) is not None for v in r.values) or r.name in _FACTORIES or r.inside:
            continue  # a value the student has, a shape's ones, a step inside one of the formula's layers
        if whole and all(any(_same(a, b) for b in theirs) for a in values) and all(
                answered.find(b) is not None for b in theirs):
            return r
        if not whole and any(_same(a, b) for b in theirs for a in values):
            return r
    return None


def _student_names(step, mine, ref, names):
    """The student's names (or code) for the values the reference step ``step`` starts from."""
    words = {}
    for x in step.inputs():
        want = _values(x, ref)
        if x.step is not None and ref.steps[x.step].name in _FACTORIES:  # `torch.ones_like(fake_logits)`
            made = ref.steps[x.step]
            words[x.key] = render(made, ref, _student_names(made, mine, ref, names), 0)
            continue
        for key, value in mine.given.items():
            if key in names and any(_same(value, w) for w in want):
                words[x.key] = names[key]
        matching = [i for i, s in enumerate(mine.steps) if any(_same(v, w) for v in s.values for w in want)]
        # the student's own step that made the value, before any copy or view of it
        matching.sort(key=lambda i: (mine.steps[i].where is None, mine.steps[i].name in STRUCTURAL, i))
        for i in matching[:1]:
            if x.key not in words:
                key = next((r.key for t in mine.steps for r in t.inputs() if r.step == i and r.key in names),
                           None)
                words[x.key] = (names[key] if key is not None
                                else _grouped(render(mine.steps[i], mine, names, 0)))
    return words


def _grouped(code):
    """``code`` in parentheses where an operator outside brackets would bind it otherwise."""
    depth = 0
    for i, c in enumerate(code):
        depth += (c in "([{") - (c in ")]}")
        if depth == 0 and c == " " and code[i + 1:i + 2] in set("+-*/@%<>=!"):
            return f"({code})"
    return code


def _chain(step, mine):
    """The step with the selections and views the student's code takes of it straight after (a sort's
    `.indices[:, 1]`): the whole expression that leaves the formula's values."""
    i = mine.steps.index(step)
    while True:
        users = [j for j, s in enumerate(mine.steps) if any(r.step == i for r in s.inputs())]
        if len(users) != 1 or mine.steps[users[0]].name not in STRUCTURAL or mine.steps[users[0]].inside:
            return mine.steps[i]
        i = users[0]


def _where(step):
    line, text = _line(step.where)
    return place(step.where[0], line, text) if text else "Your step"


def place(file, line, text):
    """"Line 4 of your cell, `…`," in a notebook (IPython keeps a cell's text under such a name), else
    "of your code"."""
    where = "cell" if "ipykernel" in file or file.startswith("<ipython-input") else "code"
    return f"Line {line} of your {where}, `{text}`,"


def _words(step, mine, ref, answered, names):
    last = _chain(step, mine)
    ours, where = render(last, mine, names, depth=3), _where(last)
    values = [v for x in step.inputs() for v in _values(x, mine)]
    ends = ref.steps[-1].values if ref.steps else []
    if any(_same(v, e) for v in values for e in ends):
        return (f"{where} is where your values leave the formula's: they have the formula's result there "
                f"and go on{' with what that line calls' if step.inside else f', `{ours}`'}; the formula "
                f"stops at that result.")
    if step.inside:
        return (f"{where} is where your values leave the formula's: what that line calls computes values "
                f"the formula never reaches, and nothing after it comes back to the formula's values.")
    # the formula's step is shown only from a value the student computed: from the function's own
    # arguments alone, that step may be the whole answer (one library call on them)
    computed = any(r.step is not None and mine.steps[r.step].name not in _FACTORIES for r in step.inputs())
    theirs = _ref_next(values, ref, answered) if computed else None
    if theirs is None:
        return (f"{where} is where your values leave the formula's: `{ours}` is a step the formula does "
                f"not take, and nothing after it comes back to the formula's values.")
    said = render(theirs, ref, _student_names(theirs, mine, ref, names), 0)
    return (f"{where} is where your values leave the formula's: from the same values the formula computes "
            f"`{said}`; yours `{ours}`.")


def _returned_early(step, mine, ref, answered, names):
    theirs = _ref_next(step.values, ref, answered, whole=False)
    then = (f": from there it computes `{render(theirs, ref, _student_names(theirs, mine, ref, names), 0)}`"
            if theirs is not None else "")
    return (f"{_where(step)} makes your result, a value the formula computes along the way but not its "
            f"end{then}.")


def raised_at(error, fn):
    """Where in the student's code ``error`` was raised, as words ("Line 3 of your code, `…`,"), or None:
    the innermost line of theirs in the traceback, from ``fn``'s own frame inwards."""
    entries, tb = [], error.__traceback__
    while tb is not None:
        entries.append(tb)
        tb = tb.tb_next
    code = getattr(fn, "__code__", None)
    start = next((i for i, e in enumerate(entries) if e.tb_frame.f_code is code), None)
    if start is None:
        return None
    for e in reversed(entries[start:]):
        file = e.tb_frame.f_code.co_filename
        if not file.startswith(_TORCH) and not file.startswith(_COURSEKIT):
            line = linecache.getline(file, e.tb_lineno).strip()
            return place(file, e.tb_lineno, line) if line else None
    return None
