"""Building blocks of the course's interactive widgets (ipywidgets 7.7 and 8).

An :class:`Explorer` is a row of controls and one picture.  Moving a control
calls ``render(**values)``, which returns the new picture (an image batch
(B, C, H, W) in [-1, 1], PNG bytes, or a matplotlib figure).  Sliders update
when released, so a slow model never queues up renders.  A failing render
shows its error inside the widget, in red, and the widget keeps working.

Tests drive an explorer without a browser: ``explorer.update(label=3)`` sets
the control, renders, and returns the seconds the render took.

    >>> ex = ck.widgets.Explorer(lambda n: ck.viz.to_png(x[:n]), {"n": ck.widgets.slider("images", 1, 64, 16)})
    >>> ex          # in a notebook cell: shows the controls and the picture
"""

import base64
import html
import time
import traceback

import ipywidgets as W

from coursekit.core import QUICK


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


_CSS = W.HTML("<style>.coursekit-pixelated img, img.coursekit-pixelated {image-rendering: pixelated;}</style>")


class Explorer(W.VBox):
    """Controls and a picture that ``render(**values)`` redraws when a control moves.

    Args:
        render: ``render(**values)`` -> image batch (B, C, H, W) in [-1, 1], PNG
            bytes, or a matplotlib figure; one keyword per control.
        controls: ``{"name": widget}``, in display order.
        title: a line of text above the controls.
        nrow, scale: grid layout and pixel enlargement for image batches.
        width: display width of the picture in pixels.

    Attributes: ``image`` (the ImageView), ``error`` (HTML, empty when all is
    well), ``seconds`` (duration of the last render), ``renders`` (count).
    """

    def __init__(self, render, controls, title=None, nrow=8, scale=3, width=None):
        self.render_fn, self.controls = render, dict(controls)
        self.nrow, self.scale = nrow, scale
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
        from coursekit.viz import figure_to_png, to_png

        if isinstance(picture, (bytes, bytearray)):
            return bytes(picture)
        if hasattr(picture, "savefig"):
            return figure_to_png(picture)
        return to_png(picture, nrow=self.nrow, scale=self.scale)

    def _repr_mimebundle_(self, **kwargs):
        # Live widget where a front end renders widgets; the current picture as a
        # plain PNG for every other reader (nbconvert, GitHub, test logs).
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        if self.image.value:
            bundle["image/png"] = base64.b64encode(bytes(self.image.value)).decode()
        return bundle


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


