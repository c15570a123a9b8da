"""Printed digits in a street-number style, rendered by the course (``ck.data.printed_digits``).

CycleGAN's second domain for notebook 04: digits 0-9 set in the fonts that ship
with matplotlib (sans, serif, monospace, bold, italic, Computer Modern), light ink
of a random colour on a dark plate of another, with a soft gradient, slightly scaled,
rotated, sheared and offset, blurred and noisy.  28x28 RGB, like MNIST in size,
never paired with an MNIST digit.

Each glyph is drawn once per process by matplotlib's Agg renderer (anti-aliased)
into a 64x64 coverage mask; every image is then one affine resampling of its mask
and a few tensor operations, batched.  Image ``i`` of seed ``s`` is always the same.
"""

from functools import lru_cache
from pathlib import Path

import torch
import torch.nn.functional as F

SIZE = 28
GLYPH = 64  # side of the cached glyph masks

#: Fonts of matplotlib's own data folder (present wherever matplotlib is installed).
FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf",
         "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSansMono-Oblique.ttf", "DejaVuSerif.ttf",
         "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf", "STIXGeneral.ttf",
         "STIXGeneralBol.ttf", "STIXGeneralItalic.ttf", "STIXGeneralBolIta.ttf", "cmr10.ttf", "cmss10.ttf",
         "cmtt10.ttf", "cmb10.ttf", "cmti10.ttf")


@lru_cache(maxsize=1)
def glyphs():
    """Coverage masks (len(FONTS), 10, GLYPH, GLYPH) in [0, 1] of the digits 0-9 in each font, centred,
    and the height of each digit's ink as a share of the mask (len(FONTS), 10)."""
    import matplotlib  # deferred: the glyphs are drawn once per process (cached), most runs need none
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    fig = Figure(figsize=(1, 1), dpi=GLYPH)
    canvas = FigureCanvasAgg(fig)
    masks, heights = torch.zeros(len(FONTS), 10, GLYPH, GLYPH), torch.zeros(len(FONTS), 10)
    for f, font in enumerate(FONTS):
        prop = FontProperties(fname=str(folder / font), size=44)
        for d in range(10):
            fig.clear()
            fig.text(0.5, 0.5, str(d), fontproperties=prop, ha="center", va="center", color="black")
            canvas.draw()
            rgba = torch.frombuffer(bytearray(canvas.buffer_rgba()), dtype=torch.uint8).view(GLYPH, GLYPH, 4)
            ink = 1 - rgba[..., 0].float() / 255
            # centre the ink's bounding box (fonts place digits differently around the baseline)
            rows, cols = ink.sum(1).nonzero(), ink.sum(0).nonzero()
            dy = GLYPH // 2 - (int(rows.min()) + int(rows.max()) + 1) // 2
            dx = GLYPH // 2 - (int(cols.min()) + int(cols.max()) + 1) // 2
            masks[f, d] = torch.roll(ink, (dy, dx), (0, 1))
            heights[f, d] = (int(rows.max()) - int(rows.min()) + 1) / GLYPH
    return masks, heights


def sample_style(n, seed=0, start=0):
    """The labels and style of images ``start .. start + n - 1`` of ``seed`` (a dict of (n, ...) tensors);
    each image draws from its own generator seeded by (seed, index)."""
    rows = []
    for i in range(start, start + n):
        g = torch.Generator().manual_seed(seed * 1_000_033 + i + 17)
        rows.append(torch.rand(17, generator=g))
    u = torch.stack(rows) if rows else torch.zeros(0, 17)
    # light ink on a dark plate, as on a house-number sign, so that ink is bright as in MNIST and
    # CycleGAN translates style, not polarity (u[:, 15] is left unused)
    ink, paper = 0.55 + 0.45 * u[:, 4:7], 0.45 * u[:, 7:10]
    return {
        "label": (u[:, 0] * 10).long().clamp(max=9),
        "font": (u[:, 1] * len(FONTS)).long().clamp(max=len(FONTS) - 1),
        "scale": 0.62 + 0.28 * u[:, 2],                  # glyph height, share of the image
        "angle": (u[:, 3] - 0.5) * 0.3,                  # radians, about +-8.6 degrees
        "ink": ink, "paper": paper,
        "shear": (u[:, 10] - 0.5) * 0.3,
        "shift": (u[:, 11:13] - 0.5) * 0.16,             # in half-widths of the image
        "gradient": (u[:, 13] - 0.5) * 0.5,              # brightness change across the image
        "gradient_angle": u[:, 14] * 2 * torch.pi,
        "blur": 0.9 * u[:, 16],                           # Gaussian sigma, pixels
    }


