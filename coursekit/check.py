"""Instant feedback on lab exercises.

After writing an exercise's function, a student runs its check::

    to_model_range = ck.check.to_model_range(to_model_range)

The check runs the function on several cases against the reference and
prints what passed and what failed, with a hint that names the mistake where
it recognises it (a known wrong variant, a wrong shape, a missing return).
It returns the student's function when every case passes and the reference
otherwise, so the rest of the notebook always runs.  ``check.report(fn)``
returns the verdict without printing (the tests use it).
"""

from dataclasses import dataclass, field

import torch

from coursekit import data as _data


@dataclass
class Case:
    """One input to an exercise: a name a student can read, and the arguments."""

    name: str
    args: tuple


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
    return torch.is_tensor(a) and a.shape == b.shape and torch.allclose(a.double(), b.double(), atol=atol, rtol=1e-4)


def _show(t):
    return str(t) if t.numel() <= 8 else f"tensor of shape {tuple(t.shape)}"


class Check:
    """An exercise check: the reference, the cases, and the mistakes it recognises."""

    def __init__(self, name, reference, cases, mistakes=(), atol=1e-5, dtype_kind="float"):
        self.name, self.reference = name, reference
        self.cases, self.mistakes, self.atol, self.dtype_kind = list(cases), list(mistakes), atol, dtype_kind

    def report(self, fn):
        """Run ``fn`` on every case; return a :class:`Report` (nothing printed)."""
        if not callable(fn):
            return Report("failed", lines=[f"✘ {self.name}: expected a function, got {type(fn).__name__}."],
                          hint="Pass the function itself, without calling it: check(f), not check(f(x)).")
        outputs, rep = [], Report("passed", total=len(self.cases))
        for case in self.cases:
            expected = self.reference(*_clone(case.args))
            try:
                got = fn(*_clone(case.args))
            except NotImplementedError:
                return Report("not implemented", total=len(self.cases),
                              lines=[f"… {self.name}: not implemented yet — using the reference so the notebook goes on."])
            except Exception as e:  # the student's error, reported rather than raised
                return self._fail(rep, case, f"raised {type(e).__name__}: {e}",
                                  "Read the error above; run the function on a small input to find the line.")
            problem, hint = self._compare(got, expected)
            if problem:
                if problem == "values differ":
                    hint = self._recognise(fn) or hint
                    problem = f"expected {_show(expected)}, got {_show(got)}"
                return self._fail(rep, case, problem, hint)
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
            if all(_agrees(fn, mistake.fn, case.args, self.atol) for case in self.cases):
                return mistake.hint
        return None

    def _fail(self, rep, case, problem, hint):
        rep.status, rep.hint = "failed", hint
        rep.lines.append(f"✘ {self.name}: {rep.passed}/{rep.total} cases passed; "
                         f"failed on case “{case.name}”: {problem}.")
        return rep


def _agrees(fn, other, args, atol):
    try:
        return _close(fn(*_clone(args)), other(*_clone(args)), atol)
    except Exception:
        return False


# --------------------------------------------------------------------------------------------
# Notebook 00: the course's image range.

to_model_range = Check(
    "to_model_range",
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
    ],
)

#: Every check, by name (the tests run each one against its reference, a stub and its mistakes).
ALL = {c.name: c for c in [to_model_range]}
