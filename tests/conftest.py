"""Test set-up: quick mode, and the offline / no-pickle guard in this process and every kernel."""

import os
import shutil
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


#: What the browser tests share: the course's root, where screenshots go, and which Chromium runs.
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("COURSEKIT_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium for the browser tests (tests/browser), driven by Playwright."""
    from playwright.sync_api import Error, sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (`apt-get install "
                    "chromium`, as `make test-browser` does) or set COURSEKIT_CHROMIUM to a Chromium binary.")
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
        except Error as e:
            pytest.fail(f"Chromium at {CHROMIUM} could not start: {e}")
        try:
            yield b
        finally:
            b.close()
