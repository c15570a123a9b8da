"""Retrain a zoo model: ``python -m coursekit.train <model> [--steps N] [--device cpu]``.

Each zoo record names the exact command that produced it.  Training resumes
from ``runs/<model>/`` when interrupted (Ctrl-C keeps what was learned);
``--fresh`` starts over.  The same command runs data-parallel under torchrun,
on several GPUs or machines (see coursekit/train/distributed.py)::

    torchrun --nproc_per_node 4 -m coursekit.train mnist-ddpm
"""

import argparse
import platform
import shutil
import signal
import sys
from pathlib import Path

import torch

import coursekit as ck
from coursekit.train import distributed


def judge(args):
    from coursekit.metrics import evaluate_judge
    from coursekit.models.judge import train_judge

    model, run = train_judge(steps=args.steps or 1500, checkpoint=args.runs / "mnist-judge", device=args.device,
                              **_batch(args))
    if run.interrupted or not args.publish:
        return run
    metrics = evaluate_judge(model)
    return model, run, metrics, {
        "description": "MNIST evaluation classifier ('judge'), trained on real training digits only; "
                       "its 128-d penultimate features are the space of the course's Fréchet distance.",
        "data": f"{ck.data.mnist('train', verbose=False).source}, train split (held-out split only for metrics)",
    }


def dcgan(args):
    from coursekit.metrics import evaluate_generator
    from coursekit.models.dcgan import Generator, sample, train_dcgan

    G, _, run, frames, frame_steps = train_dcgan(steps=args.steps or 14000, checkpoint=args.runs / "mnist-dcgan",
                                                 device=args.device, **_batch(args))
    if run.interrupted or not args.publish:
        return run
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

    G, _, run = cgan_models.train_cgan(steps=args.steps or 6000, checkpoint=args.runs / "mnist-cgan",
                                       device=args.device, **_batch(args))
    if run.interrupted or not args.publish:
        return run
    return G, run, cgan_models.evaluate(G.cpu(), per_class=100, seed=0), {
        "description": "Conditional DCGAN for 28x28 digits (notebook 02): [z, one_hot(y)] into G, "
                       "10 label channels into D, real images with wrong labels count as fake.",
        "data": f"{ck.data.mnist('train', verbose=False).source}, train split",
        "evaluation": "cgan.evaluate(G, per_class=100, seed=0): 1,000 samples, 100 per digit, read by mnist-judge",
    }


def ddpm(args):
    from coursekit.models import ddpm as ddpm_models

    model, _, run = ddpm_models.train_ddpm(steps=args.steps or 6000, checkpoint=args.runs / "mnist-ddpm",
                                           device=args.device, **{"batch_size": 64, **_batch(args)})
    if run.interrupted or not args.publish:
        return run
    metrics = ddpm_models.evaluate(model.cpu(), unconditional=1000, per_class=50, guidance_scales=(1.0, 3.0))
    metrics["fid_floor"] = ck.zoo.record("mnist-judge")["metrics"]["fid_floor"]
    return model, run, metrics, {
        "description": "Denoising diffusion U-Net for 28x28 digits (notebook 08): epsilon prediction, linear "
                       "schedule T=1000, labels dropped 10% of the time so one network is both the "
                       "unconditional model (label 10) and the class-conditional one (classifier-free "
                       "guidance). Weights are the exponential moving average (decay 0.999).",
        "data": f"{ck.data.mnist('train', verbose=False).source}, train split",
        "precision": "bf16 autocast, float32 weights" if ck.core.has_fast_bf16(args.device) else "float32",
        "evaluation": "ddpm.evaluate(model, unconditional=1000, per_class=50, guidance_scales=(1.0, 3.0)): "
                      "DDIM 50 steps, eta 0, seed 0, read by mnist-judge",
    }


def _face_eval(name, steps, description, evaluation):
    """The recipe of a faces evaluation model: trained on a stream of renders, scored on held-out ones."""
    def recipe(args):
        from coursekit.models import face_eval

        train, evaluate = {"faces-attributes": (face_eval.train_attributes, face_eval.evaluate_attributes),
                           "faces-segmenter": (face_eval.train_segmenter, face_eval.evaluate_segmenter)}[name]
        model, run = train(steps=args.steps or steps, checkpoint=args.runs / name, device=args.device, **_batch(args))
        if run.interrupted or not args.publish:
            return run
        return model, run, evaluate(model.cpu()), {
            "description": description,
            "data": f"ck.data.faces, seed {face_eval.TRAIN_SEED}, a fresh stream of renders (held out: seed "
                    f"{face_eval.TEST_SEED})",
            "evaluation": evaluation,
        }
    return recipe