def interpolation(G, steps=10, nz=None):
    """Walk from one latent point to another, linearly or on the sphere (``ck.latent``).

    Two seed sliders pick the end points z0 and z1; the row shows G along the path.
    """
    import torch

    from coursekit.latent import lerp, slerp

    nz = nz or G.config.nz
    t = torch.linspace(0, 1, steps)

    @torch.no_grad()
    def render(seed_a, seed_b, path):
        z0 = torch.randn(nz, generator=torch.Generator().manual_seed(seed_a))
        z1 = torch.randn(nz, generator=torch.Generator().manual_seed(seed_b))
        zs = (slerp if path == "spherical" else lerp)(z0, z1, t)
        return G(zs.to(next(G.parameters()).device)).cpu()

    return Explorer(render, {"seed_a": slider("start (seed)", 0, 99, 0), "seed_b": slider("end (seed)", 0, 99, 1),
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
    import torch

    nz = G.config.nz
    g = torch.Generator().manual_seed(seed)
    basis, _ = torch.linalg.qr(torch.randn(nz, directions, generator=g))  # (nz, k), orthonormal columns
    z = torch.randn(samples, nz, generator=g)

    @torch.no_grad()
    def draw(codes):
        return G(codes.to(next(G.parameters()).device)).cpu()

    return direction_sliders(draw, z, {f"direction {i + 1}": basis[:, i] for i in range(directions)}, span=span,
                             title=f"{samples} samples moved along {directions} directions of z")


def replay(frames, frame_steps, title="What G draws for the same 64 z as training goes", captions=None, nrow=8,
           scale=2):
    """Scrub through images saved during training: ``frames`` (T, B, C, H, W), uint8 or floats in
    [-1, 1], ``frame_steps`` (T,), the slider's values; ``captions`` (T strings) label them instead."""
    if len(frames) != len(frame_steps) or (captions is not None and len(captions) != len(frames)):
        raise ValueError(f"one step (and caption) per frame: {len(frames)} frames, {len(frame_steps)} steps"
                         + (f", {len(captions)} captions" if captions is not None else ""))
    import torch

    steps = [int(s) for s in frame_steps]
    options = list(zip([str(c) for c in captions or steps], steps))

    def render(step):
        frame = frames[steps.index(step)]
        return frame.float() / 127.5 - 1 if frame.dtype == torch.uint8 else frame.float()

    return Explorer(render, {"step": W.SelectionSlider(description="training step", options=options,
                                                       value=steps[-1], continuous_update=False,
                                                       layout=W.Layout(width="480px"))},
                    title=title, nrow=nrow, scale=scale)


def growth(snapshots):
    """ProGAN's training replayed (notebook 05): the same codes drawn at each snapshot, with the
    resolution and the fade-in's α on the slider.  ``snapshots`` = {"images" (T, B, C, S, S),
    "steps", "stage", "alpha" (T,)}, as ``progan.train_progan`` returns and the zoo keeps them."""
    if not len(snapshots["images"]):
        raise ValueError("no snapshots to show: the run kept none (was snapshot_every longer than the run?)")
    captions = [f"{int(s)}: {4 * 2 ** int(k)}x{4 * 2 ** int(k)}" + (f", α {a:.2f}" if a < 1 else "")
                for s, k, a in zip(snapshots["steps"], snapshots["stage"], snapshots["alpha"])]
    return replay(snapshots["images"], snapshots["steps"], captions=captions, nrow=len(snapshots["images"][0]),
                  scale=3, title="ProGAN growing: the same codes at every snapshot (step: resolution, α)")


def _conditional_z(G, n, seed):
    import torch

    return torch.randn(n, G.config.nz, generator=torch.Generator().manual_seed(seed))


def class_and_style(G, samples=16):
    """Pick a digit and a style: the same latent vectors for every digit, so z carries the style."""
    import torch

    @torch.no_grad()
    def render(digit, style):
        z = _conditional_z(G, samples, style)
        return G(z.to(next(G.parameters()).device), torch.full((samples,), digit, dtype=torch.long)).cpu()

    return Explorer(render, {"digit": picker("digit", range(10)), "style": slider("style (seed of z)", 0, 99, 0)},
                    title="G(z, y): y picks the digit, z the handwriting (same z for every digit)", nrow=8, scale=2)


def ten_classes(G, rows=3):
    """The ten digits drawn with the same z, for a few z (one row each)."""
    import torch

    @torch.no_grad()
    def render(style):
        z = _conditional_z(G, rows, style).repeat_interleave(10, 0)
        y = torch.arange(10).repeat(rows)
        return G(z.to(next(G.parameters()).device), y).cpu()

    return Explorer(render, {"style": slider("style (seed of z)", 0, 99, 0)},
                    title="Each row: one z, the ten labels", nrow=10, scale=2)


def label_interpolation(G, steps=9):
    """Blend two one-hot labels, (1 − t)·e_a + t·e_b, with z fixed."""
    import torch

    t = torch.linspace(0, 1, steps)[:, None]

    @torch.no_grad()
    def render(start, end, style):
        eye = torch.eye(10)
        y_vec = (1 - t) * eye[start] + t * eye[end]
        z = _conditional_z(G, 1, style).expand(steps, -1)
        dev = next(G.parameters()).device
        return G.from_label_vector(z.to(dev), y_vec.to(dev)).cpu()

    return Explorer(render, {"start": picker("from", range(10), 3), "end": picker("to", range(10), 8),
                             "style": slider("style (seed of z)", 0, 99, 0)},
                    title="Interpolation in label space: (1 − t)·one_hot(a) + t·one_hot(b)", nrow=steps, scale=2)


def forward_process(images, schedules, seed=0):
    """Scrub t over the forward process q(x_t | x_0): one row of ``images`` per schedule (same noise).

    ``schedules``: ``{"linear": DDPMSchedule(), "cosine": DDPMSchedule(beta_schedule=...)}``.
    """
    import torch

    noise = torch.randn(images.shape, generator=torch.Generator().manual_seed(seed))
    T = min(s.num_train_timesteps for s in schedules.values())

    def render(t):
        return torch.cat([s.add_noise(images, noise, t) for s in schedules.values()]).clamp(-1, 1)

    return Explorer(render, {"t": slider("t", 0, T - 1, T * 3 // 10)},
                    title="x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε; rows: " + ", ".join(schedules), nrow=len(images), scale=2)


def reverse_trajectory(trajectory):
    """Scrub through a saved reverse trajectory ``[(t, x_t, x̂_0), ...]`` (from ``ddpm.sample``):
    top row x_t, bottom row the model's guess of x_0 at that step.  Nothing is sampled while scrubbing."""
    import torch

    steps = [int(t) for t, _, _ in trajectory]

    def render(t):
        _, x, x0 = trajectory[steps.index(t)]
        return torch.cat([x.clamp(-1, 1), x0])

    return Explorer(render, {"t": W.SelectionSlider(description="t", options=steps, value=steps[0],
                                                    continuous_update=True, layout=W.Layout(width="480px"))},
                    title="Reverse process: x_t (top) and the predicted x̂_0 (bottom)",
                    nrow=len(trajectory[0][1]), scale=2)


def guidance(model, schedule, samples=8, steps=20, scales=(0.0, 1.0, 2.0, 3.0, 5.0, 8.0), seed=0):
    """Classifier-free guidance: pick a digit and a guidance scale.  Each (digit, scale) is sampled
    once (``samples`` images, DDIM ``steps`` steps, the same starting noise) and then cached."""
    from functools import lru_cache

    import torch

    from coursekit.models import ddpm

    @lru_cache(maxsize=None)
    def render(digit, scale):
        return ddpm.sample(model, schedule, labels=torch.full((samples,), digit), steps=steps, guidance_scale=scale,
                           generator=torch.Generator().manual_seed(seed))

    return Explorer(render, {"digit": picker("digit", range(10), 3),
                             "scale": W.SelectionSlider(description="guidance", options=list(scales), value=3.0,
                                                        continuous_update=False, layout=W.Layout(width="480px"))},
                    title=f"ε_u + s·(ε_c − ε_u), DDIM {steps} steps, same noise for every s", nrow=samples, scale=2)


def face_factors(G, task="labels", faces=6, seed=1, translate=None, paint=False):
    """A translator of faces' maps on faces you redraw: change glasses, smile, eyes or hair style, and see
    the condition (label or edge map) redrawn and G's photo follow.  Rows: condition, G's photo, the true
    render.  ``translate(G, condition)`` makes the photos (default: Pix2Pix's, dropout off; notebook 04
    passes ``cyclegan.translate``).  ``paint=True`` (label maps only) adds a brush: a disc of one part,
    at a place and size you choose, painted over every map (the true render cannot follow a painted map)."""
    import torch

    from coursekit import faces as _faces
    from coursekit.models import pix2pix

    if paint and task != "labels":
        raise ValueError(f"paint=True paints parts on label maps: use it with task='labels', not {task!r}")
    base = _faces.sample_factors(faces, seed=seed)
    size = 64
    translate = translate or (lambda G, c: pix2pix.translate(G, c, dropout=False))
    axis = torch.arange(size, dtype=torch.float32)

    @torch.no_grad()
    def render(glasses, smile, eyes, hair, part="no paint", x=0.5, y=0.5, radius=0.1):
        f = {k: v.clone() for k, v in base.items()}
        f["glasses"][:] = {"as drawn": f["glasses"], "on": 1, "off": 0}[glasses]
        f["eyes_open"][:] = {"as drawn": f["eyes_open"], "open": 1, "closed": 0}[eyes]
        f["smile"][:] = smile
        if hair != "as drawn":
            f["hair_style"][:] = _faces.HAIR_STYLES.index(hair)
        batch = _faces.faces(faces, size=size, factors=f)
        if part != "no paint":  # a disc of the part: centre (x, y) and radius as shares of the image
            disc = ((axis[None, :] - x * size) ** 2 + (axis[:, None] - y * size) ** 2) <= (radius * size) ** 2
            batch.labels[:, disc] = _faces.PARTS.index(part)
        condition, photo = pix2pix.task_pair(batch, task)
        return torch.cat([condition.expand(-1, 3, -1, -1), translate(G, condition), photo])

    controls = {"glasses": picker("glasses", ["as drawn", "on", "off"]),
                "smile": slider("smile", -1.0, 1.0, 0.5, step=0.1),
                "eyes": picker("eyes", ["as drawn", "open", "closed"]),
                "hair": picker("hair", ["as drawn", *_faces.HAIR_STYLES])}
    if paint:
        controls.update(part=picker("paint", ["no paint", *_faces.PARTS]), x=slider("brush x", 0.0, 1.0, 0.5),
                        y=slider("brush y", 0.0, 1.0, 0.3), radius=slider("brush size", 0.02, 0.4, 0.1))
    return Explorer(render, controls,
                    title=f"{task} -> photo: the condition (top), G's photo (middle), the true render (bottom)",
                    nrow=faces, scale=2)


def spread_map(images):
    """The per-pixel standard deviation of ``images`` (B, C, H, W) over the batch, as one grey image
    (1, 3, H, W) in [-1, 1] scaled to its maximum: bright where the images differ."""
    spread = images.std(0, keepdim=True).mean(1, keepdim=True)
    return (spread / spread.max().clamp(min=1e-6) * 2 - 1).expand(1, 3, -1, -1)


def dropout_variety(G, condition, samples=6):
    """How much variety Pix2Pix's only noise (dropout) gives: ``samples`` photos for one condition
    (N, C, H, W), each with fresh dropout masks, and the per-pixel spread (bright: where they differ)."""
    import torch

    from coursekit.models import pix2pix

    options = list(range(len(condition)))

    def render(image, seed):
        torch.manual_seed(seed)
        c = condition[image:image + 1].expand(samples, -1, -1, -1)
        fake = pix2pix.translate(G, c, dropout=True)
        return torch.cat([c[:1].expand(1, 3, -1, -1), fake, spread_map(fake)])

    return Explorer(render, {"image": picker("input", options), "seed": slider("dropout seed", 0, 99, 0)},
                    title=f"One input, {samples} dropout draws, then their per-pixel spread (scaled to its maximum)",
                    nrow=samples + 2, scale=2)


def cycle_explorer(cycles):
    """CycleGAN's two cycles, image by image: the input, its translation, the way back, and the error
    map |reconstruction − input| (bright: lost on the way).  ``cycles`` maps a model's name (the zoo
    model, each ablation) to its ``cyclegan.cycle_samples`` (6, n, 3, H, W), precomputed: switching
    models or images costs no network run."""
    import torch

    names = list(cycles)
    n = next(iter(cycles.values())).shape[1]

    def render(model, direction, image):
        c = cycles[model][:, image]
        x, fake, rec = (c[0], c[1], c[2]) if direction.startswith("A") else (c[3], c[4], c[5])
        error = (rec - x).abs().mean(0, keepdim=True).clamp(max=1) * 2 - 1  # 0 -> black, >= 1 -> white
        return torch.stack([x, fake, rec, error.expand(3, -1, -1)])

    return Explorer(render, {"model": picker("model", names),
                             "direction": picker("cycle", ["A → B → A", "B → A → B"]),
                             "image": slider("image", 0, n - 1, 0)},
                    title="input, translation, back again, and the error map |back − input|", nrow=4, scale=4)


# --------------------------------------------------------------------------------------------
# StyleGAN (notebook 06)

def style_mixing(G, n=4):
    """The style-mixing figure, live: sources A (left) and B (top) from two seeds, and in each cell A's
    styles for the layers before the crossover, B's from there on."""
    from coursekit.models import stylegan

    res = stylegan.layer_resolutions(G.config)
    options = [(f"{c}: A up to {res[c - 1]}x{res[c - 1]}", c) for c in range(1, G.config.num_ws)]

    def render(seed_a, seed_b, crossover):
        return stylegan.mixing_grid(G, n, seed_a, seed_b, layers=range(crossover))

    return Explorer(render, {"seed_a": slider("sources A (seed)", 0, 99, 0),
                             "seed_b": slider("sources B (seed)", 0, 99, 1),
                             "crossover": W.Dropdown(description="crossover", options=options, value=3)},
                    title="Style mixing: A's styles before the crossover layer, B's after", nrow=n + 1, scale=3)


def truncation(G, samples=16, seed=0):
    """The truncation trick: the same codes drawn with w' = w̄ + ψ (w − w̄) as ψ moves."""
    import torch

    from coursekit.models import stylegan

    @torch.no_grad()
    def render(psi):
        return stylegan.generate(G, samples, seed, psi=psi)

    return Explorer(render, {"psi": slider("ψ", -0.5, 1.5, 1.0, step=0.05)},
                    title="Truncation: ψ = 1 is G as trained, ψ = 0 the mean face, ψ < 0 the 'anti-face'",
                    nrow=8, scale=3)


def noise_layers(G, faces=3, draws=6):
    """Stochastic variation: each row one w drawn with ``draws`` noise draws, then their per-pixel
    spread; a checkbox per resolution turns that resolution's noise inputs on or off."""
    import torch

    from coursekit.models import stylegan

    res = stylegan.noise_resolutions(G.config)
    sizes = sorted(set(res))
    ws = G.styles(stylegan.codes(G, faces, seed=0)).detach()

    @torch.no_grad()
    def render(seed, **on):
        use = [on[f"noise_{r}"] for r in res]
        rows = []
        for i in range(faces):
            noise = stylegan.fixed_noise(G, draws, seed * 100 + i)
            x = G.synthesis(ws[i:i + 1].expand(draws, -1, -1), noise, use_noise=use).clamp(-1, 1).cpu()
            rows += [x, spread_map(x)]
        return torch.cat(rows)

    controls = {"seed": slider("noise seed", 0, 99, 0)}
    controls.update({f"noise_{r}": W.Checkbox(description=f"noise at {r}x{r}", value=True, indent=False)
                     for r in sizes})
    return Explorer(render, controls, title=f"{faces} faces (rows), each with {draws} noise draws and their spread",
                    nrow=draws + 1, scale=3)


def style_directions(G, directions, samples=8, seed=0, span=3.0):
    """Faces moved along named directions of W ({name: unit (w_dim,)}), one slider each (in units of
    the spread of w along the direction)."""
    import torch

    from coursekit.models import stylegan

    w = G.mapping(stylegan.codes(G, samples, seed)).detach()
    scale = {name: (w @ d).std().item() if samples > 1 else 1.0 for name, d in directions.items()}
    noise = stylegan.fixed_noise(G, samples, seed)

    @torch.no_grad()
    def draw(codes):
        return G.synthesis(codes.unsqueeze(1).repeat(1, G.config.num_ws, 1), noise).clamp(-1, 1).cpu()

    scaled = {name: d * scale[name] for name, d in directions.items()}
    return direction_sliders(draw, w, scaled, span=span, title=f"{samples} faces moved along directions of W")


# --------------------------------------------------------------------------------------------
# GAN inversion and editing (notebook 07)

def edit_inverted(G, targets, codes, directions, span=3.0):
    """Edit inverted faces: pick a face (``targets`` (N, 3, S, S) and their W+ ``codes``, inverted
    beforehand, so that a slider costs one synthesis), then move it along named unit ``directions``
    of W.  Shows the face, its inversion and the edit."""
    import torch

    from coursekit.models import inversion

    names = list(directions)

    def render(face, **amounts):
        shift = sum(amounts[f"d{i}"] * directions[name] for i, name in enumerate(names))
        code = codes[face:face + 1]
        with torch.no_grad():
            pair = inversion.synthesize(G, torch.cat([code, code + shift]), "w+").clamp(-1, 1).cpu()
        return torch.cat([targets[face:face + 1].cpu(), pair])

    controls = {"face": slider("face", 0, len(targets) - 1, 0)}
    controls.update({f"d{i}": slider(name, -span, span, 0.0, step=0.25) for i, name in enumerate(names)})
    return Explorer(render, controls, title="the face, its inversion, and the inversion edited", nrow=3, scale=5)
