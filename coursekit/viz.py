"""Pictures: image grids, PNG bytes for widgets, and a live training plot."""

import io
import time
import warnings

import torch
from torchvision.utils import make_grid

from coursekit.core import QUICK


def check_images(x, name="images", channels=None, values=False):
    """Raise a clear error unless ``x`` is a float image batch (B, C, H, W) in [-1, 1].  With ``values``
    the values are read too: NaN or infinities, pixels in 0..255 are errors; a batch that only spans
    [0, 1] gets a warning (it may be images in [0, 1] where the course's live in [-1, 1])."""
    if not torch.is_tensor(x):
        raise TypeError(f"{name} must be a torch.Tensor of shape (B, C, H, W), got {type(x).__name__}")
    if x.dim() != 4:
        raise ValueError(f"{name} must have shape (B, C, H, W), got {tuple(x.shape)}"
                         + (" — add a batch dimension with x.unsqueeze(0)" if x.dim() == 3 else ""))
    if channels is not None and x.shape[1] not in (channels if isinstance(channels, tuple) else (channels,)):
        raise ValueError(f"{name} must have {channels} channel(s) (shape (B, C, H, W)), got {tuple(x.shape)}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be float in [-1, 1], got {x.dtype}; use ck.data.to_model_range(x)")
    if values and x.numel():
        if not torch.isfinite(x).all():
            bad = int((~torch.isfinite(x)).sum())
            raise ValueError(f"{name} hold {bad} NaN or infinite values: the generator or the step before it "
                             "diverged (a learning rate too high, a division by zero); look at the losses")
        low, high = float(x.min()), float(x.max())
        if high > 1.5:
            raise ValueError(f"{name} span {low:.3g} .. {high:.3g}: they look like pixels in 0..255, while "
                             "the course's images live in [-1, 1]; convert with ck.data.to_model_range(x)")
        if low >= 0 and high > 0.5 and x.numel() >= 64:
            warnings.warn(f"{name} only span {low:.3g} .. {high:.3g}: if they are images in [0, 1], map them "
                          "to the course's [-1, 1] with x * 2 - 1 (a tanh's range), or scores will be off",
                          stacklevel=3)
    return x


def grid(images, nrow=8, padding=2):
    """Tile a batch (B, C, H, W) in [-1, 1] into one image (3, H', W') in [0, 1]."""
    images = check_images(images).detach().float().cpu()
    return make_grid((images.clamp(-1, 1) + 1) / 2, nrow=nrow, padding=padding, pad_value=1.0)