faces_attributes = _face_eval(
    "faces-attributes", 3000,
    "Attribute predictor for the rendered faces (notebooks 03-07): reads every factor back from a 64x64 "
    "image; its 128-d features are the space of the faces' Frechet distance.",
    "face_eval.evaluate_attributes(model): 1,000 held-out faces")
faces_segmenter = _face_eval(
    "faces-segmenter", 2000,
    "Face part segmenter (labels from a photo): scores Pix2Pix's labels -> photo (notebook 03).",
    "face_eval.evaluate_segmenter(model): 500 held-out faces")


ZOO_STEPS = {"faces-pix2pix": 3000, "faces-pix2pix-edges": 1000, "faces-pix2pix-photo": 600}


def _pix2pix(task):
    def recipe(args):
        from coursekit.models import pix2pix

        name = "faces-pix2pix" if task == "labels" else f"faces-pix2pix-{task}"
        config = pix2pix.config_for(task, width=16) if task == "photo" else None  # a reference, kept small
        G, _, run = pix2pix.train_pix2pix(task, steps=args.steps or ZOO_STEPS[name], checkpoint=args.runs / name,
                                          device=args.device, config=config, **_batch(args))
        if run.interrupted or not args.publish:
            return run
        cpu = torch.device("cpu")
        if task == "photo":  # photo -> labels: read back pixel by pixel, as notebook 04 reads CycleGAN's
            from coursekit.models import cyclegan

            test = ck.faces.faces(200, size=64, seed=pix2pix.TEST_SEED)
            torch.manual_seed(0)  # dropout, the paper's only noise, stays on
            scores = cyclegan.map_scores(cyclegan.labels_of(pix2pix.translate(G.cpu(), test.images)), test.labels)
            return G, run, {**scores, "images": 200}, {
                "weights_dtype": "float16",
                "description": "Pix2Pix U-Net generator (width 16), photo -> label map of a rendered face (notebook "
                               "04's paired reference for CycleGAN's photo -> labels): cGAN + 100 L1, PatchGAN 70x70.",
                "data": f"ck.data.faces, 64x64, seed {pix2pix.TRAIN_SEED}, a fresh stream of renders",
                "evaluation": "cyclegan.labels_of(G's label picture) against the true map, 200 held-out faces",
            }
        segmenter, attributes = ck.zoo.load("faces-segmenter", device=cpu), ck.zoo.load("faces-attributes", device=cpu)
        metrics = pix2pix.evaluate(G.cpu(), task, segmenter, attributes)
        extras = None
        ablation_steps = 500 if args.ablation_steps is None else args.ablation_steps
        if task == "labels" and ablation_steps:  # the lecture's ablations, scored the same way
            rows = pix2pix.ablation_study(task, segmenter, attributes, steps=ablation_steps, device=args.device,
                                          checkpoint=args.runs / name / "ablations")
            extras = {"ablations": {name: row.pop("samples") for name, row in rows.items()}}
            metrics["ablations"] = {"steps": ablation_steps, "images": 200, **rows}
        return G, run, metrics, {
            "extras": extras, "weights_dtype": "float16",  # 7 M parameters: 15 MB in git instead of 30
            "description": f"Pix2Pix U-Net generator, {task} -> photo of a rendered face (notebook 03): "
                           "cGAN + 100 L1, PatchGAN 70x70 (3 layers), dropout as the noise.",
            "data": f"ck.data.faces, 64x64, seed {pix2pix.TRAIN_SEED}, a fresh stream of renders",
            "evaluation": "pix2pix.evaluate(G, task, segmenter, attributes): 200 held-out faces",
        }
    return recipe


def printed_judge(args):
    from coursekit.models.judge import train_printed_judge

    model, run = train_printed_judge(steps=args.steps or 400, checkpoint=args.runs / "printed-judge",
                                     device=args.device, **_batch(args))
    if run.interrupted or not args.publish:
        return run
    return model, run, _printed_judge_metrics(model), {
        "description": "Classifier of the printed digits (notebook 04), trained on fresh renders only: "
                       "it reads CycleGAN's MNIST -> printed translations.",
        "data": "ck.data.printed_digits, seed 0, a fresh stream of renders (held out: seed 1)",
        "evaluation": "class accuracy on 1,000 printed digits of seed 1; mnist_judge_accuracy: the MNIST judge "
                      "on the same digits in grey (the domain gap)",
    }


