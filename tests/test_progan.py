"""ProGAN's pieces (notebook 05): equalised learning rate, pixel norm, minibatch std, fade-in, growing."""

import math

import pytest
import torch
import torch.nn.functional as F

from coursekit.models import progan as P

SMALL = P.ProGANConfig(z_dim=16, width=16, max_stage=3)


def test_equalized_layers_store_unit_weights_and_scale_them_by_he_at_run_time():
    torch.manual_seed(0)
    lin = P.EqualizedLinear(256, 512)
    assert abs(lin.weight.std().item() - 1) < 0.02 and lin.scale == pytest.approx(math.sqrt(2 / 256))
    x = torch.randn(4096, 256)
    assert lin(x).var().item() == pytest.approx(2.0, rel=0.1)  # He: variance 2 for unit inputs
    conv = P.EqualizedConv2d(8, 4, 3, padding=1)
    assert conv.scale == pytest.approx(math.sqrt(2 / (8 * 9)))
    ref = F.conv2d(torch.ones(1, 8, 5, 5), conv.weight * conv.scale, padding=1)
    assert torch.allclose(conv(torch.ones(1, 8, 5, 5)), ref)


def test_pixel_norm_gives_each_pixel_unit_rms_over_channels():
    x = torch.randn(2, 8, 4, 4) * 5
    rms = P.PixelNorm()(x).pow(2).mean(1).sqrt()
    assert torch.allclose(rms, torch.ones_like(rms), atol=1e-4)


def test_minibatch_std_adds_one_map_that_sees_variety():
    same = torch.ones(8, 3, 4, 4)
    out = P.MinibatchStdDev(4)(same)
    assert out.shape == (8, 4, 4, 4) and out[:, 3].abs().max() < 1e-3  # no variety: about 0
    varied = torch.randn(8, 3, 4, 4)
    out = P.MinibatchStdDev(4)(varied)
    assert (out[:, 3] > 0.5).all()
    # one value per group: images 0, 2, 4, 6 form a group (group member i of every group is y[i])
    assert out[0, 3].unique().numel() == 1 and torch.equal(out[0, 3], out[2, 3])
    with pytest.raises(ValueError, match="multiple of the group size"):
        P.MinibatchStdDev(4)(torch.randn(6, 3, 4, 4))


def test_fade_in_blends_from_the_old_output_to_the_new():
    old, new = torch.zeros(3), torch.ones(3)
    assert torch.equal(P.fade_in(0.0, old, new), old) and torch.equal(P.fade_in(1.0, old, new), new)
    assert torch.allclose(P.fade_in(0.25, old, new), torch.full((3,), 0.25))


@pytest.mark.parametrize("stage", [1, 2, 3])
def test_a_new_block_at_alpha_0_changes_nothing(stage):
    torch.manual_seed(0)
    G, D = P.Generator(SMALL), P.Discriminator(SMALL)
    z = torch.randn(4, 16)
    with torch.no_grad():
        grown, before = G(z, stage, alpha=0.0), G(z, stage - 1)
        assert grown.shape[-1] == 4 * 2 ** stage
        assert torch.allclose(grown, F.interpolate(before, scale_factor=2, mode="nearest"), atol=1e-6)
        x = torch.randn(4, 3, 4 * 2 ** stage, 4 * 2 ** stage)
        assert torch.allclose(D(x, stage, alpha=0.0), D(F.avg_pool2d(x, 2), stage - 1), atol=1e-5)
        assert not torch.allclose(G(z, stage, alpha=1.0), grown)


def test_growing_models_say_what_they_expect():
    G, D = P.Generator(SMALL), P.Discriminator(SMALL)
    with pytest.raises(ValueError, match="stage must be in 0..3"):
        G(torch.randn(2, 16), stage=4)
    with pytest.raises(ValueError, match="latent codes"):
        G(torch.randn(2, 8))
    with pytest.raises(ValueError, match=r"stage 2 reads images \(N, 3, 16, 16\)"):
        D(torch.randn(4, 3, 32, 32), stage=2)
    no_mbstd = P.Discriminator(P.ProGANConfig(z_dim=16, width=16, mbstd_group=0))
    assert no_mbstd(torch.randn(3, 3, 32, 32)).shape == (3,)


def test_the_schedule_trains_4x4_then_fades_in_and_stabilises_each_resolution():
    at = [P.stage_and_alpha(s, 10, 2) for s in range(P.total_steps(10, 2))]
    assert P.total_steps(10, 2) == 50
    assert at[0] == at[9] == (0, 1.0)
    assert at[10] == (1, 0.0) and at[15] == (1, 0.5) and at[20] == (1, 1.0) and at[29] == (1, 1.0)
    assert at[30] == (2, 0.0) and at[49] == (2, 1.0)
    assert P.total_steps(10, 2, final_steps=100) == 140  # a long training at the final size
    assert P.stage_and_alpha(139, 10, 2) == (2, 1.0)
    alphas = [a for s, a in at if s == 1]
    assert alphas == sorted(alphas)  # alpha only grows within a stage


def test_real_images_are_blended_between_sizes_while_a_stage_fades_in():
    x = torch.rand(2, 3, 16, 16)
    assert P.real_at(x, 2, 1.0) is x and P.real_at(x, 1, 1.0).shape == (2, 3, 8, 8)
    coarse = F.interpolate(F.avg_pool2d(x, 2), scale_factor=2, mode="nearest")
    assert torch.allclose(P.real_at(x, 2, 0.0), coarse)


