"""Notebook 08: diffusion.

The exercise checks of this lecture, each with its hints (``ck.check.<name>``, ``ck.hint(name)``),
and its lab's (``ck.check.lab_ddim``).
"""

import torch
import torch.nn.functional as F

import coursekit as _ck
from coursekit.check import Case, Check, Goal, Lab, Mistake, Terms
from coursekit.models import ddpm as _ddpm


_SCHEDULE = _ddpm.DDPMSchedule()
# Ten coarse steps (β from 0.05 to 0.5): √α_t far from 1 and neighbouring ᾱ_t far apart, where an answer
# off by a step or by one √α_t shows plainly (T = 1000's steps differ by under a percent).
_COARSE = _ddpm.DDPMSchedule(num_train_timesteps=10, beta_start=0.05, beta_end=0.5)


def _noisy_batch(seed, n=4, size=6):
    g = torch.Generator().manual_seed(seed)
    x0 = torch.rand(n, 1, size, size, generator=g) * 2 - 1
    return x0, torch.randint(0, 1000, (n,), generator=g), torch.randn(n, 1, size, size, generator=g)


def _abar_view(t, x):
    return _SCHEDULE.alphas_cumprod[t].view(-1, 1, 1, 1)


def _q(abar_of=lambda ac, t: ac[t], root=True, swap=False):
    """q_sample along the axes its mistakes take: ᾱ taken elsewhere, the roots forgotten, the weights
    swapped."""
    def f(x0, t, noise, ac):
        abar = abar_of(ac, t).view(-1, *[1] * (x0.dim() - 1))
        a, b = (abar.sqrt(), (1 - abar).sqrt()) if root else (abar, 1 - abar)
        return b * x0 + a * noise if swap else a * x0 + b * noise
    return f


q_sample = Check(
    "q_sample",
    terms=Terms(("x_0's term", "the noise's term"), lambda x0, t, noise, ac: (x0, noise),
                lambda x0, t, noise, ac: (ac[t].sqrt(), (1 - ac[t]).sqrt())),
    variants=[
        ("The square roots are missing: x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε.", _q(root=False)),
        ("The two weights are swapped: x_0 takes √ᾱ_t, the noise √(1 − ᾱ_t).", _q(swap=True)),
        ("You used α_t = 1 − β_t (one step) where the closed form needs ᾱ_t, the product of all α up to t.",
         _q(abar_of=lambda ac, t: (ac / torch.cat([torch.ones(1), ac[:-1]]))[t])),
    ],
    time_arg=1,
    hints=(
        'ᾱ_t = alphas_cumprod[t], one value per image: reshape it to (N, 1, 1, 1) to broadcast over the '
        'image.',
        'The scales are the square roots of ᾱ_t (for x_0) and of 1 − ᾱ_t (for the noise).',
    ),
    reference=_ddpm.q_sample,
    cases=[Case("t = 0: almost the clean image", (torch.ones(1, 1, 2, 2), torch.tensor([0]),
                                                  torch.ones(1, 1, 2, 2), _SCHEDULE.alphas_cumprod)),
           Case("four images, each at its own t", lambda: (*_noisy_batch(0), _SCHEDULE.alphas_cumprod)),
           Case("late t: almost pure noise", lambda: (*_noisy_batch(1)[:1],
                                                      torch.tensor([999, 990, 950, 900]),
                                                      _noisy_batch(1)[2], _SCHEDULE.alphas_cumprod))],
    mistakes=[
        Mistake("Take square roots: x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε (ᾱ_t itself is the variance of the signal).",
                lambda x0, t, e, a: _abar_view(t, x0) * x0 + (1 - _abar_view(t, x0)) * e),
        Mistake("The weights are swapped: the signal gets √ᾱ_t and the noise √(1−ᾱ_t).",
                lambda x0, t, e, a: (1 - _abar_view(t, x0)).sqrt() * x0 + _abar_view(t, x0).sqrt() * e),
        Mistake("Use the cumulative product ᾱ_t = Π α_s, not the one-step α_t = 1 − β_t: "
                "the closed form jumps from x_0 to x_t in one go.",
                lambda x0, t, e, a: (_SCHEDULE.alphas[t].view(-1, 1, 1, 1).sqrt() * x0
                                     + (1 - _SCHEDULE.alphas[t].view(-1, 1, 1, 1)).sqrt() * e)),
        Mistake("Each image has its own t: index alphas_cumprod[t] and reshape it to (N, 1, 1, 1) "
                "so it broadcasts over the pixels (you used the first t for every image).",
                lambda x0, t, e, a: a[t[0]].sqrt() * x0 + (1 - a[t[0]]).sqrt() * e),
        Mistake("Off by one step: the code's t runs 0 … T−1 and x_t uses alphas_cumprod[t] itself, not "
                "[t − 1] or [t + 1] (the lecture's t = 1 … T is the code's t + 1).",
                lambda x0, t, e, a: a[(t + 1).clamp(max=len(a) - 1)].view(-1, 1, 1, 1).sqrt() * x0
                + (1 - a[(t + 1).clamp(max=len(a) - 1)].view(-1, 1, 1, 1)).sqrt() * e),
    ],
)


