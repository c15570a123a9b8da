"""Notebook 08's diffusion code: the same numbers as diffusers, the closed form, samplers, the U-Net."""

import pytest
import torch

from coursekit.models import ddpm

diffusers = pytest.importorskip("diffusers", reason="diffusers is a test dependency: pip install -e .[test]")


def _pair(**kw):
    ours = ddpm.DDPMSchedule(**kw)
    theirs = diffusers.DDPMScheduler(num_train_timesteps=1000, beta_start=1e-4, beta_end=0.02,
                                     prediction_type="epsilon", **kw)
    return ours, theirs


@pytest.mark.parametrize("beta_schedule", ["linear", "squaredcos_cap_v2"])
def test_alphas_cumprod_match_diffusers(beta_schedule):
    ours, theirs = _pair(beta_schedule=beta_schedule)
    assert torch.allclose(ours.betas, theirs.betas, atol=1e-7)
    assert torch.allclose(ours.alphas_cumprod, theirs.alphas_cumprod, rtol=1e-5, atol=1e-7)


def test_add_noise_matches_diffusers():
    ours, theirs = _pair()
    g = torch.Generator().manual_seed(0)
    x0, noise = torch.rand(6, 1, 8, 8, generator=g) * 2 - 1, torch.randn(6, 1, 8, 8, generator=g)
    t = torch.tensor([0, 1, 10, 500, 998, 999])
    assert torch.allclose(ours.add_noise(x0, noise, t), theirs.add_noise(x0, noise, t), atol=1e-6)


