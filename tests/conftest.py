"""Test set-up: quick mode, and the offline / no-pickle guard in this process and every kernel."""

import os
import sys
from pathlib import Path

import pytest

GUARD = Path(__file__).resolve().parent / "guard"

# Set before coursekit is imported anywhere, and inherited by the notebook kernels nbval starts.
os.environ.setdefault("COURSEKIT_QUICK", "1")
os.environ["COURSEKIT_TEST_GUARD"] = "1"
os.environ["PYTHONPATH"] = os.pathsep.join([str(GUARD), *filter(None, [os.environ.get("PYTHONPATH")])])
os.environ.setdefault("COURSEKIT_DEVICE", "cpu")
# The notebooks' checks record progress: in a file of the test run's own, never the user's.
os.environ.setdefault("COURSEKIT_PROGRESS", str(Path(__import__("tempfile").mkdtemp()) / "progress.json"))

# This process started before the variables above: apply the guard here too.
sys.path.insert(0, str(GUARD))
import sitecustomize  # noqa: E402,F401  (the guard file; importing it installs the guard)

sys.path.remove(str(GUARD))


def zoo_model(name):
    """Zoo model ``name`` on the CPU; a missing model fails the test with the command that trains it."""
    import torch

    import coursekit as ck

    if name not in ck.zoo.names():
        pytest.fail(f"data/zoo/{name} is missing: python -m coursekit.train {name}")
    return ck.zoo.load(name, device=torch.device("cpu"))
