"""Instant feedback on lab exercises.

After writing an exercise's function, a student runs its check::

    to_model_range = ck.check.to_model_range(to_model_range)

The check runs the function on several cases against the reference and
prints what passed and what failed, with a hint that names the mistake where
it recognises it (a known wrong variant, a wrong shape, a missing return).
It returns the student's function when every case passes and the reference
otherwise, so the rest of the notebook always runs.  ``check.report(fn)``
returns the verdict without printing (the tests use it).
"""

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from coursekit import data as _data
from coursekit.models import cgan as _cgan
from coursekit.models import cyclegan as _cyclegan
from coursekit.models import dcgan as _dcgan
from coursekit.models import inversion as _inversion
from coursekit.models import ddpm as _ddpm
from coursekit.models import pix2pix as _pix2pix
from coursekit.models import progan as _progan
from coursekit.models import stylegan as _stylegan


@dataclass
class Case:
    """One input to an exercise: a name a student can read, and the arguments
    (a tuple, or a function that builds fresh ones for every call)."""

    name: str
    args: object

    def make(self):
        return self.args() if callable(self.args) else _clone(self.args)


@dataclass
class Mistake:
    """A plausible wrong answer, and the hint to give when a student's output matches it."""

    hint: str
    fn: object


@dataclass
class Report:
    """The verdict on a student's function: ``status`` is passed, failed or not implemented."""

    status: str
    passed: int = 0
    total: int = 0
    lines: list = field(default_factory=list)
    hint: str = ""

    @property
    def ok(self):
        return self.status == "passed"

    def __str__(self):
        return "\n".join(self.lines)


def _clone(args):
    return tuple(a.clone() if torch.is_tensor(a) else a for a in args)


def _close(a, b, atol):
    # NaN equals NaN: a mistake that divides by zero is recognised by its NaNs (the reference has none)
    return torch.is_tensor(a) and a.shape == b.shape and torch.allclose(a.double(), b.double(), atol=atol, rtol=1e-4,
                                                                        equal_nan=True)


def _show(t):
    return str(t) if t.numel() <= 8 else f"tensor of shape {tuple(t.shape)}"


def _difference(got, expected):
    """Where two tensors of the same shape differ most: the element, both values, the gap."""
    gap = (got.double() - expected.double()).abs().nan_to_num(float("inf"))
    i = int(gap.flatten().argmax())
    where = f" at {tuple(int(k) for k in torch.unravel_index(torch.tensor(i), got.shape))}" if got.dim() else ""
    return (f"the values differ (shape {tuple(got.shape)} is right): largest difference {gap.flatten()[i]:.3g}"
            f"{where}, expected {expected.flatten()[i].item():.4g}, got {got.flatten()[i].item():.4g}")


def _first_line(error):
    return str(error).strip().splitlines()[0] if str(error).strip() else "(no message)"


def _explain(error):
    """The hint for an error a student's code raised: the cause where it is a known one, not PyTorch's advice."""
    text = str(error)
    if "backward through the graph a second time" in text:
        return ("The generated images were used in D's loss without .detach(): D's backward pass went on into G "
                "and freed G's graph, so G's own backward pass cannot run. Give D fake.detach(), not fake "
                "(retain_graph=True, which the error suggests, would hide the bug and leak D's loss into G).")
    if "does not require grad and does not have a grad_fn" in text:
        return ("The loss has no gradient path to the parameters: a .detach(), torch.no_grad() or .item() cut it. "
                "Detach only what must not be trained.")
    if "must match the size" in text or "shape" in text and "mismatch" in text:
        return "Two tensors' shapes do not fit: print the shapes of the inputs and of each intermediate result."
    return "Read the error above; run the function on a small input to find the line."


class Check:
    """An exercise check: the reference, the cases, and the mistakes it recognises."""

    def __init__(self, name, reference, cases, mistakes=(), atol=1e-5, dtype_kind="float", observe=None, hints=(),
                 alternatives=()):
        self.name, self.reference, self.hints = name, reference, tuple(hints)
        # other correct answers that give other numbers (e.g. G updated before D): (description, fn)
        self.alternatives = list(alternatives)
        self.cases, self.mistakes, self.atol, self.dtype_kind = list(cases), list(mistakes), atol, dtype_kind
        # observe(fn, *args) -> the tensor compared; by default fn's return value.
        self.observe = observe or (lambda fn, *args: fn(*args))

    def report(self, fn):
        """Run ``fn`` on every case; return a :class:`Report` (nothing printed)."""
        if not callable(fn):
            return Report("failed", lines=[f"✘ {self.name}: expected a function, got {type(fn).__name__}."],
                          hint="Pass the function itself, without calling it: check(f), not check(f(x)).")
        outputs, rep = [], Report("passed", total=len(self.cases))
        for description, alternative in self.alternatives:
            if all(self._agrees(fn, alternative, case) for case in self.cases):
                rep.lines.append(f"✔ {self.name}: all {rep.total} cases passed ({description}).")
                return rep
        for case in self.cases:
            expected = self.observe(self.reference, *case.make())
            try:
                got = self.observe(fn, *case.make())
            except NotImplementedError:
                return Report("not implemented", total=len(self.cases),
                              lines=[f"… {self.name}: not implemented yet — using the reference so the notebook goes on."])
            except Exception as e:  # the student's error, reported rather than raised
                return self._fail(rep, case, f"raised {type(e).__name__}: {_first_line(e)}", _explain(e))
            problem, hint = self._compare(got, expected)
            if problem:
                if problem == "values differ":
                    problem = _difference(got, expected)
                # a recognised mistake names the cause better than the symptom
                return self._fail(rep, case, problem, self._recognise(fn) or hint)
            rep.passed += 1
            outputs.append(got)
        rep.lines.append(f"✔ {self.name}: all {rep.total} cases passed.")
        return rep

    def __call__(self, fn):
        """Print the verdict; return ``fn`` when it passed, else the reference."""
        rep = self.report(fn)
        print(rep)
        if rep.hint:
            print(f"  Hint: {rep.hint}")
        if rep.status == "failed":
            print("  The notebook goes on with the reference implementation; fix yours and run the check again.")
        return fn if rep.ok else self.reference

    def _compare(self, got, expected):
        if got is None:
            return "returned None", "Did you forget the `return` statement?"
        if not torch.is_tensor(got):
            return f"returned a {type(got).__name__}", "Return a torch.Tensor."
        if got.shape != expected.shape:
            return (f"returned shape {tuple(got.shape)}, expected {tuple(expected.shape)}",
                    "Check which dimension you reduced, reshaped or forgot to keep.")
        if self.dtype_kind == "float" and not got.is_floating_point():
            return (f"returned dtype {got.dtype}, expected a float tensor",
                    "Integer tensors cannot hold values between -1 and 1: convert with x.float() first.")
        if not _close(got, expected, self.atol):
            return "values differ", "Compare your formula with the one in the markdown cell above."
        return None, ""

    def _recognise(self, fn):
        # A mistake is recognised when the student's function agrees with it on every case.
        for mistake in self.mistakes:
            if all(self._agrees(fn, mistake.fn, case) for case in self.cases):
                return mistake.hint
        return None

    def _fail(self, rep, case, problem, hint):
        rep.status, rep.hint = "failed", hint
        rep.lines.append(f"✘ {self.name}: {rep.passed}/{rep.total} cases passed; "
                         f"failed on case “{case.name}”: {problem}.")
        return rep


    def _agrees(self, fn, other, case):
        try:
            return _close(self.observe(fn, *case.make()), self.observe(other, *case.make()), self.atol)
        except Exception:
            return False


# --------------------------------------------------------------------------------------------
# Notebook 00: the course's image range.