def show(images, nrow=8, title=None, ax=None, labels=None, columns=None):
    """Plot a batch of images (B, C, H, W) in [-1, 1] as a grid; ``labels`` names the rows (left of
    them), ``columns`` the columns (above them).

    >>> ck.viz.show(train.images[:32], title="real digits")
    """
    import matplotlib.pyplot as plt  # deferred here and below: most users of coursekit draw nothing

    g = grid(images, nrow=nrow)
    if ax is None:
        rows = -(-len(images) // nrow)
        _, ax = plt.subplots(figsize=(min(1.0 * nrow, 12), min(1.0 * rows, 12) + (0.4 if title else 0)))
    ax.imshow(g.permute(1, 2, 0).numpy(), interpolation="nearest")
    ax.set_axis_off()
    if labels is not None:  # one name per row of the grid, left of it
        rows = -(-len(images) // nrow)
        for i, label in enumerate(labels[:rows]):
            ax.text(-2, (i + 0.5) * g.shape[1] / rows, str(label), ha="right", va="center", fontsize=9)
    if columns is not None:
        cell = g.shape[2] / nrow
        for j, label in enumerate(columns[:nrow]):
            ax.text((j + 0.5) * cell, -2, str(label), ha="center", va="bottom", fontsize=9)
    if title:
        ax.set_title(title, pad=16 if columns is not None else 6)
    return ax


def to_png(images, nrow=8, scale=1, labels=None, columns=None):
    """PNG bytes of a grid of images (B, C, H, W) in [-1, 1] (for ``ck.widgets.ImageView``).

    ``scale`` enlarges each pixel (nearest neighbour), so 28x28 digits stay crisp; ``labels`` names the
    rows (in a margin left of them), ``columns`` the columns (above them), as ``show`` does.
    """
    from PIL import Image

    g = grid(images, nrow=nrow)
    arr = (g.permute(1, 2, 0) * 255).round().to(torch.uint8).numpy()
    img = Image.fromarray(arr)
    if scale != 1:
        img = img.resize((img.width * scale, img.height * scale), Image.NEAREST)
    if labels is not None or columns is not None:
        img = _with_margins(img, -(-len(images) // nrow), nrow, labels, columns)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _with_margins(img, rows, nrow, labels, columns, size=13):
    """``img`` (a grid of ``rows`` x ``nrow`` cells) with white margins holding the row and column names,
    written in matplotlib's DejaVu Sans (it has the Greek letters the course's labels use)."""
    from matplotlib import font_manager
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), size)
    labels = [str(x) for x in (labels or [])][:rows]
    columns = [str(x) for x in (columns or [])][:nrow]
    left = max((int(font.getlength(x)) for x in labels), default=-10) + 10
    top = size + 6 if columns else 0
    out = Image.new("RGB", (img.width + left, img.height + top), "white")
    out.paste(img, (left, top))
    draw = ImageDraw.Draw(out)
    for i, text in enumerate(labels):
        draw.text((left - 4, top + (i + 0.5) * img.height / rows), text, fill="black", font=font, anchor="rm")
    for j, text in enumerate(columns):
        draw.text((left + (j + 0.5) * img.width / nrow, top - 3), text, fill="black", font=font, anchor="ms")
    return out


def figure_to_png(fig, dpi=100):
    """PNG bytes of a matplotlib figure (closed afterwards)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def describe(fig, limit=600):
    """Alt text for a matplotlib figure, from what the figure itself says: its title, and for each
    panel its title, whether it is a picture or a plot, its axes, its legend and its row labels.

    >>> ck.viz.describe(fig)
    'Figure "Pix2Pix on held-out maps": 3 pictures: "label map"; "Pix2Pix"; "target".'
    """
    def quoted(text):
        return f'"{" ".join(text.split())}"'

    panels = []
    for ax in fig.axes:
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        title = " ".join(t for t in (ax.get_title("left"), ax.get_title(), ax.get_title("right")) if t)
        if ax.images:
            what = "picture" + (f" {quoted(title)}" if title else "")
            texts = [t for t in ax.texts if t.get_text().strip()]
            rows = [t.get_text() for t in texts if t.get_ha() == "right"][:10]  # show's labels, left of rows
            columns = [t.get_text() for t in texts if t.get_ha() != "right"][:12]
            if rows:
                what += ", rows " + ", ".join(rows)
            if columns:
                what += (" and" if rows else ",") + " columns " + ", ".join(columns)
        else:
            what = "plot" + (f" {quoted(title)}" if title else "")
            x, y = ax.get_xlabel(), ax.get_ylabel()
            if x or y:
                what += f" of {y or 'a value'} against {x or 'x'}"
            legend = ax.get_legend()
            names = [t.get_text() for t in legend.get_texts()] if legend else []
            if names:
                what += " (" + ", ".join(names[:8]) + ")"
        panels.append(what)
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    head = f"Figure {quoted(suptitle)}" if suptitle else "Figure"
    text = head + (f": {len(panels)} panels: " if len(panels) > 1 else ": ") + "; ".join(panels) + "."
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def plot_history(history, names=None, ax=None, smooth=0.9, title=None):
    """Draw series of a :class:`ck.train.History` (raw, faint, and exponentially smoothed)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.2))
    for i, name in enumerate(names or history.names()):
        steps, vals = history.steps(name), history.values(name)
        color = f"C{i}"
        ax.plot(steps, vals, color=color, alpha=0.25, lw=0.8)
        ema, acc = [], vals[0] if vals else 0.0
        for v in vals:
            acc = smooth * acc + (1 - smooth) * v
            ema.append(acc)
        ax.plot(steps, ema, color=color, lw=1.6, label=name)
    ax.set_xlabel("step")
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    return ax


