"""Instant feedback on lab exercises.

After writing an exercise's function, a student runs its check::

    to_model_range = ck.check.to_model_range(to_model_range)

The check runs the function on several cases against the reference and
prints what passed and what failed, with a hint that names the mistake where
it recognises it (a known wrong variant, a wrong shape, a missing return).
It returns the student's function when every case passes and the reference
otherwise, so the rest of the notebook always runs.  ``check.report(fn)``
returns the verdict without printing (the tests use it).

This module is the framework (:class:`Check`, :class:`Case`, :class:`Mistake`, :func:`hint`) and
notebook 00's check.  Each lecture keeps its own checks and hints beside its code, in
``coursekit/models/<lecture>/checks.py``; ``ck.check.<name>`` finds them there.
"""

import importlib
from dataclasses import dataclass, field

import torch

from coursekit import data as _data
from coursekit.models import LECTURES


@dataclass
class Case:
    """One input to an exercise: a name a student can read, and the arguments
    (a tuple, or a function that builds fresh ones for every call)."""

    name: str
    args: object

    def make(self):
        return self.args() if callable(self.args) else _clone(self.args)


@dataclass
class Mistake:
    """A plausible wrong answer, and the hint to give when a student's output matches it."""

    hint: str
    fn: object


@dataclass
class Report:
    """The verdict on a student's function: ``status`` is passed, failed or not implemented."""

    status: str
    passed: int = 0
    total: int = 0
    lines: list = field(default_factory=list)
    hint: str = ""

    @property
    def ok(self):
        return self.status == "passed"

    def __str__(self):
        return "\n".join(self.lines)


def _clone(args):
    return tuple(a.clone() if torch.is_tensor(a) else a for a in args)


def _close(a, b, atol):
    # NaN equals NaN: a mistake that divides by zero is recognised by its NaNs (the reference has none)
    return torch.is_tensor(a) and a.shape == b.shape and torch.allclose(a.double(), b.double(), atol=atol, rtol=1e-4,
                                                                        equal_nan=True)


def _show(t):
    return str(t) if t.numel() <= 8 else f"tensor of shape {tuple(t.shape)}"


def _difference(got, expected):
    """Where two tensors of the same shape differ most: the element, both values, the gap."""
    gap = (got.double() - expected.double()).abs().nan_to_num(float("inf"))
    i = int(gap.flatten().argmax())
    where = f" at {tuple(int(k) for k in torch.unravel_index(torch.tensor(i), got.shape))}" if got.dim() else ""
    return (f"the values differ (shape {tuple(got.shape)} is right): largest difference {gap.flatten()[i]:.3g}"
            f"{where}, expected {expected.flatten()[i].item():.4g}, got {got.flatten()[i].item():.4g}")


def _first_line(error):
    return str(error).strip().splitlines()[0] if str(error).strip() else "(no message)"


def _explain(error):
    """The hint for an error a student's code raised: the cause where it is a known one, not PyTorch's advice."""
    text = str(error)
    if "backward through the graph a second time" in text:
        return ("The generated images were used in D's loss without .detach(): D's backward pass went on into G "
                "and freed G's graph, so G's own backward pass cannot run. Give D fake.detach(), not fake "
                "(retain_graph=True, which the error suggests, would hide the bug and leak D's loss into G).")
    if "does not require grad and does not have a grad_fn" in text:
        return ("The loss has no gradient path to the parameters: a .detach(), torch.no_grad() or .item() cut it. "
                "Detach only what must not be trained (G's loss needs D(fake), not D(fake.detach())).")
    if "modified by an inplace operation" in text:
        return ("A network's weights changed between its forward pass and its backward pass: an optimizer stepped "
                "in between. Call each optimizer's step() right after its own loss's backward(), opt_D's after "
                "D's loss and opt_G's after G's, and check that the two are not crossed.")
    if "Sizes of tensors must match except in dimension" in text:
        return ("torch.cat joins tensors that agree in every dimension but the joined one: print the shapes you "
                "join (in a U-Net, each decoder output meets the encoder output of its own resolution).")
    if "must match the size" in text or "shape" in text and "mismatch" in text:
        return "Two tensors' shapes do not fit: print the shapes of the inputs and of each intermediate result."
    return "Read the error above; run the function on a small input to find the line."


