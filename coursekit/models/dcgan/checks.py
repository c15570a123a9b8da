"""Notebook 01: the GAN losses and the alternating step.

The exercise checks of this lecture, each with its hints (``ck.check.<name>``, ``ck.hint(name)``).
"""

import torch
import torch.nn.functional as F

import coursekit as _ck
from coursekit.check import Case, Check, Goal, Lab, Mistake, Terms, random_logits
from coursekit.models import dcgan as _dcgan


_bce = F.binary_cross_entropy_with_logits


d_loss = Check(
    "d_loss",
    terms=Terms(("the real images' term", "the fake images' term"),
                lambda r, f: (_bce(r, torch.ones_like(r)), _bce(f, torch.zeros_like(f))), lambda r, f: (1, 1),
                lambda r, f: (("bce", r, torch.ones_like(r)), ("bce", f, torch.zeros_like(f)))),
    hints=(
        'The inputs are logits, not probabilities: use the loss that applies the sigmoid itself '
        '(…_with_logits).',
        "The targets are tensors of the logits' shape filled with ones for the real logits and zeros for the "
        "fake ones (torch.ones_like, torch.zeros_like).",
    ),
    reference=_dcgan.d_loss,
    cases=[Case("D sure and right", (torch.tensor([4.0, 6.0]), torch.tensor([-5.0, -3.0]))),
           Case("D unsure (logits near 0)", (torch.tensor([0.1, -0.2, 0.0]), torch.tensor([0.3, 0.0, -0.1]))),
           Case("a batch of 64 random logits", lambda: random_logits(0))],
    mistakes=[
        Mistake("D returns logits and binary_cross_entropy_with_logits applies the sigmoid itself: "
                "do not apply torch.sigmoid first.",
                lambda r, f: _bce(torch.sigmoid(r), torch.ones_like(r))
                + _bce(torch.sigmoid(f), torch.zeros_like(f))),
        Mistake("Real images are labelled 1 and generated ones 0; your labels are swapped.",
                lambda r, f: _bce(r, torch.zeros_like(r)) + _bce(f, torch.ones_like(f))),
        Mistake("Average over the batch (reduction='mean', the default), not a sum.",
                lambda r, f: _bce(r, torch.ones_like(r), reduction="sum")
                + _bce(f, torch.zeros_like(f), reduction="sum")),
        Mistake("Only the real term is there: D must also learn to call G's samples fake.",
                lambda r, f: _bce(r, torch.ones_like(r))),
        Mistake("You averaged the two terms; the lecture's loss adds them: −log D(x) − log(1 − D(G(z))).",
                lambda r, f: 0.5 * (_bce(r, torch.ones_like(r)) + _bce(f, torch.zeros_like(f)))),
    ],
)

g_loss = Check(
    "g_loss",
    terms=Terms(("G's term",), lambda f: (_bce(f, torch.ones_like(f)),), lambda f: (1,),
                lambda f: (("bce", f, torch.ones_like(f)),)),
    variants=[
        ("You used D's loss on the fakes (target 0) with the sign flipped: that is the saturating minimax "
         "loss; the non-saturating loss is the cross-entropy against 1.",
         lambda f: -_bce(f, torch.zeros_like(f))),
    ],
    hints=(
        "It is D's loss on the fake logits, with the label flipped.",
        'Binary cross-entropy with logits against a target of ones shaped like the fake logits.',
    ),
    reference=_dcgan.g_loss,
    cases=[Case("D sure the samples are fake", (torch.tensor([-6.0, -4.0]),)),
           Case("D unsure", (torch.tensor([0.2, -0.1, 0.0]),)),
           Case("a batch of 64 random logits", lambda: (random_logits(1)[1],))],
    mistakes=[
        Mistake("That is the saturating loss log(1 − D(G(z))): its gradient vanishes exactly when D wins. "
                "Minimise −log D(G(z)) instead: BCE against the label 1.", _dcgan.g_loss_saturating),
        Mistake("D returns logits: do not apply torch.sigmoid before binary_cross_entropy_with_logits.",
                lambda f: _bce(torch.sigmoid(f), torch.ones_like(f))),
        Mistake("G wants D to call its samples *real*: the target is 1, not 0.",
                lambda f: _bce(f, torch.zeros_like(f))),
        Mistake("Average over the batch, not a sum.", lambda f: _bce(f, torch.ones_like(f), reduction="sum")),
        Mistake("−mean(logits) is the WGAN critic's loss, for a D without a sigmoid; this D's logits go "
                "through a sigmoid: binary cross-entropy against 1.", lambda f: -f.mean()),
        Mistake("The sign is flipped: log D(G(z)) is to be *maximised*, so G minimises −log D(G(z)), a "
                "positive number that falls as D is fooled.", lambda f: -_bce(f, torch.ones_like(f))),
    ],
)


