"""What every training loop needs and no lecture teaches.

The loop the lecture is about stays written out in the notebook; a ``Run``
wraps it with a progress bar, a history of losses and metrics, a live plot,
periodic checkpoints, resume, and a Ctrl-C that stops cleanly::

    run = ck.train.Run({"G": G, "D": D, "opt_G": opt_G, "opt_D": opt_D}, steps=2000)
    with run:
        for step in run.steps():
            ...                                   # the lecture's loop body
            run.log(loss_D=loss_D, loss_G=loss_G)  # tensors are fine: no sync per step

Interrupt the kernel (or press Ctrl-C) and the ``with`` block ends quietly:
the models keep what they learned, ``run.history`` keeps the curves, and a
run with a ``checkpoint`` directory saves there so ``Run(..., checkpoint=dir)``
resumes where it stopped.  Retrain a zoo model with ``python -m coursekit.train``.
"""

import inspect
import math
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, NamedTuple

import torch
from tqdm.auto import tqdm

from coursekit import checkpoint as _ckpt
from coursekit.core import QUICK
from coursekit.train.threads import on_free_cores as on_free_cores  # for loops written in a notebook
from coursekit.train.threads import training_threads
from coursekit.data import Batches
from coursekit.train import distributed
from coursekit.viz import LivePlot


class Trained(NamedTuple):
    """What a GAN's training function returns, by name: ``result.G_ema``, ``result.run``.

    ``G_ema`` is the moving average of G's weights (what the zoo ships), ``G`` and ``D`` the trained
    networks, ``run`` the :class:`Run` (history, steps, interrupted), ``extras`` anything else the
    training kept (ProGAN's snapshots)."""
    G_ema: Any
    G: Any
    D: Any
    run: Any
    extras: dict = {}


class GANTrained(NamedTuple):
    """What a GAN's training without a weight average returns, by name: ``result.G``, ``result.D``,
    ``result.run`` (the cGAN, Pix2Pix)."""
    G: Any
    D: Any
    run: Any


class Fitted(NamedTuple):
    """What a one-network training returns, by name: ``result.model``, ``result.run`` (a judge, an
    encoder, a segmenter)."""
    model: Any
    run: Any


@dataclass(frozen=True)
class Published:
    """What a recipe's publishing returns: the model the zoo ships, its scores, and what its record says.

    ``evaluation`` says how ``metrics`` were measured (left out of the record when empty); ``extras``
    are tensors stored beside the weights (snapshots, samples); ``weights_dtype="float16"`` stores the
    weights at half size; ``options`` are the settings the model was trained with, where they are more
    than its declared configuration says (None: the record keeps ``as_record(args.config)``)."""
    model: Any
    metrics: dict
    description: str
    data: str
    evaluation: str = ""
    extras: dict | None = None
    weights_dtype: str | None = None
    options: dict | None = None


@dataclass(frozen=True)
class Recipe:
    """How ``python -m coursekit.train NAME`` makes a zoo model, in two steps.

    ``train(args)`` trains as ``args.config`` says, resuming from ``args.runs / NAME``, and returns the
    training function's named result (anything with a ``.run``: :class:`Trained`, :class:`Fitted`, ...);
    ``publish(args, trained)`` evaluates a finished training and returns a :class:`Published`.  The
    command publishes only what finished training, and only when asked to.

    >>> Recipe(train=lambda args: train_vae(**args.config, checkpoint=args.runs / "mnist-vae"),
    ...        publish=lambda args, trained: Published(trained.model, evaluate(trained.model),
    ...                                                description="a VAE", data="MNIST, train split"))
    """
    train: Callable
    publish: Callable


class History:
    """Named series of (step, value) pairs: losses and metrics as training goes.

    >>> h = History(); h.record(0, loss_D=1.3, loss_G=0.7); h.last("loss_D")
    1.3
    """

    def __init__(self, series=None):
        self.series = {name: ([*map(int, s)], [*map(float, v)]) for name, (s, v) in (series or {}).items()}

    def record(self, step, **values):
        """Append one value per name at ``step`` (numbers or one-element tensors)."""
        for name, value in values.items():
            steps, vals = self.series.setdefault(name, ([], []))
            steps.append(int(step))
            vals.append(float(value))

    def names(self):
        return list(self.series)

    def steps(self, name):
        return self._get(name)[0]

    def values(self, name):
        return self._get(name)[1]

    def last(self, name):
        """The most recent value of ``name``."""
        vals = self.values(name)
        if not vals:
            raise ValueError(f"no values recorded for {name!r} yet")
        return vals[-1]

    def mean(self, name, last=100):
        """The mean of the last ``last`` values of ``name``."""
        vals = self.values(name)[-last:]
        return sum(vals) / len(vals) if vals else math.nan

    def to_dict(self):
        return {name: [s, v] for name, (s, v) in self.series.items()}

    def _get(self, name):
        if name not in self.series:
            raise KeyError(f"no series {name!r}; recorded: {', '.join(self.series) or 'nothing yet'}")
        return self.series[name]

    def __len__(self):
        return max((len(s) for s, _ in self.series.values()), default=0)

    def __repr__(self):
        return "History(" + ", ".join(f"{n}: {len(s)} values" for n, (s, _) in self.series.items()) + ")"


