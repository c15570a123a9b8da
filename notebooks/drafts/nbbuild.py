"""What the notebook builders share: a notebook's cells from markdown and code text, written to
``notebooks/solutions/`` (the student versions come from ``python -m coursekit.notebooks``)."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

cells = []


def md(text):
    cells.append(new_markdown_cell(text.strip("\n")))


def code(text):
    cells.append(new_code_cell(text.strip("\n")))


def write(name):
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python", "version": "3.11.7"}})
    nbformat.write(nb, f"notebooks/solutions/{name}")
    print(f"wrote notebooks/solutions/{name}")