def _tiny_gan(seed=0):
    torch.manual_seed(seed)
    config = _dcgan.DCGANConfig(z_dim=8, width=4)
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


def _wrong_step(g_loss_fn=_dcgan.g_loss, zero_D_grads=True, zero_G_grads=True, swap_d_args=False,
                swap_optimizers=False, detach_for_G=False):
    """The alternating step with one mistake: a saturating G loss, gradients never zeroed, d_loss's
    arguments swapped, each network stepped by the other's optimizer, or G's loss on detached fakes
    (crossed optimizers raise inside PyTorch: the check names that mistake from the error)."""
    def step(G, D, opt_G, opt_D, real, z):
        fake = G(z)
        d_real, d_fake = D(real), D(fake.detach())
        loss_D = _dcgan.d_loss(d_fake, d_real) if swap_d_args else _dcgan.d_loss(d_real, d_fake)
        if zero_D_grads:
            opt_D.zero_grad()
        loss_D.backward()
        (opt_G if swap_optimizers else opt_D).step()
        loss_G = g_loss_fn(D(fake.detach() if detach_for_G else fake))
        if zero_G_grads:
            opt_G.zero_grad()
        loss_G.backward()
        (opt_D if swap_optimizers else opt_G).step()
        return loss_D.detach(), loss_G.detach()
    return step


def _step_symptom(got, expected):
    """What two steps of a student's train_step did wrong, read from :func:`_two_steps`'s vector: the four
    losses (D's and G's, two steps), then G's parameters, then D's."""
    G, D, *_ = _tiny_gan(0)
    n_G = sum(p.numel() for p in G.parameters())
    differ = lambda a, b: not torch.allclose(a, b, atol=1e-4, equal_nan=True)  # noqa: E731
    first, second = [differ(a, b) for a, b in ((got[:2], expected[:2]), (got[2:4], expected[2:4]))]
    g_wrong, d_wrong = differ(got[4:4 + n_G], expected[4:4 + n_G]), differ(got[4 + n_G:], expected[4 + n_G:])
    if differ(got[0:1], expected[0:1]):
        return ("D's loss on the first step is not the expected one: it should read D's logits on the real "
                "batch and on G(z) for the z given (fresh noise, or other inputs, give other numbers)")
    if second and not g_wrong and not d_wrong:
        return "the weights end right but the losses returned are not those of each step"
    if d_wrong and first:
        return ("D's loss is right but D ends with other weights, and G's loss (read after D's update) "
                "differs: D's update is wrong (its gradients cleared before loss_D.backward(), then "
                "opt_D.step())")
    if first:
        return ("D's loss on the first step is right but G's is not: G's loss should read D's logits on the "
                "same fakes G(z), after D's update")
    if d_wrong and not g_wrong:
        return ("D ends with other weights than the expected while G's are right: D's update is wrong (its "
                "gradients cleared before loss_D.backward(), then opt_D.step(), and nothing else in "
                "D's .grad)")
    if g_wrong and not d_wrong:
        return ("G ends with other weights than the expected while D's are right: G's update is wrong (its "
                "gradients cleared before loss_G.backward(), then opt_G.step())")
    return ("both networks end with other weights than the expected: D's gradients reached G's update or the "
            "other way round (each loss's backward must feed only its own network's step: zero_grad, "
            "backward, step, for D and then for G)")


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
    hints=(
        "Make the fakes once; D's update must not send gradients into G: give D a detached copy.",
        'Each update is three calls on its optimizer and loss: clear the old gradients, backpropagate, step.',
        "G's loss reads D's logits on the fakes that were *not* detached; freezing D's parameters meanwhile "
        "saves work.",
    ),
    reference=_dcgan.train_step,
    alternatives=[("G updated before D: also a valid alternating update", _step_g_first)],
    observe=_two_steps,
    behaviours=lambda got, expected: _step_symptom(got, expected),
    atol=1e-4,
    cases=[Case("two steps of a tiny DCGAN", lambda: _tiny_gan(0)),
           Case("two steps from another start", lambda: _tiny_gan(1))],
    mistakes=[
        Mistake("D's gradients pile up from one step to the next: call opt_D.zero_grad() before "
                "loss_D.backward().",
                _wrong_step(zero_D_grads=False)),
        Mistake("G's loss is the saturating log(1 − D(G(z))); use the non-saturating −log D(G(z)).",
                _wrong_step(g_loss_fn=_dcgan.g_loss_saturating)),
        Mistake("G's gradients pile up from one step to the next: call opt_G.zero_grad() before "
                "loss_G.backward() (D's update also leaves nothing useful in G's .grad).",
                _wrong_step(zero_G_grads=False)),
        Mistake("d_loss takes D's logits on the *real* images first, then on the fakes: yours are swapped, "
                "so D learns to call the fakes real.", _wrong_step(swap_d_args=True)),
        Mistake("G's loss reads D(fake.detach()): the gradient stops before G, so G never learns. Detach the "
                "fakes for D's loss only; G's loss needs D(fake).", _wrong_step(detach_for_G=True)),
    ],
)


