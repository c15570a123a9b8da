"""ProGAN's pieces (notebook 05): equalised learning rate, pixel norm, minibatch std, fade-in, growing."""

import math

import pytest
import torch
import torch.nn.functional as F

from coursekit.models import progan as P

SMALL = P.ProGANConfig(latent_dim=16, width=16, max_stage=3)


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
    no_mbstd = P.Discriminator(P.ProGANConfig(latent_dim=16, width=16, mbstd_group=0))
    assert no_mbstd(torch.randn(3, 3, 32, 32)).shape == (3,)
