"""Building blocks of the course's interactive widgets (ipywidgets 7.7 and 8).

An :class:`Explorer` is a row of controls and one picture.  Moving a control
calls ``render(**values)``, which returns the new picture (an image batch
(B, C, H, W) in [-1, 1], PNG bytes, or a matplotlib figure).  Sliders update
when released, so a slow model never queues up renders.  A failing render
shows its error inside the widget, in red, and the widget keeps working.

Tests drive an explorer without a browser: ``explorer.update(label=3)`` sets
the control, renders, and returns the seconds the render took.

    >>> ex = ck.widgets.Explorer(lambda n: ck.viz.to_png(x[:n]),
    ...                          {"n": ck.widgets.slider("images", 1, 64, 16)})
    >>> ex          # in a notebook cell: shows the controls and the picture

This module is the framework and the widgets more than one lecture uses (browsing digits, walking
a latent space, replaying training).  A lecture's own widgets live beside its code, in
``coursekit/models/<lecture>/widgets.py``; ``ck.widgets.<name>`` finds them there.
"""

import base64
import html
import importlib
import time
import traceback

import ipywidgets as W
import torch

from coursekit.core import QUICK
from coursekit.latent import lerp, slerp
from coursekit.models import LECTURES
from coursekit.viz import figure_to_png, to_png


def slider(description, min, max, value=None, step=None):
    """A slider (ints give an IntSlider, floats a FloatSlider) that updates on release."""
    is_int = all(isinstance(v, int) for v in (min, max, value if value is not None else min, step or 1))
    cls = W.IntSlider if is_int else W.FloatSlider
    return cls(description=description, min=min, max=max, value=min if value is None else value,
               step=step or (1 if is_int else (max - min) / 100), continuous_update=False,
               style={"description_width": "initial"}, layout=W.Layout(width="360px"))


def picker(description, options, value=None):
    """Buttons to pick one of a few options (e.g. a digit class)."""
    options = list(options)
    width = max(34, 9 * max(len(str(o)) for o in options) + 18)  # digits stay compact, words fit
    return W.ToggleButtons(description=description, options=options,
                           value=options[0] if value is None else value,
                           style={"button_width": f"{width}px", "description_width": "initial"})


class ImageView(W.Image):
    """An image widget fed PNG bytes, shown at ``width`` pixels with crisp pixels."""
    def __init__(self, width=None, **kwargs):
        layout = W.Layout(width=f"{width}px" if width else "auto", object_fit="contain")
        super().__init__(format="png", layout=layout, **kwargs)
        # pixelated: scaled-up 28x28 digits stay sharp instead of blurred
        self.add_class("coursekit-pixelated")


_CSS = W.HTML(
    "<style>.coursekit-pixelated img, img.coursekit-pixelated {image-rendering: pixelated;}</style>")