class Run:
    """Bookkeeping around a training loop: progress, history, Ctrl-C, checkpoints, resume.

    Args:
        state: what a checkpoint holds, ``{"G": G, "opt_G": opt_G, ...}``
            (modules, optimizers, tensors and ``torch.Generator``s are saved and
            restored in place; a generator saved with the run resumes the data order).
        steps: total number of training steps.
        checkpoint: a directory to save to (``<dir>/checkpoint.safetensors`` and
            ``.json``) every ``checkpoint_every`` steps, at the end and on Ctrl-C;
            when it already holds a checkpoint and ``resume`` is true, training
            continues from it.  ``None``: keep everything in memory only.
        record: JSON fields stored with each checkpoint (config, data, command).
        log_every: how often logged tensors are turned into numbers (one
            host-device synchronisation each time, not one per step).
        plot: names to draw in a live plot (``True``: every logged name), or None.
        desc: label of the progress bar.

    After the ``with`` block: ``run.step`` (steps done), ``run.history``,
    ``run.interrupted``, ``run.seconds`` (wall time of training).

    Under ``torchrun`` only rank 0 shows progress and writes checkpoints; every
    rank resumes from the same checkpoint (see ``coursekit.train.distributed``).
    """

    def __init__(self, state, steps, checkpoint=None, checkpoint_every=None, resume=True,
                 record=None, log_every=10, plot=None, desc="training"):
        if not isinstance(steps, int) or steps < 0:
            raise ValueError(f"steps must be a non-negative int, got {steps!r}")
        self.state = state
        self.total = steps
        self.dir = Path(checkpoint) if checkpoint is not None else None
        self.checkpoint_every = checkpoint_every
        self.record = dict(record or {})
        self.log_every = max(1, int(log_every))
        self.desc = desc
        self.history = History()
        self.step = 0
        self.seconds = 0.0
        self.cpu_seconds = 0.0  # processor time of the whole process (all its threads)
        self.interrupted = False
        self._pending = []
        self._bar = None
        self._started = None
        self._plot = None
        self._plot_names = plot
        if self.dir is not None and resume and _ckpt.paths(self.dir / "checkpoint")[1].exists():
            self._resume()

    # -- the loop ---------------------------------------------------------------

    def __enter__(self):
        self._started = time.perf_counter()
        self._cpu_started = time.process_time()
        return self

    def steps(self):
        """The step numbers still to do, from where a resumed run left off, with a progress bar."""
        if self._started is None:
            raise RuntimeError("use the run as `with run: for step in run.steps(): ...`")
        self._bar = tqdm(total=self.total, initial=self.step, desc=self.desc, leave=True, dynamic_ncols=True,
                         mininterval=0.5,
                         disable=(QUICK and not sys.stderr.isatty()) or not distributed.is_main(),
                         unit="step")
        self._fit_threads()
        while self.step < self.total:
            yield self.step
            self.step += 1
            self._bar.update(1)
            if self.step % self.log_every == 0 or self.step == self.total:
                self._flush()
            if self.dir is not None and self.checkpoint_every and self.step % self.checkpoint_every == 0:
                self.save()

    def _fit_threads(self):
        """Train on one thread per core that other programs leave free: on a busy laptop PyTorch's threads
        otherwise wait for each other.  Restored when the run ends."""
        self._threads = None
        if self.step >= self.total or torch.get_num_threads() == 1 or distributed.world_size() > 1:
            return
        free = training_threads()
        if free < torch.get_num_threads():
            self._threads = torch.get_num_threads()
            torch.set_num_threads(free)
            self._note(f"other programs keep {self._threads - free} of the cores busy: "
                       f"training on {free} thread{'s' * (free > 1)} instead of {self._threads}, "
                       "which would wait for each other")

    def _note(self, text):
        if self._bar is not None and not self._bar.disable:
            tqdm.write(f"{self.desc}: {text}")

    def _watch_speed(self, steps, seconds, cpu_seconds=None):
        """Say on the bar when steps run far slower than the run's own best while this process gets less
        than its share of the CPU (``cpu_seconds`` over the same window): another program took the CPU.
        Steps that are slower because they do more (a ProGAN's next resolution) keep the CPU busy and
        are not reported."""
        if steps <= 0 or seconds <= 0:
            return
        per_step = seconds / steps
        self._best_step = min(getattr(self, "_best_step", per_step), per_step)
        slow = per_step / self._best_step
        starved = cpu_seconds is None or cpu_seconds < 0.7 * seconds * torch.get_num_threads()
        if slow > 2.5 and starved and self._bar is not None:
            self._bar.set_description_str(f"{self.desc} (steps {slow:.1f}x slower than earlier: is another "
                                          f"program using the CPU?)", refresh=False)
        elif self._bar is not None:
            self._bar.set_description_str(self.desc, refresh=False)

    def log(self, **values):
        """Record values for the current step (tensors stay on the device until the next flush)."""
        self._pending.append((self.step,
                              {k: v.detach() if torch.is_tensor(v) else v for k, v in values.items()}))

    def __exit__(self, kind, error, tb):
        self.seconds += time.perf_counter() - self._started
        self.cpu_seconds += time.process_time() - self._cpu_started
        self._started = None
        # A step cut short by Ctrl-C is not counted: drop what it logged; a resumed run redoes it.
        self._pending = [(s, v) for s, v in self._pending if s < self.step]
        self._flush()
        if self._bar is not None:
            self._bar.close()
        if getattr(self, "_threads", None):
            torch.set_num_threads(self._threads)
        self.interrupted = kind is KeyboardInterrupt
        if self.dir is not None and (kind is None or self.interrupted):
            self.save()
        if self._plot is not None:
            self._plot.close()
        if self.interrupted:
            where = f"; saved to {self.dir}, run it again to resume" if self.dir is not None else ""
            if distributed.is_main():
                print(f"Interrupted at step {self.step}/{self.total}: the models keep what they learned "
                      f"and run.history keeps the curves{where}.")
            return True  # swallow the KeyboardInterrupt: the cell ends cleanly
        return False

    def cpu_time(self):
        """Processor seconds spent in the run so far (all threads; what CPU-hours count)."""
        return self.cpu_seconds + (time.process_time() - self._cpu_started if self._started else 0.0)

    # -- history, plot, checkpoints ----------------------------------------------

    def _flush(self):
        if not self._pending:
            return
        # One stack + .tolist() per flush: a single device->host copy for all pending values.
        flat = [v for _, vals in self._pending for v in vals.values()]
        numbers = iter(torch.stack([torch.as_tensor(v, dtype=torch.float32).cpu() for v in flat]).tolist())
        for step, vals in self._pending:
            self.history.record(step, **{k: next(numbers) for k in vals})
        self._pending.clear()
        if self._bar is not None:
            now, cpu, last = time.perf_counter(), time.process_time(), getattr(self, "_last_flush", None)
            if last is not None:
                self._watch_speed(self.step - last[0], now - last[1], cpu - last[2])
            self._last_flush = (self.step, now, cpu)
            self._bar.set_postfix({k: f"{self.history.last(k):.3g}" for k in self.history.names()},
                                  refresh=False)
        if self._plot_names and distributed.is_main():
            if self._plot is None:
                names = None if self._plot_names is True else list(self._plot_names)  # None: all, as logged
                self._plot = LivePlot(names, title=self.desc)
            self._plot.update(self.history)

    def save(self):
        """Write the checkpoint now (models, optimizers, history, step, RNG state)."""
        if self.dir is None:
            raise ValueError("this run has no checkpoint directory: Run(..., checkpoint='runs/name')")
        self._flush()
        if not distributed.is_main():
            return
        state = {"state": {k: v.get_state() if isinstance(v, torch.Generator) else v
                           for k, v in self.state.items()},
                 "step": self.step, "rng": torch.get_rng_state(),
                 "history": self.history.to_dict()}
        record = {**self.record, "steps": self.step, "total_steps": self.total,
                  "wall_time_s": round(
                      self.seconds + (time.perf_counter() - self._started if self._started else 0), 1),
                  "cpu_time_s": round(self.cpu_time(), 1)}
        _ckpt.save(self.dir / "checkpoint", state, record)

    def _resume(self):
        source = self.dir / "checkpoint"
        saved, record = _ckpt.read(source)

        # The data's random state missing from an older checkpoint only changes the data order from here on.
        def optional(v):
            return isinstance(v, (torch.Generator, Batches))

        missing = [k for k, v in self.state.items() if k not in saved["state"] and not optional(v)]
        if missing:
            raise _ckpt.CheckpointError(f"{source}.json lacks {missing}; it was written by a different run. "
                                        "Use another checkpoint directory or resume=False.")
        for name, obj in self.state.items():
            if optional(obj) and name not in saved["state"]:
                print(f"{source} has no {name!r} (an older checkpoint): the data order differs from here on.")
            elif isinstance(obj, torch.nn.Module):
                _ckpt.load_weights(obj, saved["state"][name], f"{source}.safetensors [{name}]")
            elif hasattr(obj, "load_state_dict"):  # optimizers, LR schedulers
                obj.load_state_dict(saved["state"][name])
            elif isinstance(obj, torch.Generator):
                obj.set_state(saved["state"][name])
            elif torch.is_tensor(obj):
                obj.copy_(saved["state"][name])
        self.step = int(saved["step"])
        self.seconds = float(record.get("wall_time_s", 0.0))
        self.cpu_seconds = float(record.get("cpu_time_s", 0.0))
        self.history = History(saved["history"])
        torch.set_rng_state(saved["rng"])
        print(f"Resumed from {source}: step {self.step}/{self.total}.")


