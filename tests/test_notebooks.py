"""Each notebook has one source (notebooks/source/*.py); the solved and the student notebooks are built
from it, in sync, and committed clean."""

import nbformat
import pytest

from coursekit import notebooks
from coursekit.notebooks import SolutionMarkerError, stub_source

ALL_NOTEBOOKS = (sorted(notebooks.ROOT.glob("*.ipynb"))
                 + sorted((notebooks.ROOT / "solutions").glob("*.ipynb")))


def test_the_solved_and_student_notebooks_are_in_sync_with_their_sources():
    stale = notebooks.build(check=True)
    assert not stale, f"edit notebooks/source/, then run `make notebooks`: out of date: {stale}"


def test_every_source_has_a_solved_and_a_student_notebook():
    sources = {p.stem + ".ipynb" for p in (notebooks.ROOT / notebooks.SOURCE).glob("*.py")}
    assert len(sources) == 9
    assert sources == {p.name for p in (notebooks.ROOT / "solutions").glob("*.ipynb")}
    assert sources == {p.name for p in notebooks.ROOT.glob("*.ipynb")}


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: str(p.relative_to(notebooks.ROOT)))
def test_notebooks_are_committed_without_outputs_but_the_compared_ones(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if notebooks.CHECK_OUTPUT in cell.source:
            assert cell.outputs and all(o.output_type == "stream" for o in cell.outputs), \
                "a compared cell keeps its printed output: run `make notebooks` (it runs a changed notebook)"
        else:
            assert cell.outputs == [] and cell.execution_count is None


def test_solved_notebooks_compare_some_outputs():
    for path in (notebooks.ROOT / "solutions").glob("*.ipynb"):
        assert any(notebooks.CHECK_OUTPUT in c.source for c in nbformat.read(path, as_version=4).cells)


def test_nbval_fails_a_notebook_whose_compared_output_changes(tmp_path):
    """Proof that the marked cells are really compared (nbval skips cells stored as unrun)."""
    import subprocess
    import sys

    def notebook(expected):
        cell = nbformat.v4.new_code_cell(f"{notebooks.CHECK_OUTPUT}\nprint(6 * 7)", execution_count=1,
                                         outputs=[nbformat.v4.new_output("stream", name="stdout",
                                                                         text=expected)])
        return nbformat.v4.new_notebook(cells=[cell], metadata={"kernelspec": {
            "name": "python3", "display_name": "Python 3", "language": "python"}})

    nbformat.write(notebook("42\n"), tmp_path / "right.ipynb")
    nbformat.write(notebook("41\n"), tmp_path / "wrong.ipynb")

    def run(name):
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                               "--nbval-current-env", "--rootdir", str(tmp_path), str(tmp_path / name)],
                              capture_output=True, text=True, cwd=tmp_path)

    assert run("right.ipynb").returncode == 0
    assert run("wrong.ipynb").returncode == 1


@pytest.mark.parametrize("path", sorted(notebooks.ROOT.glob("*.ipynb")), ids=lambda p: p.name)
def test_student_notebooks_hold_no_solution_and_every_exercise_is_checked(path):
    nb = nbformat.read(path, as_version=4)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    stubs = [i for i, s in enumerate(sources) if "raise NotImplementedError" in s]
    assert stubs, "a lecture notebook has at least one exercise"
    for i in stubs:
        assert "ck.check." in sources[i + 1], f"the cell after exercise cell {i} must run its check"
    assert not any("BEGIN SOLUTION" in s for s in sources)
    assert not any(notebooks.CHECK_OUTPUT in s and "ck.check." in s for s in sources), \
        "on a stub a check prints something else than on the solution: its output is not compared"


def test_notebooks_declare_the_python3_kernel():
    for path in ALL_NOTEBOOKS:
        assert nbformat.read(path, as_version=4).metadata.kernelspec.name == "python3"


def test_a_solution_region_becomes_a_stub_at_its_indentation_with_the_hint():
    src = ("def f(x):\n    ### BEGIN SOLUTION\n    ### HINT: double it\n    return 2 * x\n"
           "    ### END SOLUTION\n\nprint(1)")
    assert stub_source(src) == ("def f(x):\n    # YOUR CODE HERE (double it)\n"
                                "    raise NotImplementedError('Exercise: double it')\n\nprint(1)")


def test_an_unclosed_region_is_an_error():
    with pytest.raises(SolutionMarkerError, match="never closed"):
        stub_source("### BEGIN SOLUTION\nx = 1")


def test_an_end_without_begin_is_an_error():
    with pytest.raises(SolutionMarkerError, match="without"):
        stub_source("x = 1\n### END SOLUTION")


