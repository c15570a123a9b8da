"""The benchmark's arithmetic (its numbers are printed, not asserted): a training step's FLOPs are
counted once per step, the set-up and the first step cancel out, and bf16 is timed only where native."""

import pytest
import torch

from coursekit import bench
from coursekit.models.stylegan.recipes import (FACES_STYLEGAN, FACES_STYLEGAN_64,
                                               FACES_STYLEGAN_EQUAL_COMPUTE, FACES_STYLEGAN_NOISE)


def _linear_training(n_in=64, n_out=32, batch=16):
    """A training of n steps of one linear layer: 2·B·I·O FLOPs forward, as many backward (the weight's
    gradient; the input needs none)."""
    def train(n):
        layer = torch.nn.Linear(n_in, n_out)
        layer(torch.randn(batch, n_in)).sum().backward()  # set-up work that must not count as a step
        opt = torch.optim.SGD(layer.parameters(), lr=0.1)
        for _ in range(n):
            layer(torch.randn(batch, n_in)).sum().backward()
            opt.step()
    return train, 2 * 2 * batch * n_in * n_out


def test_a_steps_flops_are_counted_once_per_step_without_the_set_up():
    train, flops = _linear_training()
    assert bench.step_flops(train, 3) == pytest.approx(flops)


def test_steps_are_timed_in_turns_per_training():
    train, _ = _linear_training()
    seconds = bench.step_seconds({"a": train, "b": train}, 2, repeats=2)
    assert set(seconds) == {"a", "b"} and all(s > 0 for s in seconds.values())


def test_the_matmul_peak_is_a_rate():
    assert bench.matmul_peak(torch.float32, "cpu", sizes=(128,), repeats=2) > 1e6  # FLOP/s


def test_every_zoo_recipe_has_a_timed_training_step():
    steps = bench.zoo_steps(torch.device("cpu"))
    assert {"mnist-dcgan (batch 64)", "mnist-cgan (batch 64)", "faces-pix2pix (batch 16)",
            "mnist-ddpm (batch 128)", "faces-stylegan 32x32 (batch 32)",
            "faces-progan, 32x32 stage (batch 32)"} <= set(steps)
    for train, window in steps.values():
        assert callable(train) and window >= 1


def test_flops_are_counted_through_a_gradient_penalty():
    # autograd.grad with create_graph (WGAN-GP, R1) runs under the counter, and its products count
    def train(n):
        D = torch.nn.Linear(8, 1)
        for _ in range(n):
            x = torch.randn(4, 8, requires_grad=True)
            grad, = torch.autograd.grad(D(x).sum(), x, create_graph=True)
            grad.pow(2).sum().backward()
    assert bench.step_flops(train, 2) > 0


@pytest.mark.parametrize("groups", [1, 4])
def test_a_convolutions_backward_counts_as_many_products_as_its_forward_per_gradient(groups):
    conv = torch.nn.Conv2d(8, 8, 3, padding=1, groups=groups, bias=False)
    x = torch.randn(2, 8, 6, 6, requires_grad=True)
    forward = 2 * 2 * 8 * (8 // groups) * 9 * 36  # 2 FLOPs per product, batch 2, 6x6 outputs

    def train(n):
        for _ in range(n):
            conv(x).sum().backward()
    # forward, the input's gradient, the weight's
    assert bench.step_flops(train, 1) == pytest.approx(3 * forward)


def test_the_face_gans_zoo_schedules_are_counted_whole():
    compute = bench.face_gan_compute()
    progan_steps, progan_flops = compute["faces-progan (4x4 to 32x32)"]
    last_stage = bench.step_flops(bench._progan_last_stage(torch.device("cpu"), False), 2)
    # the 1,400 steps of the 32x32 phases cost at least that; the smaller stages before them cost less each
    assert progan_steps == 4900 and 1400 * last_stage < progan_flops < 4900 * last_stage
    (s32, f32), (s64, f64) = compute["faces-stylegan (32x32)"], compute["faces-stylegan-64 (64x64)"]
    assert (s32, s64) == (FACES_STYLEGAN.steps, FACES_STYLEGAN_64.steps)
    # a 64x64 step adds two layers of 32 channels, and its D is G's width where faces-stylegan's is half
    assert 2 < (f64 / s64) / (f32 / s32) < 4
    # the races: each StyleGAN recipe given ProGAN's growth compute, the tuned one to within a step
    sr, fr = compute["faces-stylegan-equal-compute (race)"]
    sn, fn = compute["faces-stylegan-noise (race, first recipe)"]
    assert (sr, sn) == (FACES_STYLEGAN_EQUAL_COMPUTE.steps, FACES_STYLEGAN_NOISE.steps)
    assert abs(fr - progan_flops) < fr / sr and abs(fn - progan_flops) < 0.01 * progan_flops
    assert fr / sr == f32 / s32  # the same recipe as the zoo model, step for step
