"""Verify the blind wrong answers (issue 37): each must fail its check, and none may compute what one of the
check's named mistakes computes on the check's cases.

    OMP_NUM_THREADS=1 python tests/blind/verify.py [exercise ...]

Prints, per exercise: the number of wrong answers, how many fail the check, and any that collide with a
registry mistake (same output on every case, or the same error on a case where both raise). Exits 1 when a
wrong answer passes its check or collides.
"""

import sys
from pathlib import Path

import torch

from coursekit import check as _check

try:
    from tests.blind.wrong_answers import WRONG
except ImportError:  # run as a script: tests/ is not a package
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from wrong_answers import WRONG


def _run(chk, fn, case):
    try:
        return chk.observe(fn, *case.make()), None
    except Exception as e:  # noqa: BLE001 (a wrong answer may raise: its error is what the student sees)
        return None, e


def _collides(chk, fn, mistake):
    """True when ``fn`` and the mistake agree on every case the way the check recognises mistakes."""
    for case in chk.cases:
        got, error = _run(chk, fn, case)
        theirs, their_error = _run(chk, mistake.fn, case)
        if error is not None or their_error is not None:
            if error is None or their_error is None:
                return False
            if type(error) is not type(their_error) or str(error) != str(their_error):
                return False
            continue
        if not _check._close(got, theirs, chk.atol):
            return False
    return True


def main(names):
    checks = _check.checks()
    names = names or list(WRONG)
    missing = [n for n in checks if n not in WRONG]
    bad = False
    if missing:
        print("exercises without wrong answers:", ", ".join(missing))
        bad = True
    for name in names:
        chk, wrong = checks[name], WRONG[name]
        failing, collisions, passing = 0, [], []
        for description, fn in wrong:
            torch.manual_seed(0)
            if chk.report(fn).ok:
                passing.append(description)
            else:
                failing += 1
            collisions += [f"{description!r} = registry mistake {i}" for i, m in enumerate(chk.mistakes)
                           if _collides(chk, fn, m)]
        flag = "ok " if failing == len(wrong) and not collisions and len(wrong) >= 3 else "BAD"
        bad |= flag == "BAD"
        print(f"{flag} {name}: {len(wrong)} wrong answers, {failing} fail the check, {len(collisions)} collide")
        for d in passing:
            print(f"      passes the check: {d!r}")
        for c in collisions:
            print(f"      collides: {c}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