def _tiny_unet(seed=0):
    torch.manual_seed(seed)
    net = _ddpm.UNet(_ddpm.UNetConfig(channels=(8, 8, 8), emb_dim=8, num_classes=0, dropout=0.0))
    for p in net.parameters():  # the output layer starts at zero; give it weights so the check sees the model
        torch.nn.init.normal_(p, std=0.2)
    return net


def _loss_case(seed, schedule=_SCHEDULE):
    x0, t, noise = _noisy_batch(seed, size=8)
    t = t % (schedule.num_train_timesteps - 2) + 1  # 1 … T − 2: a step either side stays on the schedule
    return _tiny_unet(seed), x0, t, noise, schedule.alphas_cumprod


def _loss_with(target=None, feed=None, reduction="mean", time=None, fresh_noise=False):
    """The simple loss with one mistake: the wrong target or input, a sum, the wrong time given to
    the network, or new noise drawn for the target instead of the noise that made x_t."""
    def loss(model, x0, t, noise, abar):
        x_t = _ddpm.q_sample(x0, t, noise, abar)
        pred = model(x_t if feed is None else feed(x0, x_t, noise), t if time is None else time(t))
        aim = noise if target is None else target(x0, x_t, noise)
        if fresh_noise:
            aim = torch.randn(noise.shape, generator=torch.Generator().manual_seed(0))
        return F.mse_loss(pred, aim, reduction=reduction)
    return loss


diffusion_loss = Check(
    "diffusion_loss",
    terms=Terms(("the noise-prediction error",),
                lambda model, x0, t, noise, ac: (_ddpm.simple_loss(model, x0, t, noise, ac),),
                lambda model, x0, t, noise, ac: (1,),
                lambda model, x0, t, noise, ac: (("mse", model(_ddpm.q_sample(x0, t, noise, ac), t),
                                                  noise),)),
    variants=[
        ("The target is x_0; the network predicts the noise ε that was added (ε-prediction).",
         lambda model, x0, t, noise, ac: F.mse_loss(model(_ddpm.q_sample(x0, t, noise, ac), t), x0)),
        # the other quantities a target could be: the noise's negative, x_t, the velocities of other models
        ("Your target is −ε: the network predicts the noise that was added, sign and all (`noise`).",
         _loss_with(target=lambda x0, x_t, e: -e)),
        ("Your target is x_t, the network's own input: its target is the noise ε that made x_t.",
         _loss_with(target=lambda x0, x_t, e: x_t)),
        ("Your target is ε − x_0 (flow matching's velocity); DDPM's network predicts the noise ε alone.",
         _loss_with(target=lambda x0, x_t, e: e - x0)),
        ("Your target is x_0 − ε; DDPM's network predicts the noise ε alone.",
         _loss_with(target=lambda x0, x_t, e: x0 - e)),
        ("The network's input lacks the square roots: x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε (q_sample), not "
         "ᾱ_t·x_0 + (1 − ᾱ_t)·ε.",
         lambda model, x0, t, noise, ac: F.mse_loss(
             model(ac[t].view(-1, 1, 1, 1) * x0 + (1 - ac[t]).view(-1, 1, 1, 1) * noise, t), noise)),
        ("The network sees x_0 instead of the noisy x_t: give it q_sample(x_0, t, ε).",
         lambda model, x0, t, noise, ac: F.mse_loss(model(x0, t), noise)),
        ("Your result is the expected one with the network told a time step later (t + 1) than the one "
         "that made x_t: the lecture counts t from 1 and the code from 0; give the model the same t.",
         lambda model, x0, t, noise, ac: F.mse_loss(model(_ddpm.q_sample(x0, t, noise, ac), t + 1), noise)),
        ("Your result is the expected one with the network told a time step earlier (t − 1) than the one "
         "that made x_t: give the model the same t as q_sample.",
         lambda model, x0, t, noise, ac: F.mse_loss(model(_ddpm.q_sample(x0, t, noise, ac), t - 1), noise)),
    ],
    time_arg=2,
    hints=(
        'x_t comes from your q_sample with the given t and noise.',
        "The loss is the mean squared error between the model's output at (x_t, t) and the noise that was "
        "added.",
    ),
    reference=_ddpm.simple_loss,
    atol=1e-5,
    cases=[Case("a tiny U-Net, four 8x8 images", lambda: _loss_case(0)),
           Case("another U-Net and batch", lambda: _loss_case(1)),
           Case("a coarse schedule of 10 steps, where neighbouring steps differ plainly",
                lambda: _loss_case(2, _COARSE))],
    mistakes=[
        Mistake("The network predicts the noise ε that was added, not the clean image: the target is "
                "`noise`.",
                _loss_with(target=lambda x0, x_t, e: x0)),
        Mistake("Give the network the noisy image x_t (from q_sample), not the clean x_0.",
                _loss_with(feed=lambda x0, x_t, e: x0)),
        Mistake("Average the squared error over every pixel (F.mse_loss's default), not a sum.",
                _loss_with(reduction="sum")),
        Mistake("Tell the network which step it sees: model(x_t, t) with the same t that made x_t.",
                _loss_with(time=lambda t: torch.zeros_like(t))),
        Mistake("The target is the noise that made x_t (the `noise` argument); freshly drawn noise is "
                "unrelated to x_t and cannot be predicted.", _loss_with(fresh_noise=True)),
        Mistake("Predict the noise ε itself, not the difference x_t − x_0.",
                _loss_with(target=lambda x0, x_t, e: x_t - x0)),
    ],
)