def printed_judge_2(args):
    from coursekit.models.judge import PRINTED_JUDGE_2, train_printed_judge

    model, run = train_printed_judge(steps=args.steps or 400, checkpoint=args.runs / "printed-judge-2",
                                     device=args.device, **PRINTED_JUDGE_2, **_batch(args))
    if run.interrupted or not args.publish:
        return run
    return model, run, _printed_judge_metrics(model), {
        "weights_dtype": "float16",
        "description": "A second classifier of the printed digits (notebook 04): another architecture (width 48, "
                       "256 features), seed and stream of renders than printed-judge. No training loss sees "
                       "it: it scores the semantic variant of CycleGAN, whose loss reads digits with a classifier.",
        "data": f"ck.data.printed_digits, seed {PRINTED_JUDGE_2['data_seed']}, a fresh stream of renders "
                "(held out: seed 1)",
        "evaluation": "class accuracy on 1,000 printed digits of seed 1",
    }


def _printed_judge_metrics(model):
    test = ck.data.printed_digits(1000, seed=1)
    acc, per = ck.metrics.class_accuracy(test.images, test.labels, judge=model.cpu(), per_class=True)
    mnist = ck.metrics.class_accuracy(test.images.mean(1, keepdim=True), test.labels)
    return {"accuracy": round(acc, 4), "worst_digit": round(per.min().item(), 4),
            "mnist_judge_accuracy": round(mnist, 4), "images": 1000}


def mnist_colour_judge(args):
    from coursekit.models.judge import train_colour_judge

    model, run = train_colour_judge(steps=args.steps or 1500, checkpoint=args.runs / "mnist-colour-judge",
                                    device=args.device, **_batch(args))
    if run.interrupted or not args.publish:
        return run
    model = model.cpu()
    test = ck.data.mnist("test", verbose=False)
    printed = ck.data.printed_digits(1000, seed=1)
    from coursekit.models.cyclegan import recoloured_mnist, to_rgb
    return model, run, {
        "accuracy": round(ck.metrics.class_accuracy(to_rgb(test.images), test.labels, judge=model), 4),
        "accuracy_recoloured": round(ck.metrics.class_accuracy(recoloured_mnist(test.images), test.labels,
                                                               judge=model), 4),
        "printed_accuracy": round(ck.metrics.class_accuracy(printed.images, printed.labels, judge=model), 4),
        "images": len(test)}, {
        "description": "Classifier of MNIST's digits in any colours (notebook 04): CyCADA's source classifier, "
                       "frozen in the semantic loss of mnist-cyclegan-semantic. Trained on MNIST's labels only.",
        "data": f"{test.source}, train split, shifted, rotated and painted in random colours",
        "evaluation": "class accuracy on the held-out MNIST digits (white on black, and painted in the printed "
                      "digits' colours); printed_accuracy: on 1,000 printed digits of seed 1 (never trained on)",
    }


