"""Retrain a zoo model: ``python -m coursekit.train <model> [--steps N] [--device cpu]``.

Each zoo record names the exact command that produced it.  Training resumes
from ``runs/<model>/`` when interrupted (Ctrl-C keeps what was learned);
``--fresh`` starts over.  The same command runs data-parallel under torchrun,
on several GPUs or machines (see coursekit/train/distributed.py)::

    torchrun --nproc_per_node 4 -m coursekit.train mnist-ddpm
"""

import argparse
import importlib
import os
import platform
import shutil
import signal
import sys
from pathlib import Path

import torch

import coursekit as ck
from coursekit.metrics import evaluate_judge
from coursekit.models import LECTURES, face_eval
from coursekit.models.progan import phases as progan_phases
from coursekit.models.judge import train_judge
from coursekit.train import distributed
from coursekit.train.config import ConfigError, as_record, override
from coursekit.train.config import field_names as config_fields


# The readers that score every lecture are trained here; each lecture's own models by the recipes
# beside its code (coursekit/models/<lecture>/recipes.py).

def train_mnist_judge(args):
    return train_judge(**args.config, checkpoint=args.runs / "mnist-judge", device=args.device)


def publish_mnist_judge(args, trained):
    return ck.train.Published(
        trained.model, evaluate_judge(trained.model),
        description="MNIST evaluation classifier ('judge'), trained on real training digits only; its 128-d "
                    "penultimate features are the space of the course's Fréchet distance.",
        data=f"{ck.data.mnist('train', verbose=False).source}, train split (held-out split only for metrics)")


mnist_judge = ck.train.Recipe(train=train_mnist_judge, publish=publish_mnist_judge)


def _face_eval(name, description, evaluation, detail=False, camera=False):
    """The recipe of a faces evaluation model: trained on a stream of renders (with detail if ``detail``;
    through :func:`face_eval.through_camera` if ``camera``), scored on held-out ones."""
    attributes = name == "faces-attributes"
    # only the segmenter has variants: photos with detail, seen through a camera
    variant = {"detail": True} if detail else {}
    if camera:
        variant["camera"] = True

    def train(args):
        fit = face_eval.train_attributes if attributes else face_eval.train_segmenter
        return fit(**args.config, checkpoint=args.runs / name, device=args.device)

    def publish(args, trained):
        evaluate = face_eval.evaluate_attributes if attributes else face_eval.evaluate_segmenter
        return ck.train.Published(
            trained.model, evaluate(trained.model.cpu(), **variant), description=description,
            data=f"ck.data.faces{'(detail=True)' if detail else ''}, seed {face_eval.TRAIN_SEED}, a fresh "
                 f"stream of renders (held out: seed {face_eval.TEST_SEED})",
            evaluation=evaluation)

    return ck.train.Recipe(train=train, publish=publish)


faces_attributes = _face_eval(
    "faces-attributes",
    "Attribute predictor for the rendered faces (notebooks 03-07): reads every factor back from a 64x64 "
    "image; its 128-d features are the space of the faces' Frechet distance.",
    "face_eval.evaluate_attributes(model): 1,000 held-out faces")
faces_segmenter = _face_eval(
    "faces-segmenter",
    "Face part segmenter (labels from a photo): scores Pix2Pix's labels -> photo (notebook 03).",
    "face_eval.evaluate_segmenter(model): 500 held-out faces")
faces_segmenter_detail = _face_eval(
    "faces-segmenter-detail",
    "Face part segmenter for photos with detail (hair strands, skin and background texture): scores "
    "Pix2Pix's labels -> photo on ck.data.faces(detail=True) (notebook 03), as the paper's FCN is trained "
    "on real photos.",
    "face_eval.evaluate_segmenter(model, detail=True): 500 held-out faces", detail=True)
faces_segmenter_camera = _face_eval(
    "faces-segmenter-camera",
    "Face part segmenter for photos with detail, trained on them passed through face_eval.through_camera "
    "(blur, grain, colour casts): a judge of Pix2Pix's photos that has seen a camera's nuisances, as an FCN "
    "trained on real photos has (notebook 03, section 8).",
    "face_eval.evaluate_segmenter(model, detail=True, camera=True): 500 held-out faces, as they are and "
    "through the camera", detail=True, camera=True)