class Explorer(W.VBox):
    """Controls and a picture that ``render(**values)`` redraws when a control moves.

    Args:
        render: ``render(**values)`` -> image batch (B, C, H, W) in [-1, 1], PNG
            bytes, or a matplotlib figure; one keyword per control.
        controls: ``{"name": widget}``, in display order.
        title: a line of text above the controls.
        nrow, scale: grid layout and pixel enlargement for image batches.
        labels, columns: names of the grid's rows and columns, drawn beside it: a list, or a function
            of the controls' values (``labels=lambda schedule, **_: [...]``) where they change.
        width: display width of the picture in pixels.

    Attributes: ``image`` (the ImageView), ``error`` (HTML, empty when all is
    well), ``seconds`` (duration of the last render), ``renders`` (count).
    """
    def __init__(self, render, controls, title=None, nrow=8, scale=3, width=None, labels=None, columns=None):
        self.render_fn, self.controls = render, dict(controls)
        self.nrow, self.scale, self.title = nrow, scale, title
        self.labels, self.columns = labels, columns
        self.image = ImageView(width=width)
        self.error = W.HTML("")
        self.seconds, self.renders = 0.0, 0
        header = [W.HTML(f"<b>{html.escape(title)}</b>")] if title else []
        super().__init__([_CSS, *header, *self.controls.values(), self.image, self.error])
        for widget in self.controls.values():
            widget.observe(self._on_change, names="value")
        # The first picture is drawn now: a student sees it at once, and under
        # the tests (quick mode) a render that fails fails the cell.
        self.refresh(raise_errors=QUICK)

    def values(self):
        """The current value of every control, ``{name: value}``."""
        return {name: w.value for name, w in self.controls.items()}

    def update(self, **changes):
        """Set controls (headlessly, as a student's drag would) and render; returns seconds taken."""
        unknown = set(changes) - set(self.controls)
        if unknown:
            raise KeyError(f"unknown control(s) {sorted(unknown)}; this explorer has {list(self.controls)}")
        with self.hold_trait_notifications():
            for widget in self.controls.values():
                widget.unobserve(self._on_change, names="value")
            try:
                for name, value in changes.items():
                    self.controls[name].value = value
            finally:
                for widget in self.controls.values():
                    widget.observe(self._on_change, names="value")
        self.refresh()
        return self.seconds

    def refresh(self, raise_errors=False):
        """Render with the current values and show the result (or the error)."""
        start = time.perf_counter()
        try:
            self.image.value = self._to_png(self.render_fn(**self.values()))
            self.error.value = ""
        except Exception as e:  # shown in the widget: the cell stays alive
            if raise_errors:
                raise
            self.error.value = ("<pre style='color:#b00020;white-space:pre-wrap'>"
                                + html.escape(f"{type(e).__name__}: {e}\n\n" + traceback.format_exc(limit=3))
                                + "</pre>")
        self.seconds = time.perf_counter() - start
        self.renders += 1

    def _on_change(self, change):
        self.refresh()

    def _to_png(self, picture):

        if isinstance(picture, (bytes, bytearray)):
            return bytes(picture)
        if hasattr(picture, "savefig"):
            return figure_to_png(picture)
        return to_png(picture, nrow=self.nrow, scale=self.scale, **self._names())

    def _names(self):
        """The grid's row and column names for the current values: ``{"labels": [...], "columns": [...]}``."""
        return {key: (value(**self.values()) if callable(value) else value)
                for key, value in (("labels", self.labels), ("columns", self.columns))}

    def _repr_mimebundle_(self, **kwargs):
        # Live widget where a front end renders widgets; the current picture as a
        # plain PNG for every other reader (nbconvert, GitHub, test logs).
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        if not self.image.value:
            return bundle
        bundle["image/png"] = base64.b64encode(bytes(self.image.value)).decode()
        return bundle, {"image/png": {"alt": self.describe(), "widget": True}}

    def describe(self):
        """Alt text of the picture shown now: the widget's title and its controls' values."""
        title = self.title or "a widget"
        values = ", ".join(f"{w.description or name} {self._shown(w.value)}"
                           for name, w in self.controls.items())
        names = "".join(f" {kind}: {', '.join(str(x) for x in items if str(x))}."
                        for kind, items in zip(("Rows", "Columns"), self._names().values())
                        if items is not None)
        return (f'Widget "{title}" at {values}.' if values else f'Widget "{title}".') + names

    @staticmethod
    def _shown(value):
        return f"{value:g}" if isinstance(value, float) else str(value)