def _cyclegan(name):
    task = {"mnist-cyclegan": "digits", "mnist-cyclegan-semantic": "digits", "faces-cyclegan-labels": "labels",
            "faces-cyclegan-glasses": "glasses"}[name]

    def recipe(args):
        from coursekit.models import cyclegan

        cpu = torch.device("cpu")
        options = {**cyclegan.RECIPES[name], **_batch(args)}
        if args.steps:
            options["steps"] = args.steps
        if name == "mnist-cyclegan-semantic":
            options["classifier"] = ck.zoo.load("mnist-colour-judge", device=args.device)
        (G_AB, G_BA, _, _), run = cyclegan.train_cyclegan(checkpoint=args.runs / name, device=args.device, **options)
        if run.interrupted or not args.publish:
            return run
        pair, extras = cyclegan.CycleGAN.of(G_AB.cpu(), G_BA.cpu()), None
        if task == "digits":
            judges = ck.zoo.load("mnist-judge", device=cpu), ck.zoo.load("printed-judge", device=cpu)
            metrics = cyclegan.evaluate_digits(pair.G_AB, pair.G_BA, *judges)
            metrics["kept_a_to_b_second_judge"] = cyclegan.evaluate_digits(
                pair.G_AB, pair.G_BA, judges[0], ck.zoo.load("printed-judge-2", device=cpu))["kept_a_to_b"]
            extras = {"cycles": {"zoo model": cyclegan.cycle_samples(pair.G_AB, pair.G_BA).half()}}
            ablation_steps = 1000 if args.ablation_steps is None else args.ablation_steps
            if name == "mnist-cyclegan" and ablation_steps:  # the lecture's ablation, scored the same way
                rows = cyclegan.ablation_study(*judges, steps=ablation_steps, device=args.device,
                                               checkpoint=args.runs / name / "ablations")
                extras["cycles"].update({variant: row.pop("samples").half() for variant, row in rows.items()})
                metrics["ablations"] = {"steps": ablation_steps, **rows}
            evaluation = ("cyclegan.evaluate_digits: 1,000 held-out digits per domain, read by mnist-judge and "
                          "printed-judge; kept_a_to_b_second_judge: A -> B read by printed-judge-2")
            if name == "mnist-cyclegan-semantic":  # CyCADA's table: train on translated MNIST, test on printed
                plain = ck.zoo.load("mnist-cyclegan", device=cpu)
                metrics["adaptation"] = cyclegan.adaptation_table(
                    {"CycleGAN (mnist-cyclegan)": plain.G_AB, "CycleGAN + semantic loss": pair.G_AB})
                evaluation += "; adaptation: cyclegan.adaptation_table, 1,000 held-out printed digits"
        elif task == "labels":
            cpu_models = [ck.zoo.load(m, device=cpu) if m in ck.zoo.names() else None
                          for m in ("faces-segmenter", "faces-pix2pix", "faces-pix2pix-photo")]
            metrics = cyclegan.evaluate_labels(pair.G_AB, pair.G_BA, *cpu_models)
            extras = {"samples": cyclegan.label_samples(pair.G_AB, pair.G_BA).half()}
            evaluation = ("cyclegan.evaluate_labels: the 200 held-out faces of notebook 03, labels -> photo read by "
                          "faces-segmenter, photo -> labels against the true label maps")
        else:
            metrics = cyclegan.evaluate_glasses(pair.G_AB, pair.G_BA, ck.zoo.load("faces-attributes", device=cpu))
            extras = {"samples": cyclegan.glasses_samples(pair.G_AB, pair.G_BA).half()}
            evaluation = "cyclegan.evaluate_glasses: 200 held-out faces per direction, read by faces-attributes"
        return pair, run, metrics, {"extras": extras, "weights_dtype": "float16",  # the zoo stays small in git
                                    "description": cyclegan.DESCRIPTIONS[name],
                                    "evaluation": evaluation,
                                    "data": f"cyclegan.Domains({task!r}): unpaired, seed {cyclegan.TRAIN_SEED}"}
    return recipe


def faces_progan(args):
    from coursekit.models import progan

    config = progan.ProGANConfig()
    steps_per_phase = (args.steps or 4900) // (1 + 2 * config.max_stage)  # 4x4, then a fade-in and a stable phase each
    attributes = ck.zoo.load("faces-attributes", device=args.device)
    G, _, _, run, snapshots = progan.train_progan(
        steps_per_phase=steps_per_phase, config=config, lr=progan.ZOO_LR,
        checkpoint=args.runs / "faces-progan", device=args.device, snapshot_every=50,
        stage_end=lambda stage, G: {f"fid_{4 * 2 ** stage}px": round(progan.stage_fid(G, stage, attributes), 3)},
        **_batch(args))
    if run.interrupted or not args.publish:
        return run
    metrics = {name: run.history.last(name) for name in run.history.names() if name.startswith("fid_")}
    G, attributes = G.cpu(), attributes.cpu()
    final = progan.evaluate(G, attributes, n=1000)
    metrics.update(fid_final_1000=final["fid"], variety=final["variety"])
    extras = {**progan.pack_snapshots(snapshots), "samples": {"zoo model": progan.samples(G).half()}}
    if args.ablation_steps != 0:  # the lecture's ablation, on the zoo model's own schedule
        rows = progan.ablation_study(attributes, steps_per_phase=steps_per_phase, device=args.device,
                                     checkpoint=args.runs / "faces-progan" / "ablations", **_batch(args))
        for name, row in rows.items():
            extras["samples"][name] = row.pop("samples").half()
        metrics["ablations"] = rows
    return G, run, metrics, {
        "extras": extras,
        "description": "ProGAN generator (EMA) for 32x32 faces, grown from 4x4 (notebook 05), Adam lr 3e-3: "
                       "equalised learning rate, pixel norm, minibatch std, fade-in; WGAN-GP.",
        "data": "ck.data.faces, seed 0, a fresh stream of renders",
        "evaluation": "progan.stage_fid: Frechet distance in faces-attributes features, 500 faces per stage "
                      "(1,000 at the end) against held-out renders at the same resolution; progan.evaluate: "
                      "that distance and face_eval.attribute_variety of the same 1,000 faces",
    }