def recipes():
    """Every zoo model's recipe by name: the shared readers' (here) and each lecture's."""
    found = {"mnist-judge": mnist_judge, "faces-attributes": faces_attributes,
             "faces-segmenter": faces_segmenter, "faces-segmenter-detail": faces_segmenter_detail,
             "faces-segmenter-camera": faces_segmenter_camera}
    for lecture in LECTURES:
        found.update(importlib.import_module(f"coursekit.models.{lecture}.recipes").RECIPES)
    return found


#: The configuration each reader is trained with (the training function's settings).
CONFIGS = {
    "mnist-judge": ck.train.settings(train_judge, steps=1500),
    "faces-attributes": ck.train.settings(face_eval.train_attributes, steps=3000),
    "faces-segmenter": ck.train.settings(face_eval.train_segmenter, steps=2000),
    "faces-segmenter-detail": ck.train.settings(face_eval.train_segmenter, steps=2000, detail=True),
    "faces-segmenter-camera": ck.train.settings(face_eval.train_segmenter, steps=2000, detail=True,
                                                camera=True),
}


def configs():
    """Every zoo model's declared configuration by name: the readers' (here) and each lecture's
    (``recipes.CONFIGS``)."""
    found = dict(CONFIGS)
    for lecture in LECTURES:
        found.update(getattr(importlib.import_module(f"coursekit.models.{lecture}.recipes"), "CONFIGS", {}))
    return found