to_model_range = Check(
    "to_model_range",
    reference=_data.to_model_range,
    cases=[
        Case("black 0 and white 255", (torch.tensor([0, 255], dtype=torch.uint8),)),
        Case("a grey ramp 0..255", (torch.arange(256, dtype=torch.uint8),)),
        Case("a batch of digits (4, 1, 28, 28) as floats",
             (torch.randint(0, 256, (4, 1, 28, 28), generator=torch.Generator().manual_seed(0)).float(),)),
    ],
    mistakes=[
        Mistake("Your values lie in [0, 1]. The course's images live in [-1, 1] (what tanh outputs): "
                "x / 127.5 - 1.", lambda x: x.float() / 255),
        Mistake("Your values lie in [0, 2]: you forgot to subtract 1.", lambda x: x.float() / 127.5),
        Mistake("Your values lie in [-0.5, 0.5]: divide by 127.5 (half of 255), not by 255.",
                lambda x: (x.float() - 127.5) / 255),
        Mistake("Black should map to -1 and white to +1; yours is upside down.", lambda x: 1 - x.float() / 127.5),
    ],
)

# --------------------------------------------------------------------------------------------
# Notebook 01: the GAN losses and the alternating step.

def _logits(seed, n=64, scale=3.0):
    g = torch.Generator().manual_seed(seed)
    return (scale * torch.randn(n, generator=g), scale * torch.randn(n, generator=g) - 1)


_bce = F.binary_cross_entropy_with_logits

d_loss = Check(
    "d_loss",
    reference=_dcgan.d_loss,
    cases=[Case("D sure and right", (torch.tensor([4.0, 6.0]), torch.tensor([-5.0, -3.0]))),
           Case("D unsure (logits near 0)", (torch.tensor([0.1, -0.2, 0.0]), torch.tensor([0.3, 0.0, -0.1]))),
           Case("a batch of 64 random logits", lambda: _logits(0))],
    mistakes=[
        Mistake("D returns logits and binary_cross_entropy_with_logits applies the sigmoid itself: "
                "do not apply torch.sigmoid first.",
                lambda r, f: _bce(torch.sigmoid(r), torch.ones_like(r)) + _bce(torch.sigmoid(f), torch.zeros_like(f))),
        Mistake("Real images are labelled 1 and generated ones 0; your labels are swapped.",
                lambda r, f: _bce(r, torch.zeros_like(r)) + _bce(f, torch.ones_like(f))),
        Mistake("Average over the batch (reduction='mean', the default), not a sum.",
                lambda r, f: _bce(r, torch.ones_like(r), reduction="sum") + _bce(f, torch.zeros_like(f), reduction="sum")),
        Mistake("Only the real term is there: D must also learn to call G's samples fake.",
                lambda r, f: _bce(r, torch.ones_like(r))),
        Mistake("You averaged the two terms; the lecture's loss adds them: −log D(x) − log(1 − D(G(z))).",
                lambda r, f: 0.5 * (_bce(r, torch.ones_like(r)) + _bce(f, torch.zeros_like(f)))),
    ],
)

g_loss = Check(
    "g_loss",
    reference=_dcgan.g_loss,
    cases=[Case("D sure the samples are fake", (torch.tensor([-6.0, -4.0]),)),
           Case("D unsure", (torch.tensor([0.2, -0.1, 0.0]),)),
           Case("a batch of 64 random logits", lambda: (_logits(1)[1],))],
    mistakes=[
        Mistake("That is the saturating loss log(1 − D(G(z))): its gradient vanishes exactly when D wins. "
                "Minimise −log D(G(z)) instead: BCE against the label 1.", _dcgan.g_loss_saturating),
        Mistake("D returns logits: do not apply torch.sigmoid before binary_cross_entropy_with_logits.",
                lambda f: _bce(torch.sigmoid(f), torch.ones_like(f))),
        Mistake("G wants D to call its samples *real*: the target is 1, not 0.",
                lambda f: _bce(f, torch.zeros_like(f))),
        Mistake("Average over the batch, not a sum.", lambda f: _bce(f, torch.ones_like(f), reduction="sum")),
    ],
)


def _tiny_gan(seed=0):
    torch.manual_seed(seed)
    config = _dcgan.DCGANConfig(nz=8, width=4)
    G, D = _dcgan.Generator(config), _dcgan.Discriminator(config)
    opt_G, opt_D = _dcgan.make_optimizers(G, D, lr=1e-2)
    g = torch.Generator().manual_seed(seed + 1)
    real = torch.rand(6, 1, 28, 28, generator=g) * 2 - 1
    z = torch.randn(6, 8, generator=g)
    return G, D, opt_G, opt_D, real, z


def _two_steps(step, G, D, opt_G, opt_D, real, z):
    """Run ``step`` twice; observe both losses and every parameter of G and D afterwards."""
    losses = [torch.as_tensor(v, dtype=torch.float32).reshape(1) for _ in range(2)
              for v in step(G, D, opt_G, opt_D, real, z)]
    params = [p.detach().flatten() for p in [*G.parameters(), *D.parameters()]]
    return torch.cat(losses + params)


def _wrong_step(g_loss_fn=_dcgan.g_loss, zero_D_grads=True):
    """The alternating step with one of two mistakes: a saturating G loss, or D's gradients never zeroed."""
    def step(G, D, opt_G, opt_D, real, z):
        fake = G(z)
        loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
        if zero_D_grads:
            opt_D.zero_grad()
        loss_D.backward()
        opt_D.step()
        loss_G = g_loss_fn(D(fake))
        opt_G.zero_grad()
        loss_G.backward()
        opt_G.step()
        return loss_D.detach(), loss_G.detach()
    return step


def _step_g_first(G, D, opt_G, opt_D, real, z):
    loss_G = _dcgan.g_loss(D(G(z)))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    loss_D = _dcgan.d_loss(D(real), D(G(z).detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    return loss_D.detach(), loss_G.detach()


train_step = Check(
    "train_step",
    reference=_dcgan.train_step,
    alternatives=[("G updated before D: also a valid alternating update", _step_g_first)],
    observe=_two_steps,
    atol=1e-4,
    cases=[Case("two steps of a tiny DCGAN", lambda: _tiny_gan(0)),
           Case("two steps from another start", lambda: _tiny_gan(1))],
    mistakes=[
        Mistake("D's gradients pile up from one step to the next: call opt_D.zero_grad() before loss_D.backward().",
                _wrong_step(zero_D_grads=False)),
        Mistake("G's loss is the saturating log(1 − D(G(z))); use the non-saturating −log D(G(z)).",
                _wrong_step(g_loss_fn=_dcgan.g_loss_saturating)),
    ],
)

# --------------------------------------------------------------------------------------------
# Notebook 02: conditioning inputs and the conditional D loss.

def _z_and_labels(seed, n=8, nz=5):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, nz, generator=g), torch.randint(0, 10, (n,), generator=g)


def _images_and_labels(seed, n=4, size=6):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 1, size, size, generator=g) * 2 - 1, torch.randint(0, 10, (n,), generator=g)


generator_input = Check(
    "generator_input",
    reference=_cgan.generator_input,
    cases=[Case("two z of size 3 with labels 0 and 9", (torch.zeros(2, 3), torch.tensor([0, 9]))),
           Case("eight random z with random labels", lambda: _z_and_labels(0))],
    mistakes=[
        Mistake("z comes first, then the one-hot label: torch.cat([z, one_hot], dim=1).",
                lambda z, y: torch.cat([F.one_hot(y, 10).float(), z], 1)),
        Mistake("The label is appended as a one-hot vector of 10 entries, not as one number.",
                lambda z, y: torch.cat([z, y[:, None].float()], 1)),
    ],
)

