"""Score a StyleGAN training's checkpoint as issue 35's bar reads it, before it is published:

    python -m coursekit.models.stylegan.score RUN_DIR [--faces 1000] [--seed 7] [--png samples.png]

``RUN_DIR`` is where ``python -m coursekit.train faces-stylegan --runs RUNS`` keeps the run
(``RUNS/faces-stylegan``).  The moving-average generator draws ``--faces`` faces from codes of
``--seed`` (one the course never scores) and :func:`face_eval.quality` reads them: the Fréchet
distance, the variety and the texture against as many held-out real faces.  ``--png`` also saves 64 of
them, 8 by 8, each drawn at 64 pixels, to look at.
"""

import argparse
import sys
from pathlib import Path

import torch

import coursekit as ck
from coursekit.checkpoint import load_weights
from coursekit.models import face_eval
from coursekit.models.stylegan import Generator, StyleGANConfig, sample
from coursekit.models.stylegan.recipes import FRESH_SEED


def generator(run_dir):
    """The moving-average generator of a run's checkpoint (its configuration from the checkpoint's
    record), on the CPU, and the record."""
    saved, record = ck.checkpoint.read(Path(run_dir) / "checkpoint")
    options = record.get("options", {})
    G = Generator(StyleGANConfig(**options.get("model", {})))
    load_weights(G, saved["state"]["G_ema"], f"{run_dir} [G_ema]")
    return G.eval(), record


def score(run_dir, faces=1000, seed=FRESH_SEED):
    """``{"steps", "images", "cpu_hours", "fid", "variety", "texture"}`` of a run's checkpoint."""
    G, record = generator(run_dir)
    attributes = ck.zoo.load("faces-attributes", device=torch.device("cpu"))
    with torch.no_grad():
        drawn = sample(G, faces, seed=seed)
    batch = record.get("options", {}).get("batch_size", 32)
    return {"steps": record["steps"], "images": record["steps"] * batch,
            "cpu_hours": round(record.get("cpu_time_s", 0) / 3600, 2), **face_eval.quality(attributes, drawn)}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit.models.stylegan.score", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir")
    parser.add_argument("--faces", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=FRESH_SEED,
                        help=f"the codes' seed (default {FRESH_SEED}: never scored elsewhere)")
    parser.add_argument("--png", help="save 64 faces here, 8 by 8, each 64 pixels wide")
    args = parser.parse_args(argv)
    print(score(args.run_dir, args.faces, args.seed))
    if args.png:
        import torch.nn.functional as F
        from torchvision.utils import save_image

        G, _ = generator(args.run_dir)
        with torch.no_grad():
            faces = sample(G, 64, seed=args.seed)
        save_image((F.interpolate(faces, size=64, mode="nearest") + 1) / 2, args.png, nrow=8, padding=2)
        print(f"Saved {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