@pytest.mark.parametrize("variance_type", ["fixed_small", "fixed_large"])
@pytest.mark.parametrize("clip_sample", [True, False])
@pytest.mark.parametrize("t", [999, 500, 37, 1, 0])
def test_step_matches_diffusers_with_the_same_generator(variance_type, clip_sample, t):
    ours, theirs = _pair(variance_type=variance_type, clip_sample=clip_sample)
    g = torch.Generator().manual_seed(t)
    eps, x = torch.randn(4, 1, 8, 8, generator=g), 2 * torch.randn(4, 1, 8, 8, generator=g)
    a = ours.step(eps, t, x, generator=torch.Generator().manual_seed(1))
    b = theirs.step(eps, t, x, generator=torch.Generator().manual_seed(1))
    assert torch.allclose(a.pred_original_sample, b.pred_original_sample, atol=1e-5)
    # diffusers forms beta_t as 1 - abar_t / abar_{t-1}: equal to beta_t up to float32 rounding,
    # which near t = 0 (abar close to 1) is a relative error of about 1e-4
    assert torch.allclose(a.prev_sample, b.prev_sample, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("eta, clipped_eps", [(0.0, False), (0.5, False), (0.0, True), (0.5, True)])
def test_ddim_steps_match_diffusers_ddim(eta, clipped_eps):
    ours = ddpm.DDPMSchedule()
    theirs = diffusers.DDIMScheduler(num_train_timesteps=1000, beta_start=1e-4, beta_end=0.02)
    theirs.set_timesteps(50)
    ts = ours.ddim_timesteps(50)
    assert ts == theirs.timesteps.tolist()
    g = torch.Generator().manual_seed(0)
    x = torch.randn(3, 1, 8, 8, generator=g)
    for i, t in [(0, ts[0]), (25, ts[25]), (49, ts[49])]:
        eps = 3 * torch.randn(3, 1, 8, 8, generator=g)  # large enough that x̂_0 gets clipped
        prev = ts[i + 1] if i + 1 < len(ts) else -1
        a = ours.ddim_step(eps, t, prev, x, eta=eta, generator=torch.Generator().manual_seed(2),
                           use_clipped_model_output=clipped_eps)
        b = theirs.step(eps, t, x, eta=eta, generator=torch.Generator().manual_seed(2),
                        use_clipped_model_output=clipped_eps)
        assert torch.allclose(a.prev_sample, b.prev_sample, atol=1e-5)
        assert torch.allclose(a.pred_original_sample, b.pred_original_sample, atol=1e-5)


def test_the_closed_form_equals_iterating_the_one_step_process():
    # q(x_t|x_0) = N(sqrt(abar_t) x0, (1-abar_t) I) versus t one-step noisings, for 20,000 draws.
    s = ddpm.DDPMSchedule()
    g = torch.Generator().manual_seed(0)
    x0 = torch.tensor([0.8, -0.3])
    x = x0.repeat(20000, 1)
    t = 300
    for i in range(t + 1):
        x = (1 - s.betas[i]).sqrt() * x + s.betas[i].sqrt() * torch.randn(x.shape, generator=g)
    abar = s.alphas_cumprod[t]
    assert torch.allclose(x.mean(0), abar.sqrt() * x0, atol=0.02)
    assert torch.allclose(x.var(0), (1 - abar).expand(2), atol=0.02)


def test_algorithm_2_equals_the_posterior_mean_step_with_beta_variance():
    s = ddpm.DDPMSchedule(variance_type="fixed_large", clip_sample=False)
    g = torch.Generator().manual_seed(0)
    eps, x = torch.randn(2, 1, 4, 4, generator=g), torch.randn(2, 1, 4, 4, generator=g)
    for t in (700, 3, 0):
        z = torch.randn(x.shape, generator=torch.Generator().manual_seed(5))
        a = ddpm.reverse_step(eps, t, x, s.betas, s.alphas_cumprod, z)
        b = s.step(eps, t, x, generator=torch.Generator().manual_seed(5)).prev_sample
        assert torch.allclose(a, b, rtol=1e-3, atol=1e-4), t  # float32 rounding, as above


def test_q_sample_is_add_noise_with_one_t_per_image():
    s = ddpm.DDPMSchedule()
    x0, noise, t = torch.rand(3, 1, 5, 5), torch.randn(3, 1, 5, 5), torch.tensor([5, 400, 900])
    assert torch.allclose(ddpm.q_sample(x0, t, noise, s.alphas_cumprod), s.add_noise(x0, noise, t))


def test_schedules_are_sane_and_bad_arguments_are_named():
    lin, cos = ddpm.DDPMSchedule(), ddpm.DDPMSchedule(beta_schedule="squaredcos_cap_v2")
    for s in (lin, cos):
        assert (s.alphas_cumprod.diff() < 0).all() and s.alphas_cumprod[-1] < 1e-3 < s.alphas_cumprod[0]
    # the cosine schedule destroys information more slowly in the middle
    assert cos.alphas_cumprod[500] > lin.alphas_cumprod[500]
    with pytest.raises(ValueError, match="beta_schedule"):
        ddpm.DDPMSchedule(beta_schedule="quadratic")
    with pytest.raises(ValueError, match="0..999"):
        lin.add_noise(torch.zeros(2, 1, 4, 4), torch.zeros(2, 1, 4, 4), torch.tensor([0, 1000]))
    with pytest.raises(ValueError, match="num_inference_steps"):
        lin.ddim_timesteps(0)


def test_unet_shapes_labels_and_errors():
    torch.manual_seed(0)
    net = ddpm.UNet().eval()
    x = torch.randn(3, 1, 28, 28)
    assert net(x, torch.tensor([0, 10, 999]), torch.tensor([0, 5, ddpm.NULL_LABEL])).shape == x.shape
    assert net(x, 7).shape == x.shape  # one t for the batch, no label = the null label
    assert torch.equal(net(x, 7), net(x, 7, torch.full((3,), ddpm.NULL_LABEL)))
    with pytest.raises(ValueError, match="labels must be 0..9"):
        net(x, 7, torch.tensor([0, 11, 2]))
    with pytest.raises(ValueError, match=r"expected images \(N, 1, H, W\)"):
        net(torch.randn(3, 28, 28), 7)
    with pytest.raises(ValueError, match="one timestep or one per image"):
        net(x, torch.tensor([1, 2]))


def _tiny():
    torch.manual_seed(0)
    return ddpm.UNet(ddpm.UNetConfig(channels=(8, 16, 16), emb_dim=16, dropout=0.0))


def test_training_lowers_the_loss_and_repeats_exactly(tmp_path):
    runs = [ddpm.train_ddpm(steps=30, batch_size=16, config=ddpm.UNetConfig(channels=(8, 16, 16), emb_dim=16),
                            device=torch.device("cpu")) for _ in range(2)]
    (ema, model, run), (ema2, _, run2) = runs
    losses = run.history.values("loss")
    assert sum(losses[-5:]) / 5 < 0.7 * sum(losses[:5]) / 5
    assert losses == run2.history.values("loss")
    assert all(torch.equal(a, b) for a, b in zip(ema.state_dict().values(), ema2.state_dict().values()))


@pytest.mark.parametrize("sampler", ["ddpm", "ddim"])
def test_sampling_repeats_for_a_seed_and_returns_the_trajectory(sampler):
    net, s = _tiny(), ddpm.DDPMSchedule(num_train_timesteps=50)
    kw = dict(labels=torch.tensor([3, 7]), sampler=sampler, steps=10, guidance_scale=2.0)
    a, traj = ddpm.sample(net, s, generator=torch.Generator().manual_seed(0), trajectory_every=5, **kw)
    b = ddpm.sample(net, s, generator=torch.Generator().manual_seed(0), **kw)
    assert a.shape == (2, 1, 28, 28) and torch.equal(a, b)
    assert traj[0][0] == (49 if sampler == "ddpm" else 45) and traj[-1][0] == 0
    assert all(x.shape == x0.shape == (2, 1, 28, 28) for _, x, x0 in traj)
    with pytest.raises(ValueError, match="sampler"):
        ddpm.sample(net, s, n=2, sampler="euler")


def test_guidance_scale_zero_and_one_are_the_plain_models():
    net, x, t = _tiny(), torch.randn(2, 1, 28, 28), torch.tensor([10, 20])
    y = torch.tensor([1, 2])
    assert torch.equal(ddpm.guided_eps(net, x, t, y, 1.0), net(x, t, y))
    assert torch.allclose(ddpm.guided_eps(net, x, t, y, 0.0), net(x, t, None), atol=1e-6)
    e3 = ddpm.guided_eps(net, x, t, y, 3.0)
    assert torch.allclose(e3, net(x, t, None) + 3 * (net(x, t, y) - net(x, t, None)), atol=1e-5)

