"""Where a student stands: every exercise and lab of the course with its state, kept on this computer.

Each check and lab records its outcome when it runs in a notebook (``ck.check.<name>(fn)``,
``ck.check.lab_<name>(fn)``), in one JSON file in the user's data folder (no account, no network):
``$XDG_DATA_HOME/coursekit/progress.json`` (``~/.local/share/...``), or ``COURSEKIT_PROGRESS``.

    ck.progress()              # every exercise and lab: not tried, failing (with the last hint), done
    ck.progress(reset=True)    # start again

A teacher collects the students' files and exports them::

    python -m coursekit.progress --export class.csv alice.json bob.json ...

one row per student and exercise (state, attempts, last hint, a lab's numbers), then one row per named
mistake with how many times it was hit across the class.
"""

import argparse
import csv
import sys
from pathlib import Path

from coursekit.check import Check, Lab, to_model_range
from coursekit.outcomes import load, path


def course():
    """Every exercise and lab of the course, in course order: ``[(name, kind)]``."""
    return [(name, kind) for name, kind, _ in notebook_of()]


def notebook_of():
    """``[(name, kind, notebook number)]`` of every exercise and lab, in course order (notebook 00's
    check, then each lecture's, numbered as :data:`coursekit.models.LECTURES` orders them)."""
    import importlib

    from coursekit.models import LECTURES

    found = [(to_model_range.name, "exercise", 0)]
    for number, lecture in enumerate(LECTURES, 1):
        module = importlib.import_module(f"coursekit.models.{lecture}.checks")
        found += [(c.name, "lab" if isinstance(c, Lab) else "exercise", number)
                  for c in vars(module).values() if isinstance(c, (Check, Lab))]
    return found


def table(data=None):
    """One row per exercise and lab: ``{"name", "kind", "state", "attempts", "detail"}``."""
    data = load() if data is None else data
    rows = []
    for name, kind, notebook in notebook_of():
        entry = data.get(name, {})
        state = entry.get("state", "not tried")
        detail = entry.get("hint", "") if state == "failing" else ""
        if kind == "lab" and entry.get("numbers"):
            detail = ", ".join(f"{k} {v:.3g}" for k, v in entry["numbers"].items()
                               if isinstance(v, (int, float)))
        rows.append({"name": name, "kind": kind, "notebook": notebook, "state": state,
                     "attempts": entry.get("attempts", 0), "detail": detail})
    return rows


def progress(reset=False):
    """Print where you stand in the course (every exercise and lab); ``reset=True`` forgets it all.
    Returns the rows."""
    if reset:
        path().unlink(missing_ok=True)
        print(f"Progress reset ({path()}).")
    rows = table()
    mark = {"done": "✔", "failing": "✘", "not tried": "·", "not implemented": "…"}
    done = sum(r["state"] == "done" for r in rows)
    print(f"{done} of {len(rows)} exercises and labs done (kept in {path()})")
    for i, r in enumerate(rows):
        if i == 0 or r["notebook"] != rows[i - 1]["notebook"]:
            print(f" notebook {r['notebook']:02d}")
        tail = f" ({r['attempts']} tries)" if r["attempts"] > 1 else ""
        detail = f": {r['detail'][:110]}" if r["detail"] else ""
        print(f"  {mark.get(r['state'], '?')} {r['kind']:8} {r['name']:22} {r['state']}{tail}{detail}")
    return rows


def export(files, out):
    """Write a class's progress files to one CSV (``out``): each student's outcome per exercise, then
    how often each named mistake was hit across the class."""
    hits = {}
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["record", "student", "exercise", "kind", "state", "attempts", "detail"])
        for file in map(Path, files):
            data = load(file)
            for r in table(data):
                w.writerow(["outcome", file.stem, r["name"], r["kind"], r["state"], r["attempts"],
                            r["detail"]])
            for name, entry in data.items():
                for hint, n in entry.get("mistakes", {}).items():
                    hits[(name, hint)] = hits.get((name, hint), 0) + n
        for (name, hint), n in sorted(hits.items(), key=lambda item: -item[1]):
            w.writerow(["mistake", "(class)", name, "", "", n, hint])
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit.progress", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", help="students' progress files (default: yours)")
    parser.add_argument("--export", metavar="CSV", help="write the files' outcomes and mistakes to this CSV")
    parser.add_argument("--reset", action="store_true", help="forget your progress")
    args = parser.parse_args(argv)
    if args.export:
        export(args.files or [path()], args.export)
        print(f"Wrote {args.export}")
    else:
        progress(reset=args.reset)
    return 0


class _Callable(type(sys)):
    """``ck.progress()`` calls :func:`progress`: the module is the function students call."""

    def __call__(self, reset=False):
        return progress(reset)


sys.modules[__name__].__class__ = _Callable

if __name__ == "__main__":
    sys.exit(main())
