"""The StyleGAN zoo model (notebook 06): its quality against ProGAN's, and the record's measurements of
style mixing, truncation and disentanglement, some of them measured afresh."""

import pytest
import torch

import coursekit as ck
from coursekit.models import face_eval, stylegan

CPU = torch.device("cpu")
# Frechet distance in faces-attributes features at 32x32, the measure of faces-progan (80.2 after 4,900
# steps; an untrained ProGAN 843): the bar of the shorter StyleGANs (faces-stylegan-64, the race's)
FID_BAR = 95.0
VARIETY_BAR = 0.45
#: Issue 35's bar for the zoo StyleGAN trained to quality, on 1,000 faces from codes of a seed the course
#: scores nowhere else (its record's metrics.fresh_codes): Fréchet distance, variety, texture / real.
ZOO_BAR = {"fid": 25.0, "variety": 0.75, "texture": (0.8, 1.25)}


@pytest.fixture(scope="module")
def zoo_model():
    if "faces-stylegan" not in ck.zoo.names():
        pytest.fail("data/zoo/faces-stylegan is missing: python -m coursekit.train faces-stylegan")
    return ck.zoo.load("faces-stylegan", device=CPU)


@pytest.fixture(scope="module")
def attributes():
    return ck.zoo.load("faces-attributes", device=CPU)


@pytest.fixture(scope="module")
def metrics():
    return ck.zoo.record("faces-stylegan")["metrics"]


def test_the_zoo_stylegan_draws_32_pixel_faces_from_one_style_per_layer(zoo_model):
    assert zoo_model.config.resolution == 32 and zoo_model.config.num_ws == 8
    assert stylegan.sample(zoo_model, 2).shape == (2, 3, 32, 32)
    assert zoo_model.w_avg.abs().sum() > 0  # the mean w was tracked: truncation has a centre


def test_the_zoo_model_meets_issue_35s_bar_and_keeps_the_numbers_of_the_model_it_replaced(metrics):
    fresh = metrics["fresh_codes"]
    low, high = ZOO_BAR["texture"]
    assert (fresh["fid"] <= ZOO_BAR["fid"] and fresh["variety"] >= ZOO_BAR["variety"]
            and low <= fresh["texture"] <= high), fresh
    record = ck.zoo.record("faces-stylegan")
    before = record["previous"]
    assert before["steps"] < record["steps"] and before["metrics"]["fid"] > 3 * fresh["fid"], before
    assert ck.zoo.extras("faces-stylegan")["previous_samples"].shape == (16, 3, 32, 32)


def test_the_zoo_model_is_close_to_real_faces_and_varied(zoo_model, attributes, metrics):
    assert metrics["fid"] <= ZOO_BAR["fid"] and metrics["variety"]["mean"] >= ZOO_BAR["variety"], metrics
    # codes the record never drew, fewer of them (a Fréchet distance of 300 faces reads higher)
    fresh = face_eval.versus_real(attributes, stylegan.sample(zoo_model, 300, seed=7))
    assert fresh["fid"] <= ZOO_BAR["fid"] * 1.6, fresh
    torch.manual_seed(0)
    untrained = stylegan.Generator(zoo_model.config).eval()
    assert fresh["fid"] * 5 < face_eval.versus_real(attributes,
                                                    stylegan.sample(untrained, 300, seed=7))["fid"]


def test_style_mixing_scores_are_in_the_record_and_reproduce(zoo_model, attributes, metrics):
    groups = stylegan.layer_groups(zoo_model.config)
    assert set(metrics["style_mixing"]) == set(groups)
    live = stylegan.style_mixing_scores(zoo_model, attributes, n=100, seed=7)
    # a factor G hardly varies (eyes_open: variety 0) gives A and B the same reading: its share is noise
    varied = [f for f, v in metrics["variety"].items() if f != "mean" and v >= 0.3]
    assert len(varied) >= 8, metrics["variety"]
    for group in groups:
        for factor in varied:
            assert abs(live[group][factor] - metrics["style_mixing"][group][factor]) < 0.15, (group, factor)


def test_the_truncation_table_trades_variety_for_typicality(metrics):
    table = {float(psi): row for psi, row in metrics["truncation"].items()}
    assert set(table) == {0.0, 0.25, 0.5, 0.75, 1.0}
    variety = [table[psi]["variety"]["mean"] for psi in sorted(table)]
    assert variety == sorted(variety) and variety[0] < 0.1  # ψ = 0: one face, however it is read
    assert table[1.0]["fid"] == metrics["fid"]


def test_the_ablation_without_mixing_regularisation_is_in_the_record(metrics):
    ablated = metrics["ablations"]["no-mixing-regularisation"]
    assert {"label", "fid", "fid_mixed_styles", "variety", "style_mixing"} <= set(ablated)
    assert set(ck.zoo.extras("faces-stylegan")["mixing"]) == {"zoo-model", "no-mixing-regularisation"}
    # the paper's finding, as the record measured it: faces from mixed styles cost the model trained
    # without the regularisation more than the regularised one
    cost = lambda row: row["fid_mixed_styles"] - row["fid"]  # noqa: E731
    assert cost(ablated) > cost(metrics) + 5, (cost(ablated), cost(metrics))


