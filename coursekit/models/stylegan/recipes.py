"""Notebook 06's zoo models: what ``python -m coursekit.train NAME`` runs for each (:data:`RECIPES`),
and the configuration each is trained with (:data:`CONFIGS`; ``--set NAME=VALUE`` changes a field).

A recipe is a ``ck.train.Recipe``: its ``train`` trains as ``args.config`` says, resuming from
``args.runs / NAME``, and returns the training function's named result; its ``publish`` evaluates a
finished training and returns a ``ck.train.Published``, the model and what its zoo record says.
"""

from dataclasses import replace

import torch

import coursekit as ck
from coursekit.models import face_eval, progan, stylegan
from coursekit.models.progan.recipes import FACES_PROGAN_GROWTH

#: faces-stylegan: the lecture's recipe at 32x32 on flat renders, trained to quality (issue 35): 25,000 steps
#: of 32 (800,000 faces), D half as wide as G at 4x4 and 8x8 and no noise at the finest layers (the two
#: changes that descended fastest at equal CPU time), its quality curve scored every 500 steps.
FACES_STYLEGAN = stylegan.Training(steps=25000, d_width=64, curve_every=500,
                                   model=stylegan.StyleGANConfig(fine_noise=0.0))
#: faces-stylegan-64: the same schedule at 64x64 on faces with detail (the style split's conditions).
FACES_STYLEGAN_64 = stylegan.Training(steps=3000, detail=True, model=stylegan.StyleGANConfig(resolution=64))
#: faces-stylegan-equal-compute: faces-stylegan's recipe given faces-progan's growth compute (the race):
#: 243.4 TFLOP / 30.55 GFLOP a step = 7,967 steps, counted by ``python -m coursekit.bench``
#: (``bench.face_gan_compute``: a 32x32 StyleGAN step against ProGAN's whole growth schedule).
FACES_STYLEGAN_EQUAL_COMPUTE = replace(FACES_STYLEGAN, steps=7967, curve_every=0)
#: faces-stylegan-noise: the lecture's first recipe (noise at every layer, D as wide as G) given the same
#: compute: 3,900 steps of 62.0 GFLOP.  It raced ProGAN first; notebook 06's noise section and sampler lab
#: use its 32 px noise, which the tuned recipe dropped.
FACES_STYLEGAN_NOISE = stylegan.Training(steps=3900)



#: The seed of the codes a zoo face GAN's bar is read on (``metrics.fresh_codes``; the score module's).
FRESH_SEED = face_eval.FRESH_SEED


def train_faces_stylegan(args):
    return stylegan.train_stylegan(args.config, checkpoint=args.runs / "faces-stylegan", device=args.device)


def publish_faces_stylegan(args, trained):
    G, cpu = trained.G_ema.cpu(), torch.device("cpu")
    attributes = ck.zoo.load("faces-attributes", device=cpu)
    metrics = stylegan.evaluate(G, attributes)
    # issue 35's bar, on codes the course never scores elsewhere: Fréchet distance, variety and texture
    metrics["fresh_codes"] = face_eval.quality(attributes, stylegan.sample(G, 1000, seed=FRESH_SEED))
    metrics["truncation"] = stylegan.truncation_table(G, attributes)
    metrics["separability"] = stylegan.separability(G, attributes)
    metrics["path_length"] = {space: stylegan.path_length(G, attributes, space) for space in ("z", "w")}
    # D too: notebook 07's editing objective asks it how real an edited face looks
    extras = {"samples": stylegan.sample(G, 16).half(),
              "mixing": {"zoo-model": stylegan.mixing_grid(G).half()}, "discriminator": trained.D.cpu()}
    if args.ablation_steps != 0:  # the lecture's ablation, on the zoo model's own schedule
        rows = stylegan.ablation_study(attributes, args.config, device=args.device,
                                       checkpoint=args.runs / "faces-stylegan" / "ablations")
        extras["mixing"].update({key: row.pop("mixing").half() for key, row in rows.items()})
        metrics["ablations"] = rows
    return ck.train.Published(
        G, metrics, extras=extras,
        description="StyleGAN generator (EMA) for 32x32 faces (notebook 06): mapping network, modulated and "
                    "demodulated convs (StyleGAN2), noise (none at 32x32), mixing regularisation (p 0.9), "
                    "lazy R1; ProGAN's discriminator at half G's width; 800,000 faces.",
        data="ck.data.faces, seed 0, a fresh stream of renders",
        evaluation="stylegan.evaluate (Frechet distance and variety of 1,000 faces, as faces-progan's; faces "
                   "from mixed styles; style-mixing scores of 500 pairs); metrics.fresh_codes: "
                   "face_eval.quality of 1,000 faces from codes of seed 7 (Frechet distance, variety, "
                   "texture: issue 35's bar), stylegan.truncation_table, "
                   "stylegan.separability (4,000 faces), stylegan.path_length (1,000 pairs), all read by "
                   "faces-attributes")