SOURCE = """# %% [markdown]
# # A lecture

# %%
def f():
    ### BEGIN SOLUTION
    return 1
    ### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
print(f())
"""


def _lecture(root, source=SOURCE):
    (root / "source").mkdir(exist_ok=True)
    (root / "source" / "x.py").write_text(source)


def test_build_writes_the_solved_and_the_student_notebook_from_the_one_source(tmp_path):
    _lecture(tmp_path)
    assert notebooks.build(tmp_path, check=True) == [f"{tmp_path.name}/solutions/x.ipynb",
                                                     f"{tmp_path.name}/x.ipynb"]
    notebooks.build(tmp_path, execute_changed=False)
    assert notebooks.build(tmp_path, check=True) == []
    solved = nbformat.read(tmp_path / "solutions" / "x.ipynb", as_version=4)
    student = nbformat.read(tmp_path / "x.ipynb", as_version=4)
    assert [c.cell_type for c in solved.cells] == ["markdown", "code", "code"]
    assert "return 1" in solved.cells[1].source
    assert ("raise NotImplementedError" in student.cells[1].source
            and "return 1" not in student.cells[1].source)


def test_an_edit_made_in_a_built_notebook_instead_of_the_source_is_reported(tmp_path):
    _lecture(tmp_path)
    notebooks.build(tmp_path, execute_changed=False)
    path = tmp_path / "solutions" / "x.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source = "# A lecture, with a typo fixed in the wrong place"
    nbformat.write(nb, path)
    assert notebooks.build(tmp_path, check=True) == [f"{tmp_path.name}/solutions/x.ipynb"]


def test_a_rebuild_keeps_the_compared_outputs_of_unchanged_cells_and_drops_changed_ones(tmp_path):
    _lecture(tmp_path)
    notebooks.build(tmp_path, execute_changed=False)
    path = tmp_path / "solutions" / "x.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    nbformat.write(nb, path)
    _lecture(tmp_path, SOURCE.replace("# # A lecture", "# # A lecture, retitled"))
    notebooks.build(tmp_path, execute_changed=False)
    assert nbformat.read(path, as_version=4).cells[2].outputs[0]["text"] == "1\n"
    _lecture(tmp_path, SOURCE.replace("print(f())", "print(f() + 1)"))
    notebooks.build(tmp_path, execute_changed=False)
    assert nbformat.read(path, as_version=4).cells[2].outputs == []


def test_a_built_notebook_without_a_source_is_reported(tmp_path):
    _lecture(tmp_path)
    notebooks.build(tmp_path, execute_changed=False)
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "solutions" / "y.ipynb")
    assert notebooks.build(tmp_path, check=True) == [f"{tmp_path.name}/solutions/y.ipynb (no source in "
                                                     "notebooks/source/)"]

def _solutions(source):
    """{check name: the solution's code lines} of a notebook source."""
    import re

    cells, out = source.split("# %%"), {}
    for i, cell in enumerate(cells):
        if "### BEGIN SOLUTION" in cell:
            name = re.search(r"ck\.check\.(\w+)", cells[i + 1]).group(1)
            body = cell[cell.index("### BEGIN SOLUTION"):cell.index("### END SOLUTION")].splitlines()[1:]
            out[name] = [line.strip() for line in body if line.strip() and not line.strip().startswith("#")]
    return out


def _expression(line):
    """The code a line computes, without `return` or the name it assigns: what a hint must not spell out."""
    import re

    line = re.sub(r"^return\s+", "", line)
    line = re.sub(r"^[\w, ]+\s=\s", "", line)
    return "".join(line.split())


@pytest.mark.parametrize("source", sorted((notebooks.ROOT / notebooks.SOURCE).glob("*.py")),
                         ids=lambda p: p.stem)
def test_a_student_notebook_never_shows_a_solutions_code(source):
    from coursekit.check import ALL, LABS

    import re

    student = nbformat.read(notebooks.ROOT / (source.stem + ".ipynb"), as_version=4)
    cells = [c.source for c in student.cells]
    stubs = {re.search(r"ck\.check\.(\w+)", cells[i + 1]).group(1): "".join(cell.split())
             for i, cell in enumerate(cells) if "raise NotImplementedError" in cell}
    for name, lines in _solutions(source.read_text()).items():
        shown = stubs[name]  # the exercise cell a student fills in: its comments and error message
        for line in lines:
            expression = _expression(line)
            if len(expression) >= 12:  # `return out`, `r = 1`: too short to give anything away
                assert expression not in shown, f"the student notebook shows {name}'s solution: {line}"
        # hints on request give steps, never the whole answer
        whole = "".join(_expression(line) for line in lines)
        for step in {**ALL, **LABS}[name].hints:
            assert whole not in "".join(step.split()), f"a hint of {name} is its whole solution"
