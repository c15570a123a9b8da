"""The encoder of notebook 07 (faces-stylegan-encoder): its record, and an inversion measured afresh on
held-out faces the record did not use."""

import pytest
import torch

import coursekit as ck
from coursekit.models import inversion

CPU = torch.device("cpu")
# on the record's 200 held-out real renders: pixel MSE 0.038, class factors kept 0.645; on G's own
# faces: 0.010 and 0.882; the mean code (no inversion at all) on real renders: 0.197
REAL_MSE_BAR = 0.05


@pytest.fixture(scope="module")
def models():
    for name in ("faces-stylegan", "faces-stylegan-encoder"):
        if name not in ck.zoo.names():
            pytest.fail(f"data/zoo/{name} is missing: python -m coursekit.train {name}")
    return ck.zoo.load("faces-stylegan", device=CPU), ck.zoo.load("faces-stylegan-encoder", device=CPU)


def test_the_encoder_inverts_held_out_real_faces_far_better_than_the_mean_code(models):
    G, E = models
    m = ck.zoo.record("faces-stylegan-encoder")["metrics"]
    assert m["held_out_real"]["pixel_mse"] <= REAL_MSE_BAR
    assert m["generated"]["pixel_mse"] < m["held_out_real"]["pixel_mse"]  # it learned from G's own faces
    targets = inversion.held_out_targets(64, size=32, seed=9)  # faces the record never scored
    with torch.no_grad():
        guess = inversion.synthesize(G, E(targets), "w+")
        mean = inversion.synthesize(G, inversion.start_code(G, 64, "w+"), "w+")
    fresh, baseline = (torch.nn.functional.mse_loss(x, targets).item() for x in (guess, mean))
    assert fresh <= REAL_MSE_BAR * 1.2 and fresh < 0.5 * baseline, (fresh, baseline)


def test_optimisation_from_the_encoders_guess_improves_on_it(models):
    G, E = models
    targets = inversion.held_out_targets(4, size=32, seed=9)
    with torch.no_grad():
        guess = E(targets)
    _, refined, _, losses = inversion.invert(G, targets, "w+", steps=30, lr=0.05, init=guess)
    with torch.no_grad():
        start = torch.nn.functional.mse_loss(inversion.synthesize(G, guess, "w+"), targets).item()
    assert torch.nn.functional.mse_loss(refined, targets).item() < 0.8 * start
