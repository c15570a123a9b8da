"""Benchmarks: ``python -m coursekit.bench [--full] [--only 00]``.

Prints the seconds each notebook takes to run top to bottom (both the solved
and the student version; quick mode unless ``--full``), and the latency of
the course's widgets.  Numbers, not asserts: the tests check behaviour, this
measures speed.
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "notebooks"


def time_notebook(path, quick=True, timeout=3600):
    """Run a notebook in a fresh kernel; returns the wall seconds (kernel start included)."""
    import nbclient
    import nbformat

    os.environ["COURSEKIT_QUICK"] = "1" if quick else "0"
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def widget_latency(repeats=20):
    """Median seconds of one update of each course widget, driven headlessly."""
    import statistics

    import coursekit as ck

    results = {}
    browser = ck.widgets.mnist_browser(ck.data.mnist("train", verbose=False))
    times = [browser.update(digit=i % 10, page=i % 5) for i in range(repeats)]
    results["00 mnist_browser (digit, page)"] = statistics.median(times)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="full mode (the real course) instead of quick mode")
    parser.add_argument("--only", default="", help="run only notebooks whose name contains this")
    parser.add_argument("--no-widgets", action="store_true")
    args = parser.parse_args(argv)
    import torch

    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
          f"{'full' if args.full else 'quick'} mode, device {os.environ.get('COURSEKIT_DEVICE', 'auto')}")
    print(f"{'notebook':<44} {'seconds':>8}")
    total = 0.0
    for path in sorted(ROOT.glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb")):
        if args.only not in path.name:
            continue
        seconds = time_notebook(path, quick=not args.full)
        total += seconds
        print(f"{str(path.relative_to(ROOT.parent)):<44} {seconds:8.1f}", flush=True)
    print(f"{'total':<44} {total:8.1f}")
    if not args.no_widgets:
        print(f"\n{'widget update':<44} {'ms':>8}")
        for name, seconds in widget_latency().items():
            print(f"{name:<44} {seconds * 1000:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
