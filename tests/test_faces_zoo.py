"""The faces zoo models (notebook 03 and the later face notebooks) meet their bars, read from their
records and measured afresh on faces none of them saw (a seed neither training nor the records used)."""

import pytest
import torch

import coursekit as ck
from conftest import zoo_model
from coursekit.models import face_eval, pix2pix

FRESH_SEED = 7  # not face_eval.TRAIN_SEED, nor TEST_SEED (the records' held-out faces)
# The segmenter finds the labelled parts on this share of G's pixels (the zoo models: 0.864 and 0.771;
# a G trained for 5 steps: 0.25, the real photos: 0.999)
PIX2PIX_PIXEL_ACCURACY = 0.80
EDGES_PIXEL_ACCURACY = 0.70



@pytest.fixture(scope="module")
def fresh():
    assert FRESH_SEED not in (face_eval.TRAIN_SEED, face_eval.TEST_SEED, pix2pix.TRAIN_SEED)
    return ck.data.faces(64, size=64, seed=FRESH_SEED)


def test_the_attribute_predictor_reads_every_factor(fresh):
    m = ck.zoo.record("faces-attributes")["metrics"]
    for name, (kind, _) in ck.faces.FACTORS.items():
        if kind == "class":
            assert m[f"{name}_accuracy"] >= 0.95, (name, m)
    pred = face_eval.predict_attributes(zoo_model("faces-attributes"), fresh.images)
    for name, (kind, (lo, hi)) in ((n, s) for n, s in ck.faces.FACTORS.items() if s[0] == "value"):
        # a value factor is read to within a tenth of its range on average
        assert (pred[name] - fresh.factors[name]).abs().mean() <= 0.1 * (hi - lo), name
    # a bald head shows no colour
    has_hair = fresh.factors["hair_style"] != ck.faces.HAIR_STYLES.index("bald")
    for name in (n for n, (kind, _) in ck.faces.FACTORS.items() if kind == "class"):
        seen = has_hair if name == "hair_colour" else slice(None)
        assert (pred[name] == fresh.factors[name])[seen].float().mean() >= 0.95, name


def test_the_segmenter_finds_the_parts_of_real_renders(fresh):
    m = ck.zoo.record("faces-segmenter")["metrics"]
    assert m["pixel_accuracy"] >= 0.99 and m["mean_iou"] >= 0.95
    scores = face_eval.segmentation_scores(face_eval.segment(zoo_model("faces-segmenter"), fresh.images),
                                           fresh.labels)
    assert scores["pixel_accuracy"] >= 0.98


def test_the_detail_segmenter_finds_the_parts_of_photos_with_detail():
    m = ck.zoo.record("faces-segmenter-detail")["metrics"]
    assert m["pixel_accuracy"] >= 0.99 and m["mean_iou"] >= 0.95
    rich = ck.data.faces(64, size=64, seed=FRESH_SEED, detail=True)
    scores = face_eval.segmentation_scores(
        face_eval.segment(zoo_model("faces-segmenter-detail"), rich.images), rich.labels)
    assert scores["pixel_accuracy"] >= 0.98


def test_the_camera_segmenter_reads_photos_with_detail_as_they_are_and_through_the_camera():
    m = ck.zoo.record("faces-segmenter-camera")["metrics"]
    assert m["pixel_accuracy"] >= 0.99 and m["mean_iou"] >= 0.95 and m["camera_pixel_accuracy"] >= 0.99
    rich = ck.data.faces(64, size=64, seed=FRESH_SEED, detail=True)
    seen = face_eval.through_camera(rich.images, torch.Generator().manual_seed(FRESH_SEED))
    for images in (rich.images, seen):
        scores = face_eval.segmentation_scores(face_eval.segment(zoo_model("faces-segmenter-camera"), images),
                                               rich.labels)
        assert scores["pixel_accuracy"] >= 0.98


