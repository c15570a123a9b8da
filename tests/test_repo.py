"""The set-up files agree with each other and with the README."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"pytorch": "torch"}  # conda-forge name -> PyPI name


def _name(requirement):
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_and_pyproject_list_the_same_packages():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    conda, in_deps = [], False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
        elif in_deps and re.match(r"^  - [A-Za-z][^:]*$", line):
            conda.append(line[4:])
    conda_names = {CONDA_NAMES.get(_name(r), _name(r)) for r in conda} - {"python", "pip"}
    assert conda_names == {_name(r) for r in project}


def test_environment_yml_uses_conda_forge_only_and_installs_the_course():
    text = (ROOT / "environment.yml").read_text()
    assert "- conda-forge" in text and "nodefaults" in text and "- -e ." in text


def test_the_constraints_pin_the_torch_the_tests_run_with():
    pins = (ROOT / "constraints.txt").read_text()
    assert "torch==2.14.1" in pins and "torchvision==0.29.1" in pins


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make lab" in readme
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line and not line.startswith("#")]
    assert "make test" in ci and "make test-browser" in ci and "make test-browser" in readme


def _import_graph():
    """{module: the coursekit modules it imports at its top level} for every module of coursekit."""
    import ast

    root = ROOT / "coursekit"
    names = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for module, path in names.items():
        targets = set()
        for node in ast.parse(path.read_text()).body:  # the top level only: what importing the module runs
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                targets |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
        graph[module] = {t for t in targets if t in names and t != module and t != "coursekit"}
    return graph


def test_the_library_has_no_import_circles_and_a_lecture_imports_no_later_lecture():
    from coursekit.models import LECTURES

    graph = _import_graph()
    state = {}

    def visit(module, path):
        state[module] = "open"
        for target in sorted(graph[module]):
            assert state.get(target) != "open", f"import circle: {' -> '.join(path + [target])}"
            if target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    order = {f"coursekit.models.{lecture}": i for i, lecture in enumerate(LECTURES)}
    for module, targets in graph.items():
        here = next((i for name, i in order.items() if module == name or module.startswith(name + ".")), None)
        for target in targets:
            there = next((i for name, i in order.items() if target == name or target.startswith(name + ".")),
                         None)
            if here is not None and there is not None:
                assert there <= here, f"{module} imports {target}, a later lecture"


def test_the_code_passes_the_linter():
    """ruff with the settings of pyproject.toml: pycodestyle's errors and warnings and pyflakes, lines of
    at most 110 characters."""
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "coursekit", "tests"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_library_file_is_longer_than_600_lines():
    lengths = {str(path.relative_to(ROOT)): len(path.read_text().splitlines())
               for path in sorted((ROOT / "coursekit").rglob("*.py"))}
    assert {path: n for path, n in lengths.items() if n > 600} == {}