def faces_stylegan(args):
    from coursekit.models import stylegan

    steps = args.steps or 3000
    G, _, D, run = stylegan.train_stylegan(steps=steps, checkpoint=args.runs / "faces-stylegan",
                                           device=args.device, **_batch(args))
    if run.interrupted or not args.publish:
        return run
    G, cpu = G.cpu(), torch.device("cpu")
    attributes = ck.zoo.load("faces-attributes", device=cpu)
    metrics = stylegan.evaluate(G, attributes)
    metrics["truncation"] = stylegan.truncation_table(G, attributes)
    metrics["separability"] = stylegan.separability(G, attributes)
    metrics["path_length"] = {space: stylegan.path_length(G, attributes, space) for space in ("z", "w")}
    # D too: notebook 07's editing objective asks it how real an edited face looks
    extras = {"samples": stylegan.generate(G, 16).half(), "mixing": {"zoo model": stylegan.mixing_grid(G).half()},
              "discriminator": D.cpu()}
    if args.ablation_steps != 0:  # the lecture's ablation, on the zoo model's own schedule
        models = stylegan.train_ablations(steps, checkpoint=args.runs / "faces-stylegan" / "ablations",
                                          device=args.device, **_batch(args))
        metrics["ablations"] = {name: stylegan.evaluate(model, attributes) for name, model in models.items()}
        extras["mixing"].update({name: stylegan.mixing_grid(model).half() for name, model in models.items()})
    return G, run, metrics, {
        "extras": extras,
        "description": "StyleGAN generator (EMA) for 32x32 faces (notebook 06): mapping network, modulated and "
                       "demodulated convs (StyleGAN2), noise, mixing regularisation (p 0.9), R1; "
                       "ProGAN's discriminator.",
        "data": "ck.data.faces, seed 0, a fresh stream of renders",
        "evaluation": "stylegan.evaluate (Frechet distance and variety of 1,000 faces, as faces-progan's; faces "
                      "from mixed styles; style-mixing scores of 500 pairs), stylegan.truncation_table, "
                      "stylegan.separability (4,000 faces), stylegan.path_length (1,000 pairs), all read by "
                      "faces-attributes",
    }


def faces_stylegan_encoder(args):
    from coursekit.models import inversion

    cpu = torch.device("cpu")
    G = ck.zoo.load("faces-stylegan", device=args.device)
    E, run = inversion.train_encoder(G, steps=args.steps or 2000, checkpoint=args.runs / "faces-stylegan-encoder",
                                     device=args.device, desc="encoder", **_batch(args))
    if run.interrupted or not args.publish:
        return run
    G, E = G.cpu(), E.cpu()
    attributes = ck.zoo.load("faces-attributes", device=cpu)
    targets = inversion.held_out_targets(200, size=G.config.resolution)
    with torch.no_grad():
        generated = G.synthesis(G.styles(torch.randn(200, G.config.z_dim, generator=torch.Generator().manual_seed(5))),
                                use_noise=False)
        metrics = {"held_out_real": inversion.reconstruction_scores(attributes, inversion.synthesize(G, E(targets), "w+"), targets),
                   "generated": inversion.reconstruction_scores(attributes, inversion.synthesize(G, E(generated), "w+"), generated)}
    return E, run, metrics, {
        "description": "Encoder image -> W+ code of faces-stylegan (notebook 07), trained on pairs G draws itself "
                       "(code loss + pixel loss of the redrawn image).",
        "data": "faces-stylegan's own samples, noise off",
        "evaluation": "inversion.reconstruction_scores on 200 held-out real renders (faces seed 1) and 200 "
                      "generated faces (codes of seed 5)",
    }