def test_the_detail_segmenter_forgives_a_little_blur_but_not_grain_or_a_colour_cast():
    """Notebook 03's reading of its judge: blur as small as L1's (sigma 0.5 px) costs it almost nothing,
    strong blur melts the small parts (mean IoU), a faint grain or a colour cast costs pixels at once."""
    from torchvision.transforms.functional import gaussian_blur
    rich = ck.data.faces(64, size=64, seed=FRESH_SEED, detail=True)
    noise = torch.randn(rich.images.shape, generator=torch.Generator().manual_seed(0))
    cast = torch.randn(64, 3, 1, 1, generator=torch.Generator().manual_seed(1))

    def read(x):
        return face_eval.segmentation_scores(face_eval.segment(zoo_model("faces-segmenter-detail"), x),
                                             rich.labels)

    little, strong = read(gaussian_blur(rich.images, 7, 0.5)), read(gaussian_blur(rich.images, 7, 1.0))
    grain, colour = (read((rich.images + 0.05 * noise).clamp(-1, 1)),
                     read((rich.images + 0.2 * cast).clamp(-1, 1)))
    assert little["pixel_accuracy"] >= 0.98 and little["mean_iou"] >= 0.9
    assert (strong["mean_iou"] < little["mean_iou"] - 0.2
            and strong["pixel_accuracy"] > grain["pixel_accuracy"])
    assert grain["pixel_accuracy"] < little["pixel_accuracy"] - 0.04
    assert colour["pixel_accuracy"] < little["pixel_accuracy"] - 0.04

def test_the_detail_study_is_trained_as_long_as_its_model_and_reads_as_notebook_03_says():
    record = ck.zoo.record("faces-pix2pix-detail")
    table, pictures = record["metrics"]["ablations"], ck.zoo.extras("faces-pix2pix-detail")["ablations"]
    assert table["steps"] == record["steps"] == record["options"]["steps"] and record["options"]["detail"]
    full, l1, gan = table["l1-cgan-the-paper"], table["l1-only"], table["cgan-only"]
    assert all(pictures[key].shape == (6, 3, 64, 64) for key in ("l1-cgan-the-paper", "l1-only", "cgan-only"))
    assert (full["label"], l1["label"], gan["label"]) == ("L1 + cGAN (the paper)", "L1 only", "cGAN only")
    # notebook 03's reading: the adversary brings the photos nearer real ones (Fréchet; cGAN alone the
    # nearest) and adds texture where L1 alone smooths (below the real photos' 1), but too much, and the
    # segmenter, trained on real photos with detail, reads L1 alone's average faces best; cGAN alone
    # strays furthest from the truth
    assert gan["fid_attributes"] < full["fid_attributes"] < l1["fid_attributes"]
    assert l1["texture"] < 1 < full["texture"]
    assert l1["pixel_accuracy"] > full["pixel_accuracy"] and l1["mean_iou"] > full["mean_iou"]
    assert gan["l1"] > full["l1"] > l1["l1"]
    # the judge that has seen a camera: most of the gap was the first judge's brittleness to grain, but the
    # order stays (L1 alone read best), as notebook 03 says
    camera = {name: row["camera_judge"] for name, row in (("full", full), ("l1", l1), ("gan", gan))}
    assert camera["full"]["pixel_accuracy"] > full["pixel_accuracy"] + 0.1
    assert camera["gan"]["pixel_accuracy"] > gan["pixel_accuracy"] + 0.03
    assert (l1["pixel_accuracy"] - full["pixel_accuracy"]
            > 3 * (camera["l1"]["pixel_accuracy"] - camera["full"]["pixel_accuracy"]))
    assert (camera["l1"]["pixel_accuracy"] > camera["full"]["pixel_accuracy"]
            > camera["full"]["pixel_accuracy_floor"])
    assert camera["l1"]["mean_iou"] > camera["full"]["mean_iou"]


