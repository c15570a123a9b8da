"""The ProGAN zoo model (notebook 05) grew to 32x32, improved its Fréchet distance as it grew, and keeps
its record's numbers when measured afresh."""

import pytest
import torch

import coursekit as ck
from coursekit.models import progan

CPU = torch.device("cpu")
# Issue 35's bar, read on 1,000 faces from codes of a seed no other measure samples (the record's
# metrics.fresh_codes): Fréchet distance in faces-attributes features at 32x32 (the floor of real faces
# against real faces: about 3; an untrained G: 843; the zoo model it replaced: 80.2), attribute variety
# (one face repeated: 0; the replaced model: 0.53) and texture as a share of the real renders'.
ZOO_BAR = {"fid": 25.0, "variety": 0.75, "texture": (0.8, 1.25)}


@pytest.fixture(scope="module")
def zoo_model():
    if "faces-progan" not in ck.zoo.names():
        pytest.fail("data/zoo/faces-progan is missing: python -m coursekit.train faces-progan")
    return ck.zoo.load("faces-progan", device=CPU)


def test_the_zoo_progan_grew_to_32_pixels_with_a_score_per_stage(zoo_model):
    m = ck.zoo.record("faces-progan")["metrics"]
    assert zoo_model.config.max_stage == 3 and progan.sample(zoo_model, n=2).shape == (2, 3, 32, 32)
    assert {"fid_4px", "fid_8px", "fid_16px", "fid_32px", "fid_final_1000", "variety"} <= set(m)


def test_the_grown_model_meets_the_bar_on_fresh_codes_and_beats_the_one_it_replaced(zoo_model):
    record = ck.zoo.record("faces-progan")
    m, fresh = record["metrics"], record["metrics"]["fresh_codes"]
    low, high = ZOO_BAR["texture"]
    assert (fresh["fid"] <= ZOO_BAR["fid"] and fresh["variety"] >= ZOO_BAR["variety"]
            and low <= fresh["texture"] <= high), fresh
    assert m["fid_final_1000"] <= ZOO_BAR["fid"] and m["variety"]["mean"] >= ZOO_BAR["variety"], m
    before = record["previous"]
    assert before["steps"] < record["steps"], before
    assert before["metrics"]["fid_final_1000"] > 2 * fresh["fid"], before
    assert ck.zoo.extras("faces-progan")["previous_samples"].shape == (16, 3, 32, 32)


def test_measured_afresh_the_model_is_far_closer_to_real_faces_than_an_untrained_one(zoo_model):
    attributes = ck.zoo.load("faces-attributes", device=CPU)
    torch.manual_seed(0)
    untrained = progan.Generator(zoo_model.config).eval()
    fresh = progan.stage_fid(zoo_model, 3, attributes, n=300, seed=7)  # 300 faces: a distance reads higher
    assert fresh <= ZOO_BAR["fid"] * 1.6
    assert fresh * 10 < progan.stage_fid(untrained, 3, attributes, n=300, seed=7)


def test_the_ablation_without_minibatch_std_is_in_the_record_with_its_samples():
    m = ck.zoo.record("faces-progan")["metrics"]
    samples = ck.zoo.extras("faces-progan")["samples"]
    assert samples["zoo-model"].shape == (16, 3, 32, 32)
    for key, change in progan.ABLATIONS.items():
        assert {"label", "fid", "variety"} <= set(m["ablations"][key]), key
        assert m["ablations"][key]["label"] == change["label"] and samples[key].shape == (16, 3, 32, 32), key


def test_what_notebook_05_says_of_the_ablation_holds():
    # notebook 05 compares the ablation with the model trained on the same schedule (a long zoo run keeps
    # that model's row, "growth-schedule"): the mean variety of the two is "the same to the two printed
    # decimals" and neither collapses
    m = ck.zoo.record("faces-progan")["metrics"]
    ablated = m["ablations"]["no-minibatch-std"]
    same = m["ablations"].get("growth-schedule", {"fid": m["fid_final_1000"], "variety": m["variety"]})
    assert abs(ablated["variety"]["mean"] - same["variety"]["mean"]) < 0.01
    assert ablated["fid"] < same["fid"]
    for variety in (same["variety"], ablated["variety"]):
        assert variety["mean"] >= 0.45 and variety["glasses"] == 0 and variety["eyes_open"] == 0


def test_the_growth_snapshots_cover_every_stage():
    snapshots = progan.unpack_snapshots(ck.zoo.extras("faces-progan"))
    assert set(snapshots["stage"]) == {0, 1, 2, 3}
    assert snapshots["images"].shape[0] == len(snapshots["steps"])
    ck.widgets.growth(snapshots)
