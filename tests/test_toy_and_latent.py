import pytest
import torch

import coursekit as ck


def test_ring_points_lie_near_the_eight_centres():
    x = ck.data.ring_of_gaussians(4000, generator=torch.Generator().manual_seed(0))
    d = torch.cdist(x, ck.data.ring_centers()).min(1).values
    assert x.shape == (4000, 2) and (d < 5 * 0.02).float().mean() > 0.999
    assert ck.data.ring_centers().norm(dim=1).allclose(torch.full((8,), 2.0))


def test_mode_coverage_counts_covered_modes_and_quality():
    centers = ck.data.ring_centers()
    real = ck.data.ring_of_gaussians(2500, generator=torch.Generator().manual_seed(0))
    full = ck.metrics.mode_coverage(real, centers, 0.02)
    # in 2-D, 1 - exp(-9/2) = 98.9% of a Gaussian lies within 3 sigma
    assert full["modes"] == 8 and full["high_quality"] == pytest.approx(0.989, abs=0.01)
    collapsed = centers[3] + 0.01 * torch.randn(2500, 2, generator=torch.Generator().manual_seed(1))
    one = ck.metrics.mode_coverage(collapsed, centers, 0.02)
    assert one["modes"] == 1 and one["per_mode"][3] == 2500
    spread = torch.rand(2500, 2, generator=torch.Generator().manual_seed(2)) * 6 - 3
    assert ck.metrics.mode_coverage(spread, centers, 0.02)["high_quality"] < 0.02


def test_mode_coverage_refuses_points_that_are_not_2d():
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        ck.metrics.mode_coverage(torch.zeros(10, 3), ck.data.ring_centers(), 0.02)


def test_lerp_and_slerp_start_and_end_at_the_end_points():
    g = torch.Generator().manual_seed(0)
    z0, z1 = torch.randn(16, generator=g), torch.randn(16, generator=g)
    for f in (ck.latent.lerp, ck.latent.slerp):
        path = f(z0, z1, torch.tensor([0.0, 1.0]))
        assert torch.allclose(path[0], z0, atol=1e-5) and torch.allclose(path[1], z1, atol=1e-5)


def test_slerp_keeps_the_norm_where_lerp_dips():
    z0 = torch.tensor([1.0, 0.0])
    z1 = torch.tensor([0.0, 1.0])
    assert ck.latent.slerp(z0, z1, 0.5).norm().item() == pytest.approx(1.0, abs=1e-6)
    assert ck.latent.lerp(z0, z1, 0.5).norm().item() == pytest.approx(2**-0.5, abs=1e-6)


@pytest.fixture(scope="module")
def G():
    return ck.zoo.load("mnist-dcgan", device=torch.device("cpu"))


def test_interpolation_widget_redraws_for_new_end_points_and_paths(G):
    w = ck.widgets.interpolation(G)
    first = bytes(w.image.value)
    w.update(seed_b=7)
    second = bytes(w.image.value)
    w.update(path="spherical")
    assert len({first, second, bytes(w.image.value)}) == 3 and w.error.value == ""


def test_latent_sliders_move_the_samples(G):
    w = ck.widgets.latent_sliders(G)
    before = bytes(w.image.value)
    w.update(d0=2.0)
    assert bytes(w.image.value) != before and w.error.value == ""


def test_replay_shows_the_frame_of_the_chosen_step():
    extras = ck.zoo.extras("mnist-dcgan")
    steps = [int(s) for s in extras["frame_steps"]]
    assert steps == sorted(steps) and len(steps) == len(extras["frames"])
    w = ck.widgets.replay(extras["frames"], extras["frame_steps"])
    last = bytes(w.image.value)
    w.update(step=steps[0])
    assert bytes(w.image.value) != last and w.controls["step"].value == steps[0]