def _step_case(seed, t, schedule=_SCHEDULE):
    g = torch.Generator().manual_seed(seed)
    eps, x, z = (torch.randn(3, 1, 5, 5, generator=g) for _ in range(3))
    return eps, t, x, schedule.betas, schedule.alphas_cumprod, z


def _step_with(mean_coef="abar", noise="sqrt", noise_at_zero=False, eps_coef="sqrt", sign=-1.0):
    """One reverse step with one mistake: √ᾱ_t for √α_t, σ_t = β_t, no noise, noise at t = 0, the
    ε coefficient without its square root, or ε added instead of subtracted."""
    def step(eps, t, x, betas, abar, z):
        beta = betas[t]
        scale = abar[t] if mean_coef == "abar" else 1 - beta
        coef = beta / ((1 - abar[t]).sqrt() if eps_coef == "sqrt" else (1 - abar[t]))
        mean = (x + sign * coef * eps) / scale.sqrt()
        sigma = {"sqrt": beta.sqrt(), "beta": beta, "none": 0.0}[noise]
        return mean + sigma * z if (t > 0 or noise_at_zero) else mean
    return step


reverse_step = Check(
    "reverse_step",
    terms=Terms(("x_t's term", "the predicted noise's term", "the fresh noise z's term"),
                lambda eps, t, x, b, ac, z: (x, eps, z),
                lambda eps, t, x, b, ac, z: (1 / (1 - b[t]).sqrt(),
                                             -b[t] / ((1 - ac[t]).sqrt() * (1 - b[t]).sqrt()),
                                             b[t].sqrt() * (t > 0))),
    variants=[
        ("σ_t is √β_t: you added β_t · z (the variance where its square root belongs).",
         lambda eps, t, x, b, ac, z: _ddpm.reverse_step(eps, t, x, b, ac, z)
         - (b[t].sqrt() - b[t]) * z * (t > 0)),
        ("No noise is added: x_{t−1} gets σ_t·z for every t > 0.",
         lambda eps, t, x, b, ac, z: _ddpm.reverse_step(eps, t, x, b, ac, torch.zeros_like(z))),
        ("Noise is added at t = 0 too: the last step returns the mean alone.",
         lambda eps, t, x, b, ac, z: _ddpm.reverse_step(eps, t, x, b, ac, z)
         + (b[t].sqrt() * z if t == 0 else 0)),
    ],
    time_arg=1,
    hints=(
        'alpha_t = 1 − beta_t; the mean subtracts beta_t / sqrt(1 − ᾱ_t) times eps from x_t, then divides by '
        'sqrt(alpha_t).',
        'sigma_t = sqrt(beta_t); at t = 0 return the mean alone.',
    ),
    reference=_ddpm.reverse_step,
    # float32 stores 1 − ᾱ_0 = β_0 = 1e-4 to about 6e-4 of itself (2^-24 / 1e-4): the posterior-mean form
    # (diffusers') and Algorithm 2's form then differ by up to ~4e-4 on values of a few units at t = 0
    atol=2e-3,
    cases=[Case("t = 500", lambda: _step_case(0, 500)),
           Case("t = 1", lambda: _step_case(1, 1)),
           Case("t = 0: the last step adds no noise", lambda: _step_case(2, 0)),
           Case("a coarse schedule (10 steps), t = 6: √α_t = 0.8, far from 1",
                lambda: _step_case(3, 6, _COARSE))],
    mistakes=[
        Mistake("Divide by √α_t (one step: α_t = 1 − β_t), not by √ᾱ_t.", _step_with(mean_coef="abar")),
        Mistake("The noise term is σ_t·z with σ_t = √β_t (σ_t² = β_t), not β_t·z.",
                _step_with(mean_coef="alpha", noise="beta")),
        Mistake("Algorithm 2 adds fresh noise σ_t·z at every step but the last: the sampler is stochastic.",
                _step_with(mean_coef="alpha", noise="none")),
        Mistake("At t = 0 return the mean: no noise is added to the final image.",
                _step_with(mean_coef="alpha", noise_at_zero=True)),
        Mistake("The noise's coefficient is β_t / √(1 − ᾱ_t), with a square root.",
                _step_with(mean_coef="alpha", eps_coef="plain")),
        Mistake("Subtract the predicted noise from x_t (x_t − …·ε̂), do not add it.",
                _step_with(mean_coef="alpha", sign=1.0)),
    ],
)


