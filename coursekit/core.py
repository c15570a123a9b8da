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
    return False  # Apple MPS: not measured; float32


def autocast(dev, bf16=None):
    """The precision a recipe trains in, as a context: bf16 autocast where ``bf16`` is True, float32 where it
    is False; ``None`` (the recipes' default) as :func:`precision` says: by default bf16 exactly where
    :func:`has_fast_bf16`.  Inside it the matrix products and convolutions run in bf16; weights, optimizer
    states and the losses stay float32.

    >>> with ck.core.autocast(dev):
    ...     loss_D, loss_G = train_step(...)
    """
    dev = torch.device(dev)
    return torch.autocast(dev.type, dtype=torch.bfloat16, enabled=uses_bf16(dev, bf16))


PRECISIONS = ("auto", "float32", "bf16")


def precision():
    """What a recipe's ``bf16=None`` means: COURSEKIT_PRECISION, ``auto`` (the default: bf16 exactly where
    :func:`has_fast_bf16`), ``float32`` (what a CPU without native bf16 trains in) or ``bf16``.
    ``python -m coursekit.train --precision`` sets it."""
    wanted = os.environ.get("COURSEKIT_PRECISION", "").strip().lower() or "auto"
    if wanted not in PRECISIONS:
        raise ValueError(f"COURSEKIT_PRECISION={wanted!r}: expected one of {', '.join(PRECISIONS)} "
                         "(or unset it for auto)")
    return wanted


def uses_bf16(dev, bf16=None):
    """Whether a recipe asked for ``bf16`` trains in bf16 on ``dev``: True or False as asked; None as
    :func:`precision` says (by default, where the hardware has native bf16)."""
    if bf16 is not None:
        return bool(bf16)
    wanted = precision()
    return has_fast_bf16(dev) if wanted == "auto" else wanted == "bf16"


def training_precision(dev, bf16=None):
    """How a recipe asked for ``bf16`` (:func:`autocast`) trains on ``dev``, in words: for zoo records."""
    return "bf16 autocast, float32 weights" if uses_bf16(dev, bf16) else "float32"


def guard_inputs(module):
    """Make ``module`` refuse float64 inputs with an error that says the fix (PyTorch's own says
    "expected scalar type Double but found Float").  Returns the module.  The zoo's models and the
    lectures' networks are guarded."""
    def check(mod, args):
        weight = next(mod.parameters(), None)
        if weight is None or weight.dtype != torch.float32:
            return  # a network made float64 on purpose takes float64
        for a in args:
            if torch.is_tensor(a) and a.dtype == torch.float64:
                raise TypeError(f"{type(mod).__name__} got a float64 input of shape {tuple(a.shape)}; its "
                                "weights are float32. Convert the input with x.float() (NumPy arrays become "
                                "float64 tensors: torch.from_numpy(a).float()).")
    module.register_forward_pre_hook(check)
    return module


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