discriminator_input = Check(
    "discriminator_input",
    reference=_cgan.discriminator_input,
    cases=[Case("one 2x2 image with label 3", (torch.zeros(1, 1, 2, 2), torch.tensor([3]))),
           Case("four 6x6 images with random labels", lambda: _images_and_labels(0))],
    mistakes=[
        Mistake("The image comes first, then the 10 label channels: torch.cat([x, channels], dim=1).",
                lambda x, y: torch.cat([F.one_hot(y, 10).float()[:, :, None, None].expand(-1, -1, *x.shape[2:]), x], 1)),
        Mistake("Give the label as 10 one-hot channels (channel 1 + k is all ones for label k), "
                "not as one channel holding the number.",
                lambda x, y: torch.cat([x, y.float()[:, None, None, None].expand(-1, 1, *x.shape[2:])], 1)),
    ],
)

conditional_d_loss = Check(
    "conditional_d_loss",
    reference=_cgan.d_loss,
    cases=[Case("D unsure everywhere", (torch.zeros(3), torch.zeros(3), torch.zeros(3))),
           Case("D right on real pairs, fooled by wrong labels",
                (torch.tensor([3.0, 2.0]), torch.tensor([-2.0, -4.0]), torch.tensor([2.5, 1.0]))),
           Case("a batch of random logits", lambda: (*_logits(2), _logits(3)[0]))],
    mistakes=[
        Mistake("A real image with the wrong label must count as *fake* (label 0), or G is free to ignore y.",
                lambda r, f, m: _dcgan.d_loss(r, f) + _bce(m, torch.ones_like(m))),
        Mistake("The mismatched-label term is missing: add BCE(D(x, wrong y), 0).",
                lambda r, f, m: _dcgan.d_loss(r, f)),
        Mistake("D returns logits: do not apply torch.sigmoid before binary_cross_entropy_with_logits.",
                lambda r, f, m: _bce(torch.sigmoid(r), torch.ones_like(r)) + _bce(torch.sigmoid(f), torch.zeros_like(f))
                + _bce(torch.sigmoid(m), torch.zeros_like(m))),
    ],
)

# --------------------------------------------------------------------------------------------
# Notebook 08: diffusion.

_SCHEDULE = _ddpm.DDPMSchedule()


def _noisy_batch(seed, n=4, size=6):
    g = torch.Generator().manual_seed(seed)
    x0 = torch.rand(n, 1, size, size, generator=g) * 2 - 1
    return x0, torch.randint(0, 1000, (n,), generator=g), torch.randn(n, 1, size, size, generator=g)


def _abar_view(t, x):
    return _SCHEDULE.alphas_cumprod[t].view(-1, 1, 1, 1)