class Check:
    """An exercise check: the reference, the cases, and the mistakes it recognises."""

    def __init__(self, name, reference, cases, mistakes=(), atol=1e-5, dtype_kind="float", observe=None, hints=(),
                 alternatives=()):
        self.name, self.reference, self.hints = name, reference, tuple(hints)
        # other correct answers that give other numbers (e.g. G updated before D): (description, fn)
        self.alternatives = list(alternatives)
        self.cases, self.mistakes, self.atol, self.dtype_kind = list(cases), list(mistakes), atol, dtype_kind
        # observe(fn, *args) -> the tensor compared; by default fn's return value.
        self.observe = observe or (lambda fn, *args: fn(*args))

    def report(self, fn):
        """Run ``fn`` on every case; return a :class:`Report` (nothing printed)."""
        if not callable(fn):
            return Report("failed", lines=[f"✘ {self.name}: expected a function, got {type(fn).__name__}."],
                          hint="Pass the function itself, without calling it: check(f), not check(f(x)).")
        outputs, rep = [], Report("passed", total=len(self.cases))
        for description, alternative in self.alternatives:
            if all(self._agrees(fn, alternative, case) for case in self.cases):
                rep.lines.append(f"✔ {self.name}: all {rep.total} cases passed ({description}).")
                return rep
        for case in self.cases:
            expected = self.observe(self.reference, *case.make())
            try:
                got = self.observe(fn, *case.make())
            except NotImplementedError:
                return Report("not implemented", total=len(self.cases),
                              lines=[f"… {self.name}: not implemented yet — using the reference so the notebook goes on."])
            except Exception as e:  # the student's error, reported rather than raised
                return self._fail(rep, case, f"raised {type(e).__name__}: {_first_line(e)}",
                                  self._recognise_error(case, e) or _explain(e))
            problem, hint = self._compare(got, expected)
            if problem:
                if problem == "values differ":
                    problem = _difference(got, expected)
                # a recognised mistake names the cause better than the symptom
                return self._fail(rep, case, problem, self._recognise(fn) or hint)
            rep.passed += 1
            outputs.append(got)
        rep.lines.append(f"✔ {self.name}: all {rep.total} cases passed.")
        return rep

    def __call__(self, fn):
        """Print the verdict; return ``fn`` when it passed, else the reference."""
        rep = self.report(fn)
        print(rep)
        if rep.hint:
            print(f"  Hint: {rep.hint}")
        if rep.status == "failed":
            print("  The notebook goes on with the reference implementation; fix yours and run the check again.")
        return fn if rep.ok else self.reference

    def _compare(self, got, expected):
        if got is None:
            return "returned None", "Did you forget the `return` statement?"
        if not torch.is_tensor(got):
            return f"returned a {type(got).__name__}", "Return a torch.Tensor."
        if got.shape != expected.shape:
            return (f"returned shape {tuple(got.shape)}, expected {tuple(expected.shape)}",
                    "Check which dimension you reduced, reshaped or forgot to keep.")
        if self.dtype_kind == "float" and not got.is_floating_point():
            return (f"returned dtype {got.dtype}, expected a float tensor",
                    "Integer tensors cannot hold values between -1 and 1: convert with x.float() first.")
        if not _close(got, expected, self.atol):
            return "values differ", "Compare your formula with the one in the markdown cell above."
        return None, ""

    def _recognise(self, fn):
        # A mistake is recognised when the student's function agrees with it on every case.
        for mistake in self.mistakes:
            if all(self._agrees(fn, mistake.fn, case) for case in self.cases):
                return mistake.hint
        return None

    def _recognise_error(self, case, error):
        # A mistake that raises is recognised when it raises the same error on the same case.
        for mistake in self.mistakes:
            try:
                self.observe(mistake.fn, *case.make())
            except Exception as e:
                if type(e) is type(error) and str(e) == str(error):
                    return mistake.hint
        return None

    def _fail(self, rep, case, problem, hint):
        rep.status, rep.hint = "failed", hint
        rep.lines.append(f"✘ {self.name}: {rep.passed}/{rep.total} cases passed; "
                         f"failed on case “{case.name}”: {problem}.")
        return rep


    def _agrees(self, fn, other, case):
        try:
            return _close(self.observe(fn, *case.make()), self.observe(other, *case.make()), self.atol)
        except Exception:
            return False


