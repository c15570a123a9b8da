"""Sphinx's configuration of the course's site (``python -m coursekit.site`` assembles the pages in
``build/site-src/`` and builds them with this file).

Sphinx with myst-nb: it builds from pip packages alone, offline (Jupyter Book 2 fetches its template
from the network at build time), renders notebooks with their stored outputs without running them,
and its search index is a file of the site.  MathJax 3 is bundled (``_static/mathjax/tex-svg.js``:
SVG output, no web fonts to load), so pages opened from disk render their equations.
"""

project = "Generative models, one lecture at a time"
author = "the course's authors"
copyright = "2026, " + author

extensions = ["myst_nb", "sphinx.ext.mathjax", "coursekit.site.sphinx"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "_notebooks/**"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}

# The stored full-mode runs are the pages: never run a notebook while building.
nb_execution_mode = "off"
# A widget shows the still of its first view (its live view needs a kernel).
nb_mime_priority_overrides = [("html", "image/png", 5),
                              ("html", "application/vnd.jupyter.widget-view+json", 90)]
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

mathjax_path = "mathjax/tex-svg.js"

html_theme = "sphinx_book_theme"
html_title = "Generative models"
# html_static_path: the assembled sources' _static/, added by coursekit.site.sphinx (paths here are
# relative to this folder, not to the sources)
html_css_files = ["course.css"]
html_theme_options = {"show_toc_level": 2, "use_download_button": False, "use_fullscreen_button": False,
                      "home_page_in_toc": True}
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
