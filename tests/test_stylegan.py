"""StyleGAN's pieces (notebook 06): mapping network, AdaIN, modulation/demodulation, noise, to-RGB."""

import pytest
import torch
import torch.nn.functional as F

import coursekit as ck
from coursekit import faces
from coursekit.models import stylegan as S


def test_the_mapping_network_turns_z_into_w():
    torch.manual_seed(0)
    m = S.MappingNetwork(z_dim=16, w_dim=32, layers=3)
    z = torch.randn(5, 16)
    assert m(z).shape == (5, 32)
    assert torch.allclose(m(z), m(z * 7), atol=1e-5)  # pixel norm first: only z's direction matters
    with pytest.raises(ValueError, match=r"\(N, 16\)"):
        m(torch.randn(5, 8))


def test_adain_gives_each_channel_the_styles_mean_and_std():
    x = torch.randn(2, 3, 8, 8) * 5 + 2
    scale, bias = (torch.tensor([[1.0, 2.0, 0.5], [3.0, 1.0, 1.0]]),
                   torch.tensor([[0.0, -1.0, 4.0], [1.0, 1.0, 1.0]]))
    y = S.adain(x, scale, bias)
    assert torch.allclose(y.mean(dim=(2, 3)), bias, atol=1e-5)
    assert torch.allclose(y.std(dim=(2, 3), unbiased=False), scale, atol=1e-4)


def test_modulation_is_a_per_image_convolution_and_demodulation_restores_unit_variance():
    torch.manual_seed(0)
    x, weight, style = torch.randn(3, 8, 16, 16), torch.randn(4, 8, 3, 3), torch.rand(3, 8) * 3 + 0.1
    out = S.modulated_conv2d(x, weight, style, demodulate=False)
    for i in range(3):  # the same as convolving image i with the weights scaled by its style
        ref = F.conv2d(x[i:i + 1], weight * style[i][None, :, None, None], padding=1)
        assert torch.allclose(out[i:i + 1], ref, atol=1e-4)
    demod = S.modulated_conv2d(x, weight, style)
    # on unit-variance independent inputs each output channel has unit standard deviation (inside the border)
    assert demod[:, :, 1:-1, 1:-1].std(dim=(0, 2, 3)).sub(1).abs().max() < 0.1
    # and it is what AdaIN-style normalisation does when the inputs have the statistics it assumes
    expected_std = (weight[None] * style[:, None, :, None, None]).pow(2).sum(dim=(2, 3, 4)).sqrt()
    assert torch.allclose(out[:, :, 1:-1, 1:-1].std(dim=(2, 3)) / expected_std, torch.ones(3, 4), atol=0.15)
    with pytest.raises(ValueError, match="style must have shape"):
        S.modulated_conv2d(x, weight, torch.ones(3, 4))


def test_noise_is_scaled_per_channel_and_starts_off():
    inject = S.NoiseInjection(4)
    x = torch.zeros(2, 4, 8, 8)
    assert torch.equal(inject(x), x)  # the strengths B start at zero
    with torch.no_grad():
        inject.strength.copy_(torch.tensor([0.0, 1.0, 2.0, 3.0]).view(1, 4, 1, 1))
    noise = torch.randn(2, 1, 8, 8)
    y = inject(x, noise)
    assert torch.allclose(y[:, 2:3], 2 * noise) and torch.equal(y[:, 0:1], torch.zeros(2, 1, 8, 8))


def test_constant_input_and_to_rgb_shapes():
    start = S.ConstantInput(8)
    assert start(3).shape == (3, 8, 4, 4) and torch.equal(start(3)[0], start(3)[2])
    rgb = S.ToRGB(8, w_dim=16)
    assert rgb(torch.randn(3, 8, 4, 4), torch.randn(3, 16)).shape == (3, 3, 4, 4)
    conv = S.ModulatedConv2d(8, 8, w_dim=16, upsample=True)
    assert conv(torch.randn(2, 8, 4, 4), torch.randn(2, 16)).shape == (2, 8, 8, 8)


SMALL = S.StyleGANConfig(z_dim=16, w_dim=16, mapping_layers=2, resolution=16, width=32)


def test_the_generator_draws_from_a_constant_with_one_style_per_layer():
    torch.manual_seed(0)
    G = S.Generator(SMALL)
    assert SMALL.levels == 3 and SMALL.num_ws == 6
    z = torch.randn(3, 16)
    assert G(z).shape == (3, 3, 16, 16)
    ws = G.styles(z)
    assert ws.shape == (3, 6, 16) and torch.equal(ws[:, 0], ws[:, 5])
    with pytest.raises(ValueError, match="one w per layer"):
        G.synthesis(ws[:, :4])