#: faces-stylegan-64's comparison: the same 64x64 schedule and seed on the flat renders (an ablation
#: study of one variant: identifier -> label and change).
FLAT = {"flat-renders": {"label": "flat renders", "detail": False}}


def _train_64(args, detail, checkpoint, desc):
    """faces-stylegan-64's schedule and seed, on faces with detail or on flat renders."""
    return stylegan.train_stylegan(args.config, detail=detail, checkpoint=checkpoint, device=args.device,
                                   desc=desc)


def train_faces_stylegan_64(args):
    """The style split's conditions (issue 24): more layers (64x64: 10 style inputs, the paper's coarse,
    middle and fine groups) and data with detail at fine scales; :func:`publish_faces_stylegan_64` trains
    the same G on flat renders beside it, as long, so that the two conditions can be told apart."""
    return _train_64(args, True, args.runs / "faces-stylegan-64", "stylegan 64 detail")


def publish_faces_stylegan_64(args, trained):
    attributes = ck.zoo.load("faces-attributes", device=torch.device("cpu"))
    G = trained.G_ema.cpu()
    metrics = stylegan.evaluate(G, attributes, detail=True)
    extras = {"samples": stylegan.sample(G, 16).half(),
              "mixing": {"zoo-model": stylegan.mixing_grid(G).half()}}  # the zoo model: faces with detail
    if args.ablation_steps != 0:
        def train_flat(key, change, checkpoint):
            result = _train_64(args, change["detail"], checkpoint, key)
            return result.G_ema.cpu(), result.run

        def score(key, flat):
            return {**stylegan.evaluate(flat, attributes), "samples": stylegan.sample(flat, 16),
                    "mixing": stylegan.mixing_grid(flat)}

        rows = ck.train.ablation_study(FLAT, train_flat, score, args.runs / "faces-stylegan-64" / "ablations")
        extras["samples_flat"] = rows["flat-renders"].pop("samples").half()
        extras["mixing"]["flat-renders"] = rows["flat-renders"].pop("mixing").half()
        metrics["ablations"] = rows
    return ck.train.Published(
        G, metrics, extras=extras, weights_dtype="float16",
        description="StyleGAN generator (EMA) for 64x64 faces with detail (notebook 06, the style split): "
                    "faces-stylegan's recipe at 64x64, 10 style inputs; the same schedule on flat renders "
                    "beside it.",
        data="ck.data.faces(detail=True), seed 0, a fresh stream of renders (the comparison: flat renders)",
        evaluation="stylegan.evaluate(detail=True): Frechet distance and variety of 1,000 faces against "
                   "held-out faces with detail (the comparison: flat ones), faces from mixed styles, "
                   "style-mixing scores of 500 pairs, all read by faces-attributes")


#: The race's other training seeds (seed 0 is the zoo models'): one run each says little when seeds of
#: this recipe differ by up to 16 in Fréchet distance.
RACE_SEEDS = (1, 2)


