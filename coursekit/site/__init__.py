"""The course's website, and the full-mode outputs it is built from.

Most readers meet the course before they install it: ``make site`` (``python -m coursekit.site``)
builds a static website into ``build/site/``, one page per lecture with the pictures, tables and
numbers of the real run, the zoo, the exercises and labs, a glossary and search.  It opens from disk
or behind ``python -m http.server`` and needs no network (MathJax and the search index are bundled).

The site never runs the course.  Each lecture's outputs come from a **full-mode run of its solved
notebook, stored** in ``data/outputs/NN_name.ipynb`` together with a fingerprint of the code it ran
(:func:`fingerprint`: its code cells, in order).  The text of a page is always the current source's;
a code cell changed after the stored run makes the notebook *stale*: a test fails, and

    python -m coursekit.site --stale          # which stored runs are out of date, and why
    python -m coursekit.site --rerun-stale    # run those in full mode (minutes each) and store them
    python -m coursekit.site --rerun 06       # run notebook 06 in full mode again, stale or not
    python -m coursekit.site                  # build build/site/ from what is stored (a minute)

Every figure a stored run draws carries alt text (:func:`coursekit.viz.describe`, installed in the
kernel by :func:`capture`); a widget carries a still of its first view and what its controls were.
"""

import base64
import hashlib
import json
import time
from pathlib import Path

import nbformat

from coursekit import notebooks
from coursekit.core import DATA_DIR

#: Where the full-mode runs are stored, one solved notebook with its outputs per lecture.
OUTPUTS = DATA_DIR / "outputs"
#: The code the runner puts before a stored run's first cell (and takes out of what it stores).
_CAPTURE = "import coursekit.site as _site\n_site.capture()"


def sources():
    """The lectures' sources, ``{name: path}`` in lecture order (``name`` as ``06_stylegan``)."""
    return {p.stem: p for p in sorted((notebooks.ROOT / notebooks.SOURCE).glob("*.py"))}


def fingerprint(nb):
    """SHA-256 of a notebook's code cells, in order: what its outputs depend on.  Text cells are left
    out, so that editing the prose never calls for a rerun."""
    code = "\n\0\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return hashlib.sha256(code.encode()).hexdigest()


def stored(name):
    """The stored full-mode run of lecture ``name``, or None."""
    path = OUTPUTS / f"{name}.ipynb"
    return nbformat.read(path, as_version=4) if path.exists() else None


def stale():
    """``{name: why}`` for every lecture whose stored run is missing or ran other code than its source."""
    out = {}
    for name, src in sources().items():
        run = stored(name)
        if run is None:
            out[name] = f"no stored run ({OUTPUTS / name}.ipynb is missing)"
            continue
        ran = run.metadata.get("coursekit", {}).get("fingerprint")
        if ran != fingerprint(notebooks.from_source(src)):
            changed = _changed_cells(notebooks.from_source(src), run)
            out[name] = (f"its code changed after the stored run (first changed code cell: {changed})"
                         if changed else "its stored fingerprint does not match its code")
    return out


def _changed_cells(nb, run):
    mine = [c.source for c in nb.cells if c.cell_type == "code"]
    theirs = [c.source for c in run.cells if c.cell_type == "code"]
    for k, (a, b) in enumerate(zip(mine, theirs), 1):
        if a != b:
            return k
    return min(len(mine), len(theirs)) + 1 if len(mine) != len(theirs) else None


def run_full(name, timeout=7200):
    """Run lecture ``name``'s solved notebook in full mode and store it with its outputs; returns the
    seconds it took."""
    import torch

    nb = notebooks.from_source(sources()[name])
    nb.cells.insert(0, nbformat.v4.new_code_cell(_CAPTURE))
    start = time.perf_counter()
    notebooks.execute(nb, notebooks.ROOT / "solutions", timeout=timeout, quick=False)
    seconds = time.perf_counter() - start
    nb.cells.pop(0)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata["coursekit"] = {
        "fingerprint": fingerprint(nb), "mode": "full", "seconds": round(seconds, 1),
        "ran": time.strftime("%Y-%m-%d"), "torch": torch.__version__,
        "device": "cuda" if torch.cuda.is_available() else "cpu"}
    OUTPUTS.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, OUTPUTS / f"{name}.ipynb")
    return seconds


def capture():
    """In a stored run's kernel: every matplotlib figure shown inline carries its alt text
    (:func:`coursekit.viz.describe`) in the output's metadata, where the site reads it."""
    from IPython import get_ipython
    from matplotlib.figure import Figure

    from coursekit.viz import describe

    shell = get_ipython()
    shell.run_line_magic("matplotlib", "inline")  # registers the inline backend's figure formatter
    formatter = shell.display_formatter.formatters["image/png"]
    draw = formatter.lookup_by_type(Figure)
    formatter.for_type(Figure, lambda fig: (draw(fig), {"alt": describe(fig)}))


def page(name):
    """Lecture ``name`` as the site shows it: the current source's cells, each code cell with the outputs
    its stored run gave it, figures with their alt text (``{sha256 of the PNG: alt}``, second value).

    Raises ``LookupError`` when the stored run is missing or stale."""
    why = stale().get(name)
    if why:
        raise LookupError(f"{name}: {why}; run `python -m coursekit.site --rerun-stale`")
    nb, run = notebooks.from_source(sources()[name]), stored(name)
    outputs = [c.outputs for c in run.cells if c.cell_type == "code"]
    alts = {}
    code = (c for c in nb.cells if c.cell_type == "code")
    for cell, outs in zip(code, outputs):
        cell.outputs = [o for out in outs for o in _for_site(out, alts)]
    nb.metadata["coursekit"] = run.metadata["coursekit"]
    return nb, alts


def _for_site(output, alts):
    """One stored output as the site shows it (a list: none, itself, or a widget's still and a line)."""
    if output.get("output_type") not in ("display_data", "execute_result"):
        return [output]
    data, meta = output.get("data", {}), output.get("metadata", {}).get("image/png", {})
    if "image/png" in data:
        digest = hashlib.sha256(base64.b64decode(data["image/png"])).hexdigest()
        alts[digest] = meta.get("alt", "")
    widget = "application/vnd.jupyter.widget-view+json" in data
    if widget and "image/png" not in data:
        return []  # a live control (a progress bar): nothing to see off-line
    if widget:
        still = nbformat.v4.new_output("display_data", data={"image/png": data["image/png"]},
                                       metadata=output.get("metadata", {}))
        note = nbformat.v4.new_output("display_data", data={
            "text/markdown": "*A still of the widget's first view: in JupyterLab its controls move it.*"})
        return [still, note]
    return [output]


def alt_index(alts, path):
    """Write ``{sha256: alt}`` where the site's Sphinx extension reads it."""
    Path(path).write_text(json.dumps(alts, indent=0, sort_keys=True))
