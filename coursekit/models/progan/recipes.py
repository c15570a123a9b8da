"""Notebook 05's zoo models: what ``python -m coursekit.train NAME`` runs for each (:data:`RECIPES`),
and the configuration each is trained with (:data:`CONFIGS`; ``--set NAME=VALUE`` changes a field).

A recipe is a ``ck.train.Recipe``: its ``train`` trains as ``args.config`` says, resuming from
``args.runs / NAME``, and returns the training function's named result; its ``publish`` evaluates a
finished training and returns a ``ck.train.Published``, the model and what its zoo record says.
"""

from dataclasses import replace

import torch

import coursekit as ck
from coursekit.models import face_eval, progan

#: faces-progan: 7 phases of 700 steps (4x4 stable, then a fade-in and a stable phase per doubling to
#: 32x32), in float32.  The paper's lr 1e-3 goes with phases of 800k images; ours are a few hundred
#: steps of 32, and 3e-3 learns more in them (the bench and notebook 05 compare the two).
FACES_PROGAN_GROWTH = progan.Training(steps_per_phase=700, lr=3e-3, bf16=False, snapshot_every=50)

#: faces-progan as the zoo model was trained (issue 35): the growth above, then 5,393 steps at 32x32 (the
#: curve, scored every 500 steps, crossed the bar at 9,500), from a checkpoint kept without snapshots
#: (the record keeps the growth's, from the run of the schedule above with the same seed).
FACES_PROGAN = replace(FACES_PROGAN_GROWTH, final_steps=5393, curve_every=500, snapshot_every=0)


def train_faces_progan(args):
    attributes = ck.zoo.load("faces-attributes", device=args.device)
    return progan.train_progan(
        args.config, checkpoint=args.runs / "faces-progan", device=args.device,
        stage_end=lambda stage, G: {
            f"fid_{4 * 2 ** stage}px": round(progan.stage_fid(G, stage, attributes), 3)})


def publish_faces_progan(args, trained):
    run = trained.run
    metrics = {name: run.history.last(name) for name in run.history.names() if name.startswith("fid_")}
    G, attributes = trained.G_ema.cpu(), ck.zoo.load("faces-attributes", device=torch.device("cpu"))
    last = f"fid_{4 * 2 ** G.config.max_stage}px"  # the last stage's end is the run's: a run published from
    if last not in metrics:                          # a finished checkpoint never reached it in this process
        metrics[last] = round(progan.stage_fid(G, G.config.max_stage, attributes), 3)
    final = progan.evaluate(G, attributes, n=1000)
    metrics.update(fid_final_1000=final["fid"], variety=final["variety"])
    # issue 35's bar, on codes the course never scores elsewhere: Fréchet distance, variety and texture
    metrics["fresh_codes"] = face_eval.quality(attributes, progan.sample(G, 1000, seed=face_eval.FRESH_SEED))
    extras = {**_growth_snapshots(trained.extras, metrics), "samples": {"zoo-model": progan.sample(G).half()}}
    if args.ablation_steps != 0:
        metrics["ablations"] = _ablations(args, attributes, extras["samples"])
    return ck.train.Published(
        G, metrics, extras=extras,
        description="ProGAN generator (EMA) for 32x32 faces, grown from 4x4 (notebook 05), Adam lr 3e-3: "
                    "equalised learning rate, pixel norm, minibatch std, fade-in; WGAN-GP.",
        data="ck.data.faces, seed 0, a fresh stream of renders",
        evaluation="progan.stage_fid: Frechet distance in faces-attributes features, 500 faces per stage "
                   "(1,000 at the end) against held-out renders at the same resolution; progan.evaluate: "
                   "that distance and face_eval.attribute_variety of the same 1,000 faces")


def _ablations(args, attributes, samples):
    """The lecture's ablation, trained on the zoo model's growth schedule from the same seed, its 16 faces
    added to ``samples``.  A long run (``final_steps`` beyond one phase) is not repeated for it: the zoo
    model it replaces grew on that schedule without the long last phase, so that model's row and its
    ablation are kept, the pair to compare (row ``growth-schedule``)."""
    t = args.config
    if t.final_steps in (0, t.steps_per_phase):
        rows = progan.ablation_study(attributes, t, device=args.device,
                                     checkpoint=args.runs / "faces-progan" / "ablations")
        for key, row in rows.items():
            samples[key] = row.pop("samples").half()
        return rows
    record, earlier = ck.zoo.record("faces-progan"), ck.zoo.extras("faces-progan")["samples"]
    m = record["metrics"].get("ablations", {}).get("growth-schedule") or {
        "label": f"all four tricks, {record['steps']:,} steps", "fid": record["metrics"]["fid_final_1000"],
        "variety": record["metrics"]["variety"]}
    samples["growth-schedule"] = earlier.get("growth-schedule", earlier["zoo-model"])
    rows = {"growth-schedule": m}
    for key, row in record["metrics"]["ablations"].items():
        if key != "growth-schedule":
            rows[key], samples[key] = row, earlier[key]
    return rows


def _growth_snapshots(snapshots, metrics):
    """The growth snapshots notebook 05 replays.  A long run trained on from a checkpoint kept without them
    (``snapshot_every=0``) has none: the zoo model it replaces grew on the same schedule from the same
    seed, so its snapshots are kept, and the record says so (``metrics["snapshots"]``)."""
    if len(snapshots["images"]):
        return progan.pack_snapshots(snapshots)
    try:
        earlier = ck.zoo.extras("faces-progan")
        kept = {key: earlier[key] for key in ("snapshot_images", "snapshot_meta")}
    except (KeyError, FileNotFoundError, ck.checkpoint.CheckpointError):
        raise RuntimeError("this run kept no growth snapshots (snapshot_every=0) and the zoo has none to "
                           "keep: train with --set snapshot_every=50, or publish over a zoo model that has "
                           "them")
    step = int(kept["snapshot_meta"][-1, 0])
    metrics["snapshots"] = (f"the growth of the zoo model this one replaced, the same schedule and seed, to "
                            f"step {step}; this run kept none (snapshot_every=0)")
    return kept


#: The configuration each zoo model of this lecture is trained with.
CONFIGS = {
    "faces-progan": FACES_PROGAN,
}

#: The zoo models of this lecture and the recipe that trains each.
RECIPES = {
    "faces-progan": ck.train.Recipe(train=train_faces_progan, publish=publish_faces_progan),
}
