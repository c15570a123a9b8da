"""Benchmarks: ``python -m coursekit.bench [--full] [--only 00]``.

Prints the seconds each notebook takes to run top to bottom (both the solved
and the student version; quick mode unless ``--full``), the latency of the
course's widgets, DCGAN training throughput against the examples' loop,
diffusion training steps/s and sampling images/s for each speed setting
(float32, channels-last, bf16 autocast), and for every zoo recipe's training
step its FLOPs, its time and its share of the matmul peak measured in the same
run (float32, and bf16 where the hardware has it natively), on the CPU and on
CUDA when there is a GPU.  Numbers, not asserts: the tests check behaviour,
this measures speed.
"""

import argparse
import contextlib
import io
import os
import platform
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch
import torch.nn as nn
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import conv_flop_count, flop_registry

import coursekit as ck
from coursekit import faces
from coursekit.models import cgan, cyclegan, dcgan, ddpm, face_eval, inversion, pix2pix, progan, stylegan
from coursekit.models.progan.recipes import FACES_PROGAN_GROWTH
from coursekit.train import threads
from coursekit.models.stylegan.recipes import (FACES_STYLEGAN, FACES_STYLEGAN_64,
                                               FACES_STYLEGAN_EQUAL_COMPUTE, FACES_STYLEGAN_NOISE)

ROOT = Path(__file__).resolve().parent.parent / "notebooks"


