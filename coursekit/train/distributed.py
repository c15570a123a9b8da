"""Data parallelism for the course's trainings, under PyTorch's launcher ``torchrun``.

The same command trains on one process or on many::

    python -m coursekit.train mnist-ddpm                                  # one process
    torchrun --nproc_per_node 4 -m coursekit.train mnist-ddpm             # 4 GPUs (or 4 CPU processes)
    torchrun --nnodes 2 --nproc_per_node 8 --rdzv_endpoint host:29500 -m coursekit.train mnist-ddpm

How the pieces fit:

* every rank draws the *global* batch with the same seeded generator (data,
  timesteps, noise, latent vectors) and keeps its own contiguous slice of it
  (:func:`shard`), so N ranks see exactly what one process sees with the same
  global batch, and the data order does not depend on N;
* :func:`data_parallel` makes each parameter's gradient the mean over the
  ranks after every backward pass: the mean of equal slices' mean losses is
  the global mean loss (one mechanism for every loop, with no wrapper);
* only rank 0 writes checkpoints, logs and the zoo; every rank resumes from
  the same checkpoint, which holds global state only, so a run may resume on a
  different number of ranks (on several machines the ``--runs`` directory must
  be shared, or copied to each machine before resuming).

Batch normalisation is the exception: each rank normalises its own slice.  On
CUDA :func:`data_parallel` converts it to ``SyncBatchNorm``; on the CPU (gloo) PyTorch
has no synchronised batch norm, so the GANs and the judge differ slightly
from a one-process run there.  The diffusion U-Net uses group norm and matches.
"""

import os

import torch
import torch.distributed as dist

import coursekit as ck


def world_size():
    """How many processes train together (``WORLD_SIZE``, set by torchrun; 1 otherwise)."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def rank():
    """This process's place among them, 0 .. world_size() − 1."""
    return int(os.environ.get("RANK", "0"))


def is_main():
    """True on the rank that writes checkpoints, logs and the zoo."""
    return rank() == 0


def setup(device=None):
    """Join the process group when launched by torchrun; returns the device this rank trains on.

    NCCL and one GPU per local rank when CUDA is used, gloo (CPU) otherwise.
    """
    dev = torch.device(device) if device is not None else ck.device()
    if world_size() == 1:
        return dev
    if dev.type == "cuda":
        dev = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(dev)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if dev.type == "cuda" else "gloo")
    return dev


def teardown():
    if dist.is_initialized():
        dist.destroy_process_group()


def data_parallel(*modules):
    """Under torchrun, make each module's gradients the mean over the ranks after every backward pass;
    on one process, nothing.  The modules stay themselves (no wrapper: checkpoints, sampling and the
    zoo use them as they are), so one call at set-up serves every loop: the student's ``train_step``,
    a generator called several times before one backward (CycleGAN), a gradient penalty's double
    backward (WGAN-GP, R1).

    Each parameter's gradient is averaged as soon as its backward pass has accumulated it (a hook).
    Averaging is linear, so a loss backpropagated in several parts still ends at the mean of the
    ranks' gradients.  On CUDA, batch norm becomes ``SyncBatchNorm`` (in place)."""
    if world_size() == 1:
        return
    for module in modules:
        if getattr(module, "_coursekit_data_parallel", False):
            continue
        if next(module.parameters()).device.type == "cuda":
            torch.nn.SyncBatchNorm.convert_sync_batchnorm(module)  # replaces the module's children in place
        for p in module.parameters():
            if p.requires_grad:
                p.register_post_accumulate_grad_hook(_mean_over_ranks)
        module._coursekit_data_parallel = True


def _mean_over_ranks(p):
    dist.all_reduce(p.grad)
    p.grad /= world_size()


def shard(*tensors):
    """This rank's contiguous slice of each global-batch tensor (all of it on one rank)."""
    n, k = world_size(), rank()
    if n == 1:
        return tensors if len(tensors) > 1 else tensors[0]
    out = []
    for t in tensors:
        if len(t) % n:
            raise ValueError(f"the global batch ({len(t)}) must divide evenly among {n} ranks: "
                             f"choose --batch-size as a multiple of {n}")
        size = len(t) // n
        out.append(t[k * size:(k + 1) * size])
    return tuple(out) if len(out) > 1 else out[0]


def shard_range(global_batch):
    """(offset, size) of this rank's slice of a global batch of ``global_batch`` items: for data made
    on the fly (rendered faces), where each rank need only make its own slice."""
    n = world_size()
    if global_batch % n:
        raise ValueError(f"the global batch ({global_batch}) must divide evenly among {n} ranks: "
                         f"choose --batch-size as a multiple of {n}")
    size = global_batch // n
    return rank() * size, size


def to_device(*tensors, device):
    """Move this step's tensors to ``device`` without stalling the host: from pinned memory and
    asynchronously on CUDA (a copy from ordinary memory waits for the GPU to finish its queue)."""
    device = torch.device(device)
    if device.type == "cuda":
        out = tuple(t.pin_memory().to(device, non_blocking=True) for t in tensors)
    else:
        out = tuple(t.to(device) for t in tensors)
    return out if len(out) > 1 else out[0]


def mean(value):
    """The mean of a (scalar) tensor over the ranks; for logging. No host synchronisation."""
    if world_size() == 1:
        return value
    value = value.detach().clone()
    dist.all_reduce(value)
    return value / world_size()


def seed_dropout(seed):
    """Give each rank its own stream for dropout masks (after the models are built: their
    initial weights stay those of the one-process run)."""
    if world_size() > 1:
        torch.manual_seed(seed + 1 + rank())
