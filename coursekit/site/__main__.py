"""``python -m coursekit.site``: build the course's site, or rerun the stored full-mode runs it is made of.

    python -m coursekit.site                  # build build/site/ from the stored runs (no notebook runs)
    python -m coursekit.site --stale          # list the stored runs that are out of date (exit 1 if any)
    python -m coursekit.site --rerun-stale    # run those in full mode and store them
    python -m coursekit.site --rerun 06       # run the notebooks whose name contains 06, stale or not
"""

import argparse
import shutil
import sys
import time
from pathlib import Path

import nbformat

from coursekit import notebooks, site
from coursekit.site import pages

ROOT = Path(__file__).resolve().parents[2]
TEXT = Path(__file__).resolve().parent / "text"


def assemble(src, names=None):
    """Write the site's sources into ``src``: the written pages, the generated ones, every lecture (or
    those in ``names``) from its source and its stored run, and each student notebook for download."""
    shutil.rmtree(src, ignore_errors=True)
    (src / "lectures").mkdir(parents=True)
    (src / "_static").mkdir()
    shutil.copytree(TEXT, src, dirs_exist_ok=True)
    alts = {}
    for name in names or site.sources():
        nb, found = site.page(name)
        alts.update(found)
        ran = nb.metadata["coursekit"]
        minutes = ran["seconds"] / 60
        nb.cells.insert(1, nbformat.v4.new_markdown_cell(
            f"```{{admonition}} This page and its notebook\n:class: tip\n"
            f"The pictures and numbers below are those of the full run ({minutes:.1f} min on "
            f"{ran['device'].upper()}, {ran['ran']}). To run it yourself and do its exercises, download "
            f"the student notebook {{download}}`{name}.ipynb <../_notebooks/{name}.ipynb>` into the "
            f"course's `notebooks/` folder (or open it there after `make lab`).\n```"))
        nbformat.write(nb, src / "lectures" / f"{name}.ipynb")
    shutil.copytree(notebooks.ROOT, src / "_notebooks", ignore=lambda d, names: [
        n for n in names if not n.endswith(".ipynb")])
    site.alt_index(alts, src / "_alt.json")
    shutil.copy(pages.STRIP, src / "_static" / "strip.png")
    (src / "index.md").write_text(pages.landing())
    (src / "zoo.md").write_text(pages.zoo())
    (src / "exercises.md").write_text(pages.exercises())


def build(out=ROOT / "build" / "site", src=ROOT / "build" / "site-src", names=None):
    """Assemble and build the site (every lecture, or those in ``names``); returns its landing page."""
    from sphinx.cmd.build import build_main

    assemble(src, names)
    status = build_main(["-b", "html", "-q", "-E", "-c", str(Path(site.__file__).parent), str(src), str(out)])
    if status:
        raise SystemExit(f"Sphinx failed (exit {status}): see the messages above")
    return out / "index.html"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit.site", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stale", action="store_true", help="list the stored runs that are out of date")
    parser.add_argument("--rerun-stale", action="store_true", help="run the stale notebooks in full mode")
    parser.add_argument("--rerun", default="", help="run the notebooks whose name contains this")
    parser.add_argument("--strip", action="store_true",
                        help=f"draw the picture strip of the README and landing page ({pages.STRIP.name})")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site", help="where the site goes")
    args = parser.parse_args(argv)
    if args.strip:
        pages.strip(pages.STRIP)
        print(f"Drew {pages.STRIP}")
        return 0
    stale = site.stale()
    if args.stale:
        for name, why in stale.items():
            print(f"{name}: {why}")
        print("Every stored run is up to date." if not stale else
              "Run them again with: python -m coursekit.site --rerun-stale")
        return int(bool(stale))
    names = [n for n in site.sources()
             if (args.rerun_stale and n in stale) or (args.rerun and args.rerun in n)]
    if args.rerun_stale or args.rerun:
        for name in names:
            print(f"running {name} in full mode ...", flush=True)
            minutes = site.run_full(name) / 60
            print(f"  stored in {site.OUTPUTS / name}.ipynb after {minutes:.1f} min", flush=True)
        return 0
    if stale:
        print("Stored full-mode runs are out of date, so the site would show outputs of other code:\n  "
              + "\n  ".join(f"{name}: {why}" for name, why in stale.items())
              + "\nRun them again with: python -m coursekit.site --rerun-stale")
        return 1
    start = time.perf_counter()
    index = build(args.out)
    print(f"Built {index} in {time.perf_counter() - start:.0f} s. Open it, or serve it with: "
          f"python -m http.server -d {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
