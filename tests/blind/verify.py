"""Verify a blind set of wrong answers (issue 37) without looking at the diagnosis.

    OMP_NUM_THREADS=1 python tests/blind/verify.py N        # N = 1 for wrong_answers.py, 2..5 for _N

For every entry of the set: the check must fail it, and it must not be one of the check's named
mistakes (it may not agree with any ``Mistake.fn`` on every case, with the check's own tolerance, nor
raise the same error as one on a case where it raises), nor compute what an answer of an earlier set
computes on every case.  From the third set on, every exercise has exactly four.  Only verdicts are
printed, never hints: whoever writes a set does not see what the diagnosis says of it.
"""
import importlib
import sys
from pathlib import Path

import torch

from coursekit import check as _check


def blind_set(n):
    """The ``WRONG`` dict of blind set ``n`` (1: wrong_answers.py, else wrong_answers_N.py)."""
    module = "wrong_answers" if n == 1 else f"wrong_answers_{n}"
    try:
        return importlib.import_module(f"tests.blind.{module}").WRONG
    except ImportError:  # run as a script: tests/ is not a package
        sys.path.insert(0, str(Path(__file__).parent))
        return importlib.import_module(module).WRONG


def _error(chk, fn, case):
    """The error ``fn`` raises on ``case`` as (type, message), or None."""
    try:
        chk.observe(fn, *case.make())
    except Exception as e:  # noqa: BLE001 - any error a student's code raises
        return type(e), str(e)
    return None


def _same(chk, fn, other):
    """True when ``fn`` and ``other`` give the same output on every case, or raise the same error."""
    for case in chk.cases:
        mine, theirs = _error(chk, fn, case), _error(chk, other, case)
        if mine is not None or theirs is not None:
            if mine != theirs:
                return False
        elif not chk._agrees(fn, other, case):
            return False
    return True


def _problems(chk, fn, earlier):
    found = []
    for n, answers in earlier.items():
        for k, (_, other) in enumerate(answers.get(chk.name, [])):
            if _same(chk, fn, other):
                found.append(f"computes what answer {k} of blind set {n} computes")
    if chk.report(fn).ok:
        found.append("passes the check")
    for k, mistake in enumerate(chk.mistakes):
        if all(chk._agrees(fn, mistake.fn, case) for case in chk.cases):
            found.append(f"agrees with mistake {k} on every case")
        for case in chk.cases:
            mine = _error(chk, fn, case)
            if mine is not None and mine == _error(chk, mistake.fn, case):
                found.append(f"raises the same error as mistake {k} on case '{case.name}'")
    return found


def main(n):
    torch.set_num_threads(1)
    wrong, earlier = blind_set(n), {k: blind_set(k) for k in range(1, n)}
    checks = _check.checks()
    bad, total = 0, 0
    for name, entries in wrong.items():
        chk = checks[name]
        for words, fn in entries:
            total += 1
            rep = chk.report(fn)
            problems = _problems(chk, fn, earlier)
            bad += bool(problems)
            print(f"{'BAD' if problems else 'ok '} {name:<20} {rep.status:<7} {rep.passed}/{rep.total}  "
                  f"{fn.__name__}" + (f"  <- {'; '.join(problems)}" if problems else ""))
    counts = {name: len(entries) for name, entries in wrong.items()}
    print(f"\n{total} wrong answers over {len(counts)} exercises; {bad} with problems")
    missing = [name for name in checks if name not in wrong]
    if missing:
        print("checks without wrong answers here:", ", ".join(missing))
    uneven = {k: v for k, v in counts.items() if (v != 4 if n >= 3 else v < 3)}
    if uneven:
        print("exercises with too few (or, from set 3, not exactly 4):", uneven)
    return 1 if bad or uneven or missing else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
