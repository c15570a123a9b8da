"""Pix2Pix's pieces (notebook 03): the U-Net, the PatchGAN and its receptive fields, the losses."""

import pytest
import torch

import coursekit as ck
from coursekit.models import pix2pix as P


@pytest.mark.parametrize("layers, patch", [(0, 1), (1, 16), (2, 34), (3, 70)])
def test_patchgan_receptive_fields_are_the_papers(layers, patch):
    D = P.PatchDiscriminator(P.Pix2PixConfig(d_layers=layers))
    assert P.receptive_field(D) == patch


def test_one_output_of_D_sees_exactly_its_receptive_field():
    torch.manual_seed(0)
    D = P.PatchDiscriminator(P.Pix2PixConfig(d_layers=1)).eval()
    x = torch.zeros(1, 3, 64, 64, requires_grad=True)
    D(x, x)[0, 0, 10, 10].backward()
    rows = x.grad.abs().sum((0, 1, 3)).nonzero()
    assert rows.max() - rows.min() + 1 <= 16  # the gradient reaches at most a 16-pixel band


@pytest.mark.parametrize("skips", [True, False])
def test_the_generator_maps_a_condition_to_an_image(skips):
    G = P.UNetGenerator(P.Pix2PixConfig(width=8, skips=skips))
    y = G(torch.randn(2, 3, 64, 64))
    assert y.shape == (2, 3, 64, 64) and y.abs().max() <= 1
    with pytest.raises(ValueError, match="multiples of 64"):
        G(torch.randn(2, 3, 48, 48))


def test_at_the_papers_size_the_unet_is_the_reference_one_and_trains_at_batch_size_1():
    # width 64, depth 8, 256x256: the reference code's 54,413,955 parameters; no batch norm on the
    # innermost block, whose 1x1 output batch norm could not normalise over a batch of one image
    G = P.UNetGenerator(P.Pix2PixConfig(width=64, depth=8))
    assert sum(p.numel() for p in G.parameters()) == 54_413_955
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in G.encoder[-1].modules())
    assert G.train()(torch.randn(1, 3, 256, 256)).shape == (1, 3, 256, 256)


def test_the_skips_carry_detail_the_bottleneck_cannot():
    # with skips, the input reaches the output through a 64x64 path: perturbing one input pixel
    # changes nearby output pixels more than far ones
    torch.manual_seed(0)
    G = P.UNetGenerator(P.Pix2PixConfig(width=8)).eval()
    x = torch.zeros(1, 3, 64, 64, requires_grad=True)
    G(x)[0, :, 5, 5].sum().backward()
    g = x.grad.abs().sum((0, 1))
    assert g[:16, :16].sum() > g[32:, 32:].sum()


def test_losses_and_a_step():
    torch.manual_seed(0)
    G, D = P.UNetGenerator(P.Pix2PixConfig(width=8)), P.PatchDiscriminator(P.Pix2PixConfig(width=8))
    opt_G, opt_D = P.make_optimizers(G, D)
    c, t = torch.rand(4, 3, 64, 64) * 2 - 1, torch.rand(4, 3, 64, 64) * 2 - 1
    loss_D, loss_G = P.train_step(G, D, opt_G, opt_D, c, t)
    assert loss_D > 0 and loss_G > 0
    zero = torch.zeros(3)
    assert torch.isclose(P.d_loss(zero, zero), torch.log(torch.tensor(2.0)))
    assert torch.isclose(P.g_loss(zero, t, t), torch.log(torch.tensor(2.0)))  # L1 term zero on the target
    loss_D, _ = P.train_step(G, D, opt_G, opt_D, c, t, gan_weight=0.0)  # L1 only: D untouched
    assert loss_D == 0


@pytest.mark.parametrize("task", P.TASKS)
def test_a_short_training_and_its_evaluation_run_on_faces(task):
    from coursekit.models import face_eval

    G, D, run = P.train_pix2pix(task, steps=3, batch_size=4, config=P.config_for(task, width=8),
                                device=torch.device("cpu"))
    assert run.step == 3 and len(run.history.values("loss_G")) == 3
    torch.manual_seed(0)
    m = P.evaluate(G, task, face_eval.Segmenter(face_eval.SegmenterConfig(width=8)),
                   face_eval.AttributePredictor(), n=8)
    assert {"pixel_accuracy", "mean_iou", "pixel_accuracy_real", "pixel_accuracy_floor", "mean_iou_floor",
            "l1", "l1_floor", "fid_attributes"} <= set(m)
    with pytest.raises(ValueError, match="task must be one of"):
        P.train_pix2pix("sketch", steps=1)


