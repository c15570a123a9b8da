"""Build the lecture notebooks from their sources: ``python -m coursekit.notebooks`` (``make notebooks``).

Each lecture has **one source**, ``notebooks/source/NN_name.py``: a jupytext py:percent file that
diffs and reviews as text and opens as a notebook in JupyterLab (right-click, Open With, Jupytext
Notebook).  From it come the two notebooks students open:

* ``notebooks/solutions/NN_name.ipynb``, the solved notebook;
* ``notebooks/NN_name.ipynb``, the student version, in which every solution region is a stub.

In an exercise cell the solution sits between two marker lines::

    def to_model_range(x):
        ### BEGIN SOLUTION
        ### HINT: divide by half of 255, then shift
        return x.float() / 127.5 - 1.0
        ### END SOLUTION

The student version keeps everything else and replaces each region by a stub at the same
indentation that raises ``NotImplementedError`` with the hint.

Outputs are stripped from both versions (small diffs), except in cells marked
``# NBVAL_CHECK_OUTPUT``: their printed output is deterministic, kept, and compared by nbval when
the tests run the notebook.  A build carries those outputs over from the last build for every
compared cell whose code did not change, and runs a solved notebook (quick mode) when its source
changed, so its stored outputs are right.  In the student version, a check cell loses its mark
(on a stub it prints something else).

    python -m coursekit.notebooks                 # build what changed (runs the changed notebooks)
    python -m coursekit.notebooks --no-execute    # build without running anything
    python -m coursekit.notebooks --execute --only 08   # run notebook 08 again, changed or not
    python -m coursekit.notebooks --check         # exit 1 when anything is out of date
"""

import argparse
import hashlib
import os
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent / "notebooks"
SOURCE = "source"  # notebooks/source/: the one source of each notebook
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
            check = (re.search(r"ck\.check\.(\w+)", student.cells[i + 1].source)
                     if i + 1 < len(student.cells) else None)
            if check:  # the steps beyond the stub's hint come on request
                cell.source += (f"\n# Stuck? ck.hint({check.group(1)!r}) gives a hint; "
                                "call it again for the next one.")
        if cell.cell_type == "code" and CHECK_OUTPUT in cell.source and "ck.check." in cell.source:
            cell.source = "\n".join(line for line in cell.source.splitlines() if line.strip() != CHECK_OUTPUT)
            cell.outputs, cell.execution_count = [], None
        if re.search(r"#+\s*(BEGIN|END) SOLUTION", cell.source):
            raise SolutionMarkerError(f"{name}, cell {i}: solution markers left in a {cell.cell_type} cell")
    return student


def _text(nb):
    return nbformat.writes(nb) + "\n"


def _cell_id(text, taken):
    """A cell id from the cell's text (nbformat would draw a random one): a rebuild changes only the ids
    of the cells that changed, so the notebooks' diffs stay small."""
    digest = hashlib.sha1(text.encode()).hexdigest()[:8]
    return digest if digest not in taken else f"{digest}-{len(taken)}"


def from_source(path):
    """The solved notebook of a py:percent source, without outputs, its cells' ids drawn from their text."""
    import jupytext  # deferred here and below: the tests import this module for its paths alone

    nb = jupytext.read(path, fmt="py:percent")
    nb.metadata.pop("jupytext", None)
    taken = set()
    for cell in nb.cells:
        cell.id = _cell_id(cell.source, taken)
        taken.add(cell.id)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    nbformat.validate(nb)
    return nb


def carry_outputs(nb, old):
    """Copy into ``nb`` the stored outputs of ``old``'s compared cells whose code is unchanged; returns
    the number of compared cells of ``nb`` left without outputs."""
    stored = {c.source: c.outputs for c in old.cells
              if c.cell_type == "code" and CHECK_OUTPUT in c.source and c.outputs}
    missing = 0
    for cell in nb.cells:
        if cell.cell_type == "code" and CHECK_OUTPUT in cell.source:
            cell.outputs = stored.get(cell.source, [])
            missing += not cell.outputs
    return missing


def execute(nb, where=ROOT / "solutions", timeout=1800, quick=True):
    """Run a solved notebook in quick mode, or with ``quick=False`` in full mode (its outputs filled in
    place); returns it."""
    import nbclient

    if quick:
        os.environ["COURSEKIT_QUICK"] = "1"
    else:
        os.environ.pop("COURSEKIT_QUICK", None)
    metadata = nbformat.from_dict(nb.metadata)
    nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(where)}}).execute()
    nb.metadata = metadata  # the kernel fills in language details: keep the source's, for stable diffs
    return nb


def build(root=ROOT, check=False, execute_changed=True, rerun=""):
    """Write (or, with ``check``, compare) every solved and student notebook from its source; returns the
    paths out of date.  A solved notebook whose source changed is run (quick mode) before it is
    written, unless ``execute_changed`` is False; ``rerun`` runs the notebooks whose name contains
    it even when nothing changed."""
    stale = []
    sources = sorted((root / SOURCE).glob("*.py"))
    expected = {s.stem + ".ipynb" for s in sources}
    for src in sources:
        name = src.stem + ".ipynb"
        solved_path, student_path = root / "solutions" / name, root / name
        solved = from_source(src)
        if solved_path.exists():
            carry_outputs(solved, nbformat.read(solved_path, as_version=4))
        text = _text(strip_outputs(nbformat.from_dict(solved)))
        changed = not solved_path.exists() or solved_path.read_text() != text
        if not check and ((changed and execute_changed) or (rerun and rerun in name)):
            print(f"running {name} (quick mode) ...", flush=True)
            text = _text(strip_outputs(execute(solved, root / "solutions")))
        for path, content in ((solved_path, text), (student_path, _text(student_version(solved, name)))):
            if not path.exists() or path.read_text() != content:
                stale.append(str(path.relative_to(root.parent)))
                if not check:
                    path.parent.mkdir(exist_ok=True)
                    path.write_text(content)
    for orphan in sorted(p for folder in (root, root / "solutions") for p in folder.glob("*.ipynb")
                         if p.name not in expected):
        stale.append(f"{orphan.relative_to(root.parent)} (no source in notebooks/{SOURCE}/)")
    return stale


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit.notebooks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report what is out of date")
    parser.add_argument("--no-execute", dest="execute_changed", action="store_false",
                        help="do not run the notebooks whose source changed "
                             "(compared outputs may go missing)")
    parser.add_argument("--execute", action="store_true",
                        help="run the notebooks named by --only even if unchanged")
    parser.add_argument("--only", default="", help="with --execute: the notebooks whose name contains this")
    args = parser.parse_args(argv)
    rerun = (args.only or ".ipynb") if args.execute else ""
    stale = build(check=args.check, execute_changed=args.execute_changed, rerun=rerun)
    if args.check and stale:
        print("Out of date (run `make notebooks`):\n  " + "\n  ".join(stale))
        return 1
    print(("Updated: " + ", ".join(stale)) if stale else "All notebooks up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
