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
import inspect
import math
from dataclasses import dataclass, field

import torch

from coursekit import data as _data
from coursekit import decompose, errors, feedback, gradflow
from coursekit import forms as _forms
from coursekit import outcomes as _outcomes
from coursekit import probe, trace, trace_numbers
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
class Terms:
    """A result that adds weighted terms, for diagnosis: ``split(*args)`` gives the terms (a loss's
    numbers, or tensors of the result's shape), ``weights(*args)`` the reference's weight of each (a
    number, or one per sample), ``names`` says each in words.  A wrong answer that weighs the same terms
    otherwise (one dropped, a sign flipped, a weight lost, squared or swapped, the terms averaged) is
    then named."""

    names: tuple
    split: object
    weights: object
    # optional: each term as (kind, input, target), kind one of forms.FORMS ("l1", "mse", "bce"):
    # a term computed as another distance (an MSE for an L1, a sum for a mean...) is then named too
    forms: object = None


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
    return (torch.is_tensor(a) and a.shape == b.shape and not a.is_complex()
            and torch.allclose(a.double(), b.double(), atol=atol, rtol=1e-4, equal_nan=True))


def _show(t):
    return str(t) if t.numel() <= 8 else f"tensor of shape {tuple(t.shape)}"


def _difference(got, expected):
    """Where two tensors of the same shape differ most: the element, both values, the gap."""
    gap = (got.double() - expected.double()).abs().nan_to_num(float("inf"))
    i = int(gap.flatten().argmax())
    where = (f" at {tuple(int(k) for k in torch.unravel_index(torch.tensor(i), got.shape))}" if got.dim()
             else "")
    return (f"the values differ (shape {tuple(got.shape)} is right): largest difference "
            f"{gap.flatten()[i]:.3g}{where}, expected {expected.flatten()[i].item():.4g}, "
            f"got {got.flatten()[i].item():.4g}")


def _sentence(words):
    """Words as a hint's sentence: a capital first, a full stop last."""
    return words[0].upper() + words[1:] + ("" if words.endswith(".") else ".")


def _first_line(error):
    return str(error).strip().splitlines()[0] if str(error).strip() else "(no message)"


