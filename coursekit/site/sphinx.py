"""The course's Sphinx extension: every picture of a stored run gets its alt text, and MathJax is
copied into the site (no CDN)."""

import importlib.util
import json
import shutil
from pathlib import Path

from docutils import nodes

#: MathJax 3, TeX in and SVG out, one file: the sphinx-mathjax-offline package ships it.
MATHJAX = "tex-svg.js"


def _alts(app):
    if not hasattr(app.env, "coursekit_alts"):
        path = Path(app.srcdir) / "_alt.json"
        app.env.coursekit_alts = json.loads(path.read_text()) if path.exists() else {}
    return app.env.coursekit_alts


def add_alt_text(app, doctree, docname):
    """myst-nb names an output's picture by the SHA-256 of its bytes; the stored run said what it shows."""
    alts = _alts(app)
    for image in doctree.findall(nodes.image):
        if not image.get("alt"):
            alt = alts.get(Path(image["uri"]).stem)
            if alt:
                image["alt"] = alt


def copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None:
        raise RuntimeError("MathJax for the site comes from the package sphinx-mathjax-offline: "
                           "pip install sphinx-mathjax-offline (make site installs it)")
    source = Path(spec.submodule_search_locations[0]) / "static" / "mathjax" / MATHJAX
    target = Path(app.outdir) / "_static" / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target / MATHJAX)


def static_files(app):
    """The assembled sources' _static/ (the picture strip, the course's CSS) into the site."""
    app.config.html_static_path.append(str(Path(app.srcdir) / "_static"))


def setup(app):
    app.connect("builder-inited", static_files)
    app.connect("doctree-resolved", add_alt_text)
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
