"""Notebook 06's figure of the style-based generator, drawn from a configuration."""

import coursekit as ck
from coursekit.models.stylegan.measures import layer_resolutions


def draw_generator(config):
    """The lecture's figure of the style-based generator, drawn from ``config``: the mapping network
    z -> w on the left; the synthesis network from the learned constant, a styled convolution per
    style input (A: the affine map of w to a style; B: the per-channel noise scale), and a to-RGB per
    resolution whose outputs are upsampled and summed (StyleGAN2's skips).  Returns the figure."""
    import matplotlib.pyplot as plt  # deferred, as in ck.viz: only this figure needs matplotlib

    c = config
    res = layer_resolutions(c)
    fig, ax = plt.subplots(figsize=(11, 0.62 * len(res) + 1.6))
    ax.set_axis_off()
    top = len(res) + 0.8
    ax.set_xlim(-0.5, 10.5)
    ax.set_ylim(-0.8, top + 0.6)

    def box(x, y, text, colour, size=8):
        ck.viz.diagram_box(ax, x, y, text, colour, size)

    def arrow(a, b, **style):
        ck.viz.diagram_arrow(ax, a, b, size=11, **style)

    # the mapping network
    box(1.2, top, f"$z \\in \\mathbb{{R}}^{{{c.z_dim}}}$", "#eeeeee", 9)
    ys = [top - 1.2 - 0.8 * k for k in range(c.mapping_layers + 2)]
    box(1.2, ys[0], "pixel norm", "#f3e5f5")
    for k in range(c.mapping_layers):
        box(1.2, ys[k + 1], f"FC {c.w_dim}, leaky ReLU", "#f3e5f5")
    y_w = ys[-1] - 0.2
    box(1.2, y_w, f"$w \\in W = \\mathbb{{R}}^{{{c.w_dim}}}$", "#e1bee7", 9)
    for a, b in zip([top] + ys[:-1], ys[:-1] + [y_w]):
        arrow((1.2, a - 0.25), (1.2, b + 0.25), color="black")
    ax.text(1.2, y_w - 0.9, f"mapping network\n({c.mapping_layers} layers; the paper: 8)", ha="center",
            fontsize=8, style="italic")
    # the synthesis network, one row per style input
    box(5.2, top, "learned constant 4×4", "#eeeeee", 9)
    previous = top
    for i, r in enumerate(res):
        y = top - 1 - i * 0.95 * (len(res) + 0.2) / len(res)
        last = i == len(res) - 1
        name = (f"to-RGB {r}×{r}" if last
                else ("upsample ×2, " if i > 0 and res[i - 1] != r else "") + f"mod conv 3×3 @ {r}×{r}")
        box(5.2, y, name, "#cfe2ff" if not last else "#ffe0b2")
        arrow((5.2, previous - 0.22), (5.2, y + 0.22), color="black")
        previous = y
        box(3.3, y, f"A{i}", "#e1bee7", 8)
        arrow((3.6, y), (4.0, y), color="#7b1fa2")
        if not last:
            box(7.4, y, f"B{i} · noise", "#fff9c4", 8)
            arrow((6.85, y), (6.6, y), color="#9e9d24")
    ax.text(3.3, -0.5, "A: an affine map of w to a style\n(the same w to every A, or mixed)", ha="center",
            fontsize=8)
    ax.text(7.4, -0.5, "B: learned per-channel scales\nof fresh per-pixel noise", ha="center", fontsize=8)
    ax.text(9.3, top - len(res) / 2,
            "a to-RGB at each\nresolution, upsampled\nand summed\n(StyleGAN2's skips)",
            ha="center", va="center", fontsize=8)
    arrow((2.1, y_w), (3.0, top - 1), color="#7b1fa2", ls="--")
    fig.suptitle(f"StyleGAN2's generator as configured: {c.resolution}×{c.resolution}, "
                 f"{len(res)} style inputs", fontsize=10)
    return fig


def show_mixing(grid, title=None, ax=None, inches=1.3):
    """A style-mixing grid (:func:`stylegan.mixing_grid`, (n + 1)² images) drawn large enough to judge by
    eye: ``inches`` per face (at least 64 px on screen), the sources labelled (B1… along the top, A1… down
    the left).  Returns the axes."""
    import matplotlib.pyplot as plt

    n = round(len(grid) ** 0.5) - 1
    if (n + 1) ** 2 != len(grid):
        raise ValueError(f"a mixing grid holds (n + 1)² faces; got {len(grid)}: pass stylegan.mixing_grid(G)")
    if ax is None:
        _, ax = plt.subplots(figsize=(inches * (n + 1) + 0.6, inches * (n + 1) + 0.9))
    ck.viz.show(grid.float(), nrow=n + 1, ax=ax)
    cell = grid.shape[-1] + 2  # make_grid's padding of 2 between faces
    for k in range(1, n + 1):
        centre = 2 + k * cell + cell / 2 - 1
        ax.text(centre, -2, f"B{k}", ha="center", va="bottom", fontsize=10)
        ax.text(-2, centre, f"A{k}", ha="right", va="center", fontsize=10)
    ax.text(2 + cell / 2 - 1, 2 + cell / 2 - 1, "A's coarse\nstyles,\nB's others", ha="center", va="center",
            fontsize=7)
    if title:
        ax.set_title(title, pad=18)
    return ax
