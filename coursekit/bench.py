"""Benchmarks: ``python -m coursekit.bench [--full] [--only 00]``.

Prints the seconds each notebook takes to run top to bottom (both the solved
and the student version; quick mode unless ``--full``), the latency of the
course's widgets, DCGAN training throughput against the examples' loop, and
diffusion training steps/s and sampling images/s for each speed setting
(float32, channels-last, bf16 autocast) on the CPU and on CUDA when there is
a GPU.  Numbers, not asserts: the tests check behaviour, this measures speed.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn

import coursekit as ck
from coursekit import faces
from coursekit.models import cyclegan, dcgan, ddpm, inversion, pix2pix, progan, stylegan

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
        results["01 latent sliders"] = statistics.median([sliders.update(d0=(i % 12) / 4 - 1.5) for i in range(repeats)])
        extra = ck.zoo.extras("mnist-dcgan")
        rep = ck.widgets.replay(extra["frames"], extra["frame_steps"])
        steps = [int(s) for s in extra["frame_steps"]]
        results["01 training replay"] = statistics.median([rep.update(step=steps[i % len(steps)]) for i in range(repeats)])
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
            [w.update(part=("glasses", "hair", "no paint")[i % 3], x=(i % 10) / 10, glasses=("on", "off")[i % 2])
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
        results["06 truncation (psi)"] = statistics.median([w.update(psi=(i % 20) / 10 - 0.5) for i in range(repeats)])
        w = ck.widgets.noise_layers(G)
        results["06 noise per layer (seed, on/off)"] = statistics.median(
            [w.update(seed=i, noise_32=bool(i % 2)) for i in range(repeats)])
        directions = {f"d{k}": torch.nn.functional.normalize(torch.randn(G.config.w_dim), dim=0) for k in range(4)}
        w = ck.widgets.style_directions(G, directions)
        results["06 directions in W"] = statistics.median([w.update(d0=(i % 13) / 4 - 1.5) for i in range(repeats)])
        if "faces-stylegan-encoder" in ck.zoo.names():
            targets = inversion.held_out_targets(8, size=G.config.resolution)
            with torch.no_grad():
                codes = ck.zoo.load("faces-stylegan-encoder", device=torch.device("cpu"))(targets)
            w = ck.widgets.edit_inverted(G, targets, codes, directions)
            results["07 edit an inverted face (face, direction)"] = statistics.median(
                [w.update(face=i % 8, d1=(i % 13) / 4 - 1.5) for i in range(repeats)])
    if "mnist-ddpm" in ck.zoo.names():
        model = ck.zoo.load("mnist-ddpm", device=torch.device("cpu"))
        schedules = {"linear": ddpm.DDPMSchedule(), "cosine": ddpm.DDPMSchedule(beta_schedule="squaredcos_cap_v2")}
        w = ck.widgets.forward_process(ck.data.mnist("train", verbose=False).images[:8], schedules)
        results["08 forward process (t)"] = statistics.median([w.update(t=(i * 97) % 1000) for i in range(repeats)])
        _, trajectory = ddpm.sample(model, schedules["linear"], n=10, steps=20, trajectory_every=1)
        w = ck.widgets.reverse_trajectory(trajectory)
        ts = [t for t, _, _ in trajectory]
        results["08 reverse trajectory (t)"] = statistics.median([w.update(t=ts[i % len(ts)]) for i in range(repeats)])
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

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize()


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
                sync()
                start = time.perf_counter()
            t, noise, yy = ddpm.draw(schedule, x, y, g)
            with autocast:
                loss = ddpm.simple_loss(lambda x_t, t: model(x_t, t, yy), x, t.to(dev), noise.to(dev), abar)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        sync()
        train = steps / (time.perf_counter() - start)
        model.eval()
        with torch.no_grad(), autocast:
            xs = torch.randn(256, 1, 28, 28, device=dev).to(memory_format=fmt)
            for i in range(warmup + steps):
                if i == warmup:
                    sync()
                    start = time.perf_counter()
                model(xs, torch.full((256,), 500, device=dev), None)
            sync()
        forward = 256 * steps / (time.perf_counter() - start)
        rows[name] = {"train_steps_per_s": train, "ddim50_images_per_s": forward / 50}
    base = rows["float32"]
    for r in rows.values():
        r["train_speedup"] = r["train_steps_per_s"] / base["train_steps_per_s"]
        r["sample_speedup"] = r["ddim50_images_per_s"] / base["ddim50_images_per_s"]
    return rows


def faces_speed(n=1000, repeats=3):
    """Rendered faces per second (images, label maps, edge maps and factors) at each size, best of ``repeats``."""
    rows = {}
    for size in faces.SIZES:
        faces.faces(16, size=size)  # warm up
        best = min(_seconds(lambda: faces.faces(n, size=size, seed=0)) for _ in range(repeats))
        rows[size] = n / best
    return rows


def training_speed(device="cpu", steps=6):
    """Training steps/s of the zoo's image-to-image and faces GANs at their zoo batch sizes (the
    first step, which builds everything, is left out)."""
    dev = torch.device(device)

    def rate(train):
        # a run of steps + 1 minus a run of 1: the set-up and the first step cancel out
        return steps / max(train(steps + 1).seconds - train(1).seconds, 1e-9)

    def grown(n):  # ProGAN's step at its last stage (a run starts at 4x4), timed directly
        cfg = progan.ProGANConfig()
        G, D = progan.Generator(cfg).to(dev), progan.Discriminator(cfg).to(dev)
        opt_G, opt_D = (torch.optim.Adam(m.parameters(), lr=1e-3, betas=(0.0, 0.99)) for m in (G, D))
        real = torch.rand(32, 3, 32, 32, device=dev) * 2 - 1

        def step():
            fake = G(torch.randn(32, cfg.z_dim, device=dev))
            loss_D = progan.d_loss(D, real, fake.detach(), cfg.max_stage, 1.0)
            opt_D.zero_grad()
            loss_D.backward()
            opt_D.step()
            loss_G = progan.g_loss(D, G(torch.randn(32, cfg.z_dim, device=dev)), cfg.max_stage, 1.0)
            opt_G.zero_grad()
            loss_G.backward()
            opt_G.step()
        step()
        return n / _seconds(lambda: [step() for _ in range(n)])

    return {
        "faces-pix2pix (batch 16)": rate(lambda n: pix2pix.train_pix2pix("labels", steps=n, device=dev, desc="bench")[2]),
        "mnist-cyclegan (batch 16)": rate(lambda n: cyclegan.train_cyclegan("digits", steps=n, device=dev, desc="bench")[1]),
        "faces-progan, 32x32 stage (batch 32)": grown(steps),
        "faces-stylegan 32x32 (batch 32)": rate(lambda n: stylegan.train_stylegan(steps=n, device=dev, desc="bench")[3]),
    }


def _seconds(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="full mode (the real course) instead of quick mode")
    parser.add_argument("--only", default="", help="run only notebooks whose name contains this")
    parser.add_argument("--no-widgets", action="store_true")
    parser.add_argument("--no-notebooks", action="store_true")
    parser.add_argument("--no-throughput", action="store_true")
    args = parser.parse_args(argv)


    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
          f"{'full' if args.full else 'quick'} mode, device {os.environ.get('COURSEKIT_DEVICE', 'auto')}")
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
        print(f"\n{'faces rendered, images/s':<28} " + "  ".join(f"{size}x{size}: {r:,.0f}"
                                                             for size, r in faces_speed().items()))
        print(f"\n{'DCGAN training, images/s':<28} {'course':>8} {'examples':>9} {'ratio':>6}")
        for dev in devices:
            r = dcgan_throughput(dev, steps=40 if dev == "cpu" else 200)
            print(f"{dev:<28} {r['course']:8.0f} {r['examples']:9.0f} {r['ratio']:6.2f}")
        print(f"\n{'DDPM U-Net, batch 128':<28} {'train steps/s':>14} {'×':>5} {'DDIM-50 images/s':>17} {'×':>5}")
        for dev in devices:
            for name, r in ddpm_speed(dev, steps=10 if dev == "cpu" else 50).items():
                print(f"{dev + ', ' + name:<28} {r['train_steps_per_s']:14.2f} {r['train_speedup']:5.2f} "
                      f"{r['ddim50_images_per_s']:17.1f} {r['sample_speedup']:5.2f}", flush=True)
            if not ck.core.has_fast_bf16(dev):
                print(f"{dev + ', bf16 autocast':<28} {'skipped: no native bf16 on this ' + dev.upper()}")
        print(f"\n{'zoo training, steps/s':<40} " + "  ".join(f"{d:>8}" for d in devices))
        speeds = {dev: training_speed(dev, steps=6 if dev == "cpu" else 30) for dev in devices}
        for name in speeds["cpu"]:
            print(f"{name:<40} " + "  ".join(f"{speeds[d][name]:8.2f}" for d in devices), flush=True)
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

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize()

    # --- the course's loop
    G, D, opt_G, opt_D = models()
    batches = digits.batches(batch_size, generator=torch.Generator().manual_seed(0))
    autocast = torch.autocast(dev.type, dtype=torch.bfloat16, enabled=dev.type == "cuda")
    for i in range(warmup + steps):
        if i == warmup:
            sync()
            start = time.perf_counter()
        real, _ = next(batches)
        with autocast:
            dcgan.train_step(G, D, opt_G, opt_D, real.to(dev, non_blocking=True), G.sample_z(batch_size))
    sync()
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
            sync()
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
    sync()
    examples = steps * batch_size / (time.perf_counter() - start)
    return {"course": course, "examples": examples, "ratio": course / examples}


if __name__ == "__main__":
    sys.exit(main())
