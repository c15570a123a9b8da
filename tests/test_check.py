"""Every exercise check accepts the reference and rejects a stub and each plausible wrong answer."""

import pytest
import torch

import coursekit as ck
from coursekit.check import ALL


def _stub(*args):
    raise NotImplementedError("Exercise: write your solution here")


CHECKS = sorted(ALL)
MISTAKES = [(name, i) for name in CHECKS for i in range(len(ALL[name].mistakes))]


@pytest.mark.parametrize("name", CHECKS)
def test_check_accepts_the_reference(name):
    check = ALL[name]
    assert check.report(check.reference).ok


@pytest.mark.parametrize("name", CHECKS)
def test_check_says_not_implemented_on_a_stub_and_hands_back_the_reference(name, capsys):
    check = ALL[name]
    assert check.report(_stub).status == "not implemented"
    assert check(_stub) is check.reference
    assert "not implemented yet — using the reference" in capsys.readouterr().out


@pytest.mark.parametrize("name, i", MISTAKES)
def test_check_rejects_each_plausible_mistake_with_its_hint(name, i, capsys):
    check = ALL[name]
    mistake = check.mistakes[i]
    report = check.report(mistake.fn)
    assert report.status == "failed" and report.hint == mistake.hint
    assert check(mistake.fn) is check.reference
    assert "goes on with the reference" in capsys.readouterr().out


@pytest.mark.parametrize("name", CHECKS)
def test_every_check_knows_at_least_one_mistake(name):
    assert ALL[name].mistakes


def test_a_passing_function_is_returned_as_it_is(capsys):
    def mine(x):
        return x.float() * (2 / 255) - 1

    assert ck.check.to_model_range(mine) is mine
    assert "✔ to_model_range: all 4 cases passed." in capsys.readouterr().out


def test_a_missing_return_is_named():
    report = ck.check.to_model_range.report(lambda x: None)
    assert report.status == "failed" and "return" in report.hint


def test_a_wrong_shape_is_named():
    report = ck.check.to_model_range.report(lambda x: (x.float() / 127.5 - 1).flatten()[:1])
    assert "returned shape (1,), expected (2,)" in str(report)


