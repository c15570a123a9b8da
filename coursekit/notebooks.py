"""Make the student notebooks from the solved ones: ``python -m coursekit.notebooks``.

The source of every lecture is its solved version in ``notebooks/solutions/``.
In an exercise cell the solution sits between two marker lines::

    def to_model_range(x):
        ### BEGIN SOLUTION
        ### HINT: divide by half of 255, then shift
        return x.float() / 127.5 - 1.0
        ### END SOLUTION

The student version in ``notebooks/`` keeps everything else and replaces each
region by a stub at the same indentation that raises ``NotImplementedError``
with the hint.

Outputs are stripped from both versions (small diffs), except in cells marked
``# NBVAL_CHECK_OUTPUT``: their printed output is deterministic, kept, and
compared by nbval when the tests run the notebook.  ``--execute`` refreshes
those outputs by running the solved notebooks in quick mode.  In the student
version, a check cell loses its mark (on a stub it prints something else).

    python -m coursekit.notebooks            # strip solutions, write student notebooks
    python -m coursekit.notebooks --execute  # first refresh the compared outputs
    python -m coursekit.notebooks --execute --only 08   # ... of one notebook
    python -m coursekit.notebooks --check    # exit 1 when anything is out of date
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent / "notebooks"
BEGIN, END, HINT = "### BEGIN SOLUTION", "### END SOLUTION", "### HINT:"
CHECK_OUTPUT = "# NBVAL_CHECK_OUTPUT"


class SolutionMarkerError(ValueError):
    """A solution region is not closed, or closed without being opened."""


def stub_source(source, where="cell"):
    """The cell source with each solution region replaced by a NotImplementedError stub."""
    out, region, indent, hint = [], False, "", None
    for number, line in enumerate(source.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            if region:
                raise SolutionMarkerError(f"{where}, line {number}: {BEGIN} inside an open region")
            region, indent, hint = True, line[: len(line) - len(line.lstrip())], None
        elif stripped.startswith(END):
            if not region:
                raise SolutionMarkerError(f"{where}, line {number}: {END} without {BEGIN}")
            message = hint or "write your solution here"
            out += [f"{indent}# YOUR CODE HERE ({message})",
                    f"{indent}raise NotImplementedError({('Exercise: ' + message)!r})"]
            region = False
        elif region:
            if stripped.startswith(HINT) and hint is None:
                hint = stripped[len(HINT):].strip()
        else:
            out.append(line)
    if region:
        raise SolutionMarkerError(f"{where}: {BEGIN} is never closed by {END}")
    return "\n".join(out)


def strip_outputs(nb):
    """Remove outputs (but those of ``# NBVAL_CHECK_OUTPUT`` cells) and per-run metadata, in place."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            if CHECK_OUTPUT in cell.source and cell.outputs:
                cell.execution_count = 1  # nbval compares only cells that have been run
            else:
                cell.outputs, cell.execution_count = [], None
        for key in ("execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
    nb.metadata.pop("widgets", None)
    return nb


def student_version(nb, name="notebook"):
    """A copy of the solved notebook ``nb`` with every solution region stubbed out."""
    student = nbformat.from_dict(nb)
    strip_outputs(student)
    for i, cell in enumerate(student.cells):
        if cell.cell_type == "code" and BEGIN in cell.source:
            cell.source = stub_source(cell.source, f"{name}, cell {i}")
        if cell.cell_type == "code" and CHECK_OUTPUT in cell.source and "ck.check." in cell.source:
            cell.source = "\n".join(line for line in cell.source.splitlines() if line.strip() != CHECK_OUTPUT)
            cell.outputs, cell.execution_count = [], None
        if re.search(r"#+\s*(BEGIN|END) SOLUTION", cell.source):
            raise SolutionMarkerError(f"{name}, cell {i}: solution markers left in a {cell.cell_type} cell")
    return student


def _text(nb):
    return nbformat.writes(nb) + "\n"


def execute(path, timeout=1800):
    """Run a solved notebook in quick mode and save it with the outputs that are compared."""
    import os

    import nbclient

    nb = nbformat.read(path, as_version=4)
    os.environ["COURSEKIT_QUICK"] = "1"
    nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(strip_outputs(nb), path)


def build(root=ROOT, check=False):
    """Write (or, with ``check``, compare) every student notebook; returns the names out of date."""
    stale = []
    solutions = sorted((root / "solutions").glob("*.ipynb"))
    expected = {root / s.name for s in solutions}
    for src in solutions:
        solved = nbformat.read(src, as_version=4)
        pairs = [(src, _text(strip_outputs(nbformat.from_dict(solved)))),
                 (root / src.name, _text(student_version(solved, src.name)))]
        for path, text in pairs:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path.relative_to(root.parent)))
                if not check:
                    path.write_text(text)
    for orphan in sorted(set(root.glob("*.ipynb")) - expected):
        stale.append(f"{orphan.relative_to(root.parent)} (no solved version)")
    return stale


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit.notebooks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report what is out of date")
    parser.add_argument("--execute", action="store_true", help="refresh the compared outputs first (quick mode)")
    parser.add_argument("--only", default="", help="with --execute: only the notebooks whose name contains this")
    args = parser.parse_args(argv)
    if args.execute:
        for path in sorted((ROOT / "solutions").glob(f"*{args.only}*.ipynb")):
            print(f"running {path.name} ...", flush=True)
            execute(path)
    stale = build(check=args.check)
    if args.check and stale:
        print("Out of date (run `make notebooks`):\n  " + "\n  ".join(stale))
        return 1
    print(("Updated: " + ", ".join(stale)) if stale else "All notebooks up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