def configuration(name, args):
    """``name``'s declared configuration with the command line's changes: ``--set`` pairs, and the older
    ``--steps`` (a ProGAN's total steps, shared by its phases) and ``--batch-size``."""
    declared = configs().get(name)
    if declared is None:
        if args.set:
            raise SystemExit(f"{name} declares no configuration that --set could change")
        return None
    changes = {}
    if args.steps:
        fields = config_fields(declared)
        changes = ({"steps": args.steps} if "steps" in fields else
                   {"steps_per_phase": args.steps // progan_phases(declared.model.max_stage)})
    if args.batch_size:
        changes["batch_size"] = args.batch_size
    try:
        return override(override(declared, changes), args.set)
    except ConfigError as error:
        raise SystemExit(f"--set: {error}") from None


def _stop_cleanly_on_sigterm():
    """``kill PID`` stops a training like Ctrl-C does: it saves its checkpoint, and the same command resumes.

    (A job started with ``&`` from a script ignores Ctrl-C's SIGINT, so SIGTERM is how it is stopped.)
    """
    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


#: What an interrupted command says: its checkpoints keep what was learned.
RESUME = "Interrupted: run the same command again to resume."


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit.train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    known = recipes()
    parser.add_argument("model", choices=sorted(known))
    parser.add_argument("--steps", type=int, default=None, help="training steps (default: the zoo's)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="global batch, split among torchrun's ranks (default: the zoo's)")
    parser.add_argument("--device", default=None, help="cpu, cuda, mps (default: ck.device())")
    parser.add_argument("--runs", default="runs", help="directory of resumable training checkpoints")
    parser.add_argument("--zoo", default=None, help="zoo directory to publish to (default: data/zoo)")
    parser.add_argument("--ablation-steps", type=int, default=None,
                        help="faces-pix2pix, mnist-cyclegan: training steps of each ablation run (default: "
                             "the zoo's, 500 and 1000; 0: none); "
                             "faces-progan, faces-stylegan: 0 skips the ablation, which otherwise trains as "
                             "long as the zoo model")
    parser.add_argument("--precision", choices=ck.core.PRECISIONS, default=None,
                        help="auto (the default): bf16 autocast where the hardware has native bf16, float32 "
                             "elsewhere; float32: as on a machine without native bf16; bf16 "
                             "(COURSEKIT_PRECISION does the same). The CycleGANs stay float32: bf16 does not "
                             "pay at their size")
    parser.add_argument("--set", nargs="+", default=[], metavar="NAME=VALUE",
                        help="change fields of the model's declared configuration (its recipes.CONFIGS), "
                             "e.g. --set lr=1e-3 steps=500; an unknown name lists the known ones")
    parser.add_argument("--threads", type=int, default=None,
                        help="PyTorch's CPU threads (default: its own choice; one per training when two "
                             "trainings share a machine)")
    parser.add_argument("--fresh", action="store_true", help="ignore an earlier checkpoint and start over")
    parser.add_argument("--no-publish", dest="publish", action="store_false",
                        help="train (or resume) only: no evaluation, nothing written to the zoo")
    argv = list(argv if argv is not None else sys.argv[1:])
    args = parser.parse_args(argv)
    _stop_cleanly_on_sigterm()
    args.runs = Path(args.runs)
    if args.precision:  # what every training's bf16=None means (ck.core.precision)
        os.environ["COURSEKIT_PRECISION"] = args.precision
    args.batch = {"batch_size": args.batch_size} if args.batch_size else {}  # a recipe's **args.batch
    args.config = configuration(args.model, args)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.fresh and distributed.is_main():
        shutil.rmtree(args.runs / args.model, ignore_errors=True)
    args.device = distributed.setup(args.device)
    args.publish = args.publish and distributed.is_main()  # rank 0 evaluates and publishes
    if distributed.world_size() > 1:
        torch.distributed.barrier()  # nobody resumes from a checkpoint rank 0 is removing
    recipe = known[args.model]
    try:
        try:
            trained = recipe.train(args)
            finished = not trained.run.interrupted
            published = recipe.publish(args, trained) if finished and args.publish else None
        except KeyboardInterrupt:  # raised past a Run, e.g. between the runs of an ablation study
            print(RESUME)
            return 1
        if distributed.world_size() > 1:
            # Rank 0 evaluates and publishes after training; the others wait for it rather than
            # leave the process group while it is still in use (a rank of the CI run aborted so).
            torch.distributed.barrier()
    finally:
        distributed.teardown()
    if not finished:
        print(RESUME)
        return 1
    if published is None:  # trained without publishing
        return 0
    rec = _publish(args, argv, trained.run, published)
    print(f"Published {args.model}: {rec['metrics']}")
    return 0


def _publish(args, argv, run, published):
    """Write ``published`` into the zoo with what every record says: the configuration it was trained
    with, in what precision, how long, on what, and the command that retrains it."""
    bf16 = (args.config.get("bf16") if isinstance(args.config, dict) else getattr(args.config, "bf16", None))
    # The command that retrains the model; where its outputs go (--runs, --zoo) does not change it.
    words, skip = [], False
    for word in argv:
        if skip or word in ("--runs", "--zoo"):
            skip = not skip
            continue
        words.append(word)
    launcher = f"torchrun --nproc_per_node {distributed.world_size()} -m" if distributed.world_size() > 1 \
        else "python -m"
    command = f"{launcher} coursekit.train " + " ".join(words)
    dev = args.device
    record = {
        "options": as_record(args.config) if published.options is None else published.options,
        "precision": ck.core.training_precision(dev, bf16),
        "description": published.description, "data": published.data,
        **({"evaluation": published.evaluation} if published.evaluation else {}),
        "steps": run.step, "wall_time_s": round(run.seconds, 1), "cpu_time_s": round(run.cpu_seconds, 1),
        "device": f"{dev} ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"
                  if dev.type == "cpu"
                  else f"{dev} ({torch.cuda.get_device_name() if dev.type == 'cuda' else dev})",
        "processes": distributed.world_size(),
        "metrics": published.metrics, "command": command.strip(),
    }
    zoo_dir = Path(args.zoo) if args.zoo else ck.zoo.ZOO_DIR
    extras = dict(published.extras or {})
    earlier = _previous(zoo_dir / args.model)
    if earlier is not None:  # the model this one replaces, for comparison (its numbers and faces)
        record["previous"], samples = earlier
        if samples is not None:
            extras["previous_samples"] = samples
    return ck.zoo.publish(args.model, published.model.cpu(), record, extras=extras or None, zoo_dir=zoo_dir,
                          weights_dtype=published.weights_dtype)


def _previous(path):
    """What the zoo model at ``path`` that a new one replaces said of itself: ``({"steps", "cpu_time_s",
    "wall_time_s", "device", "command", "metrics"}, its samples or None)``, its headline metrics only
    (numbers, and variety's mean); None where there is none or it cannot be read."""
    try:
        state, record = ck.checkpoint.read(path)
    except (ck.checkpoint.CheckpointError, OSError):  # none yet, or unreadable: nothing to compare with
        return None
    metrics = {k: v for k, v in record.get("metrics", {}).items() if isinstance(v, (int, float))}
    variety = record.get("metrics", {}).get("variety")
    if isinstance(variety, dict) and "mean" in variety:
        metrics["variety"] = variety["mean"]
    kept = {k: record[k] for k in ("steps", "cpu_time_s", "wall_time_s", "device", "command") if k in record}
    samples = state.get("samples")
    if isinstance(samples, dict):
        samples = samples.get("zoo-model")
    return {**kept, "metrics": metrics}, samples if torch.is_tensor(samples) else None


if __name__ == "__main__":
    sys.exit(main())
