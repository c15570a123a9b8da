"""coursekit: the helper library of the GAN and diffusion course.

    import coursekit as ck
    ck.QUICK            # True under COURSEKIT_QUICK=1 (tests, CI): tiny training runs
    ck.device()         # CUDA, then Apple MPS, then CPU (override: COURSEKIT_DEVICE=cpu)
    ck.seed(0)          # same samples for the same seed on the CPU
    ck.hint("cycle_loss")   # the next hint for an exercise, one step at a time
    ck.progress()       # every exercise and lab of the course, and where you stand in each

The submodules (``ck.data``, ``ck.viz``, ``ck.train``, ``ck.checkpoint``,
``ck.zoo``, ``ck.metrics``, ``ck.widgets``, ``ck.check``, ``ck.models``, ``ck.latent``) load
on first use, so ``import coursekit`` stays fast and does nothing else.
"""

import importlib

from coursekit.core import QUICK, DATA_DIR, device, seed

__version__ = "0.1.0"

_SUBMODULES = ("data", "viz", "train", "checkpoint", "zoo", "metrics", "widgets", "check", "models", "latent",
               "faces", "progress")

__all__ = ["QUICK", "DATA_DIR", "device", "seed", "hint", *_SUBMODULES]


def hint(name):
    """The next hint for exercise ``name`` (the name its check cell uses), one step per call."""
    return importlib.import_module("coursekit.check").hint(name)


def __getattr__(name):
    # PEP 562: `ck.data` imports coursekit.data the first time it is used.
    if name in _SUBMODULES:
        return importlib.import_module(f"coursekit.{name}")
    raise AttributeError(f"module 'coursekit' has no attribute {name!r}")