def test_truncation_pulls_w_to_the_mean_and_mixing_takes_layers_from_two_codes():
    G = S.Generator(SMALL)
    with torch.no_grad():
        G.w_avg.fill_(0.5)
    z = torch.randn(2, 16)
    w = G.mapping(z)
    assert torch.allclose(G.styles(z, psi=0.0)[:, 0], torch.full_like(w, 0.5))
    assert torch.allclose(S.truncate(w, G.w_avg, 0.5), 0.5 + 0.5 * (w - 0.5))
    a, b = G.styles(z), G.styles(torch.randn(2, 16))
    mixed = S.mix_styles(a, b, 2)
    assert torch.equal(mixed[:, :2], a[:, :2]) and torch.equal(mixed[:, 2:], b[:, 2:])
    with pytest.raises(ValueError, match="crossover must be in 0..6"):
        S.mix_styles(a, b, 7)


def test_noise_changes_only_the_layers_it_is_on_for():
    torch.manual_seed(0)
    G = S.Generator(SMALL)
    for m in G.modules():
        if isinstance(m, S.NoiseInjection):
            torch.nn.init.constant_(m.strength, 0.5)
    z = torch.randn(2, 16)
    with torch.no_grad():
        torch.manual_seed(1)
        a = G(z)
        torch.manual_seed(2)
        b = G(z)
        assert not torch.allclose(a, b)  # same w, new noise: a different picture
        off = [False] * 5
        torch.manual_seed(1)
        c = G(z, use_noise=off)
        torch.manual_seed(2)
        assert torch.allclose(c, G(z, use_noise=off))  # no noise anywhere: deterministic


def test_r1_is_the_squared_gradient_of_d_on_real_images():
    real = torch.randn(4, 3, 4, 4)
    assert torch.isclose(S.r1_penalty(lambda x: 2 * x.flatten(1).sum(1), real), torch.tensor(4.0 * 48))


def test_a_short_training_runs_tracks_the_mean_w_and_averages_g():
    torch.manual_seed(0)
    G_ema, G, D, run, _ = S.train_stylegan(steps=3, batch_size=4, model=SMALL, device=torch.device("cpu"),
                                           r1_every=2)
    assert run.step == 3 and G.w_avg.abs().sum() > 0
    assert G_ema(torch.randn(2, 16)).shape == (2, 3, 16, 16)
    assert not all(torch.equal(a, b) for a, b in zip(G_ema.parameters(), G.parameters()))


def test_the_ablation_trains_without_mixing_regularisation_and_keeps_its_row_by_identifier(tmp_path,
                                                                                         monkeypatch):
    changes, train = [], S.train_stylegan
    monkeypatch.setattr(S, "train_stylegan", lambda t, **k: changes.append(k) or train(t, **k))
    monkeypatch.setattr(S, "evaluate", lambda G, attributes: {"fid": 1.0})  # the wiring, not the numbers
    rows = S.ablation_study(None, S.Training(steps=1, batch_size=2, model=SMALL), checkpoint=tmp_path,
                            device=torch.device("cpu"))
    row = rows["no-mixing-regularisation"]
    assert row["label"] == "no mixing regularisation" and row["fid"] == 1.0
    assert row["mixing"].shape == (25, 3, 16, 16) and changes[0]["mixing_prob"] == 0.0
    assert (tmp_path / "no-mixing-regularisation").is_dir()


# -- measuring what the styles do ------------------------------------------------------------

def test_each_style_input_acts_at_a_known_resolution_and_group():
    assert S.layer_resolutions(S.StyleGANConfig()) == (4, 8, 8, 16, 16, 32, 32, 32)
    assert S.layer_groups(S.StyleGANConfig()) == {"coarse": [0, 1, 2], "middle": [3, 4], "fine": [5, 6, 7]}
    # 64x64 as the paper groups them: coarse 4-8 px, middle 16-32 px, fine 64 px
    assert S.layer_groups(S.StyleGANConfig(resolution=64)) == {"coarse": [0, 1, 2], "middle": [3, 4, 5, 6],
                                                              "fine": [7, 8, 9]}
    assert (S.layer_resolutions(SMALL) == (4, 8, 8, 16, 16, 16)
            and len(S.layer_resolutions(SMALL)) == SMALL.num_ws)
    assert S.noise_resolutions(SMALL) == (4, 8, 8, 16, 16)
    a, b = torch.zeros(2, 6, 3), torch.ones(2, 6, 3)
    assert S.mix_layers(a, b, [1, 4])[0, :, 0].tolist() == [1, 0, 1, 1, 0, 1]


def test_follows_a_is_one_for_a_copy_of_a_zero_for_b_and_a_half_between():
    torch.manual_seed(0)
    read_a = {"hair": torch.softmax(torch.randn(50, 4), 1), "smile": torch.rand(50, 1)}
    read_b = {"hair": torch.softmax(torch.randn(50, 4), 1), "smile": torch.rand(50, 1)}
    between = {k: (read_a[k] + read_b[k]) / 2 for k in read_a}
    assert S.follows_a(read_a, read_a, read_b) == {"hair": 1.0, "smile": 1.0}
    assert S.follows_a(read_b, read_a, read_b) == {"hair": 0.0, "smile": 0.0}
    assert S.follows_a(between, read_a, read_b) == {"hair": 0.5, "smile": 0.5}