class LivePlot:
    """One figure that redraws in place as training goes (in Jupyter).

    Losses (names starting with ``loss``) are drawn smoothed on the left; any
    other metric (e.g. a class accuracy logged every few hundred steps) raw on
    the right.  ``names=None`` draws whatever the history holds at each redraw.
    At most one redraw every ``every`` seconds; under quick mode (tests) only
    the final picture is drawn, at :meth:`close`, so test logs stay quiet.
    Outside IPython nothing is drawn.

    >>> plot = LivePlot(["loss_D", "loss_G"]); plot.update(history); plot.close()
    """

    def __init__(self, names=None, title=None, every=1.0):
        self.names, self.title, self.every = (list(names) if names else None), title, every
        self._handle = None
        self._last = 0.0
        self._history = None

    def update(self, history):
        self._history = history
        if QUICK or time.perf_counter() - self._last < self.every:
            return
        self._draw()

    def close(self):
        if self._history is not None and len(self._history):
            self._draw()

    def _draw(self):
        try:
            from IPython import get_ipython
            from IPython.display import Image, display
        except ImportError:
            return
        if get_ipython() is None:
            return
        import matplotlib.pyplot as plt

        names = [n for n in (self.names or self._history.names()) if n in self._history.series]
        losses = [n for n in names if n.startswith("loss")]
        metrics = [n for n in names if not n.startswith("loss")]
        panels = [p for p in (losses, metrics) if p]
        fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 3.2), squeeze=False)
        for ax, panel in zip(axes[0], panels):
            plot_history(self._history, panel, ax=ax, smooth=0.9 if panel is losses else 0.0,
                         title=self.title if ax is axes[0][0] else None)
        alt = {"image/png": {"alt": describe(fig)}}  # read by the course's site
        png = Image(figure_to_png(fig))
        if self._handle is None:
            self._handle = display(png, display_id=True, metadata=alt)
        else:
            self._handle.update(png, metadata=alt)
        self._last = time.perf_counter()


def diagram_box(ax, x, y, text, colour, size=8, pad=0.3):
    """A labelled, rounded box centred at (x, y): a block of the lectures' diagrams (U-Net, StyleGAN,
    cycles)."""
    ax.text(x, y, text, ha="center", va="center", fontsize=size,
            bbox=dict(boxstyle=f"round,pad={pad}", fc=colour, ec="black"))


def diagram_arrow(ax, start, end, size=12, **style):
    """An arrow from ``start`` to ``end`` in ``ax``'s data coordinates; ``style`` goes to matplotlib's
    FancyArrowPatch (colour, ls, lw, arrowstyle, connectionstyle)."""
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(FancyArrowPatch(start, end, **{"arrowstyle": "-|>", "mutation_scale": size, **style}))


def plot_toy(ax, real, fake, D=None, lim=3.0, title=None):
    """Real and generated 2-D points, over D's decision surface D(x) = sigmoid(logit) when given."""
    if D is not None:
        xs = torch.linspace(-lim, lim, 120)
        grid_pts = torch.cartesian_prod(xs, xs)
        with torch.no_grad():
            prob = torch.sigmoid(D(grid_pts)).view(120, 120).T
        cs = ax.contourf(xs, xs, prob, levels=torch.linspace(0, 1, 11).tolist(), cmap="RdBu", alpha=0.45)
    ax.scatter(real[:, 0], real[:, 1], s=3, c="k", alpha=0.35, label="real")
    ax.scatter(fake[:, 0].detach(), fake[:, 1].detach(), s=3, c="tab:orange", alpha=0.6, label="G(z)")
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    return cs if D is not None else None