def test_the_detail_model_scores_on_fresh_faces_as_its_record_says():
    record = ck.zoo.record("faces-pix2pix-detail")["metrics"]
    m = pix2pix.evaluate(zoo_model("faces-pix2pix-detail"), "labels", zoo_model("faces-segmenter-detail"),
                         zoo_model("faces-attributes"), n=64, detail=True,
                         camera_segmenter=zoo_model("faces-segmenter-camera"))
    assert abs(m["pixel_accuracy"] - record["pixel_accuracy"]) < 0.05, (m, record)
    assert abs(m["camera_judge"]["pixel_accuracy"]
               - record["camera_judge"]["pixel_accuracy"]) < 0.03, (m, record)
    assert m["texture"] > 1.2 and m["l1"] > m["l1_floor"]


def test_pix2pix_draws_photos_whose_parts_are_where_the_labels_say(fresh):
    m = ck.zoo.record("faces-pix2pix")["metrics"]
    assert m["pixel_accuracy"] >= PIX2PIX_PIXEL_ACCURACY, m
    assert m["pixel_accuracy"] <= m["pixel_accuracy_real"]  # the real photos are the ceiling
    G, segmenter = zoo_model("faces-pix2pix"), zoo_model("faces-segmenter")
    fake = pix2pix.translate(G, fresh.label_images())
    scores = face_eval.segmentation_scores(face_eval.segment(segmenter, fake), fresh.labels)
    assert scores["pixel_accuracy"] >= PIX2PIX_PIXEL_ACCURACY - 0.03


def test_pix2pix_scores_above_the_floor_of_one_constant_photo_and_l1_prefers_that_photo():
    # notebook 03's reading of its table: above the mean photo's score, below the real photos'; in L1 the
    # mean photo is nearer the truth than the zoo model's committed colours (L1 rewards the average)
    m = pix2pix.evaluate(zoo_model("faces-pix2pix"), "labels", zoo_model("faces-segmenter"),
                         zoo_model("faces-attributes"), n=64)
    for k in ("pixel_accuracy", "mean_iou"):
        assert m[k + "_floor"] + 0.05 < m[k] < m[k + "_real"], (k, m)
    assert m["l1_floor"] < m["l1"], m
    # and its photos carry more pixel-to-pixel texture than the flat renders do: noise, not detail
    assert m["texture"] > 1.5, m


def test_the_edges_model_is_scored_the_same_way():
    m = ck.zoo.record("faces-pix2pix-edges")["metrics"]
    assert m["pixel_accuracy"] >= EDGES_PIXEL_ACCURACY, m


def test_the_ablation_table_has_every_variant_with_numbers_and_pictures():
    record = ck.zoo.record("faces-pix2pix")
    table, pictures = record["metrics"]["ablations"], ck.zoo.extras("faces-pix2pix")["ablations"]
    assert table["steps"] >= 300
    for key, change in pix2pix.ABLATIONS.items():
        assert {"label", "pixel_accuracy", "mean_iou", "l1", "fid_attributes"} <= set(table[key]), key
        assert table[key]["label"] == change["label"] and pictures[key].shape == (6, 3, 64, 64), key
    # the trends of the lecture that runs this short show (notebook 03 says which ones they do not)
    no_skips = table["encoder-decoder-no-skips"]["mean_iou"]
    assert all(no_skips < table[key]["mean_iou"] for key in pix2pix.ABLATIONS
               if key != "encoder-decoder-no-skips")
    assert table["cgan-only"]["l1"] > table["l1-only"]["l1"]


def test_versus_real_compares_small_faces_with_real_faces_as_small():
    # Real faces brought down to 32 x 32 are as close as it gets to held-out real faces at 32 x 32, and
    # far from the held-out faces at full 64 x 64 detail (what a generator of 32 x 32 faces must not be
    # compared with).
    small = torch.nn.functional.adaptive_avg_pool2d(ck.data.faces(300, size=64, seed=FRESH_SEED).images, 32)
    attributes = zoo_model("faces-attributes")
    same_size = face_eval.versus_real(attributes, small)["fid"]
    full_detail = face_eval.faces_frechet_distance(
        attributes, torch.nn.functional.interpolate(small, size=64, mode="nearest"),
        ck.data.faces(300, size=64, seed=face_eval.TEST_SEED).images)
    assert same_size < 10 < full_detail, (same_size, full_detail)