# --------------------------------------------------------------------------------------------
# The lab: end the mode collapse of the 2-D GAN whose D learns ten times faster than G.

RING_STD = 0.02


def _score_remedy(train, seeds=(0, 1, 2), steps=3000):
    """Modes covered and the high-quality share of 2,500 samples of the G that ``train(seed, steps)``
    returns for each seed, on the ring of 8 Gaussians (``ck.metrics.mode_coverage``)."""
    centers = _ck.data.ring_centers(8, radius=2.0)
    modes, quality = [], []
    for seed in seeds:
        G = train(seed, steps)
        if not isinstance(G, torch.nn.Module):
            raise TypeError(f"train(seed, steps) must return the trained generator (a torch.nn.Module), "
                            f"got {type(G).__name__}")
        with torch.no_grad():
            samples = G(torch.randn(2500, G.config.z_dim,
                                    generator=torch.Generator().manual_seed(1000 + seed)))
        coverage = _ck.metrics.mode_coverage(samples, centers, RING_STD)
        modes.append(coverage["modes"])
        quality.append(coverage["high_quality"])
    return {"fewest_modes": min(modes), "high_quality": sum(quality) / len(quality), "modes_per_seed": modes,
            "seeds": len(seeds), "steps": steps}


lab_mode_collapse = Lab(
    "lab_mode_collapse",
    task="keep D ten times faster than G (lr_D = 1e-2, lr_G = 1e-3) and stop the collapse by any remedy: "
         "train(seed, steps) returns G, and every seed's G must cover all 8 modes with sharp samples.",
    measure=_score_remedy,
    goals=[Goal("fewest_modes", "modes covered by the worst seed (of 8)", at_least=8),
           Goal("high_quality", "share of samples within 3σ of a mode", at_least=0.5)],
    hints=(
        "The fast D grows steep walls around wherever G's samples are; G is pushed from mode to mode. A "
        "remedy either keeps D smooth, or changes what D can see.",
        "Keeping D smooth: penalise D's gradient on real points (R1: γ/2 · E‖∇_x D(x)‖², γ a few units), or "
        "the WGAN-GP critic with its gradient penalty on mixes of real and fake points.",
        "The R1 way in code: real.requires_grad_(True), grad = torch.autograd.grad(D(real).sum(), real, "
        "create_graph=True)[0], add γ/2 · grad.pow(2).sum(1).mean() to D's loss.",
    ),
)