q_sample = Check(
    "q_sample",
    reference=_ddpm.q_sample,
    cases=[Case("t = 0: almost the clean image", (torch.ones(1, 1, 2, 2), torch.tensor([0]), torch.ones(1, 1, 2, 2),
                                                  _SCHEDULE.alphas_cumprod)),
           Case("four images, each at its own t", lambda: (*_noisy_batch(0), _SCHEDULE.alphas_cumprod)),
           Case("late t: almost pure noise", lambda: (*_noisy_batch(1)[:1], torch.tensor([999, 990, 950, 900]),
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
    ],
)


def _tiny_unet(seed=0):
    torch.manual_seed(seed)
    net = _ddpm.UNet(_ddpm.UNetConfig(channels=(8, 8, 8), emb_dim=8, num_classes=0, dropout=0.0))
    for p in net.parameters():  # the output layer starts at zero; give it weights so the check sees the model
        torch.nn.init.normal_(p, std=0.2)
    return net


def _loss_case(seed):
    return (_tiny_unet(seed), *_noisy_batch(seed, size=8), _SCHEDULE.alphas_cumprod)


def _loss_with(target=None, feed=None, reduction="mean"):
    def loss(model, x0, t, noise, abar):
        x_t = _ddpm.q_sample(x0, t, noise, abar)
        pred = model(x_t if feed is None else feed(x0, x_t, noise), t)
        return F.mse_loss(pred, noise if target is None else target(x0, x_t, noise), reduction=reduction)
    return loss


diffusion_loss = Check(
    "diffusion_loss",
    reference=_ddpm.simple_loss,
    atol=1e-5,
    cases=[Case("a tiny U-Net, four 8x8 images", lambda: _loss_case(0)),
           Case("another U-Net and batch", lambda: _loss_case(1))],
    mistakes=[
        Mistake("The network predicts the noise ε that was added, not the clean image: the target is `noise`.",
                _loss_with(target=lambda x0, x_t, e: x0)),
        Mistake("Give the network the noisy image x_t (from q_sample), not the clean x_0.",
                _loss_with(feed=lambda x0, x_t, e: x0)),
        Mistake("Average the squared error over every pixel (F.mse_loss's default), not a sum.",
                _loss_with(reduction="sum")),
    ],
)


def _step_case(seed, t):
    g = torch.Generator().manual_seed(seed)
    eps, x, z = (torch.randn(3, 1, 5, 5, generator=g) for _ in range(3))
    return eps, t, x, _SCHEDULE.betas, _SCHEDULE.alphas_cumprod, z


def _step_with(mean_coef="abar", noise="sqrt", noise_at_zero=False):
    def step(eps, t, x, betas, abar, z):
        beta = betas[t]
        scale = abar[t] if mean_coef == "abar" else 1 - beta
        mean = (x - beta / (1 - abar[t]).sqrt() * eps) / scale.sqrt()
        sigma = {"sqrt": beta.sqrt(), "beta": beta, "none": 0.0}[noise]
        return mean + sigma * z if (t > 0 or noise_at_zero) else mean
    return step


reverse_step = Check(
    "reverse_step",
    reference=_ddpm.reverse_step,
    # float32 stores 1 − ᾱ_0 = β_0 = 1e-4 to about 6e-4 of itself (2^-24 / 1e-4): the posterior-mean form
    # (diffusers') and Algorithm 2's form then differ by up to ~4e-4 on values of a few units at t = 0
    atol=2e-3,
    cases=[Case("t = 500", lambda: _step_case(0, 500)),
           Case("t = 1", lambda: _step_case(1, 1)),
           Case("t = 0: the last step adds no noise", lambda: _step_case(2, 0))],
    mistakes=[
        Mistake("Divide by √α_t (one step: α_t = 1 − β_t), not by √ᾱ_t.", _step_with(mean_coef="abar")),
        Mistake("The noise term is σ_t·z with σ_t = √β_t (σ_t² = β_t), not β_t·z.",
                _step_with(mean_coef="alpha", noise="beta")),
        Mistake("Algorithm 2 adds fresh noise σ_t·z at every step but the last: the sampler is stochastic.",
                _step_with(mean_coef="alpha", noise="none")),
        Mistake("At t = 0 return the mean: no noise is added to the final image.",
                _step_with(mean_coef="alpha", noise_at_zero=True)),
    ],
)

# --------------------------------------------------------------------------------------------
# Notebook 03: Pix2Pix.

def _tiny_unet_generator(seed, skips=True):
    torch.manual_seed(seed)
    G = _pix2pix.UNetGenerator(_pix2pix.Pix2PixConfig(in_channels=1, width=4, depth=3, skips=skips)).eval()
    x = torch.rand(2, 1, 16, 16, generator=torch.Generator().manual_seed(seed)) * 2 - 1
    return G, x


def _unet_with(cat_order="decoder first", tanh=True):
    def forward(G, x):
        skips = []
        for block in G.encoder:
            x = block(x)
            skips.append(x)
        skips.pop()
        for block in G.decoder:
            x, s = block(x), skips.pop()
            x = torch.cat([x, s] if cat_order == "decoder first" else [s, x], 1)
        out = G.to_image(x)
        return torch.tanh(out) if tanh else out
    return forward


unet_forward = Check(
    "unet_forward",
    reference=lambda G, x: G(x),
    cases=[Case("a tiny U-Net (16x16, three levels)", lambda: _tiny_unet_generator(0)),
           Case("another tiny U-Net and batch", lambda: _tiny_unet_generator(1))],
    mistakes=[
        Mistake("Concatenate the decoder's output first, then the skip: torch.cat([x, skip], dim=1) "
                "(the next block's weights expect that order).", _unet_with(cat_order="skip first")),
        Mistake("The generator ends in tanh, so its photos lie in [-1, 1] like the real ones.", _unet_with(tanh=False)),
    ],
)


def _conv_stack(*layers):
    """A stack of convolutions given as (kernel, stride) pairs."""
    return (torch.nn.Sequential(*[torch.nn.Conv2d(1, 1, k, s) for k, s in layers]),)


def _rf_with(order="output first", strides=True):
    def rf(module):
        convs = [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]
        r = 1
        for conv in (reversed(convs) if order == "output first" else convs):
            r = (r - 1) * (conv.stride[0] if strides else 1) + conv.kernel_size[0]
        return r
    return rf


def _as_number(fn, *args):
    r = fn(*args)
    return None if r is None else torch.tensor(float(r))


receptive_field = Check(
    "receptive_field",
    reference=_pix2pix.receptive_field,
    observe=_as_number,
    cases=[Case("one 3x3 convolution", lambda: _conv_stack((3, 1))),
           Case("two 3x3 convolutions", lambda: _conv_stack((3, 1), (3, 1))),
           Case("4x4 stride 2, then 3x3", lambda: _conv_stack((4, 2), (3, 1))),
           Case("the 70x70 PatchGAN", lambda: (_pix2pix.PatchDiscriminator(_pix2pix.Pix2PixConfig(width=2)),)),
           Case("the 1x1 PixelGAN", lambda: (_pix2pix.PatchDiscriminator(_pix2pix.Pix2PixConfig(width=2, d_layers=0)),))],
    mistakes=[
        Mistake("Walk from the output back to the input: start at r = 1 for one output value and apply "
                "r ← (r − 1)·stride + kernel for the last layer first.", _rf_with(order="input first")),
        Mistake("A stride-2 layer doubles the reach of every layer after it: multiply (r − 1) by its stride.",
                _rf_with(strides=False)),
    ],
)

_l1, _mse = F.l1_loss, F.mse_loss


def _g_loss_case(seed):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(2, 1, 6, 6, generator=g) * 2, torch.rand(2, 3, 8, 8, generator=g) * 2 - 1,
            torch.rand(2, 3, 8, 8, generator=g) * 2 - 1, 100.0)


pix2pix_g_loss = Check(
    "pix2pix_g_loss",
    reference=lambda logits, fake, target, lam: _pix2pix.g_loss(logits, fake, target, lam),
    cases=[Case("G's photo equals the target: only the GAN term", lambda: (*_g_loss_case(0)[:2], _g_loss_case(0)[1],
                                                                           100.0)),
           Case("random patches and photos, λ = 100", lambda: _g_loss_case(1)),
           Case("λ = 10", lambda: (*_g_loss_case(2)[:3], 10.0))],
    mistakes=[
        Mistake("The paper uses L1, not L2: it blurs less. F.l1_loss(fake, target).",
                lambda lg, f, t, lam: _bce(lg, torch.ones_like(lg)) + lam * _mse(f, t)),
        Mistake("λ weighs the L1 term (λ = 100), not the adversarial one.",
                lambda lg, f, t, lam: lam * _bce(lg, torch.ones_like(lg)) + _l1(f, t)),
        Mistake("G wants every patch called real: BCE against 1, not 0.",
                lambda lg, f, t, lam: _bce(lg, torch.zeros_like(lg)) + lam * _l1(f, t)),
        Mistake("D returns logits: do not apply torch.sigmoid before binary_cross_entropy_with_logits.",
                lambda lg, f, t, lam: _bce(torch.sigmoid(lg), torch.ones_like(lg)) + lam * _l1(f, t)),
        Mistake("The adversarial term is missing: without it Pix2Pix is plain L1 regression (blurry).",
                lambda lg, f, t, lam: lam * _l1(f, t)),
    ],
)

# --------------------------------------------------------------------------------------------
# Notebook 04: CycleGAN's cycle and identity losses, the history of generated images, and
# CyCADA's semantic loss.

def _pairs(seed, n=2, size=8):
    g = torch.Generator().manual_seed(seed)
    return tuple(torch.rand(n, 3, size, size, generator=g) * 2 - 1 for _ in range(4))


cycle_loss = Check(
    "cycle_loss",
    reference=_cyclegan.cycle_loss,
    cases=[Case("perfect reconstructions: zero", lambda: (*(lambda a, b: (a, a, b, b))(*_pairs(0)[:2]), 10.0)),
           Case("random images, λ = 10", lambda: (*_pairs(1), 10.0)),
           Case("only A's reconstruction is off, λ = 5",
                lambda: (*(lambda a, r, b: (a, r, b, b))(*_pairs(2)[:3]), 5.0))],
    mistakes=[
        Mistake("The paper's cycle loss is L1 (mean absolute error), not L2: F.l1_loss.",
                lambda a, ra, b, rb, lam: lam * (_mse(ra, a) + _mse(rb, b))),
        Mistake("λ (lambda_cycle) weighs the cycle loss: multiply the sum of both terms by it.",
                lambda a, ra, b, rb, lam: _l1(ra, a) + _l1(rb, b)),
        Mistake("Both cycles count: a → G(a) → F(G(a)) ≈ a and b → F(b) → G(F(b)) ≈ b.",
                lambda a, ra, b, rb, lam: lam * _l1(ra, a)),
        Mistake("Compare each reconstruction with the image it started from: F(G(a)) with a, G(F(b)) with b.",
                lambda a, ra, b, rb, lam: lam * (_l1(ra, b) + _l1(rb, a))),
        Mistake("Each term is a *mean* absolute error over the pixels (F.l1_loss's default), not a sum: a sum "
                "grows with the image size and swamps the GAN loss.",
                lambda a, ra, b, rb, lam: lam * (_l1(ra, a, reduction="sum") + _l1(rb, b, reduction="sum"))),
    ],
)


identity_loss = Check(
    "identity_loss",
    reference=_cyclegan.identity_loss,
    cases=[Case("the generators leave their own domain alone: zero",
                lambda: (*(lambda a, b: (a, a, b, b))(*_pairs(3)[:2]), 10.0, 0.5)),
           Case("random images, λ = 10, λ_idt = 0.5", lambda: (*_pairs(4), 10.0, 0.5)),
           Case("λ = 10, λ_idt = 0.1", lambda: (*_pairs(5), 10.0, 0.1))],
    mistakes=[
        Mistake("The identity weight is λ_idt times the cycle weight λ (0.5 × 10 = 5 in the paper), "
                "not λ_idt alone.",
                lambda a, ia, b, ib, lam, idt: idt * (_l1(ia, a) + _l1(ib, b))),
        Mistake("Use L1, as for the cycle loss: F.l1_loss.",
                lambda a, ia, b, ib, lam, idt: lam * idt * (_mse(ia, a) + _mse(ib, b))),
        Mistake("G_BA(a) should stay a: compare idt_a with real_a (and idt_b with real_b).",
                lambda a, ia, b, ib, lam, idt: lam * idt * (_l1(ia, b) + _l1(ib, a))),
        Mistake("Both generators count: F(a) ≈ a and G(b) ≈ b, two terms.",
                lambda a, ia, b, ib, lam, idt: lam * idt * _l1(ia, a)),
        Mistake("The weight multiplies: λ · λ_idt, not λ + λ_idt.",
                lambda a, ia, b, ib, lam, idt: (lam + idt) * (_l1(ia, a) + _l1(ib, b))),
    ],
)


def _pool_case(stored, size, new, seed):
    """A pool holding images numbered 0.. (each image is its number, everywhere), and new images numbered 1000.."""
    def make():
        pool = [torch.full((1, 1, 2, 2), float(i)) for i in range(stored)]
        images = (1000 + torch.arange(new, dtype=torch.float32)).view(new, 1, 1, 1).expand(new, 1, 2, 2).clone()
        return pool, images, size, seed
    return make


def _pool_behaviour(fn, pool, images, size, seed):
    """What the history's answer shows, as numbers the reference gets (1 = as it should be):
    the batch's size, answers drawn from the new and stored images only, the pool's size,
    what went in = what came out (nothing lost or copied twice), and about half taken from the history
    when the pool was full and the batch large."""
    torch.manual_seed(seed)
    before = [float(p.flatten()[0]) for p in pool]
    full = len(pool) >= size
    out = fn(pool, images, size)
    if out is None or not torch.is_tensor(out):
        return out
    if out.shape != images.shape:
        return torch.tensor([0.0, 0, 0, 0, 0])
    got = out.flatten(1)[:, 0].tolist()
    new = images.flatten(1)[:, 0].tolist()
    after = [float(p.flatten()[0]) for p in pool]
    from_history = sum(g != n for g, n in zip(got, new)) / len(got)  # not this position's new image
    # the share from the history, to the nearest quarter (a fair coin over 200 images: 0.5)
    share = round(from_history * 4) / 4 if full and len(got) >= 100 else float(from_history == 0 if not full else 1)
    return torch.tensor([1.0, float(all(v in new or v in before for v in got)),
                         float(len(after) == min(size, len(before) + len(new)) if not full else len(after) == size),
                         # each new image that filled the pool is both stored and returned
                         float(sorted(got + after) == sorted(new + before + new[:max(0, size - len(before))])),
                         share])


def _pool_with(replace=True, always=False):
    """The history of query_pool with one of two mistakes: the stored image not replaced, or a swap every time."""
    def query(pool, images, size):
        out = []
        for image in images.split(1):
            if len(pool) < size:
                pool.append(image)
                out.append(image)
            elif always or torch.rand(()) < 0.5:
                i = int(torch.randint(size, ()))
                out.append(pool[i])
                if replace:
                    pool[i] = image
            else:
                out.append(image)
        return torch.cat(out)
    return query


image_pool = Check(
    "image_pool",
    reference=_cyclegan.query_pool,
    observe=lambda fn, pool, images, size, seed: _pool_behaviour(fn, pool, images, size, seed),
    cases=[Case("an empty pool of 4 and 3 new images: all kept and returned", _pool_case(0, 4, 3, 0)),
           Case("2 of 4 stored, 5 new images: two fill the pool, then swaps", _pool_case(2, 4, 5, 1)),
           Case("a full pool of 10 and 200 new images: about half from the history", _pool_case(10, 10, 200, 2))],
    mistakes=[
        Mistake("While the pool is not full, add each new image to it (pool.append) and return the image itself.",
                lambda pool, images, size: images),
        Mistake("Once the pool is full, swap with probability ½: about half of what D sees should be old images.",
                lambda pool, images, size: _cyclegan.query_pool(pool, images, size) if len(pool) < size else images),
        Mistake("When you return a stored image, put the new one in its place (pool[i] = image): otherwise the "
                "history never learns anything new, and the new image is lost.", _pool_with(replace=False)),
        Mistake("Swap with probability ½, not always: half of what D sees should be this step's images.",
                _pool_with(always=True)),
    ],
)


def _class_logits(seed, n=8, k=10, agree=None):
    """(logits of the translations, logits of the sources), (n, k) each; with ``agree`` the translations
    are read as the sources' classes with that margin."""
    g = torch.Generator().manual_seed(seed)
    source = torch.randn(n, k, generator=g) * 3
    translated = torch.randn(n, k, generator=g) * 3
    if agree is not None:
        translated = translated + agree * F.one_hot(source.argmax(1), k)
    return translated, source


semantic_loss = Check(
    "semantic_loss",
    reference=_cyclegan.semantic_loss,
    cases=[Case("8 images, 10 classes, random logits", lambda: _class_logits(0)),
           Case("the translations read as their sources' digits, by a wide margin", lambda: _class_logits(1, agree=20.0)),
           Case("32 images, 10 classes", lambda: _class_logits(2, n=32)),
           Case("5 images, 3 classes", lambda: _class_logits(3, n=5, k=3))],
    mistakes=[
        Mistake("The target is f's *predicted class* for the source (logits_source.argmax(1)), a hard label, "
                "not its probabilities.",
                lambda t, s: -(F.softmax(s, 1) * F.log_softmax(t, 1)).sum(1).mean()),
        Mistake("The roles are swapped: the translation's logits are judged against the source's predicted "
                "class, F.cross_entropy(logits_translated, logits_source.argmax(1)).",
                lambda t, s: F.cross_entropy(s, t.argmax(1))),
        Mistake("F.nll_loss expects log-probabilities: use F.cross_entropy on the logits (it applies "
                "log_softmax itself).", lambda t, s: F.nll_loss(t, s.argmax(1))),
        Mistake("Average over the batch (F.cross_entropy's default reduction), do not sum: the loss's weight "
                "should not grow with the batch size.", lambda t, s: F.cross_entropy(t, s.argmax(1), reduction="sum")),
        Mistake("Compare classes, not raw scores: a squared error between logits asks f to be equally sure, "
                "not to read the same digit.", lambda t, s: _mse(t, s)),
        Mistake("Cross-entropy is a loss to minimise: it is −log p(class), positive; yours has the opposite sign.",
                lambda t, s: -F.cross_entropy(t, s.argmax(1))),
    ],
)


# --------------------------------------------------------------------------------------------
# Notebook 05: ProGAN's four tricks.

def _randn(seed, *shape, scale=1.0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed)) * scale


