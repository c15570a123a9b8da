"""Measuring what the styles do (notebook 06): samples, style mixing, truncation, separability and
path length, all read by the course's attribute predictor, which knows the true factors the faces
were drawn from."""

import math

import torch
import torch.nn.functional as F

from coursekit import faces as _faces
from coursekit.metrics import fit_linear_classifier
from coursekit.models import face_eval

def layer_resolutions(config):
    """The resolution each style input acts at: (4, 8, 8, 16, 16, 32, 32, 32) for 32x32 (a to-RGB
    shares its w with the next level's first conv, as in StyleGAN2)."""
    res = [4]
    for level in range(1, config.levels):
        res += [4 * 2 ** level] * 2
    return tuple(res + [res[-1]])


def layer_groups(config):
    """The paper's coarse (4-8 px), middle (16-32 px) and fine (64 px and up) style inputs, as
    ``{name: indices}``; a generator smaller than 64 px has its last resolution for fine (32x32: coarse
    4-8, middle 16, fine 32)."""
    res = layer_resolutions(config)
    fine = min(64, res[-1])
    groups = {"coarse": [i for i, r in enumerate(res) if r <= 8],
              "middle": [i for i, r in enumerate(res) if 8 < r < fine],
              "fine": [i for i, r in enumerate(res) if r >= fine and r > 8]}
    return {name: idx for name, idx in groups.items() if idx}


#: The paper's split of what styles decide, by kind of factor: the coarse styles carry geometry (pose,
#: face shape, hair style), the fine ones the colour scheme.
GEOMETRY = ("face_shape", "hair_style", "tilt", "x", "y")
COLOUR = ("skin_tone", "hair_colour", "background")


def style_split(scores):
    """The paper's claim in two numbers per group, from :func:`style_mixing_scores`: the mean share of
    the :data:`GEOMETRY` factors and of the :data:`COLOUR` factors that follow the group's source.
    The claim holds when geometry leads in the coarse group and colour in the fine one.
    Returns ``{group: {"geometry": share, "colour": share}}``."""
    def mean(group, factors):
        return round(sum(scores[group][f] for f in factors) / len(factors), 3)

    return {group: {"geometry": mean(group, GEOMETRY), "colour": mean(group, COLOUR)} for group in scores}


def mix_layers(ws_a, ws_b, layers):
    """A's styles at the style inputs ``layers``, B's at all others."""
    mask = torch.zeros(ws_a.shape[1], dtype=torch.bool, device=ws_a.device)
    mask[list(layers)] = True
    return torch.where(mask[None, :, None], ws_a, ws_b)


def noise_resolutions(config):
    """The resolution of each styled conv's noise input: (4, 8, 8, 16, 16, 32, 32) for 32x32."""
    return layer_resolutions(config)[:-1]


def fixed_noise(G, n, seed=0):
    """One noise image per styled conv for ``n`` images, drawn from ``seed`` (G's device)."""
    g = torch.Generator().manual_seed(seed)
    dev = next(G.parameters()).device
    return [torch.randn(n, 1, r, r, generator=g).to(dev) for r in noise_resolutions(G.config)]


def codes(G, n, seed=0):
    """``n`` latent codes z of ``seed`` on G's device."""
    z = torch.randn(n, G.config.z_dim, generator=torch.Generator().manual_seed(seed))
    return z.to(next(G.parameters()).device)


@torch.no_grad()
def sample(G, n, seed=0, psi=1.0, batch=250):
    """``n`` faces of G (codes and noise from ``seed``, truncation ``psi``), clamped, on the CPU."""
    z, noise = codes(G, n, seed), fixed_noise(G, n, seed)
    return torch.cat([G(z[i:i + batch], psi=psi, noise=[x[i:i + batch] for x in noise]).clamp(-1, 1).cpu()
                      for i in range(0, n, batch)])


def read_attributes(attributes, images):
    """What the predictor reads from ``images``: class probabilities (N, K) or values in [-1, 1] (N, 1)."""
    dev = next(attributes.parameters()).device
    outs = []
    with torch.no_grad():
        for chunk in images.split(250):
            outs.append(attributes.eval()(F.interpolate(chunk.to(dev), size=64, mode="nearest")))
    return {name: torch.cat([o[name] for o in outs]).float().cpu().softmax(1) if kind == "class"
            else torch.cat([o[name] for o in outs]).float().cpu().clamp(-1, 1)[:, None]
            for name, (kind, _) in _faces.FACTORS.items()}


def follows_a(read_mixed, read_a, read_b):
    """Per factor, the share of the mixed faces' attributes that follow A rather than B:
    Σ d(mixed, B) / Σ [d(mixed, A) + d(mixed, B)], d the L1 distance of what the predictor reads (class
    probabilities, or values).  1: the factor comes from A's styles; 0: from B's; 0.5: from both or
    neither."""
    out = {}
    for name in read_mixed:
        da = (read_mixed[name] - read_a[name]).abs().sum(1)
        db = (read_mixed[name] - read_b[name]).abs().sum(1)
        out[name] = round((db.sum() / (da + db).sum().clamp(min=1e-8)).item(), 3)
    return out


