"""Notebook 04's zoo models meet issue 20's bars: read from their records (1,000 held-out digits, notebook
03's 200 held-out faces) and measured afresh on images none of them saw (printed digits and faces of a
seed neither training nor the records used)."""

import pytest

import coursekit as ck
from conftest import zoo_model
from coursekit.models import cyclegan

FRESH_SEED = 5  # not cyclegan.TRAIN_SEED (0), TEST_SEED (1), nor printed-judge-2's renders (2)



@pytest.fixture(scope="module")
def judges():
    return zoo_model("mnist-judge"), zoo_model("printed-judge")


def test_translation_to_handwriting_lets_the_mnist_judge_read_printed_digits(judges):
    plain = ck.zoo.record("mnist-cyclegan")["metrics"]
    assert plain["images"] == 1000 and plain["mnist_judge_on_printed"] < 0.2  # as they are: chance
    assert plain["kept_b_to_a"] >= 0.7  # plain CycleGAN: most digits kept, a few swapped (2 -> 7, 7 -> 1)
    semantic = ck.zoo.record("mnist-cyclegan-semantic")["metrics"]
    assert semantic["kept_b_to_a"] >= 0.90 and semantic["kept_b_to_a"] > plain["kept_b_to_a"]  # CyCADA's fix
    fresh = ck.data.printed_digits(300, seed=FRESH_SEED)
    G_BA = zoo_model("mnist-cyclegan-semantic").G_BA
    kept = ck.metrics.class_accuracy(cyclegan.to_gray(cyclegan.translate(G_BA, fresh.images)), fresh.labels,
                                     judge=judges[0])
    assert kept >= 0.87  # 300 fresh digits: the bar less two standard errors


def test_translation_to_print_keeps_the_digit_about_as_well_as_recolouring_it(judges):
    plain = ck.zoo.record("mnist-cyclegan")["metrics"]
    semantic = ck.zoo.record("mnist-cyclegan-semantic")["metrics"]
    reference = plain["printed_judge_on_recoloured_mnist"]  # the digit's own strokes, only recoloured
    assert plain["kept_a_to_b"] >= 0.8 * reference
    assert semantic["kept_a_to_b"] >= 0.9 * reference  # issue 20's bar
    digits = ck.data.mnist("test", verbose=False)
    x, y = digits.images[:500], digits.labels[:500]
    kept = ck.metrics.class_accuracy(cyclegan.translate(zoo_model("mnist-cyclegan-semantic").G_AB, x), y,
                                     judge=judges[1])
    assert kept >= 0.85 * ck.metrics.class_accuracy(cyclegan.recoloured_mnist(x, seed=FRESH_SEED), y,
                                                    judge=judges[1])


def test_the_second_printed_reader_caps_a_shape_keeping_translation_as_the_first_does():
    """Why the semantic variant's A -> B stays far from 90% under printed-judge-2: that reader, trained on
    fonts only, reads MNIST digits merely recoloured (shape kept) at about three in four too."""
    second = zoo_model("printed-judge-2")
    assert ck.zoo.record("printed-judge-2")["config"] != ck.zoo.record("printed-judge")["config"]
    assert ck.zoo.record("printed-judge-2")["metrics"]["accuracy"] >= 0.99
    digits = ck.data.mnist("test", verbose=False)
    x, y = digits.images[:500], digits.labels[:500]
    assert ck.metrics.class_accuracy(cyclegan.recoloured_mnist(x, seed=FRESH_SEED), y, judge=second) < 0.85
    m = ck.zoo.record("mnist-cyclegan-semantic")["metrics"]
    assert m["kept_a_to_b_second_judge"] >= 0.6


def test_taking_the_cycle_away_loses_the_digit():
    table = ck.zoo.record("mnist-cyclegan")["metrics"]["ablations"]
    full, alone = table["gan-both-cycles-the-paper"], table["gan-alone-no-cycle"]
    assert alone["kept_a_to_b"] < full["kept_a_to_b"] - 0.2
    assert alone["kept_b_to_a"] < full["kept_b_to_a"] - 0.2


def test_the_adaptation_table_runs_from_source_only_to_the_oracle():
    table = ck.zoo.record("mnist-cyclegan-semantic")["metrics"]["adaptation"]
    source_only, oracle = (table["source only (MNIST as it is)"],
                           table["oracle (printed digits, their labels)"])
    assert source_only < 0.5 and oracle >= 0.99
    for translated in ("CycleGAN (mnist-cyclegan)", "CycleGAN + semantic loss"):
        assert source_only < table[translated] <= oracle


def test_unpaired_translation_between_maps_and_photos_comes_within_the_papers_share_of_pix2pix():
    m = ck.zoo.record("faces-cyclegan-labels")["metrics"]
    to_photo, to_labels = m["labels_to_photo"], m["photo_to_labels"]
    assert m["images"] == 200
    # the paper's Cityscapes ratios of per-pixel accuracy (CycleGAN / Pix2Pix): 0.73 and 0.68
    assert to_photo["CycleGAN"]["pixel_accuracy"] >= 0.73 * to_photo["Pix2Pix (paired)"]["pixel_accuracy"]
    assert to_labels["CycleGAN"]["pixel_accuracy"] >= 0.68 * to_labels["Pix2Pix (paired)"]["pixel_accuracy"]
    for table in (to_photo, to_labels):  # below the paired model on every score, as in the paper
        for score in ("pixel_accuracy", "class_accuracy", "class_iou"):
            assert table["CycleGAN"][score] < table["Pix2Pix (paired)"][score]
    # above the trivial answers where a score is not dominated by the large parts (background, skin)
    for table, trivial in ((to_photo, "trivial (mean photo)"), (to_labels, "trivial (commonest part)")):
        for score in ("class_accuracy", "class_iou"):
            assert table["CycleGAN"][score] > table[trivial][score], (trivial, score)


def test_unpaired_maps_and_photos_beat_the_trivial_answer_per_class_on_fresh_faces():
    from coursekit.models import face_eval

    fresh = ck.data.faces(48, size=64, seed=7)
    pair, segmenter = zoo_model("faces-cyclegan-labels"), zoo_model("faces-segmenter")
    photo = face_eval.segmentation_scores(
        face_eval.segment(segmenter, cyclegan.translate(pair.G_AB, fresh.label_images())), fresh.labels)
    mean_photo = ck.data.faces(500, size=64, seed=0).images.mean(0, keepdim=True).expand(48, -1, -1, -1)
    trivial = face_eval.segmentation_scores(face_eval.segment(segmenter, mean_photo), fresh.labels)
    assert photo["mean_iou"] > trivial["mean_iou"] and photo["class_accuracy"] > trivial["class_accuracy"]
    labels = face_eval.segmentation_scores(cyclegan.labels_of(cyclegan.translate(pair.G_BA, fresh.images)),
                                           fresh.labels)
    assert labels["pixel_accuracy"] >= 0.85 and labels["mean_iou"] > 0.3