class Check:
    """An exercise check: the reference, the cases, and the mistakes it recognises."""

    def __init__(self, name, reference, cases, mistakes=(), atol=1e-5, dtype_kind="float", observe=None,
                 hints=(), alternatives=(), variants=(), time_arg=None, terms=None, counts=None,
                 behaviours=None, formula=True, same_slope=False, traced=None):
        self.name, self.reference, self.hints = name, reference, tuple(hints)
        # Diagnosis by relation (coursekit.feedback), for mistakes the registry does not name:
        # variants: (words, fn) the reference with one of the exercise's parameters changed;
        # time_arg: the position of a time index t among the arguments (t - 1 and t + 1 are tried);
        # terms: (names, weights, fn(*args) -> the terms' values, {weight: its name}) of a loss that adds
        #   weighted terms; counts: fn(*args) -> {name: number} a factor may equal besides the shapes';
        # behaviours: for an observed vector of behaviours, one sentence per entry saying what failed;
        # formula: False where the exercise has no formula to compare with (a behaviour, a lab);
        # same_slope: a layer, whose every input's gradient must be the formula's (not only reach it).
        self.variants, self.time_arg, self.terms, self.counts = list(variants), time_arg, terms, counts
        # traced: the formula as the lecture writes it, where the reference computes it another way (the
        # same numbers): a student's values are traced against the steps they were taught
        self.same_slope, self.traced = same_slope, traced or reference
        self.behaviours, self.formula = behaviours, formula and behaviours is None
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
                              lines=[f"… {self.name}: not implemented yet — using the reference so the "
                                     f"notebook goes on."])
            except Exception as e:  # the student's error, reported rather than raised
                return self._fail(rep, case, f"raised {type(e).__name__}: {_first_line(e)}",
                                  self._recognise_error(case, e) or self._explain(fn, case, e))
            problem, hint = self._compare(got, expected)
            if problem:
                # a recognised mistake names the cause better than the symptom; then a relation
                named = self._recognise(fn)
                if problem == "values differ":
                    problem = self._symptom(got, expected)
                    hint = named or self._relate(fn) or hint
                    if self.behaviours is not None and not named:
                        problem, hint = ("it behaves otherwise than the task asks",
                                         problem[0].upper() + problem[1:] + ".")
                elif problem.startswith("returned shape") and not named:
                    said = (probe.shape_words(got, expected, probe.size_names(self.reference, case.make()))
                            or self.formula and trace.parting(self.observe, self.traced, fn, case.make))
                    hint = _sentence(said) if said else hint
                return self._fail(rep, case, problem, named or hint)
            rep.passed += 1
            outputs.append(got)
        # the right values: do gradients reach what the formula's do, and are the inputs left as they were?
        flow = gradflow.problem(self, fn) or (self.behaviours is None and gradflow.changed_inputs(self, fn))
        if flow:
            rep.passed -= 1
            return self._fail(rep, *flow)
        rep.lines.append(f"✔ {self.name}: all {rep.total} cases passed.")
        return rep

    def __call__(self, fn):
        """Print the verdict; return ``fn`` when it passed, else the reference."""
        rep = self.report(fn)
        print(rep)
        if rep.hint:
            print(f"  Hint: {rep.hint}")
        if rep.status == "failed":
            print("  The notebook goes on with the reference implementation; fix yours and run the check "
                  "again.")
        _outcomes.record(self.name, "exercise",
                         {"passed": "done", "failed": "failing"}.get(rep.status, rep.status), rep.hint)
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
        if got.dtype != expected.dtype and got.is_floating_point() and expected.dtype == torch.float32:
            return errors.precision_words(got.dtype)
        if expected.requires_grad and not got.requires_grad:
            return ("returned a tensor cut from the graph (requires_grad is False)",
                    "Nothing can be trained through your result: a .detach(), .item(), torch.no_grad() or a "
                    "new torch.tensor(...) cut the path back to the inputs. Keep the computation in tensors.")
        if got.requires_grad and not expected.requires_grad:
            return ("returned a tensor still attached to the graph (requires_grad is True)",
                    "The result should be a plain tensor: return it .detach()ed (or computed under "
                    "torch.no_grad()), so that no gradient flows back through it.")
        if not _close(got, expected, self.atol):
            return ("values differ",
                    "Compare your formula with the one in the markdown cell above." if self.formula
                    else "Read the task again: the case above names the situation in which yours differs.")
        return None, ""

    def _symptom(self, got, expected):
        """The failed case in words: for a vector of behaviours the first one that failed, else where the
        values differ most."""
        if callable(self.behaviours) and got.shape == expected.shape:
            return self.behaviours(got.detach(), expected.detach())
        if self.behaviours is not None and got.shape == expected.shape:
            for i, sentence in enumerate(self.behaviours):
                if i < got.numel() and not math.isclose(float(got.flatten()[i]), float(expected.flatten()[i]),
                                                        abs_tol=1e-6):
                    return sentence
        return _difference(got, expected)

    def _outputs(self, fn, args_of=None):
        """(got, expected, args) per case, ``fn``'s output None where it raised."""
        out = []
        for case in self.cases:
            args = case.make()
            try:
                got = self.observe(fn, *case.make())
            except Exception:
                got = None
            out.append((got, self.observe(self.reference, *args), args))
        return out

    def _relate(self, fn):
        """A hint from the relation between ``fn``'s outputs and the expected ones (coursekit.feedback), or
        None: a variant of the reference, a time step off, a relation of the values, the terms reweighed."""
        outputs = self._outputs(fn)
        if any(got is None or not torch.is_tensor(got) for got, _, _ in outputs):
            return None
        if self.behaviours is not None:  # a vector of behaviours: the symptom says it; no formula to relate
            return None
        for words, variant in self._variants():
            if all(self._agrees(fn, variant, case) for case in self.cases):
                return words
        cases = [(got, expected, {**feedback.counts_of(args), **self._parameters(args),
                                  **(self.counts(*args) if self.counts else {})})
                 for got, expected, args in outputs]
        failing = sum(not _close(got, expected, self.atol) for got, expected, _ in outputs)
        # a relation seen on one case alone may be a coincidence of that case: ask the inputs first
        asked = failing < 2 and self.formula
        said = (probe.replaced_argument(self, fn) or probe.ignored_argument(self, fn)) if asked else None
        said = said or feedback.diagnose(cases, weak=False)
        if not said and self.terms is not None and all(got.numel() == 1 for got, _, _ in outputs):
            said = self._reweighed(outputs)
        elif not said and self.terms is not None:  # a result that adds weighted tensors
            said = feedback.coefficients([got for got, _, _ in outputs],
                                         [list(self.terms.split(*args)) for _, _, args in outputs],
                                         [list(self.terms.weights(*args)) for _, _, args in outputs],
                                         self.terms.names)
        if not said and self.formula:  # how the result answers to its inputs (those not asked above)
            said = ((not asked and probe.replaced_argument(self, fn)) or probe.argument_offset(self, fn)
                    or (not asked and probe.ignored_argument(self, fn)) or probe.batch_mixing(self, fn)
                    or probe.input_through(self, fn) or probe.item_left_out(self, fn))
        said = (said or feedback.diagnose(cases)
                or decompose.explain(self, outputs, [counts for *_, counts in cases]))
        if not said and self.formula:  # no relation explains it: where the two computations part
            case = trace.least_alike([c for c, (got, expected, _) in zip(self.cases, outputs)
                                      if not _close(got, expected, self.atol)])
            said = (trace.parting(self.observe, self.traced, fn, case.make)
                    or trace_numbers.parting(self.observe, self.reference, fn, case.make))
        return _sentence(said) if said else None

    def _reweighed(self, outputs):
        """How ``outputs`` (scalar losses) weigh the reference's terms, in words, or None: as constant
        coefficients of the terms, or as constant multiples of the reference's weighted terms."""
        t = self.terms
        got = [float(g.detach()) for g, _, _ in outputs]
        raw = [[float(torch.as_tensor(v).detach()) for v in t.split(*args)] for _, _, args in outputs]
        weights = [[float(w) for w in t.weights(*args)] for _, _, args in outputs]
        words = {}
        for _, _, args in outputs:
            words.update({v: k for k, v in self._parameters(args).items()})
        fitted = feedback.fit_terms(got, raw)
        if fitted is not None:
            return feedback.describe_weights(fitted, t.names, weights[0], words)
        multiples = feedback.fit_terms(got, [[v * w for v, w in zip(r, ws)] for r, ws in zip(raw, weights)])
        if multiples is not None:
            said = feedback.describe_weights([m * w for m, w in zip(multiples, weights[0])], t.names,
                                             weights[0], words)
            if said:
                return said
        if t.forms is not None:
            forms = [t.forms(*args) for _, _, args in outputs]
            return _forms.replaced_term(got, raw, weights, forms, t.names)
        return None

    def _parameters(self, args):
        """The case's number arguments by their names in the reference (λ, ψ, the gain...): factors a
        relation may name."""
        try:
            names = list(inspect.signature(self.reference).parameters)
        except (TypeError, ValueError):
            return {}
        found = {f"{feedback.symbol(name)} (= {a:g})": float(a) for name, a in zip(names, args)
                 if isinstance(a, (int, float)) and not isinstance(a, bool) and a not in (0, 1)}
        pairs = list(found.items())
        for i, (a, x) in enumerate(pairs):  # a weight may be the product of two (λ · λ_idt)
            for b, y in pairs[i + 1:]:
                found[f"{a.split(' (= ')[0]}·{b.split(' (= ')[0]} (= {x * y:g})"] = x * y
        return found

    def _variants(self):
        """The reference with one thing changed, as (words, fn): the declared variants, and t ± 1."""
        yield from self.variants
        if self.time_arg is not None:
            i = self.time_arg

            def shifted(by):
                def variant(*args):
                    args = list(args)
                    args[i] = args[i] + by
                    return self.reference(*args)
                return variant
            yield ("Your result is the expected one a time step later (the reference at t + 1): the lecture "
                   "counts t from 1 and the code from 0, or t + 1 was given where t belongs."), shifted(1)
            yield ("Your result is the expected one a time step earlier (the reference at t − 1): the "
                   "lecture's t counts from 1, the code's from 0; index the schedule with t as "
                   "given."), shifted(-1)

    def _recognise(self, fn):
        # A mistake is recognised when the student's function agrees with it on every case.
        for mistake in self.mistakes:
            if all(self._agrees(fn, mistake.fn, case) for case in self.cases):
                return mistake.hint
        return None

    def _explain(self, fn, case, error):
        """An error's hint: its cause where it is a known one, else the student's line that raised it."""
        said = errors.explain(error, probe.size_names(self.reference, case.make()))
        where = trace.raised_at(error, fn) if said in errors.GENERIC else None
        return errors.placed(where, said) if where else said

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
        return ((self.at_least is None or value >= self.at_least)
                and (self.at_most is None or value <= self.at_most))

    def bound(self):
        return f"≥ {self.at_least:.3g}" if self.at_least is not None else f"≤ {self.at_most:.3g}"


