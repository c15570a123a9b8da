"""How many answers of each blind set (issue 37) get a hint that names the mistake.

    OMP_NUM_THREADS=1 python tests/blind/measure.py 7 8 [-v]

Per set: the share named (a hint that is not one of the generic lines of tests/test_feedback.py), and
the exercises where some answer is not named; ``-v`` lists each answer not named, with the hint it got.
It reads the hints: run it only after a set is written (verify.py is the writer's tool).
"""
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from coursekit.check import checks  # noqa: E402
from tests.blind.verify import blind_set  # noqa: E402
from tests.test_feedback import GENERIC  # noqa: E402


def measure(n, verbose=False):
    found, per = checks(), {}
    for name, answers in blind_set(n).items():
        for description, fn in answers:
            hint = found[name].report(fn).hint or ""
            named = not hint.startswith(GENERIC)
            per.setdefault(name, [0, 0])
            per[name][0] += named
            per[name][1] += 1
            if verbose and not named:
                print(f"  not named: {name}: {description}\n      hint: {hint}")
    named, total = sum(a for a, _ in per.values()), sum(b for _, b in per.values())
    print(f"set {n}: {named}/{total} named ({named / total:.0%})")
    print("   short of all:", ", ".join(f"{k} {a}/{b}" for k, (a, b) in per.items() if a < b) or "none")


if __name__ == "__main__":
    torch.set_num_threads(1)
    for arg in sys.argv[1:]:
        if arg != "-v":
            measure(int(arg), "-v" in sys.argv)