fade_in = Check(
    "fade_in",
    reference=_progan.fade_in,
    cases=[Case("alpha 0: the old output only", lambda: (0.0, _randn(0, 2, 3, 8, 8), _randn(1, 2, 3, 8, 8))),
           Case("alpha 1: the new block only", lambda: (1.0, _randn(2, 2, 3, 8, 8), _randn(3, 2, 3, 8, 8))),
           Case("alpha 0.3, halfway in", lambda: (0.3, _randn(4, 2, 3, 8, 8), _randn(5, 2, 3, 8, 8)))],
    mistakes=[
        Mistake("At alpha = 0 the new block must not count yet: (1 − α)·old + α·new, not the other way round.",
                lambda a, old, new: a * old + (1 - a) * new),
        Mistake("The old output's weight must shrink as α grows: (1 − α)·old, not old.",
                lambda a, old, new: old + a * new),
    ],
)


def _pixel_norm_with(dims=(1,), rms=True, eps=1e-8):
    def norm(x):
        sq = x.pow(2).mean(dim=dims, keepdim=True) if rms else x.pow(2).sum(dim=dims, keepdim=True)
        return x / torch.sqrt(sq + eps)
    return norm


pixel_norm = Check(
    "pixel_norm",
    reference=lambda x: _progan.PixelNorm()(x),
    cases=[Case("random features (2, 8, 4, 4)", lambda: (_randn(6, 2, 8, 4, 4, scale=3.0),)),
           Case("one image, large values", lambda: (_randn(7, 1, 16, 2, 2, scale=100.0),)),
           Case("a pixel whose features are all zero", lambda: (torch.cat([torch.zeros(1, 4, 1, 1),
                                                                           torch.ones(1, 4, 1, 1)], 2),))],
    atol=1e-4,
    mistakes=[
        Mistake("Normalise each pixel's feature vector: the mean of x² over the channels (dim=1) only, "
                "not over the whole image.", _pixel_norm_with(dims=(1, 2, 3))),
        Mistake("Use the mean of x² over the channels (RMS), not the sum: the paper divides by "
                "sqrt(1/N Σ a² + ε).", _pixel_norm_with(rms=False)),
        Mistake("Add ε = 1e-8 inside the square root: a pixel with all-zero features divides by zero.",
                _pixel_norm_with(eps=0.0)),
        Mistake("Normalise over the channels (dim=1), not over the pixels (dims 2, 3).", _pixel_norm_with(dims=(2, 3))),
    ],
)


