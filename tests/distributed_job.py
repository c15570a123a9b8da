"""A small DDPM training the distributed test launches (plain python, or torchrun with 2 processes).

    python tests/distributed_job.py <checkpoint dir> <steps>
"""

import sys

import torch

from coursekit.models import ddpm
from coursekit.train import distributed

if __name__ == "__main__":
    checkpoint, steps = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(1)
    distributed.setup("cpu")
    # no dropout: its masks are the one thing that differs between one and two processes;
    # float32: bf16 rounding would blur the comparison (it is a precision question, not a parallel one)
    ddpm.train_ddpm(steps=steps, batch_size=16, checkpoint=checkpoint, device=torch.device("cpu"),
                    config=ddpm.UNetConfig(channels=(8, 16, 16), emb_dim=16, dropout=0.0), bf16=False)
    distributed.teardown()