def test_integer_output_is_named():
    report = ck.check.to_model_range.report(lambda x: (x // 128).long() * 2 - 1)
    assert report.status == "failed" and "float" in report.hint


def test_an_exception_in_the_students_code_is_reported_not_raised():
    report = ck.check.to_model_range.report(lambda x: x.nope())
    assert report.status == "failed" and "raised AttributeError" in str(report)


def test_an_unrecognised_wrong_answer_still_fails_with_the_case_and_values():
    report = ck.check.to_model_range.report(lambda x: x.float() / 127.5 - 0.9)
    assert (report.status == "failed" and "black 0 and white 255" in str(report)
            and "largest difference 0.1" in str(report))


def test_passing_a_value_instead_of_a_function_is_explained():
    report = ck.check.to_model_range.report(torch.zeros(2))
    assert report.status == "failed" and "without calling it" in report.hint


@pytest.mark.parametrize("name", CHECKS)
def test_every_exercise_has_hints_in_steps(name):
    assert len(ALL[name].hints) >= 2


def test_hints_come_one_step_at_a_time_then_say_they_are_done(capsys):
    from coursekit import check

    check._hints_given.pop("fade_in", None)
    steps = ALL["fade_in"].hints
    for k, step in enumerate(steps, 1):
        ck.hint("fade_in")
        assert f"Hint {k} of {len(steps)} for fade_in: {step}" in capsys.readouterr().out
    ck.hint("fade_in")
    assert "That was the last hint" in capsys.readouterr().out
    with pytest.raises(KeyError, match="no exercise 'nope'"):
        ck.hint("nope")


def test_a_d_loss_on_fake_without_detach_is_named_before_pytorchs_advice():
    from coursekit.models.dcgan.checks import _tiny_gan  # noqa: F401  (the check's own cases)
    from coursekit.models import dcgan

    def no_detach(G, D, opt_G, opt_D, real, z):
        fake = G(z)
        loss_D = dcgan.d_loss(D(real), D(fake))
        opt_D.zero_grad()
        loss_D.backward()
        opt_D.step()
        loss_G = dcgan.g_loss(D(fake))
        opt_G.zero_grad()
        loss_G.backward()
        opt_G.step()
        return loss_D.detach(), loss_G.detach()

    report = ck.check.train_step.report(no_detach)
    assert report.status == "failed" and "fake.detach()" in report.hint and "retain_graph" in report.hint


def test_updating_g_before_d_is_accepted_as_a_valid_alternating_update():
    from coursekit.models.dcgan.checks import _step_g_first

    report = ck.check.train_step.report(_step_g_first)
    assert report.ok and "G updated before D" in str(report)


def test_values_that_differ_in_a_tensor_of_the_right_shape_are_located_not_called_a_shape_error():
    from coursekit.check import q_sample

    report = q_sample.report(lambda x0, t, noise, abar: q_sample.reference(x0, t, noise, abar) + 0.5)
    assert "shape" in str(report) and "is right" in str(report) and "largest difference 0.5" in str(report)


def test_crossed_optimizers_which_raise_inside_pytorch_are_named_from_the_error():
    from coursekit.models.dcgan.checks import _wrong_step

    report = ck.check.train_step.report(_wrong_step(swap_optimizers=True))
    assert report.status == "failed" and "not crossed" in report.hint


def test_diffusion_answers_off_by_a_little_are_rejected_on_a_coarse_schedule():
    """On T = 1000's fine schedule some wrong answers differ from the reference by less than the check's
    tolerance; the coarse schedule's case tells them apart."""
    import torch.nn.functional as F

    from coursekit.models import ddpm

    def only_x_divided(eps, t, x, betas, abar, z):  # √α_t divides x_t but not the noise's term
        mean = x / (1 - betas[t]).sqrt() - betas[t] / (1 - abar[t]).sqrt() * eps
        return mean + betas[t].sqrt() * z if t > 0 else mean

    def noise_before_dividing(eps, t, x, betas, abar, z):
        inner = x - betas[t] / (1 - abar[t]).sqrt() * eps + (betas[t].sqrt() * z if t > 0 else 0)
        return inner / (1 - betas[t]).sqrt()

    def earlier_step(model, x0, t, noise, abar):
        s = (t - 1).clamp(min=0)
        return F.mse_loss(model(ddpm.q_sample(x0, s, noise, abar), s), noise)

    found = ALL
    for fn in (only_x_divided, noise_before_dividing):
        assert not found["reverse_step"].report(fn).ok, fn.__name__
    assert not found["diffusion_loss"].report(earlier_step).ok
    assert found["reverse_step"].report(ddpm.reverse_step).ok
    assert found["diffusion_loss"].report(ddpm.simple_loss).ok


def test_pixel_norm_with_epsilon_outside_the_root_is_rejected():
    """ε belongs inside the root, √(mean x² + ε): outside it changes nothing on features of a usual size,
    everything on tiny ones (the case that tells them apart)."""
    def outside(x):
        return x / (x.pow(2).mean(1, keepdim=True).sqrt() + 1e-8)

    assert not ALL["pixel_norm"].report(outside).ok


def test_right_values_that_cut_or_open_the_graph_fail_with_where_the_gradient_went():
    import torch.nn.functional as F

    def detached(logits):
        return F.binary_cross_entropy_with_logits(logits.detach(), torch.ones_like(logits))

    rep = ck.check.checks()["g_loss"].report(detached)
    assert not rep.ok and "no gradient" in rep.lines[-1] and "`fake_logits`" in rep.hint
    assert ck.check.checks()["g_loss"].report(ck.check.checks()["g_loss"].reference).ok
    # the other way round: a .detach() the formula has, missing
    case = ck.check.Case("two vectors", (torch.tensor([1.0, 2.0, 3.0]), torch.tensor([0.5, 0.0, 1.0])))
    chk = ck.check.Check("target_gap", lambda x, target: x - target.detach(), [case])
    assert chk.report(lambda x, target: x - target.detach().clone()).ok  # another way to write it
    rep = chk.report(lambda x, target: x - target)
    assert not rep.ok and "`target`" in rep.hint and ".detach()" in rep.hint
