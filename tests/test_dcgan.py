import math

import pytest
import torch
import torch.nn as nn

import coursekit as ck
from coursekit.models import dcgan
from coursekit.models.dcgan import DCGANConfig, Discriminator, Generator


@pytest.fixture
def small():
    torch.manual_seed(0)
    config = DCGANConfig(z_dim=8, width=4)
    return Generator(config), Discriminator(config)


def test_generator_maps_z_to_images_in_minus_one_to_one(small):
    G, _ = small
    x = G(torch.randn(5, 8))
    assert x.shape == (5, 1, 28, 28) and x.min() >= -1 and x.max() <= 1


def test_discriminator_returns_one_logit_per_image(small):
    _, D = small
    assert D(torch.zeros(5, 1, 28, 28)).shape == (5,)


def test_the_architecture_follows_the_dcgan_guidelines():
    G, D = Generator(), Discriminator()
    layers = [type(m) for m in [*G.modules(), *D.modules()]]
    assert not {nn.MaxPool2d, nn.AvgPool2d, nn.Linear} & set(layers)  # strided convs, no FC hidden layers
    assert isinstance(G.net[-1], nn.Tanh) and nn.ReLU in [type(m) for m in G.modules()]
    assert nn.LeakyReLU in [type(m) for m in D.modules()] and nn.ReLU not in [type(m) for m in D.modules()]
    assert not isinstance(D.net[1], nn.BatchNorm2d)  # no batch norm on D's input layer
    weights = torch.cat([m.weight.flatten() for m in G.modules() if isinstance(m, nn.ConvTranspose2d)])
    assert weights.std().item() == pytest.approx(0.02, rel=0.05)


def test_wrong_input_shapes_are_explained(small):
    G, D = small
    with pytest.raises(ValueError, match=r"z must have shape \(B, 8\)"):
        G(torch.randn(5, 9))
    with pytest.raises(ValueError, match=r"D reads images \(B, 1, 28, 28\)"):
        D(torch.zeros(5, 28, 28))


def test_d_loss_matches_the_hand_computed_value():
    # D(x) = sigmoid(0) = 1/2 everywhere: -log ½ - log ½ = 2 log 2
    assert dcgan.d_loss(torch.zeros(3), torch.zeros(3)).item() == pytest.approx(2 * math.log(2))
    # real logit 2, fake logit -1: -log σ(2) - log(1 - σ(-1))
    s = torch.sigmoid
    expected = -torch.log(s(torch.tensor(2.0))) - torch.log(1 - s(torch.tensor(-1.0)))
    assert dcgan.d_loss(torch.tensor([2.0]), torch.tensor([-1.0])).item() == pytest.approx(
        expected.item(), rel=1e-6)


def test_generator_losses_match_their_formulas():
    logits = torch.tensor([-3.0, 0.5])
    d = torch.sigmoid(logits)
    assert dcgan.g_loss(logits).item() == pytest.approx((-torch.log(d)).mean().item(), rel=1e-6)
    assert dcgan.g_loss_saturating(logits).item() == pytest.approx(torch.log(1 - d).mean().item(), rel=1e-6)


def test_the_saturating_loss_vanishes_where_the_non_saturating_one_does_not():
    logit = torch.tensor([-6.0], requires_grad=True)
    (sat,) = torch.autograd.grad(dcgan.g_loss_saturating(logit), logit)
    (ns,) = torch.autograd.grad(dcgan.g_loss(logit), logit)
    assert abs(sat.item()) < 0.01 < 0.99 < abs(ns.item())


def test_train_step_updates_both_players_and_leaves_d_trainable(small):
    G, D = small
    opt_G, opt_D = dcgan.make_optimizers(G, D)
    before = [p.clone() for p in [*G.parameters(), *D.parameters()]]
    loss_D, loss_G = dcgan.train_step(G, D, opt_G, opt_D, torch.rand(4, 1, 28, 28) * 2 - 1, torch.randn(4, 8))
    after = list(G.parameters()) + list(D.parameters())
    assert all(not torch.equal(a, b) for a, b in zip(before, after))
    assert (all(p.requires_grad for p in D.parameters())
            and not loss_D.requires_grad and not loss_G.requires_grad)


def test_sampling_is_repeatable_with_a_seed_and_leaves_the_mode_alone(small):
    G, _ = small
    G.train()
    a = dcgan.sample(G, 6, generator=torch.Generator().manual_seed(3))
    b = dcgan.sample(G, 6, generator=torch.Generator().manual_seed(3))
    assert torch.equal(a, b) and G.training


def test_the_zoo_dcgan_covers_every_digit():
    """The issue's bar: of 1,000 samples, every digit gets 5-15% (as read by the judge)."""
    G = ck.zoo.load("mnist-dcgan", device=torch.device("cpu"))
    share = ck.metrics.class_histogram(dcgan.sample(G, 1000,
                                                    generator=torch.Generator().manual_seed(0))) / 1000
    assert share.min() >= 0.05 and share.max() <= 0.15, share.tolist()


def test_throughput_benchmark_measures_both_loops():
    from coursekit.bench import dcgan_throughput

    r = dcgan_throughput("cpu", steps=2, warmup=1)
    assert r["course"] > 0 and r["examples"] > 0 and r["ratio"] == pytest.approx(r["course"] / r["examples"])