def _mbstd_with(strided=True, unbiased=False, average=True):
    def mbstd(x, group_size):
        n, c, h, w = x.shape
        g = min(group_size, n)
        y = x.view(g, n // g, c, h, w) if strided else x.view(n // g, g, c, h, w).transpose(0, 1)
        std = (y.var(dim=0, unbiased=unbiased) + 1e-8).sqrt()
        s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1) if average else std.mean(dim=1, keepdim=True)
        s = s.repeat(g, 1, 1 if not average else h, 1 if not average else w)
        return torch.cat([x, s], dim=1)
    return mbstd


minibatch_std = Check(
    "minibatch_std",
    reference=lambda x, group_size: _progan.MinibatchStdDev(group_size)(x),
    cases=[Case("8 images in groups of 4", lambda: (_randn(8, 8, 3, 4, 4), 4)),
           Case("4 identical images: no variety", lambda: (_randn(9, 1, 2, 4, 4).repeat(4, 1, 1, 1), 4)),
           Case("6 images in groups of 2", lambda: (_randn(10, 6, 5, 2, 2, scale=2.0), 2))],
    atol=1e-4,
    mistakes=[
        Mistake("Group k holds images k, k + n/G, k + 2n/G, ...: x.view(G, n // G, C, H, W), then the "
                "statistics over dim 0.", _mbstd_with(strided=False)),
        Mistake("The paper's standard deviation divides by N, not N − 1: var(dim=0, unbiased=False).",
                _mbstd_with(unbiased=True)),
    ],
)


def _equalized_with(scale="he", bias_scaled=False):
    def linear(x, weight, bias, gain):
        fan_in = weight.shape[1]
        c = {"he": gain / fan_in ** 0.5, "fan_in": gain / fan_in, "no gain": 1 / fan_in ** 0.5}[scale]
        return (x @ weight.t() + bias) * c if bias_scaled else x @ (weight * c).t() + bias
    return linear


equalized_linear = Check(
    "equalized_linear",
    reference=lambda x, weight, bias, gain: _progan.F.linear(x, weight * gain / weight.shape[1] ** 0.5, bias),
    cases=[Case("4 inputs of 16 features to 8, gain sqrt(2)",
                lambda: (_randn(11, 4, 16), _randn(12, 8, 16), _randn(13, 8), 2 ** 0.5)),
           Case("gain 1 (to-RGB layers), 64 features", lambda: (_randn(14, 2, 64), _randn(15, 3, 64), _randn(16, 3), 1.0)),
           Case("zero bias", lambda: (_randn(17, 3, 9), _randn(18, 5, 9), torch.zeros(5), 2 ** 0.5))],
    atol=1e-4,
    mistakes=[
        Mistake("He's constant is gain / sqrt(fan_in), with a square root.", _equalized_with(scale="fan_in")),
        Mistake("Multiply by the gain too: c = gain / sqrt(fan_in) (gain √2 for layers followed by leaky ReLU).",
                _equalized_with(scale="no gain")),
        Mistake("Scale the weights only, not the bias: F.linear(x, weight * c, bias).",
                _equalized_with(bias_scaled=True)),
    ],
)


# --------------------------------------------------------------------------------------------
# Notebook 06: StyleGAN's pieces.

def _adain_with(unbiased=False, swap=False, per="image and channel"):
    def adain(x, ys, yb):
        dims = (2, 3) if per == "image and channel" else (0, 2, 3)
        mu = x.mean(dim=dims, keepdim=True)
        sigma = (x.var(dim=dims, keepdim=True, unbiased=unbiased) + 1e-8).sqrt()
        s, b = (yb, ys) if swap else (ys, yb)
        return s[:, :, None, None] * (x - mu) / sigma + b[:, :, None, None]
    return adain


adain = Check(
    "adain",
    reference=_stylegan.adain,
    cases=[Case("2 images, 3 channels", lambda: (_randn(20, 2, 3, 4, 4, scale=3.0) + 1, _randn(21, 2, 3).abs() + 0.5,
                                                 _randn(22, 2, 3))),
           Case("one image, unit style", lambda: (_randn(23, 1, 4, 8, 8), torch.ones(1, 4), torch.zeros(1, 4))),
           Case("4 images of 2x2", lambda: (_randn(24, 4, 2, 2, 2, scale=5.0), _randn(25, 4, 2).abs(), _randn(26, 4, 2)))],
    atol=1e-4,
    mistakes=[
        Mistake("μ(x) and σ(x) are per image and per channel: reduce over the pixels (dims 2, 3) only.",
                _adain_with(per="channel")),
        Mistake("y_s scales and y_b shifts: y_s · (x − μ) / σ + y_b.", _adain_with(swap=True)),
        Mistake("Use the population standard deviation (unbiased=False), as instance norm does.",
                _adain_with(unbiased=True)),
    ],
)


def _demod_with(demod_dims=(2, 3, 4), modulate=True, demodulate=True):
    def modulated(x, weight, style):
        n, c_in, h, w = x.shape
        c_out, _, k, _ = weight.shape
        wts = weight[None] * (style[:, None, :, None, None] if modulate else 1.0)
        wts = wts.expand(n, -1, -1, -1, -1)
        if demodulate:
            wts = wts * torch.rsqrt(wts.pow(2).sum(dim=demod_dims, keepdim=True) + 1e-8)
        out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
        return out.view(n, c_out, *out.shape[-2:])
    return modulated


demodulation = Check(
    "demodulation",
    reference=lambda x, weight, style: _stylegan.modulated_conv2d(x, weight, style),
    cases=[Case("2 images, 4 -> 3 channels, 3x3", lambda: (_randn(27, 2, 4, 6, 6), _randn(28, 3, 4, 3, 3),
                                                          _randn(29, 2, 4).abs() + 0.2)),
           Case("one image, unit style", lambda: (_randn(30, 1, 2, 5, 5), _randn(31, 2, 2, 3, 3), torch.ones(1, 2))),
           Case("3 images, 1x1 kernel", lambda: (_randn(32, 3, 5, 4, 4), _randn(33, 6, 5, 1, 1), _randn(34, 3, 5).abs()))],
    atol=1e-4,
    mistakes=[
        Mistake("Demodulate per output channel j: sum w'² over the input channels and the kernel (dims 2, 3, 4 "
                "of the (N, C_out, C_in, k, k) weights), not over everything.", _demod_with(demod_dims=(1, 2, 3, 4))),
        Mistake("Demodulate too: divide each output channel's weights by sqrt(Σ w'² + ε), or the output's "
                "scale follows the style's.", _demod_with(demodulate=False)),
        Mistake("Modulate first: w' = s · w, each input channel i scaled by its style s_i "
                "(style[:, None, :, None, None]); then demodulate.", _demod_with(modulate=False)),
    ],
)


