"""Notebook 05's widgets: ``ck.widgets.<name>`` (the framework is :mod:`coursekit.widgets`)."""

from coursekit.widgets import replay


def growth(snapshots):
    """ProGAN's training replayed (notebook 05): the same codes drawn at each snapshot, with the
    resolution and the fade-in's α on the slider.  ``snapshots`` = {"images" (T, B, C, S, S),
    "steps", "stage", "alpha" (T,)}, as ``progan.train_progan`` returns and the zoo keeps them."""
    if not len(snapshots["images"]):
        raise ValueError("no snapshots to show: the run kept none (was snapshot_every longer than the run?)")
    captions = [f"{int(s)}: {4 * 2 ** int(k)}x{4 * 2 ** int(k)}" + (f", α {a:.2f}" if a < 1 else "")
                for s, k, a in zip(snapshots["steps"], snapshots["stage"], snapshots["alpha"])]
    return replay(snapshots["images"], snapshots["steps"], captions=captions,
                  nrow=len(snapshots["images"][0]), scale=3,
                  title="ProGAN growing: the same codes at every snapshot (step: resolution, α)")