class Curve:
    """Quality against compute, as a training goes: every ``every`` steps ``score()`` returns
    ``{name: number}``, recorded in ``run.history`` beside the images seen (``images``) and the
    processor seconds the training has spent (``cpu_s``; the scoring's own time left out).  The curve
    lives in the history, so it is kept in checkpoints and continues across a resume.

    >>> curve = Curve(run, every=250, batch_size=32, score=lambda: face_eval.quality(attributes, sample(G)))
    >>> ... curve.after(step)   # at the end of each step
    """

    def __init__(self, run, every, batch_size, score):
        self.run, self.every, self.batch_size, self.score = run, every, batch_size, score
        self.scoring_s = run.history.last("scoring_s") if "scoring_s" in run.history.names() else 0.0

    def after(self, step):
        done = step + 1
        if not self.every or done % self.every or not distributed.is_main():
            return
        started = time.process_time()
        values = self.score()
        self.scoring_s += time.process_time() - started
        cpu = self.run.cpu_time() - self.scoring_s
        self.run.history.record(done, **values, images=done * self.batch_size, cpu_s=round(cpu, 3),
                                scoring_s=self.scoring_s)
        shown = "  ".join(f"{k} {v:.4g}" for k, v in values.items())
        tqdm.write(f"{self.run.desc} step {done}: {shown}  ({done * self.batch_size} images, "
                   f"{cpu / 3600:.2f} CPU-h)")