@torch.no_grad()
def style_mixing_scores(G, attributes, n=500, seed=0):
    """Style mixing, measured: for each layer group (coarse, middle, fine), ``n`` faces that take source
    A's styles in that group and B's everywhere else, and per factor the share that follows A
    (:func:`follows_a`).  Returns ``{group: {factor: share}}``; noise is the same for A, B and the mix."""
    z_a, z_b = codes(G, n, seed), codes(G, n, seed + 1)
    noise = fixed_noise(G, n, seed)
    ws_a, ws_b = G.styles(z_a), G.styles(z_b)
    read = lambda ws: read_attributes(attributes, G.synthesis(ws, noise).clamp(-1, 1))  # noqa: E731
    read_a, read_b = read(ws_a), read(ws_b)
    return {group: follows_a(read(mix_layers(ws_a, ws_b, layers)), read_a, read_b)
            for group, layers in layer_groups(G.config).items()}


@torch.no_grad()
def sample_mixed(G, n, seed=0, latents=2):
    """``n`` faces each drawn from ``latents`` codes, switched at random layers (the paper's test of
    mixing regularisation: a G trained without it draws worse faces from mixed styles)."""
    g = torch.Generator().manual_seed(seed)
    c = G.config
    dev = next(G.parameters()).device
    ws = G.styles(torch.randn(n, c.z_dim, generator=g).to(dev))
    for _ in range(latents - 1):
        cut = torch.randint(1, c.num_ws, (n,), generator=g).to(dev)
        other = G.styles(torch.randn(n, c.z_dim, generator=g).to(dev))
        ws = torch.where(torch.arange(c.num_ws, device=dev)[None, :, None] >= cut[:, None, None], other, ws)
    return torch.cat([G.synthesis(ws[i:i + 250],
                                  fixed_noise(G, len(ws[i:i + 250]), seed + i)).clamp(-1, 1).cpu()
                      for i in range(0, n, 250)])


@torch.no_grad()
def mixing_grid(G, n=4, seed_a=0, seed_b=1, layers=None):
    """The paper's style-mixing figure as (n + 1)² images (nrow n + 1): sources B (codes of ``seed_b``)
    along the top, sources A down the left, and in cell (i, j) A_i's styles at ``layers`` (default: the
    coarse group) with B_j's everywhere else.  The corner is blank; every image has the same noise."""
    layers = layer_groups(G.config)["coarse"] if layers is None else list(layers)
    ws_a, ws_b = G.styles(codes(G, n, seed_a)), G.styles(codes(G, n, seed_b))
    ws = torch.cat([ws_b, ws_a, mix_layers(ws_a.repeat_interleave(n, 0), ws_b.repeat(n, 1, 1), layers)])
    noise = [x.expand(len(ws), -1, -1, -1) for x in fixed_noise(G, 1, seed_a)]
    b, a, mixed = G.synthesis(ws, noise).clamp(-1, 1).cpu().split([n, n, n * n])
    rows = [torch.cat([torch.ones_like(b[:1]), b])]
    rows += [torch.cat([a[i:i + 1], mixed[i * n:(i + 1) * n]]) for i in range(n)]
    return torch.cat(rows)


def truncation_table(G, attributes, psis=(0.0, 0.25, 0.5, 0.75, 1.0), n=1000, seed=0):
    """The truncation trick's trade-off: Fréchet distance and attribute variety of ``n`` faces per ψ,
    against held-out real faces (``face_eval.versus_real``).  Returns ``{psi: {"fid", "variety"}}``."""
    return {psi: face_eval.versus_real(attributes, sample(G, n, seed, psi=psi)) for psi in psis}


def binary_attributes(read):
    """Binary attributes from what the predictor reads (:func:`read_attributes`): each class of each class
    factor against the rest ("hair_colour=2"), each value factor above or below its median
    ("smile>median")."""
    out = {}
    for name, (kind, spec) in _faces.FACTORS.items():
        if kind == "class":
            cls = read[name].argmax(1)
            for k in range(spec if spec > 2 else 1):
                out[f"{name}={k}" if spec > 2 else name] = cls == (k if spec > 2 else 1)
        else:
            v = read[name][:, 0]
            out[f"{name}>median"] = v > v.median()
    return out


def _conditional_entropy(y, x):
    """H(Y | X) in bits for two binary (N,) tensors."""
    h = 0.0
    for xv in (False, True):
        sel = x == xv
        if sel.any():
            p = y[sel].float().mean().item()
            h += sel.float().mean().item() * -sum(q * math.log2(q) for q in (p, 1 - p) if q > 0)
    return h


