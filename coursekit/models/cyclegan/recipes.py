"""Notebook 04's zoo models: what ``python -m coursekit.train NAME`` runs for each (:data:`RECIPES`).

A recipe is a ``ck.train.Recipe``: its ``train`` trains as ``args.config`` says (:data:`CONFIGS`, with
the command line's ``--set`` changes), resuming from ``args.runs / NAME``, and returns the training
function's named result; its ``publish`` evaluates a finished training and returns a
``ck.train.Published``, the model and what its zoo record says.
"""

import torch

import coursekit as ck
from coursekit.models import cyclegan
from coursekit.models.cyclegan import recoloured_mnist, to_rgb
from coursekit.models import pix2pix
from coursekit.models.judge import PRINTED_JUDGE_2, train_colour_judge, train_printed_judge
from coursekit.train.config import as_record


def _printed_judge(name, description, data, evaluation, weights_dtype=None):
    """The recipe of a classifier of the printed digits: trained on a stream of renders, scored on 1,000
    held-out ones (:func:`_printed_judge_metrics`)."""
    def train(args):
        return train_printed_judge(**args.config, checkpoint=args.runs / name, device=args.device)

    def publish(args, trained):
        return ck.train.Published(trained.model, _printed_judge_metrics(trained.model),
                                  description=description, data=data, evaluation=evaluation,
                                  weights_dtype=weights_dtype)

    return ck.train.Recipe(train=train, publish=publish)


printed_judge = _printed_judge(
    "printed-judge",
    "Classifier of the printed digits (notebook 04), trained on fresh renders only: it reads CycleGAN's "
    "MNIST -> printed translations.",
    "ck.data.printed_digits, seed 0, a fresh stream of renders (held out: seed 1)",
    "class accuracy on 1,000 printed digits of seed 1; mnist_judge_accuracy: the MNIST judge on the same "
    "digits in grey (the domain gap)")
printed_judge_2 = _printed_judge(
    "printed-judge-2",
    "A second classifier of the printed digits (notebook 04): another architecture (width 48, 256 features), "
    "seed and stream of renders than printed-judge. No training loss sees it: it scores the semantic variant "
    "of CycleGAN, whose loss reads digits with a classifier.",
    f"ck.data.printed_digits, seed {PRINTED_JUDGE_2['data_seed']}, a fresh stream of renders (held out: "
    "seed 1)",
    "class accuracy on 1,000 printed digits of seed 1", weights_dtype="float16")


def _printed_judge_metrics(model):
    test = ck.data.printed_digits(1000, seed=1)
    acc, per = ck.metrics.class_accuracy(test.images, test.labels, judge=model.cpu(), per_class=True)
    mnist = ck.metrics.class_accuracy(test.images.mean(1, keepdim=True), test.labels)
    return {"accuracy": round(acc, 4), "worst_digit": round(per.min().item(), 4),
            "mnist_judge_accuracy": round(mnist, 4), "images": 1000}


def train_mnist_colour_judge(args):
    return train_colour_judge(**args.config, checkpoint=args.runs / "mnist-colour-judge", device=args.device)


def publish_mnist_colour_judge(args, trained):
    model = trained.model.cpu()
    test = ck.data.mnist("test", verbose=False)
    printed = ck.data.printed_digits(1000, seed=1)
    metrics = {
        "accuracy": round(ck.metrics.class_accuracy(to_rgb(test.images), test.labels, judge=model), 4),
        "accuracy_recoloured": round(ck.metrics.class_accuracy(recoloured_mnist(test.images), test.labels,
                                                               judge=model), 4),
        "printed_accuracy": round(ck.metrics.class_accuracy(printed.images, printed.labels, judge=model), 4),
        "images": len(test)}
    return ck.train.Published(
        model, metrics,
        description="Classifier of MNIST's digits in any colours (notebook 04): CyCADA's source classifier, "
                    "frozen in the semantic loss of mnist-cyclegan-semantic. Trained on MNIST's labels only.",
        data=f"{test.source}, train split, shifted, rotated and painted in random colours",
        evaluation="class accuracy on the held-out MNIST digits (white on black, and painted in the printed "
                   "digits' colours); printed_accuracy: on 1,000 printed digits of seed 1 (never trained on)")