def ablation_checkpoint(directory, key):
    """Where the variant ``key`` of an ablation study keeps its checkpoint: ``directory / key``.  The key
    is the variant's identifier (lower-case words joined by ``-``, e.g. ``"l1-only"``), never its label:
    rewording a label starts no training again."""
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key):
        raise ValueError(f"an ablation's key names its checkpoint folder: lower-case words and digits joined "
                         f"by '-' (e.g. 'l1-only'), got {key!r}; the label goes in the variant's \"label\"")
    return Path(directory) / key


def ablation_study(variants, train_one, score, checkpoint=None):
    """The lectures' ablation loop: one model per variant, each trained from the same seed, then scored.

    ``variants`` maps each variant's identifier to its label and its change (a dict of options):
    ``{"l1-only": {"label": "L1 only", "gan_weight": 0.0}}``.  The identifier is the variant's key
    everywhere (its checkpoint folder, its row, the pictures a record keeps of it); the label is for
    display only.  ``train_one(key, change, checkpoint)`` (the change without its label) returns
    (model, run) and ``score(key, model)`` the row's values, a dict.  With a ``checkpoint`` directory
    each variant resumes from its own folder (:func:`ablation_checkpoint`), and one trained before is
    only scored.  Ctrl-C stops the study (KeyboardInterrupt); the variants done keep their checkpoints.
    Returns ``{key: {"label": label, **score(key, model)}}``.

    >>> rows = ck.train.ablation_study({"l1-only": {"label": "L1 only", "gan_weight": 0.0}}, train_one, score,
    ...                                "runs/x/ablations")
    >>> rows["l1-only"]["label"]
    'L1 only'
    """
    rows = {}
    for key, variant in variants.items():
        where = ablation_checkpoint(checkpoint, key) if checkpoint else None
        model, run = train_one(key, {k: v for k, v in variant.items() if k != "label"}, where)
        if run.interrupted:
            raise KeyboardInterrupt
        rows[key] = {"label": variant.get("label", key), **score(key, model)}
    return rows


def settings(train_fn, **given):
    """The training settings a zoo record keeps as fields: ``train_fn``'s defaults with the ``given``
    arguments over them, numbers, strings and booleans only (not where checkpoints go, the device or
    the progress bar's name).  ``"options": settings(train_dcgan, steps=14000)`` in a recipe's record."""
    out = {name: p.default for name, p in inspect.signature(train_fn).parameters.items()
           if p.default is not inspect.Parameter.empty}
    out.update(given)
    return {k: v for k, v in out.items()
            if isinstance(v, (bool, int, float, str)) and k not in ("checkpoint", "device", "desc", "plot")}