def render(style, noise_seed=0):
    """Images (N, 3, 28, 28) in [-1, 1] from a :func:`sample_style` dict."""
    n = len(style["label"])
    masks, heights = glyphs()
    masks, heights = masks[style["font"], style["label"]].unsqueeze(1), heights[style["font"], style["label"]]
    # inverse affine map (output -> glyph coordinates, both [-1, 1] across): rotate, shear, scale, shift;
    # the digit's ink, heights[i] of its mask, becomes scale[i] of the image
    s = heights / style["scale"]
    cos, sin, sh = torch.cos(style["angle"]), torch.sin(style["angle"]), style["shear"]
    a = torch.stack([cos, -sin + sh * cos, sin, cos + sh * sin], 1).view(n, 2, 2) * s.view(n, 1, 1)
    theta = torch.cat([a, -torch.einsum("nij,nj->ni", a, style["shift"]).unsqueeze(2)], 2)
    # sample at twice the size and average 2x2: anti-aliased down-scaling
    grid = F.affine_grid(theta, [n, 1, 2 * SIZE, 2 * SIZE], align_corners=False)
    cover = F.avg_pool2d(F.grid_sample(masks, grid, align_corners=False), 2)  # (N, 1, S, S)
    # paper with a linear brightness gradient, ink on top
    axis = torch.linspace(-1, 1, SIZE)
    yy, xx = torch.meshgrid(axis, axis, indexing="ij")
    ga = style["gradient_angle"].view(n, 1, 1)
    ramp = (torch.cos(ga) * xx + torch.sin(ga) * yy) * style["gradient"].view(n, 1, 1) / 2
    paper = (style["paper"].view(n, 3, 1, 1) + ramp.unsqueeze(1)).clamp(0, 1)
    image = torch.lerp(paper, style["ink"].view(n, 3, 1, 1).expand_as(paper), cover)
    image = _blur(image, style["blur"])
    g = torch.Generator().manual_seed(noise_seed)
    image = image + 0.02 * torch.randn(image.shape, generator=g)
    return (image.clamp(0, 1) * 2 - 1).contiguous()


def _blur(images, sigma):
    """Gaussian blur with a per-image sigma (pixels), as one grouped convolution."""
    n, c = images.shape[:2]
    r = torch.arange(-2, 3, dtype=torch.float32)
    k = torch.exp(-r ** 2 / (2 * sigma.clamp(min=1e-3).view(n, 1) ** 2))
    k = k / k.sum(1, keepdim=True)                                  # (N, 5)
    k2 = (k[:, :, None] * k[:, None, :]).repeat_interleave(c, 0)    # (N*C, 5, 5)
    x = F.pad(images.reshape(1, n * c, SIZE, SIZE), (2, 2, 2, 2), mode="replicate")
    return F.conv2d(x, k2.unsqueeze(1), groups=n * c).view(n, c, SIZE, SIZE)


def printed_images(n, seed=0, start=0):
    """Images ``start ..`` of ``seed``: (images (n, 3, 28, 28) in [-1, 1], labels (n,)).
    ``ck.data.printed_digits`` wraps them as a data set."""
    style = sample_style(n, seed=seed, start=start)
    return render(style, noise_seed=seed * 1_000_033 + start), style["label"]