# --------------------------------------------------------------------------------------------
# Labs: a larger task per lecture, checked by what it achieves, not by how it is written.

@dataclass
class Goal:
    """One number a lab's measurement reports and the bound it must reach: ``at_least`` or ``at_most``."""

    key: str
    description: str
    at_least: float = None
    at_most: float = None

    def met(self, value):
        return (self.at_least is None or value >= self.at_least) and (self.at_most is None or value <= self.at_most)

    def bound(self):
        return f"≥ {self.at_least:.3g}" if self.at_least is not None else f"≤ {self.at_most:.3g}"


@dataclass
class LabReport:
    """A lab's verdict: ``status`` is met, not met, not implemented or failed; ``numbers`` what was measured."""

    status: str
    numbers: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)
    hint: str = ""

    @property
    def met(self):
        return self.status == "met"

    def __str__(self):
        return "\n".join(self.lines)


class Lab:
    """A lab's check: ``measure(approach, **settings)`` runs the student's approach through the course's
    measurement and returns a dict of numbers; every :class:`Goal` must be met.  Any approach that
    reaches the goals passes: the check reads results, not code.  ``goals`` may be a function of the
    numbers (a bound relative to a baseline measured in the same run)."""

    def __init__(self, name, task, measure, goals, hints=()):
        self.name, self.task, self.measure, self.goals, self.hints = name, task, measure, goals, tuple(hints)

    def report(self, approach, **settings):
        if not callable(approach):
            return LabReport("failed", lines=[f"✘ lab {self.name}: expected a function, got {type(approach).__name__}."],
                             hint="Pass the function itself, without calling it.")
        try:
            numbers = self.measure(approach, **settings)
        except NotImplementedError:
            return LabReport("not implemented", lines=[f"… lab {self.name}: not implemented yet. The task: {self.task}"])
        except Exception as e:  # the student's error, reported rather than raised
            return LabReport("failed", lines=[f"✘ lab {self.name}: raised {type(e).__name__}: {_first_line(e)}"],
                             hint=_explain(e))
        goals = self.goals(numbers) if callable(self.goals) else self.goals
        lines, met = [], True
        for goal in goals:
            ok = goal.met(numbers[goal.key])
            met &= ok
            lines.append(f"  {'✔' if ok else '✘'} {goal.description}: {numbers[goal.key]:.3g} (goal {goal.bound()})")
        head = f"{'✔' if met else '✘'} lab {self.name}: " + ("goal met." if met else "goal not met yet.")
        return LabReport("met" if met else "not met", numbers, [head, *lines],
                         "" if met else "The numbers above say how far; ck.hint(" + repr(self.name) + ") gives ideas.")

    def __call__(self, approach, **settings):
        """Print the verdict; return the report (its ``numbers`` are what was measured)."""
        rep = self.report(approach, **settings)
        print(rep)
        if rep.hint:
            print(f"  Hint: {rep.hint}")
        return rep


# --------------------------------------------------------------------------------------------
# Cases shared by the lectures' checks.

def expect_images(x, shape, call):
    """``x`` as a float CPU tensor when it is a tensor of ``shape`` with every value in [-1, 1]; otherwise a
    ValueError that says what ``call`` (the student's function, as written in the lab) should return."""
    shape = tuple(shape)
    if not isinstance(x, torch.Tensor) or tuple(x.shape) != shape:
        got = f"shape {tuple(x.shape)}" if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"{call} must return images of shape {shape}; got {got}.")
    x = x.detach().float().cpu()
    if not torch.isfinite(x).all() or x.abs().max() > 1 + 1e-4:
        raise ValueError(f"{call} must return images in [-1, 1]; yours span {x.min():.2f} .. {x.max():.2f}. A "
                         f"generator's raw output can overshoot: end with .clamp(-1, 1).")
    return x


