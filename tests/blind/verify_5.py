"""Verify the fifth blind set of wrong answers (issue 37) without looking at the diagnosis.

For every entry of ``wrong_answers_5.WRONG``: the check must fail it, and it must not be one of the check's
named mistakes (it may not agree with any ``Mistake.fn`` on every case, with the check's own tolerance,
nor raise the same error as one on a case where it raises), nor compute what a wrong answer of the first
four blind sets computes on every case. Only verdicts are printed, never hints.

    OMP_NUM_THREADS=1 python tests/blind/verify_5.py
"""
import sys
from pathlib import Path

import torch

from coursekit import check as _check

try:
    from tests.blind.wrong_answers import WRONG as WRONG_1
    from tests.blind.wrong_answers_2 import WRONG as WRONG_2
    from tests.blind.wrong_answers_3 import WRONG as WRONG_3
    from tests.blind.wrong_answers_4 import WRONG as WRONG_4
    from tests.blind.wrong_answers_5 import WRONG
except ImportError:
    sys.path.insert(0, str(Path(__file__).parent))
    from wrong_answers import WRONG as WRONG_1
    from wrong_answers_2 import WRONG as WRONG_2
    from wrong_answers_3 import WRONG as WRONG_3
    from wrong_answers_4 import WRONG as WRONG_4
    from wrong_answers_5 import WRONG


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


def _problems(chk, fn):
    found = []
    for label, earlier in (("first", WRONG_1), ("second", WRONG_2), ("third", WRONG_3),
                           ("fourth", WRONG_4)):
        for k, (_, other) in enumerate(earlier.get(chk.name, [])):
            if _same(chk, fn, other):
                found.append(f"computes what answer {k} of the {label} blind set computes")
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


def main():
    torch.set_num_threads(1)
    checks = _check.checks()
    bad, total = 0, 0
    missing = [name for name in checks if name not in WRONG]
    for name, entries in WRONG.items():
        chk = checks[name]
        for words, fn in entries:
            total += 1
            rep = chk.report(fn)
            problems = _problems(chk, fn)
            bad += bool(problems)
            mark = "BAD" if problems else "ok "
            print(f"{mark} {name:<20} {rep.status:<7} {rep.passed}/{rep.total}  {fn.__name__}"
                  + (f"  <- {'; '.join(problems)}" if problems else ""))
    counts = {name: len(entries) for name, entries in WRONG.items()}
    print(f"\n{total} wrong answers over {len(counts)} exercises; {bad} with problems")
    if missing:
        print("checks without wrong answers here:", ", ".join(missing))
    uneven = {k: v for k, v in counts.items() if v != 4}
    if uneven:
        print("exercises without exactly 4:", uneven)
    return 1 if bad or uneven else 0


if __name__ == "__main__":
    sys.exit(main())