#: faces-pix2pix-photo's U-Net width: a reference, kept small.
PHOTO_WIDTH = 16


def train_faces_pix2pix_photo(args):
    """Notebook 03's Pix2Pix the other way, photo -> label map: the paired reference of CycleGAN's
    photo -> labels."""
    return pix2pix.train_pix2pix(**args.config, checkpoint=args.runs / "faces-pix2pix-photo",
                                 device=args.device, config=pix2pix.config_for("photo", width=PHOTO_WIDTH))


def publish_faces_pix2pix_photo(args, trained):
    G = trained.G
    test = ck.faces.faces(200, size=64, seed=pix2pix.TEST_SEED)
    torch.manual_seed(0)  # dropout, the paper's only noise, stays on
    scores = cyclegan.map_scores(cyclegan.labels_of(pix2pix.translate(G.cpu(), test.images)), test.labels)
    return ck.train.Published(
        G, {**scores, "images": 200}, weights_dtype="float16",
        options={**as_record(args.config), "width": PHOTO_WIDTH},  # more than its configuration says
        description=f"Pix2Pix U-Net generator (width {PHOTO_WIDTH}), photo -> label map of a rendered face "
                    "(notebook 04's paired reference for CycleGAN's photo -> labels): cGAN + 100 L1, "
                    "PatchGAN 70x70.",
        data=f"ck.data.faces, 64x64, seed {pix2pix.TRAIN_SEED}, a fresh stream of renders",
        evaluation="cyclegan.labels_of(G's label picture) against the true map, 200 held-out faces")


#: The configuration each CycleGAN of the zoo is trained with: train_cyclegan's settings.
CONFIGS = {
    # identity weight lambda_cycle * 1.0 = 10: with the paper's 0.5, F swapped digits wholesale
    # (2 -> 7, 7 -> 1)
    "mnist-cyclegan": ck.train.settings(cyclegan.train_cyclegan, task="digits", steps=2000,
                                        lambda_identity=1.0, lambda_semantic=0.0),
    "mnist-cyclegan-semantic": ck.train.settings(cyclegan.train_cyclegan, task="digits", steps=2000,
                                                 lambda_semantic=1.0),
    # the paper's Cityscapes labels <-> photos: no identity loss (a label map is no photo)
    "faces-cyclegan-labels": ck.train.settings(cyclegan.train_cyclegan, task="labels", steps=1200,
                                               batch_size=8, lambda_identity=0.0, lambda_semantic=0.0),
    # the classifiers that read the translations, and the paired reference for photo -> labels
    "printed-judge": ck.train.settings(train_printed_judge, steps=400),
    "printed-judge-2": {**ck.train.settings(train_printed_judge, steps=400), **PRINTED_JUDGE_2},
    "mnist-colour-judge": ck.train.settings(train_colour_judge, steps=1500),
    "faces-pix2pix-photo": ck.train.settings(pix2pix.train_pix2pix, task="photo", steps=600),
}

#: What each CycleGAN's record says it is.
DESCRIPTIONS = {
    "mnist-cyclegan": "CycleGAN between MNIST digits (A) and printed digits (B), notebook 04: ResNet "
                      "generators, PatchGAN 34x34, LSGAN, cycle 10, identity 10, history of 50.",
    "mnist-cyclegan-semantic": "mnist-cyclegan's recipe (2,000 steps) plus CyCADA's semantic loss (weight "
                               "1): the frozen mnist-colour-judge reads G_AB(a) as the digit it reads in a, "
                               "and G_BA(b) as the digit it reads in b.",
    "faces-cyclegan-labels": "CycleGAN between label maps (A) and photos (B) of different faces, 64x64, "
                             "notebook 04: the CycleGAN paper's Cityscapes task, no identity loss.",
}


