"""Cartoon faces with known factors of variation, rendered by the course (``ck.data.faces``).

No face or facade data set can be downloaded here, and a generated one has a
gift real data lacks: ground truth.  Every image comes with the factors that
drew it (face shape, skin tone, hair colour and style, eyes open, smile,
glasses, head position and tilt, background, light), a per-pixel label map and
an edge map, so that translation, editing and disentanglement can be measured.

Rendering is vectorised over the batch: each part is a signed distance
function on the pixel grid, turned into an anti-aliased coverage by a linear
ramp one pixel wide, and the parts are composited back to front.  Image ``i`` of
seed ``s`` is the same whatever batch it is rendered in.

With ``detail=True`` the photos also carry what a real photo carries and a
label map does not decide: strands in the hair, pores and blotches in the skin,
a mottled, grainy background, each at two scales and drawn from the image's
own random numbers (:func:`detail_fields`), not from its factors.  A translator
from label maps cannot know them; it can only draw detail of the right kind
(Pix2Pix, notebook 03), or blur it away.
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F

SIZES = (32, 64, 128)

#: Per-pixel classes of the label maps, in drawing order (later ones cover earlier ones).
PARTS = ("background", "skin", "hair", "eyes", "mouth", "glasses")

FACE_SHAPES = ("round", "oval", "long")
HAIR_STYLES = ("short", "long", "bald", "curly")
SKIN_TONES = torch.tensor([[0.98, 0.85, 0.74], [0.93, 0.75, 0.60], [0.80, 0.60, 0.44],
                           [0.62, 0.43, 0.30], [0.42, 0.28, 0.19]])
HAIR_COLOURS = torch.tensor([[0.10, 0.08, 0.07], [0.40, 0.24, 0.12], [0.85, 0.70, 0.35],
                             [0.70, 0.25, 0.10], [0.75, 0.75, 0.78]])
HAIR_COLOUR_NAMES = ("black", "brown", "blond", "red", "grey")
BACKGROUNDS = torch.tensor([[0.55, 0.70, 0.90], [0.60, 0.85, 0.60], [0.95, 0.85, 0.55],
                            [0.85, 0.60, 0.75], [0.70, 0.70, 0.72], [0.35, 0.40, 0.55]])

#: The factors each image carries: name -> (kind, number of classes or value range).
FACTORS = {
    "face_shape": ("class", len(FACE_SHAPES)),
    "skin_tone": ("class", len(SKIN_TONES)),
    "hair_colour": ("class", len(HAIR_COLOURS)),
    "hair_style": ("class", len(HAIR_STYLES)),
    "eyes_open": ("class", 2),
    "glasses": ("class", 2),
    "background": ("class", len(BACKGROUNDS)),
    "smile": ("value", (-1.0, 1.0)),
    "tilt": ("value", (-0.3, 0.3)),        # head roll, radians
    "x": ("value", (-0.12, 0.12)),          # head position, in half-widths of the image
    "y": ("value", (-0.08, 0.08)),
    "light": ("value", (-1.0, 1.0)),        # light from the left (-1) to the right (+1)
}

#: The factors that are classes (the others are values in a range).
CLASS_FACTORS = tuple(name for name, (kind, _) in FACTORS.items() if kind == "class")


def sample_factors(n, seed=0, start=0):
    """The factors of images ``start .. start + n - 1`` of ``seed``: a dict of (n,) tensors.

    Each image draws from its own generator seeded by (seed, index), so an image
    does not depend on which batch it is rendered in.
    """
    columns = {name: [] for name in FACTORS}
    for i in range(start, start + n):
        g = torch.Generator().manual_seed(seed * 1_000_003 + i)
        u = torch.rand(len(FACTORS), generator=g)
        for (name, (kind, spec)), v in zip(FACTORS.items(), u.tolist()):
            if kind == "class":
                # eyes open 85% and glasses 30% of the time; other classes uniform
                p = {"eyes_open": 0.15, "glasses": 0.70}.get(name)
                columns[name].append(int(v >= p) if p is not None else min(int(v * spec), spec - 1))
            else:
                lo, hi = spec
                columns[name].append(lo + v * (hi - lo))
    return {name: torch.tensor(vals, dtype=torch.long if FACTORS[name][0] == "class" else torch.float32)
            for name, vals in columns.items()}


def _check_factors(f):
    missing = [name for name in FACTORS if name not in f]
    if missing:
        raise ValueError(
            f"factors lack {missing}; start from ck.faces.sample_factors(n) and change what you want")
    n = len(f["smile"])
    for name, (kind, spec) in FACTORS.items():
        v = torch.as_tensor(f[name])
        if v.shape != (n,):
            raise ValueError(f"factor {name!r} has shape {tuple(v.shape)}, expected ({n},) like the others")
        if kind == "class" and (v.min() < 0 or v.max() >= spec):
            raise ValueError(f"factor {name!r} must be a class in 0..{spec - 1}, got values "
                             f"{v.unique().tolist()}")
    return n


def _cover(d, px):
    """Anti-aliased coverage of the region d < 0 (d a signed distance): a ramp one pixel wide."""
    return (0.5 - d / px).clamp(0, 1)


def _ellipse(x, y, cx, cy, rx, ry):
    """Approximate signed distance to an axis-aligned ellipse (exact for circles), in image units."""
    return (torch.hypot((x - cx) / rx, (y - cy) / ry) - 1) * torch.minimum(rx, ry)


#: The random fields of the detail: name -> (rows, columns) of the grid it is drawn on.  A field is
#: fixed in image coordinates, so a face shows the same detail at every size; bilinear sampling
#: between the grid's points sets its scale (coarse fields are blotches, fine ones grain).
DETAIL_GRIDS = {"background_coarse": (6, 6), "background_fine": (32, 32), "skin_coarse": (8, 8),
                "skin_fine": (64, 64), "strands": (4, 48), "strand_wave": (6, 6)}


def detail_fields(seeds):
    """The detail's random fields of images with these per-image ``seeds`` (N,): {name: (N, 1, rows, cols)}
    of standard normal values, image i's drawn from its own generator (the same in any batch)."""
    sizes = [r * c for r, c in DETAIL_GRIDS.values()]
    draws = torch.stack([torch.randn(sum(sizes), generator=torch.Generator().manual_seed(int(s)))
                         for s in torch.as_tensor(seeds).view(-1).tolist()])
    return {name: part.view(-1, 1, *grid)
            for (name, grid), part in zip(DETAIL_GRIDS.items(), draws.split(sizes, dim=1))}