def randn(seed, *shape, scale=1.0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed)) * scale


def random_logits(seed, n=64, scale=3.0):
    g = torch.Generator().manual_seed(seed)
    return (scale * torch.randn(n, generator=g), scale * torch.randn(n, generator=g) - 1)


# --------------------------------------------------------------------------------------------
# Notebook 00: the course's image range.

to_model_range = Check(
    "to_model_range",
    hints=(
        'Integer pixels first become floats, or the division rounds.',
        '255 / 2 = 127.5: dividing by it gives [0, 2]; what shift then gives [-1, 1]?',
    ),
    reference=_data.to_model_range,
    cases=[
        Case("black 0 and white 255", (torch.tensor([0, 255], dtype=torch.uint8),)),
        Case("a grey ramp 0..255", (torch.arange(256, dtype=torch.uint8),)),
        Case("a batch of digits (4, 1, 28, 28) as floats",
             (torch.randint(0, 256, (4, 1, 28, 28), generator=torch.Generator().manual_seed(0)).float(),)),
    ],
    mistakes=[
        Mistake("Your values lie in [0, 1]. The course's images live in [-1, 1] (what tanh outputs): "
                "x / 127.5 - 1.", lambda x: x.float() / 255),
        Mistake("Your values lie in [0, 2]: you forgot to subtract 1.", lambda x: x.float() / 127.5),
        Mistake("Your values lie in [-0.5, 0.5]: divide by 127.5 (half of 255), not by 255.",
                lambda x: (x.float() - 127.5) / 255),
        Mistake("Black should map to -1 and white to +1; yours is upside down.", lambda x: 1 - x.float() / 127.5),
        Mistake("Integer division rounds: convert to float before dividing (x.float() / 127.5 - 1); with // "
                "the grey levels collapse to -1, 0 and 1.", lambda x: (x // 127.5).float() - 1),
    ],
)


# --------------------------------------------------------------------------------------------
# The registry: each lecture keeps its checks beside its code (coursekit/models/<lecture>/checks.py).

def checks(kind=Check):
    """Every exercise check by name, in course order: notebook 00's (here) and each lecture's; with
    ``kind=Lab`` every lab's check, with ``(Check, Lab)`` both."""
    found = {to_model_range.name: to_model_range} if isinstance(to_model_range, kind) else {}
    for lecture in LECTURES:
        module = importlib.import_module(f"coursekit.models.{lecture}.checks")
        found.update({c.name: c for c in vars(module).values() if isinstance(c, kind)})
    return found


def __getattr__(name):
    # PEP 562: ck.check.cycle_loss is the check that notebook 04's lecture defines; ALL is every check.
    # (Imported on first use: a lecture's checks import this framework, so it cannot import them first.)
    if name.startswith("__"):
        raise AttributeError(name)
    if name == "ALL":
        return checks()
    if name == "LABS":
        return checks(Lab)
    found = checks((Check, Lab))
    if name in found:
        return found[name]
    raise AttributeError(f"module 'coursekit.check' has no check {name!r}; the checks are {', '.join(found)}")


_hints_given = {}


def hint(name):
    """The next hint for exercise ``name`` (its check's name, e.g. ``"cycle_loss"``); call again for the next.

    >>> ck.hint("cycle_loss")
    Hint 1 of 2 for cycle_loss: The distance is L1: ...
    """
    found = checks((Check, Lab))
    if name not in found:
        raise KeyError(f"no exercise {name!r}; the exercises are {', '.join(sorted(found))}")
    steps = found[name].hints
    k = _hints_given.get(name, 0)
    if k >= len(steps):
        print(f"That was the last hint for {name}. Compare your code with the equation in the text above, line "
              f"by line, and run the check: it names the mistakes it recognises.")
        return
    _hints_given[name] = k + 1
    print(f"Hint {k + 1} of {len(steps)} for {name}: {steps[k]}")
