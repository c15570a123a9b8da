"""The set-up files agree with each other and with the README."""

import re
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
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert "make test" in ci and "make test-browser" in ci and "make test-browser" in readme