def time_notebook(path, quick=True, timeout=3600):
    """Run a notebook in a fresh kernel; returns the wall seconds (kernel start included)."""
    import nbclient  # deferred: only the notebook timings need a kernel
    import nbformat

    os.environ["COURSEKIT_QUICK"] = "1" if quick else "0"
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def widget_latency(repeats=20):
    """Median seconds of one update of each course widget, driven headlessly."""
    results = {}
    browser = ck.widgets.mnist_browser(ck.data.mnist("train", verbose=False))
    times = [browser.update(digit=i % 10, page=i % 5) for i in range(repeats)]
    results["00 mnist_browser (digit, page)"] = statistics.median(times)
    if "mnist-dcgan" in ck.zoo.names():
        G = ck.zoo.load("mnist-dcgan", device=torch.device("cpu"))
        interp = ck.widgets.interpolation(G)
        results["01 interpolation (seeds, path)"] = statistics.median(
            [interp.update(seed_a=i, path=("linear", "spherical")[i % 2]) for i in range(repeats)])
        sliders = ck.widgets.latent_sliders(G)
        results["01 latent sliders"] = statistics.median(
            [sliders.update(d0=(i % 12) / 4 - 1.5) for i in range(repeats)])
        extra = ck.zoo.extras("mnist-dcgan")
        rep = ck.widgets.replay(extra["frames"], extra["frame_steps"])
        steps = [int(s) for s in extra["frame_steps"]]
        results["01 training replay"] = statistics.median(
            [rep.update(step=steps[i % len(steps)]) for i in range(repeats)])
    if "mnist-cgan" in ck.zoo.names():
        G = ck.zoo.load("mnist-cgan", device=torch.device("cpu"))
        w = ck.widgets.class_and_style(G)
        results["02 class and style"] = statistics.median(
            [w.update(digit=i % 10, style=i % 7) for i in range(repeats)])
        w = ck.widgets.ten_classes(G)
        results["02 ten classes"] = statistics.median([w.update(style=i) for i in range(repeats)])
        w = ck.widgets.label_interpolation(G)
        results["02 label interpolation"] = statistics.median([w.update(end=i % 10) for i in range(repeats)])
    if "faces-pix2pix" in ck.zoo.names():
        G = ck.zoo.load("faces-pix2pix", device=torch.device("cpu"))
        w = ck.widgets.face_factors(G)
        results["03 face factors (smile, glasses)"] = statistics.median(
            [w.update(smile=(i % 11) / 5 - 1, glasses=("on", "off")[i % 2]) for i in range(repeats)])
        condition = ck.data.faces(4, size=64, seed=pix2pix.TEST_SEED).label_images()
        w = ck.widgets.dropout_variety(G, condition)
        results["03 dropout variety (seed)"] = statistics.median([w.update(seed=i) for i in range(repeats)])
    if "mnist-cyclegan" in ck.zoo.names():
        cycles = ck.zoo.extras("mnist-cyclegan")["cycles"]
        w = ck.widgets.cycle_explorer(cycles)
        names = list(cycles)
        results["04 cycle explorer (model, image)"] = statistics.median(
            [w.update(model=names[i % len(names)], image=i % 16) for i in range(repeats)])
    if "faces-cyclegan-labels" in ck.zoo.names():
        G = ck.zoo.load("faces-cyclegan-labels", device=torch.device("cpu")).G_AB
        w = ck.widgets.face_factors(G, translate=cyclegan.translate, paint=True)
        results["04 label map -> photo (paint, glasses)"] = statistics.median(
            [w.update(part=("glasses", "hair", "no paint")[i % 3], x=(i % 10) / 10,
                      glasses=("on", "off")[i % 2])
             for i in range(repeats)])
    if "faces-progan" in ck.zoo.names():
        snapshots = progan.unpack_snapshots(ck.zoo.extras("faces-progan"))
        w, steps = ck.widgets.growth(snapshots), snapshots["steps"]
        results["05 growth scrubber (step)"] = statistics.median(
            [w.update(step=steps[(i * 7) % len(steps)]) for i in range(repeats)])
        G = ck.zoo.load("faces-progan", device=torch.device("cpu"))
        interp = ck.widgets.interpolation(G, steps=8, z_dim=G.config.z_dim)
        results["05 interpolation (seeds, path)"] = statistics.median(
            [interp.update(seed_a=i, path=("linear", "spherical")[i % 2]) for i in range(repeats)])
    if "faces-stylegan" in ck.zoo.names():
        G = ck.zoo.load("faces-stylegan", device=torch.device("cpu"))
        w = ck.widgets.style_mixing(G)
        results["06 style mixing (seeds, crossover)"] = statistics.median(
            [w.update(seed_a=i, crossover=1 + i % 7) for i in range(repeats)])
        w = ck.widgets.truncation(G)
        results["06 truncation (psi)"] = statistics.median(
            [w.update(psi=(i % 20) / 10 - 0.5) for i in range(repeats)])
        w = ck.widgets.noise_layers(G)
        results["06 noise per layer (seed, on/off)"] = statistics.median(
            [w.update(seed=i, noise_32=bool(i % 2)) for i in range(repeats)])
        directions = {f"d{k}": torch.nn.functional.normalize(torch.randn(G.config.w_dim), dim=0)
                      for k in range(4)}
        w = ck.widgets.style_directions(G, directions)
        results["06 directions in W"] = statistics.median(
            [w.update(d0=(i % 13) / 4 - 1.5) for i in range(repeats)])
        if "faces-stylegan-encoder" in ck.zoo.names():
            targets = inversion.held_out_targets(8, size=G.config.resolution)
            with torch.no_grad():
                codes = ck.zoo.load("faces-stylegan-encoder", device=torch.device("cpu"))(targets)
            w = ck.widgets.edit_inverted(G, targets, codes, directions)
            results["07 edit an inverted face (face, direction)"] = statistics.median(
                [w.update(face=i % 8, d1=(i % 13) / 4 - 1.5) for i in range(repeats)])
    if "mnist-ddpm" in ck.zoo.names():
        model = ck.zoo.load("mnist-ddpm", device=torch.device("cpu"))
        schedules = {"linear": ddpm.DDPMSchedule(),
                     "cosine": ddpm.DDPMSchedule(beta_schedule="squaredcos_cap_v2")}
        w = ck.widgets.forward_process(ck.data.mnist("train", verbose=False).images[:8], schedules)
        results["08 forward process (t)"] = statistics.median(
            [w.update(t=(i * 97) % 1000) for i in range(repeats)])
        _, trajectory = ddpm.sample(model, schedules["linear"], n=10, steps=20, trajectory_every=1)
        w = ck.widgets.reverse_trajectory(trajectory)
        ts = [t for t, _, _ in trajectory]
        results["08 reverse trajectory (t)"] = statistics.median(
            [w.update(t=ts[i % len(ts)]) for i in range(repeats)])
        w = ck.widgets.guidance(model, schedules["linear"])
        results["08 guidance, first view of a setting"] = statistics.median(
            [w.update(digit=i % 10, scale=(0.0, 5.0)[i // 10 % 2]) for i in range(repeats)])
        results["08 guidance, setting seen before (cached)"] = statistics.median(
            [w.update(digit=i % 10, scale=(0.0, 5.0)[i // 10 % 2]) for i in range(repeats)])
    return results


def ddpm_speed(device="cpu", steps=10, batch_size=128, warmup=3):
    """Diffusion U-Net training steps/s and DDIM sampling images/s for each speed setting."""
    dev = torch.device(device)
    schedule = ddpm.DDPMSchedule()
    abar = schedule.alphas_cumprod.to(dev)
    x0 = torch.rand(batch_size, 1, 28, 28, device=dev) * 2 - 1
    y = torch.randint(0, 10, (batch_size,), device=dev)
    g = torch.Generator().manual_seed(0)


    settings = [("float32", False, False), ("channels-last", True, False)]
    if ck.core.has_fast_bf16(dev):  # emulated bf16 is many times slower than float32: not worth timing
        settings += [("bf16 autocast", False, True), ("channels-last + bf16", True, True)]
    rows = {}
    for name, channels_last, bf16 in settings:
        torch.manual_seed(0)
        model = ddpm.UNet().to(dev)
        fmt = torch.channels_last if channels_last else torch.contiguous_format
        model = model.to(memory_format=fmt)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        x = x0.to(memory_format=fmt)
        autocast = torch.autocast(dev.type, dtype=torch.bfloat16, enabled=bf16)
        for i in range(warmup + steps):
            if i == warmup:
                _sync(dev)
                start = time.perf_counter()
            t, noise, yy = ddpm.draw(schedule, x, y, g)
            with autocast:
                loss = ddpm.simple_loss(lambda x_t, t: model(x_t, t, yy), x, t.to(dev), noise.to(dev), abar)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        _sync(dev)
        train = steps / (time.perf_counter() - start)
        model.eval()
        with torch.no_grad(), autocast:
            xs = torch.randn(256, 1, 28, 28, device=dev).to(memory_format=fmt)
            for i in range(warmup + steps):
                if i == warmup:
                    _sync(dev)
                    start = time.perf_counter()
                model(xs, torch.full((256,), 500, device=dev), None)
            _sync(dev)
        forward = 256 * steps / (time.perf_counter() - start)
        rows[name] = {"train_steps_per_s": train, "ddim50_images_per_s": forward / 50}
    base = rows["float32"]
    for r in rows.values():
        r["train_speedup"] = r["train_steps_per_s"] / base["train_steps_per_s"]
        r["sample_speedup"] = r["ddim50_images_per_s"] / base["ddim50_images_per_s"]
    return rows


def faces_speed(n=1000, repeats=3, detail=False):
    """Rendered faces per second (images, label maps, edge maps and factors) at each size, best of ``repeats``
    (``detail``: the photos with detail, ``ck.data.faces(..., detail=True)``)."""
    rows = {}
    for size in faces.SIZES:
        faces.faces(16, size=size, detail=detail)  # warm up
        best = min(_seconds(lambda: faces.faces(n, size=size, seed=0, detail=detail)) for _ in range(repeats))
        rows[size] = n / best
    return rows


def matmul_peak(dtype=torch.float32, device="cpu", sizes=(1024, 2048), repeats=10):
    """The hardware's practical peak: the best FLOP/s of an n×n matrix product in ``dtype`` over ``sizes``,
    each timed ``repeats`` times (the best of a few runs: a 2-core machine's clock and neighbours vary)."""
    dev = torch.device(device)
    best = 0.0
    for n in sizes:
        a, b = (torch.randn(n, n, device=dev).to(dtype) for _ in range(2))
        a @ b  # warm up (and let the library pick its kernel)
        _sync(dev)
        best = max(best, 2 * n ** 3 / min(_seconds(lambda: (a @ b, _sync(dev))) for _ in range(repeats)))
    return best


def _sync(dev):
    if dev.type == "cuda":
        torch.cuda.synchronize()


def _progan_last_stage(dev, bf16):
    """ProGAN's training step at its last stage (a run starts at 4x4), as a function of n steps: the step of
    ``progan.train_progan``, in its precision."""
    cfg = progan.ProGANConfig()
    G, D = progan.Generator(cfg).to(dev), progan.Discriminator(cfg).to(dev)
    opt_G, opt_D = (torch.optim.Adam(m.parameters(), lr=1e-3, betas=(0.0, 0.99)) for m in (G, D))
    real = torch.rand(32, 3, 32, 32, device=dev) * 2 - 1

    def train(n):
        for _ in range(n):
            with ck.core.autocast(dev, bf16):
                fake = G(torch.randn(32, cfg.z_dim, device=dev))
                loss_D = progan.d_loss(D, real, fake.detach(), cfg.max_stage, 1.0)
                opt_D.zero_grad()
                loss_D.backward()
                opt_D.step()
                loss_G = progan.g_loss(D, G(torch.randn(32, cfg.z_dim, device=dev)), cfg.max_stage, 1.0)
                opt_G.zero_grad()
                loss_G.backward()
                opt_G.step()
    return train


def zoo_steps(dev, bf16=False):
    """Each zoo recipe's training, at its zoo batch size, in float32 or (``bf16``) bf16 autocast, as
    ``{name: (train(n), window)}``: ``train(n)`` runs n steps from scratch, and a step's cost is that of
    ``window`` steps after the first, divided by ``window`` (the set-up and the first step cancel out;
    StyleGAN's window holds one lazy R1 step)."""
    quiet = {"device": dev, "desc": "bench", "bf16": bf16}
    return {
        "mnist-dcgan (batch 64)": (lambda n: dcgan.train_dcgan(steps=n, device=dev, checkpoint=None,
                                                               snapshots=1, bf16=bf16), 6),
        "mnist-cgan (batch 64)": (lambda n: cgan.train_cgan(steps=n, device=dev, bf16=bf16), 6),
        "faces-pix2pix (batch 16)": (lambda n: pix2pix.train_pix2pix("labels", steps=n, **quiet), 4),
        "mnist-cyclegan (batch 16)": (lambda n: cyclegan.train_cyclegan("digits", steps=n, **quiet), 4),
        "faces-progan, 32x32 stage (batch 32)": (_progan_last_stage(dev, bf16), 4),
        "faces-stylegan 32x32 (batch 32)": (lambda n: stylegan.train_stylegan(steps=n, **quiet), 16),
        "mnist-ddpm (batch 128)": (lambda n: ddpm.train_ddpm(steps=n, device=dev, bf16=bf16), 6),
    }


class _FlopCount(TorchDispatchMode):
    """Counts the FLOPs of the matrix products and convolutions run under it, forward and backward, with
    PyTorch's own formulas (``torch.utils.flop_counter``).  Not its FlopCounterMode: that one hooks
    every module, which ``torch.autograd.grad`` (the gradient penalties of ProGAN and StyleGAN) refuses."""

    def __init__(self):
        super().__init__()
        self.total = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        if func._overloadpacket is torch.ops.aten.convolution_backward:
            # Each product of the forward pass has one partner in each gradient asked for (input,
            # weight).  PyTorch's own formula forgets the groups in the weight's gradient, which
            # overcounts StyleGAN's modulated convolution (one group per image) by the batch size.
            grad_out, x, w, *_, transposed, _, _, output_mask = args
            forward = conv_flop_count(list(x.shape), list(w.shape), list(grad_out.shape), transposed)
            self.total += forward * (int(output_mask[0]) + int(output_mask[1]))
        elif func._overloadpacket in flop_registry:
            self.total += flop_registry[func._overloadpacket](*args, **kwargs, out_val=out)
        return out


def _quietly(fn, *args):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return fn(*args)  # no data-set notes, no progress bars


def step_flops(train, window):
    """FLOPs of one training step: those of ``train(1 + window)`` minus ``train(1)``, over ``window``."""
    def flops(n):
        with _FlopCount() as counter:
            _quietly(train, n)
        return counter.total
    return (flops(1 + window) - flops(1)) / window


def step_seconds(trains, window, repeats=3):
    """Seconds of one training step of each of ``trains`` ({key: train(n)}): ``train(1 + window)`` minus
    ``train(1)``, over ``window``, each the fastest of ``repeats``.  The trainings take turns, so that a
    drift of the machine's clock (a small machine's under sustained load) reaches all of them alike."""
    def seconds(train, n):
        start = time.perf_counter()
        _quietly(train, n)
        return time.perf_counter() - start

    for train in trains.values():
        seconds(train, 1)  # warm up: the first call builds caches, kernels and data
    long, short = {k: [] for k in trains}, {k: [] for k in trains}
    for _ in range(repeats):
        for k, train in trains.items():
            long[k].append(seconds(train, 1 + window))
            short[k].append(seconds(train, 1))
    return {k: max((min(long[k]) - min(short[k])) / window, 1e-9) for k in trains}


def utilisation(device="cpu"):
    """For every zoo recipe's training step: its FLOPs, its time in float32 and its share of the float32
    matmul peak measured just before it; where the device has native bf16, the same in bf16 autocast
    (timed in turns with float32), its speed-up and its share of the bf16 peak.
    Returns ``({precision: (lowest, highest peak)}, rows)``."""
    dev = torch.device(device)
    bf16 = ck.core.has_fast_bf16(dev)
    peaks = {"float32": [], "bf16": []}
    rows = {}
    in_bf16 = zoo_steps(dev, bf16=True)
    for name, (train, window) in zoo_steps(dev).items():
        # the peaks measured just before each row: a small machine's clock drifts under sustained load
        peaks["float32"].append(matmul_peak(torch.float32, dev))
        if bf16:
            peaks["bf16"].append(matmul_peak(torch.bfloat16, dev))
        flop = step_flops(train, window)
        seconds = step_seconds({"float32": train, **({"bf16": in_bf16[name][0]} if bf16 else {})}, window)
        row = {"gflop": flop / 1e9, "ms": seconds["float32"] * 1e3,
               "share_of_peak": flop / seconds["float32"] / peaks["float32"][-1]}
        if bf16:
            row.update(ms_bf16=seconds["bf16"] * 1e3, bf16_speedup=seconds["float32"] / seconds["bf16"],
                       share_of_bf16_peak=flop / seconds["bf16"] / peaks["bf16"][-1])
        rows[name] = row
    return {k: (min(v), max(v)) for k, v in peaks.items() if v}, rows


def face_gan_compute(device="cpu"):
    """The training compute of the face GANs' schedules, counted as :func:`utilisation` counts a step
    (products and convolutions, forward and backward): ProGAN's growth (its 7 phases at 2 steps each, times
    350), the StyleGAN zoo models' and the races' (StyleGAN recipes given ProGAN's growth compute, notebook
    06).  Returns ``{name: (steps, FLOPs)}``."""
    dev = torch.device(device)

    def counted(fn):
        with _FlopCount() as counter:
            _quietly(fn)
        return counter.total

    per_phase = FACES_PROGAN_GROWTH.steps_per_phase
    growth = FACES_PROGAN_GROWTH
    progan_flops = counted(lambda: progan.train_progan(growth, steps_per_phase=2, snapshot_every=0,
                                                       device=dev))
    steps = progan.total_steps(per_phase, FACES_PROGAN_GROWTH.model.max_stage)
    out = {"faces-progan (4x4 to 32x32)": (steps, progan_flops * per_phase / 2)}
    per_step = {}  # a step's FLOPs depend on the recipe, not on how many steps it trains
    for name, recipe in (("faces-stylegan (32x32)", FACES_STYLEGAN),
                         ("faces-stylegan-64 (64x64)", FACES_STYLEGAN_64),
                         ("faces-stylegan-equal-compute (race)", FACES_STYLEGAN_EQUAL_COMPUTE),
                         ("faces-stylegan-noise (race, first recipe)", FACES_STYLEGAN_NOISE)):
        one = replace(recipe, steps=1, curve_every=0)
        if repr(one) not in per_step:
            per_step[repr(one)] = step_flops(lambda n: stylegan.train_stylegan(one, steps=n, device=dev,
                                                                               desc="bench", bf16=False), 16)
        out[name] = (recipe.steps, recipe.steps * per_step[repr(one)])
    return out


def precision_quality(dcgan_steps=1500, ddpm_steps=1500, stylegan_steps=1500, seeds=(0, 1), device="cpu"):
    """Equal quality after equal steps (issue 25): the DCGAN, the StyleGAN (R1's second derivatives in bf16
    too) and the DDPM trained from the same seed in float32 and in bf16 autocast, their time and the judges'
    scores; the GANs' float32 also from a second seed, the spread that "within noise" is read against.
    A model with 0 steps is left out.  Rows: {name: {"seconds", "fid", other scores...}}."""
    from coursekit.metrics import evaluate_generator

    dev, rows = torch.device(device), {}
    runs = [(False, seeds[0]), (True, seeds[0]), *[(False, s) for s in seeds[1:]]]

    def timed(train):
        start = time.perf_counter()
        return train(), time.perf_counter() - start

    def name(model, steps, bf16, seed):
        return f"{model} {steps} steps, {'bf16' if bf16 else 'float32'}, seed {seed}"

    for bf16, seed in runs if dcgan_steps else []:
        G, seconds = timed(lambda: dcgan.train_dcgan(steps=dcgan_steps, seed=seed, checkpoint=None,
                                                     device=dev, bf16=bf16)[0])
        m = evaluate_generator(dcgan.sample(G.cpu(), 1000, generator=torch.Generator().manual_seed(0)))
        rows[name("DCGAN", dcgan_steps, bf16, seed)] = {
            "seconds": seconds, "fid": m["fid"], "class_share_min": m["class_share_min"],
            "class_share_max": m["class_share_max"]}
    if stylegan_steps:
        attributes = ck.zoo.load("faces-attributes", device=torch.device("cpu"))
    for bf16, seed in runs if stylegan_steps else []:
        G, seconds = timed(lambda: stylegan.train_stylegan(steps=stylegan_steps, seed=seed, device=dev,
                                                           bf16=bf16).G_ema)
        m = face_eval.versus_real(attributes, stylegan.sample(G.cpu(), 1000))
        rows[name("StyleGAN", stylegan_steps, bf16, seed)] = {"seconds": seconds, "fid": m["fid"],
                                                              "variety": m["variety"]["mean"]}
    for bf16 in (False, True) if ddpm_steps else ():
        model, seconds = timed(lambda: ddpm.train_ddpm(steps=ddpm_steps, batch_size=64, seed=seeds[0],
                                                       device=dev, bf16=bf16)[0])
        m = ddpm.evaluate(model.eval(), unconditional=300, per_class=30, guidance_scales=(1.0,),
                          sampler_images=0)
        rows[name("DDPM", ddpm_steps, bf16, seeds[0])] = {
            "seconds": seconds, "fid": m["guided_1"]["fid"],
            "class_accuracy": m["guided_1"]["class_accuracy"], "fid_unconditional": m["fid_unconditional"]}
    return rows


def _seconds(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true",
                        help="full mode (the real course) instead of quick mode")
    parser.add_argument("--only", default="", help="run only notebooks whose name contains this")
    parser.add_argument("--no-widgets", action="store_true")
    parser.add_argument("--no-notebooks", action="store_true")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--busy", action="store_true",
                        help="only the DCGAN step's time, idle and with one core kept busy by another "
                             "program, for PyTorch's threads, one thread, and the course's choice "
                             "(training_threads)")
    parser.add_argument("--quality", action="store_true",
                        help="also train the DCGAN, the StyleGAN and the DDPM in float32 and bf16 and "
                             "compare the judges' scores (about 75 minutes on 2 CPU cores)")
    args = parser.parse_args(argv)
    if args.busy:
        print(f"{'DCGAN step (batch 64), ms':<36} {'idle':>7} {'1 core busy':>12}")
        for name, row in threads.busy_core_steps().items():
            print(f"{name:<36} {row['idle']:7.0f} {row['busy']:12.0f}", flush=True)
        return 0

    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch "
          f"{torch.__version__}, {'full' if args.full else 'quick'} mode, device "
          f"{os.environ.get('COURSEKIT_DEVICE', 'auto')}")
    print(f"{'notebook':<44} {'seconds':>8}")
    total = 0.0
    for path in sorted(ROOT.glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb")):
        if args.no_notebooks or args.only not in path.name:
            continue
        seconds = time_notebook(path, quick=not args.full)
        total += seconds
        print(f"{str(path.relative_to(ROOT.parent)):<44} {seconds:8.1f}", flush=True)
    print(f"{'total':<44} {total:8.1f}")
    if not args.no_widgets:
        print(f"\n{'widget update':<44} {'ms':>8}")
        for name, seconds in widget_latency().items():
            print(f"{name:<44} {seconds * 1000:8.1f}")
    if not args.no_throughput:
        devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
        for detail in (False, True):
            print(f"\n{'faces' + (' with detail' if detail else '') + ' rendered, images/s':<28} "
                  + "  ".join(f"{size}x{size}: {r:,.0f}" for size, r in faces_speed(detail=detail).items()))
        print(f"\n{'DCGAN training, images/s':<28} {'course':>8} {'examples':>9} {'ratio':>6}")
        for dev in devices:
            r = dcgan_throughput(dev, steps=40 if dev == "cpu" else 200)
            print(f"{dev:<28} {r['course']:8.0f} {r['examples']:9.0f} {r['ratio']:6.2f}")
        print(f"\n{'DDPM U-Net, batch 128':<28} {'train steps/s':>14} {'×':>5} "
              f"{'DDIM-50 images/s':>17} {'×':>5}")
        for dev in devices:
            for name, r in ddpm_speed(dev, steps=10 if dev == "cpu" else 50).items():
                print(f"{dev + ', ' + name:<28} {r['train_steps_per_s']:14.2f} {r['train_speedup']:5.2f} "
                      f"{r['ddim50_images_per_s']:17.1f} {r['sample_speedup']:5.2f}", flush=True)
            if not ck.core.has_fast_bf16(dev):
                print(f"{dev + ', bf16 autocast':<28} {'skipped: no native bf16 on this ' + dev.upper()}")
        for dev in devices:
            peaks, rows = utilisation(dev)
            print(f"\n{dev}: matmul peak, measured before each row, " + ", ".join(
                f"{k} {lo / 1e9:,.0f}-{hi / 1e9:,.0f} GFLOP/s" for k, (lo, hi) in peaks.items()))
            bf16 = "bf16" in peaks
            print(f"{'zoo training step':<40} {'GFLOP':>7} {'ms':>8} {'% peak':>7}"
                  + (f" {'ms bf16':>8} {'×':>5} {'% bf16 peak':>11}" if bf16
                     else "  (bf16: no native bf16 here)"))
            for name, r in rows.items():
                print(f"{name:<40} {r['gflop']:7.2f} {r['ms']:8.1f} {r['share_of_peak']:7.1%}"
                      + (f" {r['ms_bf16']:8.1f} {r['bf16_speedup']:5.2f} {r['share_of_bf16_peak']:11.1%}"
                         if bf16 else ""),
                      flush=True)
        compute = face_gan_compute()
        progan_flops = compute["faces-progan (4x4 to 32x32)"][1]
        print(f"\n{'face GANs, their schedules':<42} {'steps':>7} {'TFLOP':>8} {'GFLOP/step':>10} "
              f"{'of ProGAN':>9}")
        for name, (steps, flops) in compute.items():
            print(f"{name:<42} {steps:7,} {flops / 1e12:8.1f} {flops / steps / 1e9:10.2f} "
                  f"{flops / progan_flops:9.3f}", flush=True)
    if args.quality:
        print(f"\n{'equal quality after equal steps (cpu)':<40} {'seconds':>8} {'Fréchet':>8}  other scores")
        for name, r in precision_quality().items():
            rest = {k: round(v, 3) for k, v in r.items() if k not in ("seconds", "fid")}
            print(f"{name:<40} {r['seconds']:8.0f} {r['fid']:8.1f}  {rest}", flush=True)
    return 0



def dcgan_throughput(device="cpu", steps=40, batch_size=64, warmup=5):
    """Training images/s of the course's DCGAN step against the PyTorch-examples style, same architecture.

    The examples' loop (pytorch/examples, dcgan/main.py): D ends in a Sigmoid with
    nn.BCELoss, real and fake halves are backpropagated separately, a DataLoader
    feeds the batches (here with no worker processes, over the same in-memory
    digits, which favours it on a small machine) and ``.item()`` syncs three
    times a step.  The course's: logits with BCE-with-logits, batches sliced
    from in-memory tensors, no host sync in the loop, bf16 autocast on CUDA.
    Returns ``{"course": img/s, "examples": img/s, "ratio": course / examples}``.
    """
    dev = torch.device(device)
    digits = ck.data.mnist("train", verbose=False)

    def models():
        torch.manual_seed(0)
        G, D = dcgan.Generator().to(dev), dcgan.Discriminator().to(dev)
        return G, D, *dcgan.make_optimizers(G, D)

    # --- the course's loop
    G, D, opt_G, opt_D = models()
    batches = digits.batches(batch_size, generator=torch.Generator().manual_seed(0))
    autocast = torch.autocast(dev.type, dtype=torch.bfloat16, enabled=dev.type == "cuda")
    for i in range(warmup + steps):
        if i == warmup:
            _sync(dev)
            start = time.perf_counter()
        real, _ = next(batches)
        with autocast:
            dcgan.train_step(G, D, opt_G, opt_D, real.to(dev, non_blocking=True), G.sample_z(batch_size))
    _sync(dev)
    course = steps * batch_size / (time.perf_counter() - start)

    # --- the examples' loop, same architecture with a Sigmoid on D and nn.BCELoss
    G, D, opt_G, opt_D = models()
    D_prob = nn.Sequential(D, nn.Sigmoid())
    criterion = nn.BCELoss()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(digits.images), batch_size=batch_size,
                                         shuffle=True, drop_last=True)
    it = iter(loader)
    for i in range(warmup + steps):
        if i == warmup:
            _sync(dev)
            start = time.perf_counter()
        try:
            (real,) = next(it)
        except StopIteration:
            it = iter(loader)
            (real,) = next(it)
        real = real.to(dev)
        D.zero_grad()
        label = torch.full((batch_size,), 1.0, device=dev)
        output = D_prob(real)
        err_real = criterion(output, label)
        err_real.backward()
        output.mean().item()
        fake = G(torch.randn(batch_size, G.config.z_dim, device=dev))
        label.fill_(0.0)
        output = D_prob(fake.detach())
        err_fake = criterion(output, label)
        err_fake.backward()
        output.mean().item()
        opt_D.step()
        G.zero_grad()
        label.fill_(1.0)
        output = D_prob(fake)
        criterion(output, label).backward()
        output.mean().item()
        opt_G.step()
    _sync(dev)
    examples = steps * batch_size / (time.perf_counter() - start)
    return {"course": course, "examples": examples, "ratio": course / examples}


if __name__ == "__main__":
    sys.exit(main())