def _cyclegan(name):
    def train(args):
        options = args.config
        # the semantic loss's frozen classifier: a zoo model, named in the record's description
        classifier = (ck.zoo.load("mnist-colour-judge", device=args.device) if options["lambda_semantic"]
                      else None)
        return cyclegan.train_cyclegan(**options, classifier=classifier, checkpoint=args.runs / name,
                                       device=args.device)

    def publish(args, trained):
        cpu = torch.device("cpu")
        task = args.config["task"]
        G_AB, G_BA, _, _ = trained.nets
        pair, extras = cyclegan.CycleGAN.of(G_AB.cpu(), G_BA.cpu()), None
        if task == "digits":
            judges = ck.zoo.load("mnist-judge", device=cpu), ck.zoo.load("printed-judge", device=cpu)
            metrics = cyclegan.evaluate_digits(pair.G_AB, pair.G_BA, *judges)
            metrics["kept_a_to_b_second_judge"] = cyclegan.evaluate_digits(
                pair.G_AB, pair.G_BA, judges[0], ck.zoo.load("printed-judge-2", device=cpu))["kept_a_to_b"]
            extras = {"cycles": {"zoo-model": cyclegan.cycle_samples(pair.G_AB, pair.G_BA).half()}}
            ablation_steps = 1000 if args.ablation_steps is None else args.ablation_steps
            if name == "mnist-cyclegan" and ablation_steps:  # the lecture's ablation, scored the same way
                rows = cyclegan.ablation_study(*judges, steps=ablation_steps, device=args.device,
                                               checkpoint=args.runs / name / "ablations")
                extras["cycles"].update({key: row.pop("samples").half() for key, row in rows.items()})
                metrics["ablations"] = {"steps": ablation_steps, **rows}
            evaluation = ("cyclegan.evaluate_digits: 1,000 held-out digits per domain, read by mnist-judge "
                          "and printed-judge; kept_a_to_b_second_judge: A -> B read by printed-judge-2")
            # CyCADA's table: train on translated MNIST, test on printed
            if name == "mnist-cyclegan-semantic":
                plain = ck.zoo.load("mnist-cyclegan", device=cpu)
                metrics["adaptation"] = cyclegan.adaptation_table(
                    {"CycleGAN (mnist-cyclegan)": plain.G_AB, "CycleGAN + semantic loss": pair.G_AB})
                evaluation += "; adaptation: cyclegan.adaptation_table, 1,000 held-out printed digits"
        else:  # labels
            cpu_models = [ck.zoo.load(m, device=cpu) if m in ck.zoo.names() else None
                          for m in ("faces-segmenter", "faces-pix2pix", "faces-pix2pix-photo")]
            metrics = cyclegan.evaluate_labels(pair.G_AB, pair.G_BA, *cpu_models)
            extras = {"samples": cyclegan.label_samples(pair.G_AB, pair.G_BA).half()}
            evaluation = ("cyclegan.evaluate_labels: the 200 held-out faces of notebook 03, labels -> photo "
                          "read by faces-segmenter, photo -> labels against the true label maps")
        return ck.train.Published(
            pair, metrics, extras=extras,
            weights_dtype="float16",  # the zoo stays small in git
            description=DESCRIPTIONS[name],
            data=f"cyclegan.Domains({task!r}): unpaired, seed {cyclegan.TRAIN_SEED}",
            evaluation=evaluation)

    return ck.train.Recipe(train=train, publish=publish)


#: The zoo models of this lecture and the recipe that trains each.
RECIPES = {
    "printed-judge": printed_judge,
    "printed-judge-2": printed_judge_2,
    "mnist-colour-judge": ck.train.Recipe(train=train_mnist_colour_judge, publish=publish_mnist_colour_judge),
    "faces-pix2pix-photo": ck.train.Recipe(train=train_faces_pix2pix_photo,
                                           publish=publish_faces_pix2pix_photo),
    "mnist-cyclegan": _cyclegan("mnist-cyclegan"),
    "mnist-cyclegan-semantic": _cyclegan("mnist-cyclegan-semantic"),
    "faces-cyclegan-labels": _cyclegan("faces-cyclegan-labels"),
}
