"""Where a student's numbers leave the formula's, for an exercise computed in plain Python numbers (a
receptive field): :mod:`coursekit.trace`'s question asked of the local variables.  Both functions run on
the failing case with their frames watched (``sys.settrace``); the number the student returns is followed
line by line beside the formula's number that it returns::

    Line 5 of your code, `r = (r - 1) * s ** 2 + k`, is where your numbers leave the formula's: there
    `r` becomes 12 where the formula's goes from 3 to 8 (your `r`: 1, 3, 12; the formula's: 1, 3, 8).
"""

import linecache
import math
import sys

from coursekit.trace import as_code, place

def _numbers_seen(fn, call):
    """Run ``call()`` watching ``fn``'s frames: [(line, name, value)] each time a local number changes
    (name None for the value returned), and the result."""
    code, events, last = getattr(fn, "__code__", None), [], {}

    def local_numbers(frame):
        return {k: v for k, v in frame.f_locals.items()
                if isinstance(v, (int, float)) and not isinstance(v, bool)}

    def tracer(frame, event, arg):
        if frame.f_code is not code:
            return None
        state = {"line": frame.f_lineno}

        def step(frame, event, arg):
            now = local_numbers(frame)
            for k, v in now.items():
                if last.get(k) != v:
                    events.append((state["line"], k, v))
            last.clear()
            last.update(now)
            if event == "return" and isinstance(arg, (int, float)) and not isinstance(arg, bool):
                events.append((frame.f_lineno, None, arg))
            state["line"] = frame.f_lineno
            return step
        last.update(local_numbers(frame))
        return step
    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        result = call()
    finally:
        sys.settrace(old)
    return events, result


def parting(observe, reference, fn, args):
    """For an exercise computed in Python numbers: the student's line where the number they return (by
    its name, else the local that holds the result) first takes another value than the formula's number
    that it returns, with both numbers' values in order; else their return line."""
    if getattr(fn, "__code__", None) is None or getattr(reference, "__code__", None) is None:
        return None
    try:
        theirs, _ = _numbers_seen(reference, lambda: observe(reference, *args()))
        mine, _ = _numbers_seen(fn, lambda: observe(fn, *args()))
    except Exception:  # noqa: BLE001 - any error: no hint from here
        return None
    if not mine or not theirs:
        return None
    end = next((v for _, n, v in theirs if n is None), None)
    got = next((v for _, n, v in mine if n is None), None)
    if end is None or got is None or _near(got, [end]):
        return None
    file = fn.__code__.co_filename

    def where(line):
        return place(file, line, linecache.getline(file, line).strip())
    ret = next(line for line, n, _ in mine if n is None)
    # the number the formula returns, and the student's that follows it (by name, else the one that
    # ends on the student's result, else the one closest to the formula's way)
    result = _holder(end, theirs)
    if result is None:
        return f"{where(ret)} is where your numbers leave the formula's: there you return {as_code(got)} " \
               f"where the formula returns {as_code(end)}."
    path = _path_of(result, theirs)
    names = [n for n in dict.fromkeys(n for _, n, _ in mine) if n]
    held = (result if result in names else _holder(got, mine)
            or max(names, key=lambda n: sum(_near(a, [b]) for a, b in zip(_path_of(n, mine), path)),
                   default=None))
    steps = [(line, v) for line, n, v in mine if n == held] if held else []
    for k, (line, value) in enumerate(steps):
        if k >= len(path) or not _near(value, [path[k]]):
            then = f" where the formula's goes from {as_code(path[k - 1])} to {as_code(path[k])}" \
                if 0 < k < len(path) else ""
            return (f"{where(line)} is where your numbers leave the formula's: there `{held}` becomes "
                    f"{as_code(value)}{then}{_paths(held, [v for _, v in steps[:k + 1]], path)}.")
    return (f"{where(ret)} is where your numbers leave the formula's: there you return {as_code(got)} where "
            f"the formula returns {as_code(end)}{_paths(held, [v for _, v in steps], path)}.")


def _holder(value, events):
    """The local whose last value is ``value`` when the function returns, or None."""
    last = {}
    for _, n, v in events:
        if n:
            last[n] = v
    return next((n for n, v in reversed(last.items()) if _near(value, [v])), None)


def _near(value, values):
    return any(math.isclose(value, v, rel_tol=1e-9) for v in values)


def _path_of(name, theirs):
    return [v for _, n, v in theirs if n == name]


def _paths(name, mine, path):
    """" (your `r`: 1, 4; the formula's: 1, 3, 7)": the student's number beside the formula's."""
    if not name or not mine or not path:
        return ""

    def show(p):
        return ", ".join(as_code(v) for v in p[:8]) + (", …" if len(p) > 8 else "")
    return f" (your `{name}`: {show(mine)}; the formula's: {show(path)})"