def test_w_is_more_disentangled_than_z(zoo_model, attributes, metrics):
    sep = metrics["separability"]
    # the paper's exp(sum of conditional entropies): lower is better
    assert sep["score_w"] < sep["score_z"], sep
    ppl = metrics["path_length"]
    assert ppl["w"]["median"] < ppl["z"]["median"], ppl
    live = {space: stylegan.path_length(zoo_model, attributes, space, n=200, seed=7)["median"]
            for space in ("z", "w")}
    assert live["w"] < live["z"], live


# -- faces-stylegan-64: the style split's conditions (notebook 06, section 8) ----------------------------

@pytest.fixture(scope="module")
def model_64():
    if "faces-stylegan-64" not in ck.zoo.names():
        pytest.fail("data/zoo/faces-stylegan-64 is missing: python -m coursekit.train faces-stylegan-64")
    return ck.zoo.load("faces-stylegan-64", device=CPU)


def test_the_64_pixel_stylegan_has_the_papers_three_groups_and_is_near_real_faces_with_detail(model_64,
                                                                                              attributes):
    record = ck.zoo.record("faces-stylegan-64")
    assert model_64.config.resolution == 64 and model_64.config.num_ws == 10
    assert record["options"]["detail"] is True and record["metrics"]["fid"] <= FID_BAR, record["metrics"]
    # codes the record never drew, against real faces with detail, and an untrained G far off
    fresh = face_eval.versus_real(attributes, stylegan.sample(model_64, 300, seed=7), detail=True)
    assert fresh["fid"] <= FID_BAR * 1.3, fresh
    torch.manual_seed(0)
    untrained = stylegan.Generator(model_64.config).eval()
    assert fresh["fid"] * 5 < face_eval.versus_real(attributes, stylegan.sample(untrained, 300, seed=7),
                                                    detail=True)["fid"]


def test_the_split_turns_the_papers_way_only_with_detail_as_notebook_06_reads_it(model_64, attributes):
    metrics = ck.zoo.record("faces-stylegan-64")["metrics"]
    split = stylegan.style_split(metrics["style_mixing"])
    flat = stylegan.style_split(metrics["ablations"]["flat-renders"]["style_mixing"])
    zoo_32 = stylegan.style_split(ck.zoo.record("faces-stylegan")["metrics"]["style_mixing"])
    # with detail: geometry ahead in the coarse group, colour ahead in the middle one
    assert (split["coarse"]["geometry"] > split["coarse"]["colour"]
            and split["middle"]["colour"] > split["middle"]["geometry"])
    # flat renders: at 64 px the coarse styles paint the colours ahead of the geometry; at 32 px they
    # decide the colours as much as the geometry (within the measure's 0.02), far ahead of the others
    assert flat["coarse"]["colour"] > flat["coarse"]["geometry"]
    assert zoo_32["coarse"]["colour"] >= zoo_32["coarse"]["geometry"] - 0.02
    assert zoo_32["coarse"]["colour"] > 2 * max(zoo_32["middle"]["colour"], zoo_32["fine"]["colour"])
    # and measured afresh on 500 other pairs (the record's margins are a few hundredths; these pairs move
    # each number by 0.01-0.02)
    live = stylegan.style_split(stylegan.style_mixing_scores(model_64, attributes, n=500, seed=7))
    assert (live["coarse"]["geometry"] > live["coarse"]["colour"]
            and live["middle"]["colour"] > live["middle"]["geometry"])
    for group in live:
        for kind in live[group]:
            assert abs(live[group][kind] - split[group][kind]) < 0.05, (group, kind)


@pytest.mark.parametrize("name", ["faces-stylegan-equal-compute", "faces-stylegan-noise"])
def test_given_progans_compute_each_stylegan_recipe_finishes_ahead_as_notebook_06_reads_it(name, attributes):
    from coursekit.models.stylegan.recipes import CONFIGS

    steps = CONFIGS[name].steps
    record, progan = ck.zoo.record(name), ck.zoo.record("faces-progan")
    assert record["steps"] == steps and record["options"]["steps"] == steps
    # ProGAN's seed 0 at that compute: its growth schedule alone (the zoo model then trained on, issue 35)
    m = progan["metrics"]
    growth = m["ablations"].get("growth-schedule", {"fid": m["fid_final_1000"]})
    assert record["metrics"]["fid"] < growth["fid"], (record["metrics"]["fid"], growth)
    # the race from the other seeds, as notebook 06 reads it: StyleGAN's worst seed below ProGAN's best
    from coursekit.models.stylegan.recipes import RACE_SEEDS

    race = record["metrics"]["race"]
    styled = [record["metrics"]["fid"]] + [race[f"stylegan-seed-{k}"]["fid"] for k in RACE_SEEDS]
    grown = [growth["fid"]] + [race[f"progan-seed-{k}"]["fid"] for k in RACE_SEEDS]
    assert len(styled) == len(grown) == 3 and max(styled) < min(grown), (styled, grown)
    G = ck.zoo.load(name, device=CPU)
    fresh = face_eval.versus_real(attributes, stylegan.sample(G, 300, seed=7))  # codes the record never drew
    assert fresh["fid"] <= record["metrics"]["fid"] * 1.3 and fresh["variety"]["mean"] >= VARIETY_BAR, fresh