def _truncate_with(form="paper"):
    def truncate(w, w_avg, psi):
        return {"paper": w_avg + psi * (w - w_avg), "scale w": psi * w,
                "swapped": w + psi * (w_avg - w)}[form]
    return truncate


truncation = Check(
    "truncation",
    reference=_stylegan.truncate,
    cases=[Case("psi 0.7", lambda: (_randn(35, 4, 8), _randn(36, 8), 0.7)),
           Case("psi 1: no change", lambda: (_randn(37, 2, 8), _randn(38, 8), 1.0)),
           Case("psi 0: the mean w", lambda: (_randn(39, 3, 8), _randn(40, 8), 0.0))],
    mistakes=[
        Mistake("Truncate towards the mean w̄, not towards 0: w̄ + ψ (w − w̄).", _truncate_with("scale w")),
        Mistake("ψ = 1 must leave w unchanged and ψ = 0 give w̄: w̄ + ψ (w − w̄).", _truncate_with("swapped")),
    ],
)


def _noise_case(seed):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(2, 3, 4, 4, generator=g), torch.randn(1, 3, 1, 1, generator=g),
            torch.randn(2, 1, 4, 4, generator=g))


noise_injection = Check(
    "noise_injection",
    reference=lambda x, strength, noise: x + strength * noise,
    cases=[Case("2 images, 3 channels", lambda: _noise_case(41)),
           Case("zero strength: unchanged", lambda: (_noise_case(42)[0], torch.zeros(1, 3, 1, 1), _noise_case(42)[2])),
           Case("another draw", lambda: _noise_case(43))],
    mistakes=[
        Mistake("Add the scaled noise to x; do not multiply x by it.", lambda x, s, n: x * (1 + s * n)),
        Mistake("Scale the noise by the learned per-channel strength B: x + B · noise.", lambda x, s, n: x + n),
    ],
)


def _mapping_case(seed):
    torch.manual_seed(seed)
    net = _stylegan.MappingNetwork(z_dim=8, w_dim=8, layers=2)
    return net, torch.randn(4, 8, generator=torch.Generator().manual_seed(seed)) * 3


def _mapping_with(norm=True):
    def forward(net, z):
        x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8) if norm else z
        for layer in net.net[1:]:
            x = layer(x)
        return x
    return forward


mapping_forward = Check(
    "mapping_forward",
    reference=lambda net, z: net(z),
    cases=[Case("a 2-layer mapping network, 4 codes", lambda: _mapping_case(44)),
           Case("another network", lambda: _mapping_case(45))],
    atol=1e-4,
    mistakes=[
        Mistake("Normalise z first (pixel norm over its features: z / sqrt(mean z² + ε)), then the layers.",
                _mapping_with(norm=False)),
    ],
)



# -- notebook 07: GAN inversion and editing ----------------------------------------------------

def _features(x):
    """A stand-in perceptual network for the checks: per-channel means and a coarse pooling."""
    return torch.cat([x.mean(dim=(2, 3)), F.avg_pool2d(x, 2).flatten(1)], dim=1)


def _inversion_case(seed, weight):
    return _randn(seed, 2, 3, 4, 4), _randn(seed + 1, 2, 3, 4, 4), _features, weight


def _inversion_loss_with(pixel="mse", perceptual=True, features_of="both"):
    def loss(fake, target, features, weight):
        total = F.mse_loss(fake, target) if pixel == "mse" else F.l1_loss(fake, target)
        if perceptual:
            f_target = features(target) if features_of == "both" else target.flatten(1)[:, :features(fake).shape[1]]
            total = total + weight * F.mse_loss(features(fake), f_target)
        return total
    return loss


inversion_loss = Check(
    "inversion_loss",
    reference=lambda fake, target, features, weight: _inversion.inversion_loss(fake, target, features, weight),
    cases=[Case("weight 1", lambda: _inversion_case(50, 1.0)),
           Case("weight 0.1", lambda: _inversion_case(52, 0.1)),
           Case("weight 0: pixels only", lambda: _inversion_case(54, 0.0))],
    atol=1e-5,
    mistakes=[
        Mistake("Add the perceptual term: weight · mean((features(fake) − features(target))²).",
                _inversion_loss_with(perceptual=False)),
        Mistake("The pixel term is the mean squared error (F.mse_loss), not the absolute error.",
                _inversion_loss_with(pixel="l1")),
        Mistake("Compare the features of both images: features(fake) against features(target).",
                _inversion_loss_with(features_of="fake only")),
    ],
)


def _linear_synth(seed):
    matrix = _randn(seed, 12, 4)
    return lambda code: (code @ matrix.T).view(len(code), 3, 2, 2)


def _gradient_step_case(seed, lr):
    return _randn(seed, 2, 4), _randn(seed + 1, 2, 3, 2, 2), _linear_synth(seed + 2), lr


def _gradient_step_with(sign=-1.0, loss="mse"):
    def step(code, target, synthesize, lr):
        code = code.detach().requires_grad_(True)
        fake = synthesize(code)
        value = F.mse_loss(fake, target) if loss == "mse" else (fake - target).pow(2).sum()
        grad, = torch.autograd.grad(value, code)
        return (code + sign * lr * grad).detach()
    return step


gradient_step = Check(
    "gradient_step",
    reference=_inversion.gradient_step,
    cases=[Case("lr 0.5", lambda: _gradient_step_case(60, 0.5)),
           Case("lr 2", lambda: _gradient_step_case(64, 2.0)),
           Case("another generator", lambda: _gradient_step_case(68, 1.0))],
    atol=1e-5,
    mistakes=[
        Mistake("Step against the gradient: code − lr · ∇loss (descent, not ascent).", _gradient_step_with(sign=1.0)),
        Mistake("The loss is the mean of the squared differences (F.mse_loss), not their sum.",
                _gradient_step_with(loss="sum")),
    ],
)


def _project_with(normalise_other=True, renormalise=True):
    def project(direction, other):
        o = other / other.norm() if normalise_other else other
        d = direction - (direction @ o) * o
        return d / d.norm() if renormalise else d
    return project


project_out = Check(
    "project_out",
    reference=_inversion.project_out,
    cases=[Case("unit vectors", lambda: (torch.tensor([0.6, 0.8, 0.0]), torch.tensor([1.0, 0.0, 0.0]))),
           Case("another direction of any length", lambda: (_randn(70, 8), _randn(71, 8) * 3)),
           Case("nearly parallel", lambda: (torch.tensor([1.0, 0.1, 0.0, 0.0]), torch.tensor([2.0, 0.0, 0.0, 0.0])))],
    atol=1e-5,
    mistakes=[
        Mistake("Normalise the other direction first (o / ‖o‖): the projection is (d · ô) ô.",
                _project_with(normalise_other=False)),
        Mistake("Renormalise the result to unit length, so that an edit's step size means the same.",
                _project_with(renormalise=False)),
    ],
)


#: Every check, by name (the tests run each one against its reference, a stub and its mistakes).
ALL = {c.name: c for c in [to_model_range, d_loss, g_loss, train_step,
                           generator_input, discriminator_input, conditional_d_loss,
                           unet_forward, receptive_field, pix2pix_g_loss,
                           cycle_loss, identity_loss, image_pool, semantic_loss,
                           fade_in, pixel_norm, minibatch_std, equalized_linear,
                           adain, demodulation, truncation, noise_injection, mapping_forward,
                           inversion_loss, gradient_step, project_out,
                           q_sample, diffusion_loss, reverse_step]}


# --------------------------------------------------------------------------------------------
# Hints on request, in steps: the exercise's stub states the idea; ck.hint(name) gives the next step,
# the last about the exact operation, none of them the whole code.