def mnist_browser(digits, per_page=32):
    """Browse a :class:`ck.data.Digits` set by class, a page of digits at a time.

    >>> ck.widgets.mnist_browser(ck.data.mnist("train"))
    """
    by_class = [digits.images[digits.labels == c] for c in range(10)]
    most = max(len(x) for x in by_class)

    def render(digit, page):
        images = by_class[digit]
        start = min(page * per_page, max(len(images) - per_page, 0))
        return images[start:start + per_page]

    return Explorer(render, {"digit": picker("digit", range(10)),
                             "page": slider("page", 0, max(most // per_page - 1, 0), 0)},
                    title=f"{digits.source}, {digits.split} split: {len(digits):,} digits", nrow=8, scale=2)


def interpolation(G, steps=10, z_dim=None):
    """Walk from one latent point to another, linearly or on the sphere (``ck.latent``).

    Two seed sliders pick the end points z0 and z1; the row shows G along the path.
    """
    z_dim = z_dim or G.config.z_dim
    t = torch.linspace(0, 1, steps)

    @torch.no_grad()
    def render(seed_a, seed_b, path):
        z0 = torch.randn(z_dim, generator=torch.Generator().manual_seed(seed_a))
        z1 = torch.randn(z_dim, generator=torch.Generator().manual_seed(seed_b))
        zs = (slerp if path == "spherical" else lerp)(z0, z1, t)
        return G(zs.to(next(G.parameters()).device)).cpu()

    return Explorer(render, {"seed_a": slider("start (seed)", 0, 99, 0),
                             "seed_b": slider("end (seed)", 0, 99, 1),
                             "path": picker("path", ["linear", "spherical"])},
                    title="Latent interpolation: G(z) along the path from z0 to z1", nrow=steps, scale=2)


def direction_sliders(draw, codes, directions, span=3.0, step=0.25, title=None):
    """Move ``codes`` (B, D) along named unit ``directions`` ({name: (D,)}), one slider each, and show
    ``draw(moved codes)``: random directions of z (notebook 01) or attribute directions in W (06, 07)."""
    names = list(directions)

    def render(**amounts):
        return draw(codes + sum(amounts[f"d{i}"] * directions[name] for i, name in enumerate(names)))

    controls = {f"d{i}": slider(name, -span, span, 0.0, step=step) for i, name in enumerate(names)}
    return Explorer(render, controls, title=title, nrow=len(codes), scale=3)


def latent_sliders(G, directions=4, samples=8, seed=0, span=3.0):
    """Move a few samples along fixed random orthonormal directions of z, one slider each."""
    z_dim = G.config.z_dim
    g = torch.Generator().manual_seed(seed)
    basis, _ = torch.linalg.qr(torch.randn(z_dim, directions, generator=g))  # (z_dim, k), orthonormal columns
    z = torch.randn(samples, z_dim, generator=g)

    @torch.no_grad()
    def draw(codes):
        return G(codes.to(next(G.parameters()).device)).cpu()

    return direction_sliders(draw, z, {f"direction {i + 1}": basis[:, i] for i in range(directions)},
                             span=span, title=f"{samples} samples moved along {directions} directions of z")


def replay(frames, frame_steps, title="What G draws for the same 64 z as training goes", captions=None,
           nrow=8, scale=2):
    """Scrub through images saved during training: ``frames`` (T, B, C, H, W), uint8 or floats in
    [-1, 1], ``frame_steps`` (T,), the slider's values; ``captions`` (T strings) label them instead."""
    if len(frames) != len(frame_steps) or (captions is not None and len(captions) != len(frames)):
        raise ValueError(f"one step (and caption) per frame: {len(frames)} frames, {len(frame_steps)} steps"
                         + (f", {len(captions)} captions" if captions is not None else ""))

    steps = [int(s) for s in frame_steps]
    options = list(zip([str(c) for c in captions or steps], steps))

    def render(step):
        frame = frames[steps.index(step)]
        return frame.float() / 127.5 - 1 if frame.dtype == torch.uint8 else frame.float()

    return Explorer(render, {"step": W.SelectionSlider(description="training step", options=options,
                                                       value=steps[-1], continuous_update=False,
                                                       layout=W.Layout(width="480px"))},
                    title=title, nrow=nrow, scale=scale)


def spread_map(images):
    """The per-pixel standard deviation of ``images`` (B, C, H, W) over the batch, as one grey image
    (1, 3, H, W) in [-1, 1] scaled to its maximum: bright where the images differ."""
    spread = images.std(0, keepdim=True).mean(1, keepdim=True)
    return (spread / spread.max().clamp(min=1e-6) * 2 - 1).expand(1, 3, -1, -1)


def __getattr__(name):
    # PEP 562: ck.widgets.cycle_explorer is the widget of notebook 04's lecture
    # (coursekit/models/cyclegan/widgets.py).  Imported on first use: a lecture's widgets import this
    # framework, so it cannot import them.
    if not name.startswith("__"):
        for lecture in LECTURES:
            try:
                module = importlib.import_module(f"coursekit.models.{lecture}.widgets")
            except ModuleNotFoundError as e:  # a lecture without widgets of its own (notebook 01's are here)
                if e.name != f"coursekit.models.{lecture}.widgets":
                    raise
                continue
            if name in vars(module):
                return vars(module)[name]
    raise AttributeError(f"module 'coursekit.widgets' has no widget {name!r}")