def test_the_ablation_study_trains_each_variant_and_scores_it():
    from coursekit.models import face_eval

    names = ["l1-only", "encoder-decoder-no-skips", "pixelgan-1x1"]
    rows = P.ablation_study("edges", face_eval.Segmenter(face_eval.SegmenterConfig(width=8)),
                            face_eval.AttributePredictor(), steps=1, batch_size=2, names=names, n=4,
                            device=torch.device("cpu"), config=P.config_for("edges", width=4), samples=2)
    assert list(rows) == names  # keyed by identifier, each row labelled for display
    assert [row["label"] for row in rows.values()] == [P.ABLATIONS[key]["label"] for key in names]
    assert rows["l1-only"]["label"] == "L1 only"
    for row in rows.values():
        assert row["samples"].shape == (2, 3, 64, 64) and 0 <= row["mean_iou"] <= 1


def test_an_ablation_study_with_a_checkpoint_directory_scores_variants_trained_beforehand(tmp_path,
                                                                                         monkeypatch):
    from coursekit.models import face_eval

    cpu, cfg = torch.device("cpu"), P.config_for("edges", width=4)
    judges = face_eval.Segmenter(face_eval.SegmenterConfig(width=8)), face_eval.AttributePredictor()
    assert ck.train.ablation_checkpoint(tmp_path, "l1-only") == tmp_path / "l1-only"
    # trained beforehand (another process could do this) ...
    P.train_pix2pix("edges", steps=2, batch_size=2, config=cfg, device=cpu, gan_weight=0.0,
                    checkpoint=ck.train.ablation_checkpoint(tmp_path, "l1-only"))
    steps = []
    train_step = P.train_step
    monkeypatch.setattr(P, "train_step", lambda *a, **k: steps.append(1) or train_step(*a, **k))
    # ... then only scored; a variant without a checkpoint is trained
    rows = P.ablation_study("edges", *judges, steps=2, batch_size=2, names=["l1-only", "cgan-only"], n=4,
                            device=cpu, config=cfg, samples=2, checkpoint=tmp_path)
    assert list(rows) == ["l1-only", "cgan-only"] and len(steps) == 2
    assert (tmp_path / "cgan-only").is_dir()


def test_every_ablation_builds_a_model_that_runs():
    for name, change in P.ABLATIONS.items():
        cfg = P.config_for("labels", width=4, **change.get("config", {}))
        G, D = P.UNetGenerator(cfg), P.PatchDiscriminator(cfg)
        x = torch.rand(2, 3, 64, 64)
        assert D(x, G(x)).dim() == 4, name


def _untrained_readers():
    """A small untrained segmenter and attribute predictor: enough to run ``evaluate``'s measures."""
    from coursekit.models import face_eval

    torch.manual_seed(0)
    return face_eval.Segmenter(face_eval.SegmenterConfig(width=8)), face_eval.AttributePredictor()


def test_the_floor_is_what_one_constant_picture_scores():
    from coursekit import faces

    segmenter, attributes = _untrained_readers()
    mean_photo = faces.faces(8, size=64, seed=P.TRAIN_SEED).images.mean(0, keepdim=True)
    m = P.evaluate(None, "labels", segmenter, attributes, n=8,
                   run=lambda G, c: mean_photo.expand(len(c), -1, -1, -1))
    assert m["pixel_accuracy"] == m["pixel_accuracy_floor"] and m["mean_iou"] == m["mean_iou_floor"]
    assert m["l1"] == m["l1_floor"]


def test_texture_reads_the_true_photos_as_one_a_blur_below_and_noise_above():
    from coursekit import faces

    segmenter, attributes = _untrained_readers()
    photos = faces.faces(8, size=64, seed=P.TEST_SEED).images
    blurred = torch.nn.functional.avg_pool2d(photos, 3, stride=1, padding=1, count_include_pad=False)
    noisy = (photos + 0.1 * torch.randn(photos.shape,
                                        generator=torch.Generator().manual_seed(0))).clamp(-1, 1)
    texture = {name: P.evaluate(None, "labels", segmenter, attributes, n=8,
                                run=lambda G, c, x=x: x)["texture"]
               for name, x in (("true", photos), ("blurred", blurred), ("noisy", noisy))}
    assert texture["true"] == 1.0 and texture["blurred"] < 0.9 and texture["noisy"] > 1.5, texture
