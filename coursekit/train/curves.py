"""Quality against compute: the curves that trainings with ``curve_every`` keep, printed and compared.

    python -m coursekit.train.curves RUN_DIR [RUN_DIR ...] [--at CPU_HOURS] [--save FILE.json]

Each ``RUN_DIR`` holds a run's checkpoint (``checkpoint.json`` and ``.safetensors``, as ``--runs``
leaves them; folders are searched).  For each run the table of its curve (steps, images seen,
CPU-hours, Fréchet distance, variety, texture), then every run compared at the same CPU time: the
largest that all of them reached, or ``--at``.  ``--save`` keeps the curves and each run's settings
in a JSON file (``data/curves/``), from which notebook 06 draws them.
"""

import argparse
import json
import sys
from pathlib import Path

from coursekit import checkpoint as _ckpt

#: The measures a face GAN's curve holds (``face_eval.quality``), lower-is-better first.
MEASURES = ("fid", "variety", "texture")


def curve(directory):
    """The curve a run's checkpoint keeps: ``[{"step", "images", "cpu_h", "fid", "variety", "texture"}]``."""
    saved, _ = _ckpt.read(Path(directory) / "checkpoint")
    series = saved["history"]
    if "cpu_s" not in series:
        raise ValueError(f"{directory} keeps no curve: train with curve_every > 0 (--set curve_every=100)")
    steps, cpu = series["cpu_s"]
    rows = []
    for i, step in enumerate(steps):
        row = {"step": int(step), "images": int(series["images"][1][i]), "cpu_h": cpu[i] / 3600}
        row.update({m: series[m][1][i] for m in MEASURES if m in series})
        rows.append(row)
    return rows


def settings(directory):
    """The configuration a run's checkpoint records (``"options"``), or {}."""
    return _ckpt.read_record(Path(directory) / "checkpoint").get("options", {})


def save(runs, folders, file):
    """Write ``{"runs": {name: {"options", "curve"}}}`` to ``file`` (JSON)."""
    out = {"runs": {name: {"options": settings(folders[name]), "curve": rows} for name, rows in runs.items()}}
    Path(file).parent.mkdir(parents=True, exist_ok=True)
    Path(file).write_text(json.dumps(out, indent=1) + "\n")
    return file


def load(file):
    """The curves a ``--save`` kept: ``{name: {"options", "curve": [rows]}}``."""
    return json.loads(Path(file).read_text())["runs"]


def at_cpu(rows, cpu_h):
    """The curve's measures at ``cpu_h`` CPU-hours: the mean of its last two points at or before it (a
    GAN's Fréchet distance moves from one point to the next; two points steady it), or None."""
    before = [r for r in rows if r["cpu_h"] <= cpu_h * 1.02]  # points a few seconds apart count as one time
    if not before:
        return None
    last = before[-2:]
    return {"step": last[-1]["step"], "images": last[-1]["images"], "cpu_h": last[-1]["cpu_h"],
            **{m: sum(r[m] for r in last) / len(last) for m in MEASURES if m in last[-1]}}


def find_runs(paths):
    """Every run folder (one holding ``checkpoint.json``) under ``paths``, by name: a folder given alone
    names its run; in a folder of runs each run is named by its own folder (``<run>/<model>/``, as
    ``--runs`` leaves it, is named ``<run>``)."""
    found = {}
    for path in map(Path, paths):
        records = sorted([path / "checkpoint.json"] if (path / "checkpoint.json").exists()
                         else path.rglob("checkpoint.json"))
        for record in records:
            rel = record.parent.relative_to(path).parts
            name = path.name if len(records) == 1 else rel[0] if len(rel) <= 2 else "/".join(rel)
            found[name] = record.parent
    return found


def _table(rows, columns):
    def cell(v):
        return f"{v:.3f}" if isinstance(v, float) else str(v)
    lines = [[c for c in columns]] + [[cell(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(columns))]
    return "\n".join("  ".join(v.rjust(w) for v, w in zip(line, widths)) for line in lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit.train.curves", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", help="run folders, or folders that hold them")
    parser.add_argument("--at", type=float, default=None, help="compare at this many CPU-hours")
    parser.add_argument("--quiet", action="store_true", help="only the comparison")
    parser.add_argument("--save", metavar="FILE",
                        help="keep the curves and the runs' settings in this JSON file")
    args = parser.parse_args(argv)
    runs, folders = {}, find_runs(args.paths)
    for name, folder in folders.items():
        try:
            runs[name] = curve(folder)
        except ValueError as error:
            print(error, file=sys.stderr)
    runs = {name: rows for name, rows in runs.items() if rows}
    if not runs:
        print("no curves found", file=sys.stderr)
        return 1
    columns = ["step", "images", "cpu_h", *MEASURES]
    if not args.quiet:
        for name, rows in runs.items():
            print(f"\n{name}\n{_table(rows, columns)}")
    budget = args.at if args.at is not None else min(rows[-1]["cpu_h"] for rows in runs.values())
    compared = sorted(((name, at_cpu(rows, budget)) for name, rows in runs.items()),
                      key=lambda item: item[1]["fid"] if item[1] else float("inf"))
    print(f"\nat {budget:.3f} CPU-hours (mean of each run's last two points by then), best first")
    print(_table([{"run": name, **(row or {})} for name, row in compared], ["run", *columns]))
    if args.save:
        print(f"Saved {save(runs, folders, args.save)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