def race_seeds(attributes, args):
    """The race again from :data:`RACE_SEEDS`: this record's StyleGAN configuration and faces-progan's
    growth schedule (scaled as this record's steps are to its declared configuration's) from each seed,
    scored alike.  Returns ``{"stylegan-seed-k": {"label", "gan", "seed", "fid", "variety"},
    "progan-seed-k": ...}``: identifiers as keys (they name the checkpoint folders too), the label for
    display."""
    scale = args.config.steps / CONFIGS[args.model].steps
    growth = FACES_PROGAN_GROWTH
    grown = replace(growth, steps_per_phase=max(1, round(growth.steps_per_phase * scale)),
                    snapshot_every=0)

    def train_one(key, change, checkpoint):
        if change["gan"] == "stylegan":
            result = stylegan.train_stylegan(args.config, seed=change["seed"], checkpoint=checkpoint,
                                             device=args.device, desc=key)
        else:
            result = progan.train_progan(grown, seed=change["seed"], checkpoint=checkpoint,
                                         device=args.device, desc=key)
        return result.G_ema.cpu(), result.run

    def score(key, G):
        m = (face_eval.versus_real(attributes, stylegan.sample(G, 1000)) if isinstance(G, stylegan.Generator)
             else progan.evaluate(G, attributes, n=1000))
        return {"gan": variants[key]["gan"], "seed": variants[key]["seed"], "fid": m["fid"],
                "variety": m["variety"]["mean"]}

    variants = {f"{gan}-seed-{seed}": {"gan": gan, "seed": seed, "label": f"{label}, seed {seed}"}
                for seed in RACE_SEEDS for gan, label in (("stylegan", "StyleGAN"), ("progan", "ProGAN"))}
    return ck.train.ablation_study(variants, train_one, score, args.runs / args.model / "race")


def train_race(args):
    """A StyleGAN recipe given faces-progan's training compute (the lecture's race, issue 24), scored as
    faces-progan is: the Fréchet distance and variety of 1,000 faces."""
    return stylegan.train_stylegan(args.config, checkpoint=args.runs / args.model, device=args.device)


#: What each race record says it is.
RACERS = {
    "faces-stylegan-equal-compute": "faces-stylegan's recipe (D half as wide as G, no noise at 32x32)",
    "faces-stylegan-noise": "the lecture's first recipe (noise at every layer, D as wide as G; notebook 06's "
                            "noise section and sampler lab)",
}


def publish_race(args, trained):
    G = trained.G_ema.cpu()
    attributes = ck.zoo.load("faces-attributes", device=torch.device("cpu"))
    metrics = face_eval.versus_real(attributes, stylegan.sample(G, 1000))
    if args.ablation_steps != 0:  # the same race from other seeds, ProGAN's runs too
        metrics["race"] = race_seeds(attributes, args)
    return ck.train.Published(
        G, metrics, extras={"samples": stylegan.sample(G, 16).half()}, weights_dtype="float16",
        description=f"StyleGAN generator (EMA) for 32x32 faces: {RACERS[args.model]}, trained for "
                    "faces-progan's growth compute (its steps' FLOPs counted by python -m coursekit.bench "
                    "against faces-progan's growth schedule), notebook 06's race.",
        data="ck.data.faces, seed 0, a fresh stream of renders",
        evaluation="face_eval.versus_real: Frechet distance and variety of 1,000 faces (stylegan.sample, "
                   "seed 0) against held-out renders, as faces-progan's; metrics.race: the same race from "
                   "training seeds 1 and 2 (StyleGAN in this record's precision, ProGAN in float32 on its "
                   "growth schedule)")


#: The configuration each zoo model of this lecture is trained with.
CONFIGS = {
    "faces-stylegan": FACES_STYLEGAN,
    "faces-stylegan-64": FACES_STYLEGAN_64,
    "faces-stylegan-equal-compute": FACES_STYLEGAN_EQUAL_COMPUTE,
    "faces-stylegan-noise": FACES_STYLEGAN_NOISE,
}

#: The zoo models of this lecture and the recipe that trains each.
RECIPES = {
    "faces-stylegan": ck.train.Recipe(train=train_faces_stylegan, publish=publish_faces_stylegan),
    "faces-stylegan-64": ck.train.Recipe(train=train_faces_stylegan_64, publish=publish_faces_stylegan_64),
    **{name: ck.train.Recipe(train=train_race, publish=publish_race) for name in RACERS},
}
