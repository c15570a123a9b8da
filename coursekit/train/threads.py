"""Training on a busy machine: how many cores other programs keep busy, and how many threads a
training should use then.  On a 2-core laptop with one core busy, PyTorch's two threads wait for each
other and a step slows far more than with one thread; ``python -m coursekit.bench --busy`` measures it
(:func:`busy_core_steps`)."""

import contextlib
import os
import statistics
import subprocess
import sys
import time

import torch


def busy_cores(window=0.25):
    """How many of this machine's cores other programs keep busy now, measured over ``window`` seconds
    (Linux's /proc/stat, less this process's own time); 0 where it cannot be read."""
    def read():
        with open("/proc/stat") as f:
            fields = [float(v) for v in f.readline().split()[1:]]
        return sum(fields), fields[3] + (fields[4] if len(fields) > 4 else 0)  # total, idle + iowait
    try:
        (t0, i0), p0 = read(), time.process_time()
        time.sleep(window)
        (t1, i1), p1 = read(), time.process_time()
    except (OSError, ValueError, IndexError):
        return 0
    cores = os.cpu_count() or 1
    busy = (1 - (i1 - i0) / max(t1 - t0, 1e-9)) * cores - (p1 - p0) / window
    return max(0, min(cores, round(busy)))


def training_threads():
    """The CPU threads a training should use now: one per core that no other program keeps busy (at
    least one).  On a 2-core laptop with one core busy, PyTorch's two threads wait for each other and a
    step slows far more than with one thread (``python -m coursekit.bench --busy`` measures it)."""
    cores = os.cpu_count() or 1
    return max(1, min(torch.get_num_threads(), cores - busy_cores()))


@contextlib.contextmanager
def on_free_cores():
    """Run the block on one thread per core that other programs leave free (:func:`training_threads`, as a
    ``ck.train.Run`` does), then give PyTorch its threads back: a training loop written in a notebook stays
    fast on a busy laptop.  Yields the threads chosen.

    >>> with ck.train.on_free_cores():
    ...     for step in range(steps): ...
    """
    own = torch.get_num_threads()
    chosen = training_threads()
    torch.set_num_threads(chosen)
    try:
        yield chosen
    finally:
        torch.set_num_threads(own)


def busy_core_steps(steps=30, warmup=5):
    """The DCGAN training step's median milliseconds on the CPU, idle and while another program keeps one
    core busy (a Python loop in a process of its own), with PyTorch's own thread count, one thread, and
    the threads ``ck.train.Run`` chooses (``ck.core.training_threads``).  ``{name: {"idle", "busy"}}``."""
    import coursekit as ck  # deferred: the benchmark alone needs the data and a lecture
    from coursekit.models import dcgan

    own = torch.get_num_threads()
    G, D = dcgan.Generator(), dcgan.Discriminator()
    opt_G, opt_D = dcgan.make_optimizers(G, D)
    real = ck.data.mnist("train", verbose=False).images[:64]

    def median_ms(threads):
        torch.set_num_threads(threads)
        times = []
        for i in range(warmup + steps):
            start = time.perf_counter()
            dcgan.train_step(G, D, opt_G, opt_D, real, torch.randn(64, G.config.z_dim))
            times.append(time.perf_counter() - start)
        return statistics.median(times[warmup:]) * 1000

    rows = {f"PyTorch's {own} threads": {}, "1 thread": {}, "the course's choice": {}}
    for load in ("idle", "busy"):
        spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if load == "busy" else None
        try:
            time.sleep(0.5 if spinner else 0)
            torch.set_num_threads(own)
            chosen = training_threads()
            for name, threads in zip(rows, (own, 1, chosen)):
                rows[name][load] = median_ms(threads)
            rows["the course's choice"].setdefault("threads", {})[load] = chosen
        finally:
            if spinner:
                spinner.kill()
    torch.set_num_threads(own)
    return rows
