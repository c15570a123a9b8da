"""Data-parallel training under torchrun (gloo, two CPU processes) gives one process's result."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from coursekit import checkpoint
from coursekit.train import distributed

JOB = Path(__file__).with_name("distributed_job.py")
TORCHRUN = Path(sys.executable).with_name("torchrun")


def _train(directory, steps, processes):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(key, None)
    # --standalone: torchrun picks a free local port for the rendezvous
    launcher = [sys.executable] if processes == 1 else [str(TORCHRUN), "--standalone", "--nproc_per_node",
                                                        str(processes)]
    done = subprocess.run([*launcher, str(JOB), str(directory), str(steps)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    state, record = checkpoint.read(directory / "checkpoint")
    return state, record


@pytest.fixture(scope="module")
def one_process(tmp_path_factory):
    return _train(tmp_path_factory.mktemp("one") / "run", 6, 1)


def _gap(a, b, start):
    """How far apart two trained models are, relative to how far training moved them from the start:
    ‖a − b‖ / ‖a − start‖ over all weights.  (Adam turns float-rounding noise in a near-zero
    gradient into a full-size step, so single weights may differ by a few times the learning rate.)"""
    diff = sum(((a[k] - b[k]) ** 2).sum() for k in a).sqrt()
    moved = sum(((a[k] - start[k]) ** 2).sum() for k in a).sqrt()
    assert moved > 1e-2, "training did not move the weights: nothing to compare"
    return (diff / moved).item()


@pytest.fixture(scope="module")
def start(tmp_path_factory):
    return _train(tmp_path_factory.mktemp("zero") / "run", 0, 1)[0]["state"]["model"]


def test_two_processes_train_the_same_model_as_one_with_the_same_global_batch(one_process, start, tmp_path):
    state2, _ = _train(tmp_path / "run", 6, 2)
    state1, _ = one_process
    assert state2["step"] == state1["step"] == 6
    weights1, weights2 = state1["state"]["model"], state2["state"]["model"]
    assert weights1.keys() == weights2.keys()  # rank 0 saved the unwrapped model, not DDP's "module." names
    gap = _gap(weights1, weights2, start)
    assert gap < 0.02, f"two processes ended {gap:.1%} of the training distance away from one"
    # the logged loss is the mean over both ranks' halves: the global batch's loss
    l1, l2 = state1["history"]["loss"][1], state2["history"]["loss"][1]
    assert torch.allclose(torch.tensor(l1), torch.tensor(l2), atol=1e-4)


def test_a_run_resumes_on_a_different_number_of_processes(one_process, start, tmp_path):
    _train(tmp_path / "run", 3, 2)            # 3 steps on two processes ...
    state, _ = _train(tmp_path / "run", 6, 1)  # ... 3 more on one
    assert state["step"] == 6
    gap = _gap(one_process[0]["state"]["model"], state["state"]["model"], start)
    assert gap < 0.02, f"the resumed run ended {gap:.1%} of the training distance away from the straight one"


def test_shard_splits_the_global_batch_evenly(monkeypatch):
    x = torch.arange(8)
    assert torch.equal(distributed.shard(x), x)  # one process: everything
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    a, b = distributed.shard(x, x * 10)
    assert torch.equal(a, torch.tensor([4, 5, 6, 7])) and torch.equal(b, torch.tensor([40, 50, 60, 70]))
    assert not distributed.is_main()
    with pytest.raises(ValueError, match="multiple of 2"):
        distributed.shard(torch.arange(7))


def test_the_training_command_runs_under_torchrun_and_records_how_it_ran(tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "COURSEKIT_DEVICE": "cpu"}
    done = subprocess.run([str(TORCHRUN), "--standalone", "--nproc_per_node", "2", "-m", "coursekit.train",
                           "mnist-judge", "--steps", "3", "--batch-size", "16",
                           "--runs", str(tmp_path / "runs"), "--zoo", str(tmp_path / "zoo")],
                          env=env, capture_output=True, text=True, timeout=300)
    # On failure show what each rank said first (torchrun's own report fills the end of stderr).
    said = [line for line in done.stderr.splitlines()
            if "[rank" in line or "terminate" in line or "Error" in line]
    assert done.returncode == 0, "\n".join(said[:40]) + "\n...\n" + done.stderr[-1500:]
    record = checkpoint.read_record(tmp_path / "zoo" / "mnist-judge")
    assert record["command"] == ("torchrun --nproc_per_node 2 -m coursekit.train mnist-judge "
                                 "--steps 3 --batch-size 16")
    assert record["processes"] == 2 and record["steps"] == 3
    assert done.stdout.count("Published mnist-judge") == 1  # rank 0 alone evaluates and publishes


def test_shard_range_gives_each_rank_its_slice_of_a_batch_made_on_the_fly(monkeypatch):
    assert distributed.shard_range(8) == (0, 8)
    monkeypatch.setenv("WORLD_SIZE", "4")
    monkeypatch.setenv("RANK", "2")
    assert distributed.shard_range(8) == (4, 2)
    with pytest.raises(ValueError, match="multiple of 4"):
        distributed.shard_range(6)