HINTS = {
    'to_model_range': (
        'Integer pixels first become floats, or the division rounds.',
        '255 / 2 = 127.5: dividing by it gives [0, 2]; what shift then gives [-1, 1]?',
    ),
    'd_loss': (
        'The inputs are logits, not probabilities: use the loss that applies the sigmoid itself (…_with_logits).',
        "The targets are tensors of the logits' shape filled with ones for the real logits and zeros for the fake ones (torch.ones_like, torch.zeros_like).",
    ),
    'g_loss': (
        "It is D's loss on the fake logits, with the label flipped.",
        'Binary cross-entropy with logits against a target of ones shaped like the fake logits.',
    ),
    'train_step': (
        "Make the fakes once; D's update must not send gradients into G: give D a detached copy.",
        'Each update is three calls on its optimizer and loss: clear the old gradients, backpropagate, step.',
        "G's loss reads D's logits on the fakes that were *not* detached; freezing D's parameters meanwhile saves work.",
    ),
    'generator_input': (
        'A label becomes a one-hot vector of length 10 (F.one_hot), as floats.',
        'Join along the feature dimension (dim 1): the result is (N, nz + 10).',
    ),
    'discriminator_input': (
        'The one-hot label (N, 10) needs two more dimensions to become (N, 10, 1, 1).',
        "Stretch those to the image's height and width (expand), then join with the image along the channels.",
    ),
    'conditional_d_loss': (
        'One binary cross-entropy with logits per kind, each averaged over its batch.',
        'Targets: ones for the real logits, zeros for the fake and for the mismatched ones; add the three terms.',
    ),
    'unet_forward': (
        'Keep every encoder output in a list; the last one (the bottleneck) feeds the decoder and is not a skip.',
        'A stack fits: the decoder meets the encoder outputs in reverse order (list.pop()).',
        'Join along the channels (dim 1), and finish with the last layer G.to_image and tanh.',
    ),
    'receptive_field': (
        'Only the convolutions count; collect them in order from module.modules().',
        'Start at 1 pixel and go from the last conv to the first: r grows by (kernel − 1) times the product of the strides after it, or, one layer at a time, r ← (r − 1) · stride + kernel.',
    ),
    'pix2pix_g_loss': (
        "The GAN term is the non-saturating loss on D's fake logits (target: real).",
        'The reconstruction term is the mean absolute error between fake and target (F.l1_loss), times lambda_L1.',
    ),
    'cycle_loss': (
        'The distance is L1: the mean absolute difference over every pixel (F.l1_loss).',
        'F(G(a)) is compared with a, G(F(b)) with b: two terms, added, then multiplied by lambda_cycle.',
    ),
    'identity_loss': (
        "idt_a is F's output for an A image: it should equal real_a; likewise idt_b and real_b.",
        'The weight is the product lambda_cycle · lambda_identity (5 in the paper), on the sum of the two L1 terms.',
    ),
    'image_pool': (
        'Three cases per image: the pool is not full yet; it is full and the coin says swap; it is full and the coin says keep.',
        'A swap answers with the stored image at a random index and puts the new image in its place; join the answers with torch.cat.',
    ),
    'semantic_loss': (
        "The target is f's class for the source image, one index per image, read from logits_source (argmax over the classes).",
        "The translation's logits are judged against that target with the mean cross-entropy.",
    ),
    'equalized_linear': (
        "He's constant is gain / sqrt(fan_in); a linear layer's fan-in is its number of inputs, weight.shape[1].",
        'Scale the weight by the constant, then apply it as an ordinary linear layer (F.linear) with the bias unscaled.',
    ),
    'pixel_norm': (
        'The mean of the squares is taken over dim 1 (the channels), keeping the dimension for broadcasting.',
        'Add 1e-8 inside the square root so a zero vector does not divide by zero.',
    ),
    'minibatch_std': (
        'Reshape to (group size, N / group size, C, H, W): the first dimension runs across a group (image i goes to group i mod N/g).',
        'Population standard deviation over dim 0 (unbiased=False, +1e-8 inside the root), then the mean over C, H, W: one number per group.',
        'Repeat that number into a (N, 1, H, W) map in the same group order and concatenate it to x along the channels.',
    ),
    'fade_in': (
        'At alpha = 0 the result is the old output alone, at alpha = 1 the new one alone.',
        'A linear interpolation between the two (torch.lerp does it, or weights that sum to 1).',
    ),
    'mapping_forward': (
        'The normalisation divides each z by its root-mean-square over the features (dim 1), +1e-8 inside the root.',
        'net.net[0] is that normalisation; apply net.net[1:] one after the other.',
    ),
    'adain': (
        'The statistics are per image and per channel: over the spatial dims (2, 3), keeping them for broadcasting.',
        'The spread is the population standard deviation (unbiased=False) with 1e-8 inside the root; the style vectors (N, C) need two trailing dimensions.',
    ),
    'noise_injection': (
        'noise is (N, 1, H, W) and strength (1, C, 1, 1): broadcasting makes (N, C, H, W).',
        'Nothing else is needed: no normalisation, no new noise.',
    ),
    'demodulation': (
        'Modulated weights per image: (N, C_out, C_in, k, k), the style multiplying the input-channel dimension.',
        'Demodulate: divide by the root of the sum of squares over (C_in, k, k), +1e-8 inside the root.',
        'One grouped convolution does N convolutions at once: the batch folded into channels (1, N·C_in, H, W), groups = N, padding k // 2.',
    ),
    'truncation': (
        'psi = 1 leaves w alone, psi = 0 gives the average for every code.',
        'A linear interpolation from w_avg towards w with weight psi.',
    ),
    'inversion_loss': (
        'Both are mean squared errors (F.mse_loss).',
        'The feature distance compares features(fake) with features(target) and is weighed by weight; add the pixel term.',
    ),
    'gradient_step': (
        'Start from a leaf copy of the code that requires a gradient (detach, then requires_grad_).',
        'torch.autograd.grad of the mean squared error between synthesize(code) and target gives the gradient; step against it by lr and return a detached tensor.',
    ),
    'project_out': (
        'Project onto the *unit* other direction: normalise it first.',
        'Subtract (direction · o) o, then divide the result by its norm.',
    ),
    'q_sample': (
        'ᾱ_t = alphas_cumprod[t], one value per image: reshape it to (N, 1, 1, 1) to broadcast over the image.',
        'The scales are the square roots of ᾱ_t (for x_0) and of 1 − ᾱ_t (for the noise).',
    ),
    'diffusion_loss': (
        'x_t comes from your q_sample with the given t and noise.',
        "The loss is the mean squared error between the model's output at (x_t, t) and the noise that was added.",
    ),
    'reverse_step': (
        'alpha_t = 1 − beta_t; the mean subtracts beta_t / sqrt(1 − ᾱ_t) times eps from x_t, then divides by sqrt(alpha_t).',
        'sigma_t = sqrt(beta_t); at t = 0 return the mean alone.',
    ),
}

_hints_given = {}


def hint(name):
    """The next hint for exercise ``name`` (its check's name, e.g. ``"cycle_loss"``); call again for the next.

    >>> ck.hint("cycle_loss")
    Hint 1 of 2 for cycle_loss: The distance is L1: ...
    """
    if name not in ALL:
        raise KeyError(f"no exercise {name!r}; the exercises are {', '.join(sorted(ALL))}")
    steps = ALL[name].hints
    k = _hints_given.get(name, 0)
    if k >= len(steps):
        print(f"That was the last hint for {name}. Compare your code with the equation in the text above, line "
              f"by line, and run the check: it names the mistakes it recognises.")
        return
    _hints_given[name] = k + 1
    print(f"Hint {k + 1} of {len(steps)} for {name}: {steps[k]}")


for _name, _steps in HINTS.items():
    ALL[_name].hints = _steps
