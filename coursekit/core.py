"""The three switches every notebook uses: quick mode, the device and the seed."""

import os
import random
from pathlib import Path

import numpy as np
import torch

#: True when COURSEKIT_QUICK=1 (set by `make test` and CI): every training run
#: shrinks to seconds.  Notebooks read it visibly: ``STEPS = 50 if ck.QUICK else 2000``.
QUICK = os.environ.get("COURSEKIT_QUICK", "0").strip().lower() in ("1", "true", "yes")

#: Where the course's shipped data and the model zoo live (override: COURSEKIT_DATA).
DATA_DIR = Path(os.environ.get("COURSEKIT_DATA", Path(__file__).resolve().parent.parent / "data"))

_DEVICES = ("cuda", "mps", "cpu")


def device():
    """The device to compute on: CUDA, then Apple MPS, then the CPU.

    Set COURSEKIT_DEVICE (``cpu``, ``cuda``, ``cuda:1``, ``mps``) to choose.

    >>> ck.device()
    device(type='cpu')
    """
    wanted = os.environ.get("COURSEKIT_DEVICE", "").strip()
    if wanted:
        if wanted.split(":")[0] not in _DEVICES:
            raise ValueError(f"COURSEKIT_DEVICE={wanted!r}: expected one of {', '.join(_DEVICES)} "
                             "(optionally with an index, e.g. cuda:1), or unset it to pick automatically.")
        if wanted.startswith("cuda") and not torch.cuda.is_available():
            raise RuntimeError(f"COURSEKIT_DEVICE={wanted!r} but PyTorch sees no CUDA GPU here; "
                               "unset COURSEKIT_DEVICE or set it to cpu.")
        if wanted == "mps" and not torch.backends.mps.is_available():
            raise RuntimeError("COURSEKIT_DEVICE='mps' but Apple MPS is not available here; "
                               "unset COURSEKIT_DEVICE or set it to cpu.")
        return torch.device(wanted)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def has_fast_bf16(dev):
    """True where bf16 autocast speeds training up: CUDA GPUs with bf16, and CPUs with native bf16
    instructions (AVX512-BF16 or AMX).  Elsewhere bf16 is emulated and slower than float32."""
    dev = torch.device(dev)
    if dev.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if dev.type == "cpu":
        try:
            return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
        except AttributeError:  # a PyTorch without these probes: assume no
            return False


def training_precision(dev):
    """How a recipe that autocasts where bf16 is fast (:func:`has_fast_bf16`) trains on ``dev``: for zoo records."""
    return "bf16 autocast, float32 weights" if has_fast_bf16(dev) else "float32"
    return False


def seed(n):
    """Seed Python, NumPy and PyTorch so that a run repeats exactly on the CPU.

    Returns a ``torch.Generator`` seeded with ``n`` for code that wants its own
    stream of random numbers.

    >>> g = ck.seed(0); torch.randn(2, generator=g)
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError(f"seed must be a non-negative int, got {n!r}")
    random.seed(n)
    np.random.seed(n % 2**32)
    torch.manual_seed(n)
    return torch.Generator().manual_seed(n)
