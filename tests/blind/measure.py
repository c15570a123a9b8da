"""How many answers of each blind set (issue 37) get a hint that names the mistake.

    OMP_NUM_THREADS=1 python tests/blind/measure.py 7 8 [-v]

Per set: the share named (a hint that is not one of the generic lines of tests/test_feedback.py), split
into those named by a relation, a form or the registry, and those *located* (coursekit/trace.py: the line
and step where the student's values leave the formula's, or the line that raised), and the exercises
where some answer gets neither, and the seconds a check takes from a wrong answer to its hint (median,
slowest); ``-v`` lists each answer not named, with the hint it got (``-vv`` the
located ones too).
It reads the hints: run it only after a set is written (verify.py is the writer's tool).
"""
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from coursekit.check import checks  # noqa: E402
from coursekit.trace import MARKS  # noqa: E402
from tests.blind.verify import blind_set  # noqa: E402
from tests.test_feedback import GENERIC  # noqa: E402


def measure(n, verbose=False):
    found, per, located, seconds = checks(), {}, 0, []
    for name, answers in blind_set(n).items():
        for description, fn in answers:
            start = time.perf_counter()
            hint = found[name].report(fn).hint or ""
            seconds.append(time.perf_counter() - start)
            named = not hint.startswith(GENERIC)
            where = named and any(mark in hint for mark in MARKS)
            located += where
            per.setdefault(name, [0, 0])
            per[name][0] += named
            per[name][1] += 1
            if verbose and not named or verbose > 1 and where:
                print(f"  {'located' if named else 'not named'}: {name}: {description}\n      hint: {hint}")
    named, total = sum(a for a, _ in per.values()), sum(b for _, b in per.values())
    print(f"set {n}: {named}/{total} named ({named / total:.0%}): {named - located} by a relation or the "
          f"registry ({(named - located) / total:.0%}), {located} located by the trace ({located / total:.0%})")
    seconds.sort()
    print(f"   seconds from a wrong answer to its hint: median {seconds[len(seconds) // 2]:.2f}, "
          f"slowest {seconds[-1]:.2f}")
    print("   short of all:", ", ".join(f"{k} {a}/{b}" for k, (a, b) in per.items() if a < b) or "none")


if __name__ == "__main__":
    torch.set_num_threads(1)
    for arg in sys.argv[1:]:
        if not arg.startswith("-v"):
            measure(int(arg), 2 if "-vv" in sys.argv else "-v" in sys.argv)