def test_the_gradient_penalty_is_zero_for_a_critic_with_unit_gradients():
    class Linear(torch.nn.Module):  # D(x) = mean-free sum with ‖∇‖ = 1 everywhere
        def forward(self, x, stage=None, alpha=1.0):
            return x.flatten(1).sum(1) / x[0].numel() ** 0.5

    real, fake = torch.ones(4, 3, 4, 4), torch.zeros(4, 3, 4, 4)
    loss = P.d_loss(Linear(), real, fake, 0, 1.0, drift=0.0)
    assert torch.isclose(loss, torch.tensor(-(48 ** 0.5)), atol=1e-4)  # only E[D(fake)] − E[D(real)]
    steep = P.d_loss(lambda x, s, a: 3 * Linear()(x), real, fake, 0, 1.0, drift=0.0)
    assert torch.isclose(steep, torch.tensor(-3 * 48 ** 0.5 + 10 * 4.0), atol=1e-3)  # (3 − 1)² · 10


def test_a_short_growth_ends_at_the_final_size_and_keeps_snapshots():
    Ge, G, D, run, snaps = P.train_progan(steps_per_phase=2, batch_size=4, model=P.ProGANConfig(
        z_dim=16, width=16, max_stage=2), device=torch.device("cpu"), snapshot_every=5, snapshot_z=3)
    assert run.step == 10 and snaps["steps"] == [5, 10] and snaps["stage"] == [1, 2]
    assert snaps["images"].shape == (2, 3, 3, 16, 16)
    assert Ge(torch.randn(2, 16)).shape == (2, 3, 16, 16)
    assert set(run.history.names()) >= {"loss_D", "loss_G", "stage", "alpha"}


def test_snapshots_and_stage_scores_survive_a_resume(tmp_path):
    cfg = P.ProGANConfig(z_dim=16, width=16, max_stage=1)
    seen = []

    def stage_end(stage, G):
        seen.append(stage)
        return {"score": float(stage + 10)}

    kwargs = dict(steps_per_phase=2, batch_size=4, model=cfg, device=torch.device("cpu"), snapshot_every=2,
                  snapshot_z=2, stage_end=stage_end, checkpoint=tmp_path)
    P.train_progan(**kwargs, desc=None)  # 6 steps: 4x4 (2), fade to 8x8 (2), stable 8x8 (2)
    assert seen == [0, 1]
    _, _, _, run, snaps = P.train_progan(**kwargs)  # resumed at the end: nothing to do, all kept
    assert snaps["steps"] == [2, 4, 6] and snaps["stage"] == [0, 1, 1] and snaps["alpha"][1] == 0.5
    assert run.history.values("score") == [10.0, 11.0] and run.history.steps("score") == [2, 6]


def test_attribute_variety_is_one_for_real_faces_and_near_zero_for_a_collapsed_generator():
    import coursekit as ck
    from coursekit import faces
    from coursekit.models import face_eval

    attributes = ck.zoo.load("faces-attributes", device=torch.device("cpu"))
    real = faces.faces(200, size=64, seed=1).images
    other = faces.faces(200, size=64, seed=2).images
    same = face_eval.attribute_variety(attributes, other, real)
    assert 0.85 < same["mean"] < 1.15 and set(same) == set(faces.FACTORS) | {"mean"}
    collapsed = face_eval.attribute_variety(attributes, real[:1].expand(200, -1, -1, -1), real)
    assert collapsed["mean"] < 0.05
    # half the faces one face: less varied than real, more than collapsed
    half = face_eval.attribute_variety(attributes, torch.cat([real[:100], real[:1].expand(100, -1, -1, -1)]),
                                       real)
    assert collapsed["mean"] < half["mean"] < same["mean"]
    with pytest.raises(ValueError, match="at least 2 faces"):
        face_eval.attribute_variety(attributes, real[:1], real)


def test_the_ablation_trains_without_the_trick_and_scores_like_the_zoo_model(tmp_path):
    from coursekit.models import face_eval

    cfg = P.ProGANConfig(z_dim=16, width=16, max_stage=1)
    attributes = face_eval.AttributePredictor()  # untrained: the numbers' shape, not their value
    training = P.Training(steps_per_phase=1, batch_size=4, model=cfg)
    rows = P.ablation_study(attributes, training, checkpoint=tmp_path, device=torch.device("cpu"), n=8)
    row = rows["no-minibatch-std"]
    assert set(row) == {"label", "fid", "variety", "samples"} and row["samples"].shape == (16, 3, 8, 8)
    assert (tmp_path / "no-minibatch-std").is_dir()
    assert not any(isinstance(m, P.MinibatchStdDev)
                   for m in P.Discriminator(P.ProGANConfig(mbstd_group=0)).modules())
    assert set(P.evaluate(P.Generator(cfg), attributes, n=8)) == {"fid", "variety"}


def test_snapshots_packed_for_the_zoo_unpack_to_what_the_growth_widget_takes():
    snapshots = {"images": torch.rand(3, 2, 3, 8, 8) * 2 - 1, "steps": [0, 50, 100], "stage": [0, 1, 1],
                 "alpha": [1.0, 0.5, 1.0]}
    back = P.unpack_snapshots(P.pack_snapshots(snapshots))
    assert back["steps"] == [0, 50, 100] and back["stage"] == [0, 1, 1] and back["alpha"] == [1.0, 0.5, 1.0]
    assert torch.allclose(back["images"], snapshots["images"], atol=1e-3)