RECIPES = {"mnist-judge": judge, "mnist-dcgan": dcgan, "mnist-cgan": cgan, "mnist-ddpm": ddpm,
           "faces-attributes": faces_attributes, "faces-segmenter": faces_segmenter,
           "faces-pix2pix": _pix2pix("labels"), "faces-pix2pix-edges": _pix2pix("edges"),
           "faces-pix2pix-photo": _pix2pix("photo"),
           "printed-judge": printed_judge, "printed-judge-2": printed_judge_2, "mnist-colour-judge": mnist_colour_judge,
           **{name: _cyclegan(name) for name in ("mnist-cyclegan", "mnist-cyclegan-semantic", "faces-cyclegan-labels",
                                                 "faces-cyclegan-glasses")},
           "faces-progan": faces_progan, "faces-stylegan": faces_stylegan,
           "faces-stylegan-encoder": faces_stylegan_encoder}


def _batch(args):
    return {"batch_size": args.batch_size} if args.batch_size else {}


def _stop_cleanly_on_sigterm():
    """``kill PID`` stops a training like Ctrl-C does: it saves its checkpoint, and the same command resumes.

    (A job started with ``&`` from a script ignores Ctrl-C's SIGINT, so SIGTERM is how it is stopped.)
    """
    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit.train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", choices=sorted(RECIPES))
    parser.add_argument("--steps", type=int, default=None, help="training steps (default: the zoo's)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="global batch, split among torchrun's ranks (default: the zoo's)")
    parser.add_argument("--device", default=None, help="cpu, cuda, mps (default: ck.device())")
    parser.add_argument("--runs", default="runs", help="directory of resumable training checkpoints")
    parser.add_argument("--zoo", default=None, help="zoo directory to publish to (default: data/zoo)")
    parser.add_argument("--ablation-steps", type=int, default=None,
                        help="faces-pix2pix, mnist-cyclegan: training steps of each ablation run (default: the "
                             "zoo's, 500 and 1000; 0: none); "
                             "faces-progan, faces-stylegan: 0 skips the ablation, which otherwise trains as long as "
                             "the zoo model")
    parser.add_argument("--fresh", action="store_true", help="ignore an earlier checkpoint and start over")
    parser.add_argument("--no-publish", dest="publish", action="store_false",
                        help="train (or resume) only: no evaluation, nothing written to the zoo")
    argv = list(argv if argv is not None else sys.argv[1:])
    args = parser.parse_args(argv)
    _stop_cleanly_on_sigterm()
    args.runs = Path(args.runs)
    if args.fresh and distributed.is_main():
        shutil.rmtree(args.runs / args.model, ignore_errors=True)
    args.device = distributed.setup(args.device)
    args.publish = args.publish and distributed.is_main()  # rank 0 evaluates and publishes
    if distributed.world_size() > 1:
        torch.distributed.barrier()  # nobody resumes from a checkpoint rank 0 is removing
    try:
        try:
            result = RECIPES[args.model](args)
        except KeyboardInterrupt:  # raised past a Run, e.g. between the runs of an ablation study
            print("Interrupted: run the same command again to resume.")
            return 1
        if distributed.world_size() > 1:
            # Rank 0 evaluates and publishes after training; the others wait for it rather than
            # leave the process group while it is still in use (a rank of the CI run aborted so).
            torch.distributed.barrier()
    finally:
        distributed.teardown()
    if not isinstance(result, tuple):  # a Run: interrupted, or trained without publishing
        if result.interrupted:
            print("Interrupted: run the same command again to resume.")
            return 1
        return 0
    model, run, metrics, extra = result
    extras, weights_dtype = extra.pop("extras", None), extra.pop("weights_dtype", None)
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
    rec = ck.zoo.publish(args.model, model.cpu(), {
        **extra, "steps": run.step, "wall_time_s": round(run.seconds, 1),
        "device": f"{dev} ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"
                  if dev.type == "cpu" else f"{dev} ({torch.cuda.get_device_name() if dev.type == 'cuda' else dev})",
        "processes": distributed.world_size(),
        "metrics": metrics, "command": command.strip(),
    }, extras=extras, zoo_dir=Path(args.zoo) if args.zoo else None, weights_dtype=weights_dtype)
    print(f"Published {args.model}: {rec['metrics']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
