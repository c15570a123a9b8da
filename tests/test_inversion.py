"""GAN inversion and editing (notebook 07) on a small random StyleGAN."""

import pytest
import torch

from coursekit.models import inversion as I
from coursekit.models import stylegan as S

SMALL = S.StyleGANConfig(z_dim=8, w_dim=8, mapping_layers=2, resolution=8, width=32)


@pytest.fixture
def G():
    torch.manual_seed(0)
    return S.Generator(SMALL).eval()


@pytest.mark.parametrize("space", I.SPACES)
def test_optimisation_lowers_the_reconstruction_error_in_each_space(G, space):
    with torch.no_grad():
        target = G.synthesis(G.styles(torch.randn(2, 8)), use_noise=False)
    start = I.synthesize(G, I.start_code(G, 2, space), space)
    code, image, seconds, losses = I.invert(G, target, space, steps=40, lr=0.05)
    assert losses[-1] < 0.5 * losses[0] and seconds > 0
    assert (image - target).pow(2).mean() < (start - target).pow(2).mean()
    assert code.shape == {"z": (2, 8), "w": (2, 8), "w+": (2, SMALL.num_ws, 8)}[space]


def test_the_start_code_is_the_same_every_call_whatever_the_global_random_state(G):
    torch.manual_seed(1)
    first = I.start_code(G, 2, "w")
    torch.manual_seed(2)
    assert torch.equal(I.start_code(G, 2, "w"), first)
    other = I.start_code(G, 2, "w", generator=torch.Generator().manual_seed(3), w_samples=10)
    assert not torch.equal(other, first)  # a given generator is used


def test_the_perceptual_term_adds_the_feature_distance():
    a, b = torch.zeros(1, 3, 4, 4), torch.ones(1, 3, 4, 4)
    assert I.inversion_loss(a, b) == 1
    assert I.inversion_loss(a, b, perceptual=lambda x: 2 * x, perceptual_weight=0.5) == 1 + 0.5 * 4
    with pytest.raises(ValueError, match="space must be one of"):
        I.synthesize(S.Generator(SMALL), torch.zeros(1, 8), "s")


def test_an_encoder_trained_on_generated_pairs_beats_the_mean_code(G):
    E, run = I.train_encoder(G, steps=60, batch_size=16, device=torch.device("cpu"), desc=None)
    with torch.no_grad():
        ws = G.styles(torch.randn(32, 8))
        x = G.synthesis(ws, use_noise=False)
        guess = I.synthesize(G, E(x), "w+")
        mean = I.synthesize(G, I.start_code(G, 32, "w+"), "w+")
    assert (guess - x).pow(2).mean() < (mean - x).pow(2).mean()


def test_interfacegan_finds_the_separating_direction_and_project_out_removes_another():
    g = torch.Generator().manual_seed(0)
    codes = torch.randn(400, 5, generator=g)
    labels = codes[:, 2] + 0.5 * codes[:, 0] > 0
    d = I.interfacegan_direction(codes, labels)
    truth = torch.tensor([0.5, 0, 1.0, 0, 0])
    assert torch.nn.functional.cosine_similarity(d, truth, dim=0) > 0.95
    e0 = torch.tensor([1.0, 0, 0, 0, 0])
    clean = I.project_out(d, e0)
    assert abs(clean @ e0) < 1e-6 and torch.isclose(clean.norm(), torch.tensor(1.0))


def test_ganspace_directions_are_orthonormal_and_ordered_by_spread(G):
    v, std = I.ganspace_directions(G, k=4, n=500)
    assert torch.allclose(v @ v.t(), torch.eye(4), atol=1e-4)
    assert (std[:-1] >= std[1:]).all()


def test_one_gradient_step_lowers_the_pixel_loss(G):
    with torch.no_grad():
        target = G.synthesis(G.styles(torch.randn(2, 8)), use_noise=False)
    code = I.start_code(G, 2, "w")
    synth = lambda c: I.synthesize(G, c, "w")  # noqa: E731
    after = I.gradient_step(code, target, synth, lr=1.0)
    loss = lambda c: torch.nn.functional.mse_loss(synth(c), target)  # noqa: E731
    assert loss(after) < loss(code) and not after.requires_grad


def test_an_edit_that_changes_nothing_scores_zero_and_a_full_swap_scores_one():
    from coursekit.models import face_eval

    torch.manual_seed(0)
    A = face_eval.AttributePredictor(face_eval.AttributeConfig(width=4, features=8)).eval()
    x = torch.rand(6, 3, 16, 16) * 2 - 1
    same = I.edit_scores(A, x, x, target="smile")
    assert same["target"] == 0 and same["others"] == 0 and set(same["per_factor"]) >= {"smile", "glasses"}
    moved = I.edit_scores(A, x, x.flip(0))
    assert all(0 <= v <= 1 for v in moved.values())


def test_the_editing_objective_trades_the_constraint_against_closeness(G):
    D = S.discriminator(SMALL).eval()
    w0 = I.start_code(G, 2, "w+")
    brighten = lambda x: (1 - x.mean(dim=(1, 2, 3))).pow(2)  # noqa: E731  # the user wants a brighter image
    _, _, free = I.editing_objective(G, D, w0, brighten, 0.0, 0.0, steps=30, lr=0.05)
    _, _, held = I.editing_objective(G, D, w0, brighten, 10.0, 0.0, steps=30, lr=0.05)
    start = brighten(I.synthesize(G, w0, "w+")).mean().item()
    assert free["user"] < start and free["distance"] > held["distance"] and held["user"] >= free["user"]


def test_the_method_table_has_every_method_with_its_scores_and_time(G):
    from coursekit.models import face_eval

    torch.manual_seed(0)
    A = face_eval.AttributePredictor(face_eval.AttributeConfig(width=4, features=8)).eval()
    E = I.Encoder(SMALL)
    table, images, codes = I.compare_methods(G, E, torch.rand(2, 3, 8, 8) * 2 - 1, A, steps=3)
    assert set(table) == {"optimisation in Z", "optimisation in W", "optimisation in W+", "encoder",
                          "encoder + optimisation in W+"}
    for row in table.values():
        assert {"pixel_mse", "perceptual", "factors_kept", "seconds_per_image"} <= set(row)
    assert images["encoder"].shape == (2, 3, 8, 8) and codes["encoder"].shape == (2, SMALL.num_ws, 8)
    assert torch.allclose(I.synthesize(G, codes["optimisation in Z"], "z"), images["optimisation in Z"])


def test_the_attribute_constraint_is_low_where_the_predictor_reads_the_asked_value():
    import coursekit as ck

    A = ck.zoo.load("faces-attributes", device=torch.device("cpu"))
    faces = ck.data.faces(64, size=64, seed=7)
    smiling = faces.factors["smile"] > 0.5
    frowning = faces.factors["smile"] < -0.5
    broad_smile = I.attribute_constraint(A, "smile", 1.0)(faces.images)
    assert broad_smile.shape == (64,) and broad_smile[smiling].mean() < 0.2 * broad_smile[frowning].mean()
    with_glasses = I.attribute_constraint(A, "glasses", 1)(faces.images)
    wearing = faces.factors["glasses"] == 1
    assert with_glasses[wearing].mean() < 0.1 < with_glasses[~wearing].mean()
    for factor, value, message in [("moustache", 1, "unknown factor"), ("glasses", 2, "class 0..1"),
                                   ("smile", 3.0, r"ranges over \[-1.0, 1.0\]")]:
        with pytest.raises(ValueError, match=message):
            I.attribute_constraint(A, factor, value)