def test_the_style_split_averages_geometry_and_colour_factors_per_group():
    scores = {"coarse": {f: 0.9 if f in S.GEOMETRY else 0.1 for f in faces.FACTORS},
              "fine": {f: 0.2 if f in S.GEOMETRY else 0.7 if f in S.COLOUR else 0.5 for f in faces.FACTORS}}
    assert S.style_split(scores) == {"coarse": {"geometry": 0.9, "colour": 0.1},
                                     "fine": {"geometry": 0.2, "colour": 0.7}}
    assert not set(S.GEOMETRY) & set(S.COLOUR) and set(S.GEOMETRY + S.COLOUR) <= set(faces.FACTORS)


def test_the_mixing_grid_has_the_sources_on_its_edges_and_their_mixes_inside():
    torch.manual_seed(0)
    G = S.Generator(SMALL).eval()
    for m in G.modules():
        if isinstance(m, S.NoiseInjection):
            torch.nn.init.constant_(m.strength, 0.5)
    n = 3
    all_a = S.mixing_grid(G, n, layers=range(SMALL.num_ws)).view(n + 1, n + 1, 3, 16, 16)
    none_a = S.mixing_grid(G, n, layers=[]).view(n + 1, n + 1, 3, 16, 16)
    for i in range(n):
        for j in range(n):  # A's styles everywhere: A's face; nowhere: B's (same noise throughout)
            assert torch.allclose(all_a[i + 1, j + 1], all_a[i + 1, 0], atol=1e-5)
            assert torch.allclose(none_a[i + 1, j + 1], none_a[0, j + 1], atol=1e-5)
    coarse = S.mixing_grid(G, n).view(n + 1, n + 1, 3, 16, 16)
    assert not torch.allclose(coarse[1, 1], coarse[1, 0]) and not torch.allclose(coarse[1, 1], coarse[0, 1])


def test_conditional_entropy_is_zero_for_a_clean_split_and_one_bit_for_no_information():
    y = torch.arange(1000) % 2 == 0
    from coursekit.models.stylegan.measures import _conditional_entropy

    assert _conditional_entropy(y, y) == 0.0 and _conditional_entropy(y, ~y) == 0.0
    assert abs(_conditional_entropy(y, torch.arange(1000) < 500) - 1.0) < 1e-3


def test_the_measures_run_on_a_small_generator_and_a_small_predictor():
    from coursekit.models import face_eval

    torch.manual_seed(0)
    G = S.Generator(SMALL).eval()
    A = face_eval.AttributePredictor(face_eval.AttributeConfig(width=4, features=8)).eval()
    scores = S.style_mixing_scores(G, A, n=8)
    assert set(scores) == {"coarse", "fine"}  # 16x16: its last resolution is its fine group, none between
    assert all(0 <= v <= 1 for s in scores.values() for v in s.values())
    sep = S.separability(G, A, n=200, min_share=0.0)
    assert set(sep["z"]) == set(sep["w"]) == set(
        S.binary_attributes(S.read_attributes(A, G(torch.randn(4, 16)))))
    assert all(0 <= v <= 1 for v in sep["z"].values()) and sep["score_z"] >= 1
    for space in ("z", "w"):
        assert S.path_length(G, A, space, n=20)["mean"] > 0
    with pytest.raises(ValueError, match="'z' or 'w'"):
        S.path_length(G, A, "x", n=2)
    assert len(S.sample_mixed(G, 5)) == 5 and len(S.sample(G, 5)) == 5
    assert torch.equal(S.sample(G, 3, seed=4), S.sample(G, 3, seed=4))  # fixed codes and noise


def test_a_runs_checkpoint_is_scored_and_drawn_before_it_is_published(tmp_path, monkeypatch):
    from coursekit.models import face_eval
    from coursekit.models.stylegan import score

    monkeypatch.setattr(ck.zoo, "load", lambda name, device=None: face_eval.AttributePredictor(
        face_eval.AttributeConfig(width=4)))
    S.train_stylegan(steps=2, batch_size=2, model=SMALL, device=torch.device("cpu"),
                     checkpoint=tmp_path / "run")
    got = score.score(tmp_path / "run", faces=8, seed=7)
    assert got["steps"] == 2 and got["images"] == 4 and {"fid", "variety", "texture"} <= set(got)
    assert score.main([str(tmp_path / "run"), "--faces", "8", "--png", str(tmp_path / "faces.png")]) == 0
    assert (tmp_path / "faces.png").stat().st_size > 0
