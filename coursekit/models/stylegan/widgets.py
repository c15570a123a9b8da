"""Notebook 06's widgets: ``ck.widgets.<name>`` (the framework is :mod:`coursekit.widgets`)."""

import ipywidgets as W
import torch

from coursekit.models import stylegan
from coursekit.widgets import direction_sliders, Explorer, slider, spread_map


def style_mixing(G, n=4):
    """The style-mixing figure, live: sources A (left) and B (top) from two seeds, and in each cell A's
    styles for the layers before the crossover, B's from there on."""
    res = stylegan.layer_resolutions(G.config)
    options = [(f"{c}: A up to {res[c - 1]}x{res[c - 1]}", c) for c in range(1, G.config.num_ws)]

    def render(seed_a, seed_b, crossover):
        return stylegan.mixing_grid(G, n, seed_a, seed_b, layers=range(crossover))

    return Explorer(render, {"seed_a": slider("sources A (seed)", 0, 99, 0),
                             "seed_b": slider("sources B (seed)", 0, 99, 1),
                             "crossover": W.Dropdown(description="crossover", options=options, value=3)},
                    title="Style mixing: A's styles before the crossover layer, B's after", nrow=n + 1,
                    scale=3, labels=["", *(f"A{i + 1}" for i in range(n))],
                    columns=["", *(f"B{j + 1}" for j in range(n))])


def truncation(G, samples=16, seed=0):
    """The truncation trick: the same codes drawn with w' = w̄ + ψ (w − w̄) as ψ moves."""


    @torch.no_grad()
    def render(psi):
        return stylegan.sample(G, samples, seed, psi=psi)

    return Explorer(render, {"psi": slider("ψ", -0.5, 1.5, 1.0, step=0.05)},
                    title="Truncation: ψ = 1 is G as trained, ψ = 0 the mean face, ψ < 0 the 'anti-face'",
                    nrow=8, scale=3)


def noise_layers(G, faces=3, draws=6):
    """Stochastic variation: each row one w drawn with ``draws`` noise draws, then their per-pixel
    spread; a checkbox per resolution turns that resolution's noise inputs on or off."""
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
    return Explorer(render, controls,
                    title=f"{faces} faces (rows), each with {draws} noise draws and their spread",
                    nrow=draws + 1, scale=3, labels=[f"face {i + 1}" for i in range(faces)],
                    columns=[*(f"draw {k + 1}" for k in range(draws)), "spread"])


def style_directions(G, directions, samples=8, seed=0, span=3.0):
    """Faces moved along named directions of W ({name: unit (w_dim,)}), one slider each (in units of
    the spread of w along the direction)."""
    w = G.mapping(stylegan.codes(G, samples, seed)).detach()
    scale = {name: (w @ d).std().item() if samples > 1 else 1.0 for name, d in directions.items()}
    noise = stylegan.fixed_noise(G, samples, seed)

    @torch.no_grad()
    def draw(codes):
        return G.synthesis(codes.unsqueeze(1).repeat(1, G.config.num_ws, 1), noise).clamp(-1, 1).cpu()

    scaled = {name: d * scale[name] for name, d in directions.items()}
    return direction_sliders(draw, w, scaled, span=span, title=f"{samples} faces moved along directions of W")
