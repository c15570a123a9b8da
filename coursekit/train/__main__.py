"""Retrain a zoo model: ``python -m coursekit.train <model> [--steps N] [--device cpu]``.

Each zoo record names the exact command that produced it.  Training resumes
from ``runs/<model>/`` when interrupted (Ctrl-C keeps what was learned);
``--fresh`` starts over.
"""

import argparse
import platform
import shutil
import sys
from pathlib import Path

import torch

import coursekit as ck


def judge(args):
    from coursekit.metrics import evaluate_judge
    from coursekit.models.judge import train_judge

    model, run = train_judge(steps=args.steps or 1500, checkpoint=args.runs / "mnist-judge", device=args.device)
    if run.interrupted:
        return None
    metrics = evaluate_judge(model)
    return model, run, metrics, {
        "description": "MNIST evaluation classifier ('judge'), trained on real training digits only; "
                       "its 128-d penultimate features are the space of the course's Fréchet distance.",
        "data": f"{ck.data.mnist('train', verbose=False).source}, train split (held-out split only for metrics)",
    }


def dcgan(args):
    from coursekit.metrics import evaluate_generator
    from coursekit.models.dcgan import Generator, sample, train_dcgan

    G, _, run, frames, frame_steps = train_dcgan(steps=args.steps or 5000, checkpoint=args.runs / "mnist-dcgan",
                                                 device=args.device)
    if run.interrupted:
        return None
    g = torch.Generator().manual_seed(0)
    untrained = sample(Generator(G.config), 1000, generator=torch.Generator().manual_seed(0))
    metrics = evaluate_generator(sample(G.cpu(), 1000, generator=g), untrained=untrained)
    metrics["fid_floor"] = ck.zoo.record("mnist-judge")["metrics"]["fid_floor"]
    return G, run, metrics, {
        "description": "DCGAN generator for 28x28 digits (notebook 01), non-saturating loss, Adam 2e-4 / 0.5.",
        "data": f"{ck.data.mnist('train', verbose=False).source}, train split",
        "extras": {"frames": frames, "frame_steps": frame_steps},
    }


def cgan(args):
    from coursekit.models import cgan as cgan_models

    G, _, run = cgan_models.train_cgan(steps=args.steps or 6000, checkpoint=args.runs / "mnist-cgan", device=args.device)
    if run.interrupted:
        return None
    return G, run, cgan_models.evaluate(G.cpu(), per_class=100, seed=0), {
        "description": "Conditional DCGAN for 28x28 digits (notebook 02): [z, one_hot(y)] into G, "
                       "10 label channels into D, real images with wrong labels count as fake.",
        "data": f"{ck.data.mnist('train', verbose=False).source}, train split",
        "evaluation": "cgan.evaluate(G, per_class=100, seed=0): 1,000 samples, 100 per digit, read by mnist-judge",
    }


def ddpm(args):
    from coursekit.models import ddpm as ddpm_models

    model, _, run = ddpm_models.train_ddpm(steps=args.steps or 12000, checkpoint=args.runs / "mnist-ddpm",
                                           device=args.device)
    if run.interrupted:
        return None
    metrics = ddpm_models.evaluate(model.cpu(), unconditional=1000, per_class=50, guidance_scales=(1.0, 3.0))
    metrics["fid_floor"] = ck.zoo.record("mnist-judge")["metrics"]["fid_floor"]
    return model, run, metrics, {
        "description": "Denoising diffusion U-Net for 28x28 digits (notebook 08): epsilon prediction, linear "
                       "schedule T=1000, labels dropped 10% of the time so one network is both the "
                       "unconditional model (label 10) and the class-conditional one (classifier-free "
                       "guidance). Weights are the exponential moving average (decay 0.999).",
        "data": f"{ck.data.mnist('train', verbose=False).source}, train split",
        "evaluation": "ddpm.evaluate(model, unconditional=1000, per_class=50, guidance_scales=(1.0, 3.0)): "
                      "DDIM 50 steps, eta 0, seed 0, read by mnist-judge",
    }


RECIPES = {"mnist-judge": judge, "mnist-dcgan": dcgan, "mnist-cgan": cgan, "mnist-ddpm": ddpm}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit.train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", choices=sorted(RECIPES))
    parser.add_argument("--steps", type=int, default=None, help="training steps (default: the zoo's)")
    parser.add_argument("--device", default=None, help="cpu, cuda, mps (default: ck.device())")
    parser.add_argument("--runs", default="runs", help="directory of resumable training checkpoints")
    parser.add_argument("--zoo", default=None, help="zoo directory to publish to (default: data/zoo)")
    parser.add_argument("--fresh", action="store_true", help="ignore an earlier checkpoint and start over")
    args = parser.parse_args(argv)
    args.runs = Path(args.runs)
    if args.fresh:
        shutil.rmtree(args.runs / args.model, ignore_errors=True)
    if args.device:
        args.device = torch.device(args.device)
    result = RECIPES[args.model](args)
    if result is None:
        print("Interrupted: run the same command again to resume.")
        return 1
    model, run, metrics, extra = result
    extras = extra.pop("extras", None)
    # The command that retrains the model; where its outputs go (--runs, --zoo) does not change it.
    words, skip = [], False
    for word in argv if argv is not None else sys.argv[1:]:
        if skip or word in ("--runs", "--zoo"):
            skip = not skip
            continue
        words.append(word)
    command = "python -m coursekit.train " + " ".join(words)
    dev = args.device or ck.device()
    rec = ck.zoo.publish(args.model, model.cpu(), {
        **extra, "steps": run.step, "wall_time_s": round(run.seconds, 1),
        "device": f"{dev} ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"
                  if dev.type == "cpu" else f"{dev} ({torch.cuda.get_device_name() if dev.type == 'cuda' else dev})",
        "metrics": metrics, "command": command.strip(),
    }, extras=extras, zoo_dir=Path(args.zoo) if args.zoo else None)
    print(f"Published {args.model}: {rec['metrics']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