@dataclass
class LabReport:
    """A lab's verdict: ``status`` is met, not met, not implemented or failed; ``numbers`` what was
    measured."""

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
            return LabReport("failed", lines=[f"✘ lab {self.name}: expected a function, got "
                                              f"{type(approach).__name__}."],
                             hint="Pass the function itself, without calling it.")
        try:
            numbers = self.measure(approach, **settings)
        except NotImplementedError:
            return LabReport("not implemented", lines=[f"… lab {self.name}: not implemented yet. The task: "
                                                       f"{self.task}"])
        except Exception as e:  # the student's error, reported rather than raised
            return LabReport("failed", lines=[f"✘ lab {self.name}: raised {type(e).__name__}: "
                                              f"{_first_line(e)}"],
                             hint=errors.explain(e))
        goals = self.goals(numbers) if callable(self.goals) else self.goals
        lines, met = [], True
        for goal in goals:
            ok = goal.met(numbers[goal.key])
            met &= ok
            lines.append(f"  {'✔' if ok else '✘'} {goal.description}: {numbers[goal.key]:.3g} "
                         f"(goal {goal.bound()})")
        head = f"{'✔' if met else '✘'} lab {self.name}: " + ("goal met." if met else "goal not met yet.")
        return LabReport("met" if met else "not met", numbers, [head, *lines],
                         "" if met
                         else "The numbers above say how far; ck.hint(" + repr(self.name) + ") gives ideas.")

    def __call__(self, approach, **settings):
        """Print the verdict; return the report (its ``numbers`` are what was measured)."""
        rep = self.report(approach, **settings)
        print(rep)
        if rep.hint:
            print(f"  Hint: {rep.hint}")
        _outcomes.record(self.name, "lab",
                         {"met": "done", "not met": "failing",
                          "failed": "failing"}.get(rep.status, rep.status),
                         rep.hint, {k: v for k, v in rep.numbers.items() if isinstance(v, (int, float))})
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
        raise ValueError(f"{call} must return images in [-1, 1]; yours span {x.min():.2f} .. {x.max():.2f}. "
                         f"A generator's raw output can overshoot: end with .clamp(-1, 1).")
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
        Case("a dark ramp: nothing brighter than 100", (torch.arange(0, 101, 4, dtype=torch.uint8),)),
    ],
    mistakes=[
        Mistake("Your values lie in [0, 1]. The course's images live in [-1, 1] (what tanh outputs): "
                "x / 127.5 - 1.", lambda x: x.float() / 255),
        Mistake("Your values lie in [0, 2]: you forgot to subtract 1.", lambda x: x.float() / 127.5),
        Mistake("Your values lie in [-0.5, 0.5]: divide by 127.5 (half of 255), not by 255.",
                lambda x: (x.float() - 127.5) / 255),
        Mistake("Black should map to -1 and white to +1; yours is upside down.",
                lambda x: 1 - x.float() / 127.5),
        Mistake("Integer division rounds: convert to float before dividing (x.float() / 127.5 - 1); with // "
                "the grey levels collapse to -1, 0 and 1.", lambda x: (x // 127.5).float() - 1),
        Mistake("Divide by the fixed 127.5, not by the image's own brightest pixel: a dark image would be "
                "stretched to white.", lambda x: x.float() / x.float().max() * 2 - 1),
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
        if isinstance(found[name], Lab):
            print(f"That was the last hint for lab {name}. Any approach that reaches the goal passes: "
                  f"the numbers the lab prints say how far yours is, so change one thing at a time and "
                  f"run it again.")
        else:
            print(f"That was the last hint for {name}. Compare your code with the equation in the text "
                  f"above, line by line, and run the check: it names the mistakes it recognises.")
        return
    _hints_given[name] = k + 1
    print(f"Hint {k + 1} of {len(steps)} for {name}: {steps[k]}")