@torch.no_grad()
def separability(G, attributes, n=4000, seed=0, min_share=0.05):
    """The paper's linear separability, in Z and in W: label ``n`` generated faces with the factors the
    predictor reads (:func:`binary_attributes`), fit a logistic regression on the codes of half of them,
    and on the other half measure H(attribute | the classifier's side), in bits: 0 when a hyperplane
    splits the attribute cleanly, 1 when it tells nothing.  Attributes whose rarer side is under
    ``min_share`` of the faces are left out (a G that seldom draws glasses gives no hyperplane to
    find).  Returns ``{"z": {attr: bits}, "w": {...}, "accuracy_z"/"accuracy_w": {attr: share},
    "left_out": [...]}``, plus the paper's summary exp(Σ bits) per space."""
    z = codes(G, n, seed)
    w = G.mapping(z)
    images = G.synthesis(w.unsqueeze(1).repeat(1, G.config.num_ws, 1), fixed_noise(G, n, seed)).clamp(-1, 1)
    labels = binary_attributes(read_attributes(attributes, images))
    half = n // 2
    out = {"z": {}, "w": {}, "accuracy_z": {}, "accuracy_w": {}, "left_out": []}
    for attr, y in labels.items():
        share = y.float().mean().item()
        if min(share, 1 - share) < min_share:
            out["left_out"].append(attr)
            continue
        for space, x in (("z", z.cpu()), ("w", w.cpu())):
            with torch.enable_grad():
                weight, bias = fit_linear_classifier(x[:half], y[:half])
            side = x[half:] @ weight + bias > 0
            out[space][attr] = round(_conditional_entropy(y[half:], side), 4)
            out[f"accuracy_{space}"][attr] = round((side == y[half:]).float().mean().item(), 4)
    for space in ("z", "w"):
        out[f"score_{space}"] = round(math.exp(sum(out[space].values())), 3)
    return out


def _slerp(a, b, t):
    a_n, b_n = a / a.norm(dim=1, keepdim=True), b / b.norm(dim=1, keepdim=True)
    omega = torch.acos((a_n * b_n).sum(1, keepdim=True).clamp(-1 + 1e-7, 1 - 1e-7))
    so = torch.sin(omega)
    return torch.sin((1 - t) * omega) / so * a + torch.sin(t * omega) / so * b


@torch.no_grad()
def path_length(G, attributes, space="w", n=1000, eps=1e-3, seed=0):
    """Perceptual path length (the paper's, with the attribute predictor's features as the perceptual
    space): for random pairs of codes and t ~ U(0, 1), ``‖φ(G(p(t))) − φ(G(p(t + ε)))‖² / ε²`` with p the
    path between the codes: spherical in Z, linear in W (noise fixed per pair).  Returns the mean with
    the top and bottom 1% left out, as the paper does, and the median."""
    g = torch.Generator().manual_seed(seed)
    c = G.config
    dev = next(G.parameters()).device
    z0, z1 = (torch.randn(n, c.z_dim, generator=g).to(dev) for _ in range(2))
    t = torch.rand(n, 1, generator=g).to(dev)
    noise = fixed_noise(G, n, seed)
    if space == "z":
        a, b = _slerp(z0, z1, t), _slerp(z0, z1, t + eps)
        wa, wb = G.mapping(a), G.mapping(b)
    elif space == "w":
        w0, w1 = G.mapping(z0), G.mapping(z1)
        wa, wb = torch.lerp(w0, w1, t), torch.lerp(w0, w1, t + eps)
    else:
        raise ValueError(f"space must be 'z' or 'w', got {space!r}")
    draw = lambda w: G.synthesis(w.unsqueeze(1).repeat(1, c.num_ws, 1), noise)  # noqa: E731
    fa, fb = (face_eval.attribute_features(attributes, F.interpolate(draw(w), size=64, mode="nearest"))
              for w in (wa, wb))
    d = (fa - fb).pow(2).sum(1).double() / eps ** 2
    lo, hi = torch.quantile(d, 0.01), torch.quantile(d, 0.99)
    four_digits = lambda x: float(f"{x:.4g}")  # noqa: E731
    return {"mean": four_digits(d[(d >= lo) & (d <= hi)].mean().item()),
            "median": four_digits(d.median().item())}


def evaluate(G, attributes, n=1000, detail=False):
    """The zoo's numbers for a StyleGAN: quality (Fréchet distance and variety, ψ = 1), Fréchet distance
    of faces from mixed styles, and the style-mixing scores; ``detail``: against real faces with detail
    (a G trained on them)."""
    return {**face_eval.versus_real(attributes, sample(G, n), detail=detail),
            "fid_mixed_styles": face_eval.versus_real(attributes, sample_mixed(G, n), detail=detail)["fid"],
            "style_mixing": style_mixing_scores(G, attributes)}