# --------------------------------------------------------------------------------------------
# The lab: a DDIM sampler of the student's own, scored against the course's at the same steps.

def _score_sampler(sample, model=None, schedule=None, per_class=20, steps=50, seed=0):
    """Class accuracy (mnist-judge, against the asked digit) and Fréchet distance of ``per_class``
    images per digit from the student's ``sample(model, schedule, labels, steps, generator)``,
    beside the same for ``ddpm.sample`` (DDIM, eta 0) from the same seed."""
    model = model or _ck.zoo.load("mnist-ddpm", device=torch.device("cpu"))
    schedule = schedule or _ddpm.DDPMSchedule()
    labels = torch.arange(10).repeat_interleave(per_class)
    with torch.no_grad():
        mine = sample(model, schedule, labels, steps, torch.Generator().manual_seed(seed))
    if not torch.is_tensor(mine) or mine.shape != (len(labels), 1, 28, 28):
        raise ValueError(f"the sampler must return images ({len(labels)}, 1, 28, 28) in [-1, 1], one per "
                         f"label; got {tuple(mine.shape) if torch.is_tensor(mine) else type(mine).__name__}")
    if not torch.isfinite(mine).all():
        raise ValueError("the sampler returned NaN or infinite values: check the divisions by sqrt(ᾱ) and "
                         "sqrt(1 − ᾱ) (ᾱ of t = −1, the end of the chain, is 1)")
    ours = _ddpm.sample(model, schedule, labels=labels, steps=steps,
                        generator=torch.Generator().manual_seed(seed))
    return {"accuracy": _ck.metrics.class_accuracy(mine.clamp(-1, 1), labels),
            "fid": _ck.metrics.fid(mine.clamp(-1, 1)),
            "course_accuracy": _ck.metrics.class_accuracy(ours, labels), "course_fid": _ck.metrics.fid(ours),
            "steps": steps, "images": len(labels)}


lab_ddim = Lab(
    "lab_ddim",
    task="write a DDIM sampler, sample(model, schedule, labels, steps, generator) -> images (N, 1, 28, 28), "
         "that draws the asked digits in `steps` network evaluations as well as the course's sampler does.",
    measure=_score_sampler,
    goals=lambda m: [Goal("accuracy", "share of samples the judge reads as the asked digit", at_least=0.9),
                     Goal("fid", f"Fréchet distance (the course's DDIM, same steps: {m['course_fid']:.1f})",
                          at_most=1.1 * m["course_fid"] + 1.0)],
    hints=(
        "Pick `steps` timesteps from T − 1 down to 0, evenly spaced; the network is model(x, t, labels) with "
        "t a (N,) tensor, and its output is the predicted noise ε̂.",
        "At each t: x̂_0 = (x − √(1 − ᾱ_t)·ε̂) / √ᾱ_t, clipped to [−1, 1], and ε̂ recomputed from the clipped "
        "x̂_0.",
        "Then jump to the next timestep t': x = √ᾱ_t'·x̂_0 + √(1 − ᾱ_t')·ε̂ (η = 0: no fresh noise); after the "
        "last step ᾱ = 1, so x is x̂_0.",
    ),
)