def _sample(field, x, y):
    """A field (N, 1, rows, cols) read at image coordinates x, y (N, S, S) in [-1, 1]: (N, S, S)."""
    return F.grid_sample(field, torch.stack([x, y], -1), mode="bilinear", padding_mode="reflection",
                         align_corners=False).squeeze(1)


def detail_seeds(n, seed=0, start=0):
    """The per-image seeds of the detail of images ``start .. start + n - 1`` of ``seed`` (not those of
    their factors: the detail is independent of what the label map shows)."""
    return (seed * 1_000_003 + torch.arange(start, start + n)) * 2 + 1


def render(factors, size=64, detail=None):
    """Render faces from their factors: (images (N, 3, S, S) in [-1, 1], label maps (N, S, S) int64).

    ``factors`` is a dict of (N,) tensors as :func:`sample_factors` returns (change
    any of them to redraw the same faces with, e.g., glasses or a smile).  ``detail``:
    None for flat colours, or (N,) per-image seeds (:func:`detail_seeds`) of the hair
    strands, skin and background texture; the label maps are the same either way.
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}, got {size}")
    n = _check_factors(factors)
    f = {k: torch.as_tensor(v) for k, v in factors.items()}
    col = lambda v: v.float().view(n, 1, 1)  # noqa: E731  (N,) -> (N, 1, 1) to broadcast over pixels
    px = 2.0 / size                           # one pixel, in image units ([-1, 1] across)
    axis = (torch.arange(size, dtype=torch.float32) + 0.5) * px - 1
    Y, X = torch.meshgrid(axis, axis, indexing="ij")
    X, Y = X.expand(n, size, size), Y.expand(n, size, size)

    # face-local coordinates: centred on the head, rotated by the tilt
    cx, cy, tilt = col(f["x"]), col(f["y"]) + 0.05, col(f["tilt"])
    c, s = torch.cos(tilt), torch.sin(tilt)
    u = c * (X - cx) + s * (Y - cy)
    v = -s * (X - cx) + c * (Y - cy)

    shape = f["face_shape"]
    rx = col(torch.tensor([0.50, 0.44, 0.38])[shape])
    ry = col(torch.tensor([0.52, 0.56, 0.62])[shape])
    light = col(f["light"])

    # background: its colour with a vertical gradient, lit from the side
    bg = BACKGROUNDS[f["background"]].view(n, 3, 1, 1)
    image = bg * (1.0 - 0.15 * Y.unsqueeze(1) + 0.08 * light.unsqueeze(1) * X.unsqueeze(1))
    grain = {"background": 1.0, "skin": 1.0, "hair": 1.0}  # brightness factors; all 1 without detail
    if detail is not None:
        if torch.as_tensor(detail).shape != (n,):
            raise ValueError(f"detail must be (N,) per-image seeds, N = {n} (ck.faces.detail_seeds), "
                             f"got shape {tuple(torch.as_tensor(detail).shape)}")
        d = detail_fields(detail)
        grain["background"] = (1 + 0.10 * _sample(d["background_coarse"], X, Y)
                               + 0.05 * _sample(d["background_fine"], X, Y))
        image = image * grain["background"].unsqueeze(1)
    labels = torch.zeros(n, size, size, dtype=torch.long)

    def paint(coverage, colour, label):
        # "over" compositing: image <- (1 - a)·image + a·colour, in place
        image.lerp_(colour.expand_as(image), coverage.unsqueeze(1))
        labels.masked_fill_(coverage > 0.5, label)

    hair_rgb = HAIR_COLOURS[f["hair_colour"]].view(n, 3, 1, 1)
    style = f["hair_style"].view(n, 1, 1)
    if detail is not None:
        # strands run down the head (face coordinates): brightness varies across them, slowly along
        # them; curly hair's strands wave more
        bend = 0.03 * (1 + 2 * (style == 3)) * _sample(d["strand_wave"], u, v)
        grain["hair"] = (1 + 0.22 * _sample(d["strands"], (u + bend) / 0.9, v / 1.2)).unsqueeze(1)
        grain["skin"] = (1 + 0.04 * _sample(d["skin_coarse"], X, Y)
                         + 0.035 * _sample(d["skin_fine"], X, Y)).unsqueeze(1)

    # long hair falls behind the face, down to the shoulders
    back = _ellipse(u, v, 0, 0.12, rx + 0.10, ry + 0.28)
    back = torch.maximum(back, v - ry * 0.75)  # down the sides to the jaw, not under the chin
    hair_back = _cover(back, px) * (style == 1)

    # the face, shaded as a sphere lit from the side
    face_d = _ellipse(u, v, 0, 0, rx, ry)
    nu, nv = (u / rx).clamp(-1, 1), (v / ry).clamp(-1, 1)
    nz = torch.sqrt((1 - nu**2 - nv**2).clamp(min=0))
    shade = 0.75 + 0.25 * (nz + 0.6 * light * nu - 0.2 * nv)
    skin = SKIN_TONES[f["skin_tone"]].view(n, 3, 1, 1) * shade.unsqueeze(1) * grain["skin"]

    # the cap of hair over the top of the head; curly hair has a wavy edge
    wave = 0.035 * torch.sin(u / rx * 9.0) * (style == 3)
    cap = torch.maximum(_ellipse(u, v, 0, -0.06, rx + 0.05, ry + 0.03), v + ry * 0.45 + wave)
    hair_cap = _cover(cap, px) * (style != 2)

    # eyes: white with a dark iris when open, a short dark line when closed
    ex, ey, er = rx * 0.42, -ry * 0.12, col(torch.full((n,), 0.085))
    eye_l, eye_r = _ellipse(u, v, -ex, ey, er, er * 0.75), _ellipse(u, v, ex, ey, er, er * 0.75)
    openness = col(f["eyes_open"])
    eye_white = _cover(torch.minimum(eye_l, eye_r), px) * openness
    iris = _cover(torch.minimum(_ellipse(u, v, -ex, ey, er * 0.5, er * 0.5),
                                _ellipse(u, v, ex, ey, er * 0.5, er * 0.5)), px) * openness
    lid = torch.minimum(torch.maximum((v - ey).abs() - 0.012,
                                      torch.minimum((u + ex).abs(), (u - ex).abs()) - er),
                        torch.tensor(9.0))
    eye_closed = _cover(lid, px) * (1 - openness)

    # the mouth: a parabola, curving up with the smile, drawn as a thick stroke
    smile, mw = col(f["smile"]), rx * 0.45
    mouth_y = ry * 0.45 + smile * 0.10 * (1 - (u / mw) ** 2)  # v grows downwards
    mouth = torch.maximum((v - mouth_y).abs() - 0.02 - 0.012 * smile.clamp(min=0), u.abs() - mw)
    mouth_cov = _cover(mouth, px)

    # glasses: two rings and a bridge
    ring = torch.minimum(_ellipse(u, v, -ex, ey, er * 1.8, er * 1.5).abs(),
                         _ellipse(u, v, ex, ey, er * 1.8, er * 1.5).abs()) - 0.018
    bridge = torch.maximum((v - ey).abs() - 0.012, u.abs() - (ex - er * 1.7))
    glasses = _cover(torch.minimum(ring, bridge), px) * col(f["glasses"])

    paint(hair_back, hair_rgb * 0.85 * grain["hair"], 2)
    paint(_cover(face_d, px), skin, 1)
    paint(hair_cap, hair_rgb * (0.85 + 0.25 * (1 - nv.abs())).unsqueeze(1) * grain["hair"], 2)
    paint(eye_white, torch.tensor([0.97, 0.97, 0.97]).view(1, 3, 1, 1), 3)
    paint(iris, torch.tensor([0.12, 0.10, 0.10]).view(1, 3, 1, 1), 3)
    paint(eye_closed, torch.tensor([0.25, 0.15, 0.12]).view(1, 3, 1, 1), 3)
    paint(mouth_cov, torch.tensor([0.62, 0.16, 0.18]).view(1, 3, 1, 1), 4)
    paint(glasses, torch.tensor([0.10, 0.10, 0.12]).view(1, 3, 1, 1), 5)
    return image.clamp(0, 1) * 2 - 1, labels


def edges(labels):
    """Edge maps (N, 1, S, S) in {-1, 1}: 1 where a pixel's label differs from its right or lower
    neighbour."""
    e = torch.zeros(labels.shape, dtype=torch.bool)
    e[:, :, :-1] |= labels[:, :, 1:] != labels[:, :, :-1]
    e[:, :-1, :] |= labels[:, 1:, :] != labels[:, :-1, :]
    return e.unsqueeze(1).float() * 2 - 1


@dataclass
class Faces(torch.utils.data.Dataset):
    """A batch of rendered faces with their ground truth.

    Attributes:
        images: (N, 3, S, S) in [-1, 1].
        labels: (N, S, S) int64 part labels (see ``PARTS``).
        edges: (N, 1, S, S) in {-1, 1}.
        factors: dict of (N,) tensors, the factors that drew each face.
    """

    images: torch.Tensor
    labels: torch.Tensor
    edges: torch.Tensor
    factors: dict

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return self.images[i], self.labels[i]

    def label_images(self):
        """The label maps as colour pictures (N, 3, S, S) in [-1, 1], to look at or to translate from."""
        return PART_COLOURS[self.labels].permute(0, 3, 1, 2) * 2 - 1

    def __repr__(self):
        return f"Faces({len(self)} images of {self.images.shape[-1]}x{self.images.shape[-1]})"


#: A colour per part for the label pictures (what Pix2Pix's "labels -> photo" reads).
PART_COLOURS = torch.tensor([[0.0, 0.0, 0.0], [1.0, 0.75, 0.55], [0.55, 0.25, 0.05],
                             [0.2, 0.4, 1.0], [1.0, 0.0, 0.2], [0.0, 1.0, 0.4]])


def faces(n, size=64, seed=0, start=0, factors=None, detail=False):
    """``n`` faces of ``size`` pixels, images ``start ..`` of ``seed``, or drawn from given ``factors``.

    ``detail=True``: photos with hair strands, skin and background texture (see the module's
    docstring); image i's detail comes from (seed, start + i) also when ``factors`` are given, so a
    face redrawn with a changed factor keeps its detail.

    >>> train = ck.data.faces(2000, size=64, seed=0)
    >>> x, parts = train.images, train.labels
    """
    if factors is None:
        if not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a positive int, got {n!r}")
        factors = sample_factors(n, seed, start)
    n = _check_factors(factors)
    seeds = detail_seeds(n, seed, start) if detail else None
    # render in chunks of about a million pixels: large batches of big images are slower per image
    chunk = max(1, 2**20 // size**2)
    parts = [render({k: torch.as_tensor(v)[i:i + chunk] for k, v in factors.items()}, size,
                    None if seeds is None else seeds[i:i + chunk])
             for i in range(0, n, chunk)]
    images, labels = torch.cat([p[0] for p in parts]), torch.cat([p[1] for p in parts])
    return Faces(images, labels, edges(labels), {k: torch.as_tensor(v).clone() for k, v in factors.items()})
