"""What the notebook builders share: a notebook's cells from markdown and code text, written to
``notebooks/solutions/`` (the student versions come from ``python -m coursekit.notebooks``)."""

import hashlib

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

cells = []


def _id(text):
    """A cell id from the cell's text (nbformat would draw a random one): a rebuild changes only
    the ids of the cells that changed, so the notebooks' diffs stay small."""
    digest = hashlib.sha1(text.encode()).hexdigest()[:8]
    taken = {c.id for c in cells}
    return digest if digest not in taken else f"{digest}-{len(cells)}"


def md(text):
    text = text.strip("\n")
    cells.append(new_markdown_cell(text, id=_id(text)))


def code(text):
    text = text.strip("\n")
    cells.append(new_code_cell(text, id=_id(text)))


def write(name):
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python", "version": "3.11.7"}})
    nbformat.write(nb, f"notebooks/solutions/{name}")
    print(f"wrote notebooks/solutions/{name}")
