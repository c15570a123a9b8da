"""Diagnosis by relation (coursekit.feedback): feedback for mistakes no check was told about."""

import importlib

import pytest
import torch

from coursekit import errors, feedback
from coursekit.check import checks

GENERIC = ("Compare your formula", "Read the task again", "Read the error above", "Two tensors' shapes",
           "Check which dimension")


def x(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("got, says", [
    (lambda e: -e, "exactly the negative"),
    (lambda e: e * 4, "4 times the expected: a sum over the batch size"),
    (lambda e: e / 64, "1/64 of the expected: an average over the pixels of one image"),
    (lambda e: e * 2, "a factor 2 too many"),
    (lambda e: e + 0.25, "plus 0.25 everywhere"),
    (lambda e: e.flip(3), "reverse order along dimension 3"),
    (lambda e: e.transpose(2, 3), "transposed (dimensions 2 and 3 swapped)"),
    (lambda e: e * e, "the square of the expected"),
    (lambda e: (e + 1) / 2, "(expected + 1) / 2"),
    (lambda e: torch.where(e > 1, torch.nan, e), "holds NaN"),
    (lambda e: torch.cat([e[:, :2], e[:, 2:] * 3], 1), "right except at indices 2..2 of dimension 1"),
])
def test_a_relation_between_a_wrong_output_and_the_expected_is_named(got, says):
    expected = x(4, 3, 8, 8).abs() + 0.1 if "square" in says else x(4, 3, 8, 8)
    counts = feedback.counts_of((expected,))
    assert says in feedback.diagnose([(got(expected), expected, counts)])


def test_a_relation_counts_only_when_every_failing_case_shows_it():
    a, b = x(4, 8), x(4, 8, seed=1)
    # negated once, doubled once: no diagnosis
    assert feedback.diagnose([(-a, a, {}), (2 * b, b, {})]) is None
    # a passing case is neutral
    assert "negative" in feedback.diagnose([(-a, a, {}), (b, b, {}), (-b, b, {})])
    assert feedback.diagnose([(x(4, 8, seed=2), a, {})]) is None  # unrelated numbers: nothing invented


def test_a_loss_whose_terms_are_weighed_otherwise_is_named_term_by_term():
    d_loss = checks()["d_loss"]
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    only_fake = lambda r, f: bce(f, torch.zeros_like(f))  # noqa: E731
    assert "the real images' term is missing" in d_loss.report(only_fake).hint
    pix2pix = checks()["pix2pix_g_loss"]
    no_lambda = lambda logits, fake, target, lam: (bce(logits, torch.ones_like(logits))  # noqa: E731
                                                   + (fake - target).abs().mean())
    assert "the L1 term lacks its weight λ" in pix2pix.report(no_lambda).hint
    summed = lambda logits, fake, target, lam: (bce(logits, torch.ones_like(logits))  # noqa: E731
                                                + lam * (fake - target).abs().sum())
    assert "the L1 term is a sum over every value, not a mean" in pix2pix.report(summed).hint


def test_a_time_index_off_by_one_is_named():
    from coursekit.models import ddpm

    q_sample = checks()["q_sample"]
    lecture_t = lambda x0, t, noise, ac: ddpm.q_sample(x0, t - 1, noise, ac)  # noqa: E731
    assert "a time step earlier" in q_sample.report(lecture_t).hint
    diffusion_loss = checks()["diffusion_loss"]
    told_t_plus_1 = lambda model, x0, t, noise, ac: torch.nn.functional.mse_loss(  # noqa: E731
        model(ddpm.q_sample(x0, t, noise, ac), t + 1), noise)
    assert "a time step later" in diffusion_loss.report(told_t_plus_1).hint
    everything_later = lambda model, x0, t, noise, ac: ddpm.simple_loss(model, x0, t + 1, noise, ac)  # noqa: E731
    assert "a time step later" in diffusion_loss.report(everything_later).hint


def test_a_behaviour_check_says_which_behaviour_failed_never_to_compare_a_formula():
    from coursekit.models.cyclegan import query_pool

    def grows(pool, images, size):  # a swap that appends instead of replacing
        out = query_pool(pool, images, size)
        pool.extend(images.split(1)[:1])
        return out

    report = checks()["image_pool"].report(grows)
    assert not report.ok and "wrong number of images" in report.hint and "formula" not in report.hint


def test_a_float64_result_and_a_result_cut_from_the_graph_are_named():
    from coursekit.models import dcgan

    g_loss = checks()["g_loss"]
    assert "float64" in g_loss.report(lambda f: dcgan.g_loss(f).double()).hint
    d_loss = checks()["d_loss"]
    assert d_loss.report(dcgan.d_loss).ok


@pytest.mark.parametrize("module", ["wrong_answers"] + [f"wrong_answers_{n}" for n in range(2, 13)])
def test_wrong_answers_written_blind_all_fail_and_most_get_a_named_hint(module):
    """The blind sets (tests/blind): every answer fails its check; the share that gets a hint naming
    the mistake (not a generic line) stays at least what this version reaches (issue 37's goal is 80%),
    and so does the share named by a relation or the registry alone, without the trace's located hints
    (so that the trace, the last resort, does not hide a relation lost)."""
    from coursekit.trace import MARKS

    wrong = importlib.import_module(f"tests.blind.{module}").WRONG
    found, total, named, related = checks(), 0, 0, 0
    for name, answers in wrong.items():
        for description, fn in answers:
            report = found[name].report(fn)
            assert not report.ok, (name, description)
            total += 1
            named += bool(report.hint) and not report.hint.startswith(GENERIC)
            related += bool(report.hint) and not report.hint.startswith(GENERIC) and not any(
                mark in report.hint for mark in MARKS)
    assert named / total >= FLOOR[module][0], f"{named}/{total} named"
    assert related / total >= FLOOR[module][1], f"{related}/{total} named by a relation or the registry"


#: The share of each blind set this version names, and names by a relation or the registry (issue 37's note
#: has the per-exercise counts).  Each set was written blind after the one before had shaped the diagnosis.
FLOOR = {"wrong_answers": (0.97, 0.88), "wrong_answers_2": (0.97, 0.8), "wrong_answers_3": (0.97, 0.82),
         "wrong_answers_4": (0.97, 0.75), "wrong_answers_5": (0.97, 0.72), "wrong_answers_6": (0.97, 0.82),
         "wrong_answers_7": (0.97, 0.82), "wrong_answers_8": (0.97, 0.82), "wrong_answers_9": (0.97, 0.79),
         "wrong_answers_10": (0.97, 0.66), "wrong_answers_11": (0.97, 0.69), "wrong_answers_12": (0.97, 0.6)}


def test_bad_inputs_get_an_error_or_warning_that_names_the_fix():
    import coursekit as ck
    from coursekit.models import dcgan

    digits = ck.data.mnist("test", verbose=False)
    images, labels = digits.images[:64], digits.labels[:64]
    with pytest.raises(ValueError, match="0..255.*to_model_range"):
        ck.metrics.class_accuracy((images + 1) * 127.5, labels)
    with pytest.warns(UserWarning, match=r"\[0, 1\].*x \* 2 - 1"):
        ck.metrics.class_accuracy((images + 1) / 2, labels)
    with pytest.raises(ValueError, match="NaN or infinite"):
        ck.metrics.class_accuracy(images * torch.nan, labels)
    with pytest.raises(ValueError, match="NaN or infinite"):
        ck.metrics.frechet_distance(torch.full((8, 4), torch.nan), torch.randn(8, 4))
    G = dcgan.Generator()
    with pytest.raises(TypeError, match=r"float64 input.*x\.float\(\)"):
        G(torch.randn(2, G.config.z_dim, dtype=torch.float64))
    # on purpose
    assert G.double()(torch.randn(2, G.config.z_dim, dtype=torch.float64)).dtype == torch.float64


def _toy_check(reference, cases):
    from coursekit.check import Case, Check

    return Check("toy", reference, [Case(f"case {i}", args) for i, args in enumerate(cases)])


def scaled_offset(x, mean, psi):
    """A truncation-like toy: mean + psi * (x - mean), one row per image."""
    return mean + psi * (x - mean)


@pytest.mark.parametrize("wrong, says", [
    (lambda x, m, p: m + (x - m) / p, "ψ replaced by 1/ψ: ψ divides where the formula multiplies"),
    (lambda x, m, p: m + (x - m) * p * p, "ψ replaced by ψ²"),
    (lambda x, m, p: m + (x.t() - m) * p, "`x` replaced by its transpose"),
    (lambda x, m, p: m + p * (x - x.mean(0)), "changes with the size of the batch"),
    (lambda x, m, p: m + p * (x + 0.5 * x.roll(1, 0) - m), "depends on where it sits in the batch"),
    (lambda x, m, p: m + p * (torch.randn(x.shape) - m), "does not change when `x` changes"),
    (lambda x, m, p: m + p * (m - x) * 0 + x, "does not change when ψ changes"),
    (lambda x, m, p: x + p * (m - x), "ψ replaced by 1 − ψ"),  # the same as x and m swapped
])
def test_how_a_wrong_answer_answers_to_its_inputs_is_named(wrong, says):
    def ref(x, m, psi):
        return scaled_offset(x, m, psi)

    cases = [(x(6, 6, seed=s), x(1, 6, seed=s + 10), p) for s, p in ((0, 0.7), (1, 0.4), (2, 1.5))]
    report = _toy_check(ref, cases).report(wrong)
    assert not report.ok and says in report.hint, report.hint


def test_a_schedule_read_one_step_off_and_a_slice_scaled_as_a_whole_are_named():
    schedule = torch.linspace(0.9, 0.1, 20)
    cases = [(x(4, 3, seed=s), torch.tensor([3, 7, 0, 12]), schedule) for s in range(3)]
    check = _toy_check(lambda v, t, s: v * s[t][:, None], cases)
    early = check.report(lambda v, t, s: v * s.roll(1, 0)[t][:, None])
    assert "replaced by itself read one step early" in early.hint
    pairs = [(x(4, 3, seed=s), x(4, 3, seed=s + 5)) for s in range(3)]
    difference = _toy_check(lambda a, b: a - 2 * b, pairs)
    assert "`a` and `b` swapped" in difference.report(lambda a, b: b - 2 * a).hint
    # a per-row scale computed otherwise: the same along each row, another across rows
    e = x(4, 8).abs() + 0.1
    assert "the same along dimension 1" in feedback.diagnose(
        [(e * torch.arange(2.0, 6.0)[:, None], e, {})])


def test_a_wrong_shape_and_a_shape_error_are_said_with_the_sizes_of_the_case():
    from coursekit import probe

    sizes = probe.size_names(lambda images, labels: None, (torch.zeros(8, 3, 4, 4), torch.zeros(8)))
    assert sizes == {8: "the batch size", 3: "the channels", 4: "the height"}
    said = probe.shape_words(torch.ones(8) * 2, torch.tensor(2.0), sizes)
    assert "keeps dimension 0 (of size 8 (the batch size))" in said and "take the mean" in said
    assert "size 1 lost or added" in probe.shape_words(torch.ones(8, 3), torch.ones(8, 3, 1), sizes)
    try:
        torch.ones(8, 3, 4, 4) * torch.ones(3, 8)[:, :, None, None]
    except RuntimeError as error:
        said = errors.error_words(error, sizes)
    assert "3 (the channels)" in said and "8 (the batch size)" in said


def test_a_layer_whose_statistics_are_cut_from_the_graph_fails_though_its_values_are_right():
    def detached_statistics(x, style_scale, style_bias, eps=1e-8):
        mu = x.mean(dim=(2, 3), keepdim=True).detach()
        sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + eps).sqrt().detach()
        return style_scale[:, :, None, None] * (x - mu) / sigma + style_bias[:, :, None, None]

    report = checks()["adain"].report(detached_statistics)
    assert not report.ok and "the gradient that flows back to `x` is not the formula's" in report.hint
    # a loss may cut a constant from the graph: its target's features detached is still right
    import torch.nn.functional as F

    inversion = checks()["inversion_loss"]
    assert inversion.report(lambda fake, target, features, weight: F.mse_loss(fake, target)
                            + weight * F.mse_loss(features(fake), features(target).detach())).ok


def test_a_path_cut_where_the_first_case_weighs_it_nothing_still_fails():
    import torch.nn.functional as F

    # fade_in's first case has α = 0 and pix2pix_g_loss's a photo equal to its target: the cut path carries
    # no gradient there, and a later case must tell
    fade = checks()["fade_in"].report(lambda alpha, old, new: (1 - alpha) * old + alpha * new.detach())
    assert not fade.ok and "no gradient reaches `new`" in fade.hint, fade.hint
    l1_cut = checks()["pix2pix_g_loss"].report(
        lambda lo, fake, target, lam: F.binary_cross_entropy_with_logits(lo, torch.ones_like(lo))
        + lam * F.l1_loss(fake.detach(), target))
    assert not l1_cut.ok and "`fake`" in l1_cut.hint, l1_cut.hint


def test_an_input_changed_in_place_fails_though_the_values_are_right():
    import torch.nn.functional as F

    def scaled_in_place(x, weight, bias, gain=2 ** 0.5):
        return F.linear(x, weight.mul_(gain / weight.shape[1] ** 0.5), bias)

    report = checks()["equalized_linear"].report(scaled_in_place)
    assert not report.ok and "changed `weight` in place" in report.hint, report.hint


def test_inputs_passed_through_a_function_and_an_item_left_out_are_named():
    pairs = [(x(4, 3, seed=s), x(4, 3, seed=s + 5)) for s in range(3)]
    squared = _toy_check(lambda a, b: (a - b).pow(2).mean(), pairs)
    squashed = squared.report(lambda a, b: (torch.tanh(a) - torch.tanh(b)).pow(2).mean())
    assert "`a` and `b` passed through tanh first" in squashed.hint, squashed.hint
    short = squared.report(lambda a, b: (a[:-1] - b[:-1]).pow(2).mean())
    assert "without the last item" in short.hint, short.hint
    nets = [(torch.nn.Linear(3, 2), x(5, 3, seed=s)) for s in range(3)]
    mean_output = _toy_check(lambda net, v: net(v).mean(), nets)
    assert "`net`'s output passed through a sigmoid" in mean_output.report(
        lambda net, v: torch.sigmoid(net(v)).mean()).hint


def test_a_loss_term_with_another_reduction_or_a_smoothed_form_is_named():
    import torch.nn.functional as F

    def gan(logits):
        return F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))

    pix2pix = checks()["pix2pix_g_loss"]
    median = pix2pix.report(lambda lo, fake, target, lam: gan(lo) + lam * (fake - target).abs().median())
    assert "the median absolute difference instead of the mean" in median.hint, median.hint
    log_cosh = pix2pix.report(lambda lo, fake, target, lam: gan(lo)
                              + lam * torch.cosh(fake - target).log().mean())
    assert "log-cosh" in log_cosh.hint, log_cosh.hint


def test_python_slips_and_the_courses_own_errors_are_explained():
    conv = torch.nn.Conv2d(1, 1, 3, 2)

    def raised(fn):
        try:
            fn()
        except Exception as error:  # noqa: BLE001 - what a student's code raises
            return errors.explain(error)
        raise AssertionError("it should raise")

    assert "make a list first" in raised(lambda: reversed(m for m in [conv]))
    assert "conv.stride[0]" in raised(lambda: (3 - 1) * conv.stride + conv.kernel_size[0])
    # PyTorch's errors, read: a label past the classes, a keyword-only option given by position, a number
    # in conv2d's bias place, a gradient of many values, float64 meeting float32
    import torch.nn.functional as F

    assert "labels run from 0 to num_classes − 1" in raised(lambda: F.one_hot(torch.tensor([3]), 3))
    assert "outside 0 … C − 1" in raised(lambda: F.cross_entropy(torch.zeros(2, 3), torch.tensor([1, 3])))
    assert "alpha=α" in raised(lambda: torch.add(torch.ones(2), torch.ones(2), 0.5))
    assert "bias's place" in raised(lambda: F.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 3, 3), 1))
    assert "scalar loss first" in raised(lambda: torch.autograd.grad(torch.ones(3, requires_grad=True) * 2,
                                                                    [torch.ones(3, requires_grad=True)]))
    assert "x.float()" in raised(lambda: torch.ones(2, 2, dtype=torch.float64) @ torch.ones(2, 2))
    # an error the course's code raises already says the fix: the hint quotes it
    from coursekit.models import ddpm

    unet = ddpm.UNet(ddpm.UNetConfig(channels=(8, 16, 16), emb_dim=8))
    said = raised(lambda: unet(torch.zeros(4, dtype=torch.long), torch.zeros(4, 1, 28, 28)))
    assert said.startswith("The course's code refused your call") and "model(x_t, t)" in said
    # a course function's own mistake is not blamed on the student's call as if it were the course's
    assert not raised(lambda: {}["x"]).startswith("The course's code")


def test_a_relation_seen_on_one_case_is_said_of_that_case():
    from coursekit import decompose

    expected = [torch.tensor([0.0, 0.5, 1.0, 2.0]), torch.tensor([1.0, 2.0, 3.0])]
    got = [expected[0].clamp(max=1.0), torch.tensor([3.0, -1.0, 8.0])]  # cut off on the first case only
    outputs = [(g, e, ()) for g, e in zip(got, expected)]
    said = decompose.one_case(outputs, [("a ramp", {}), ("three values", {})])
    assert said.startswith("on the case “a ramp”, your result is the expected cut off at [0, 1]")
    assert decompose.one_case(outputs[1:], [("three values", {})]) is None  # no clear relation: nothing said


def test_a_lower_precision_result_is_named():
    to_model_range = checks()["to_model_range"]
    rep = to_model_range.report(lambda x: x.bfloat16() / 127.5 - 1)
    assert "bfloat16" in rep.lines[-1] and "float32" in rep.hint


def test_a_factor_that_follows_a_count_from_case_to_case_is_named_by_it():
    from coursekit import feedback

    cases = [(torch.tensor(2 * 0.3), torch.tensor(0.3), {"the batch size": 2}),
             (torch.tensor(4 * 0.7), torch.tensor(0.7), {"the batch size": 4})]
    said = feedback.diagnose(cases)
    assert "factor equal to the batch size" in said and "sum over the batch size" in said


def test_weights_made_of_the_exercise_parameters_are_read_term_by_term():
    import torch.nn.functional as F

    identity = checks()["identity_loss"]
    def split(a, ia, b, ib, lam, idt):
        return lam * F.l1_loss(ia, a) + idt * F.l1_loss(ib, b)

    hint = identity.report(split).hint
    assert "A images' identity term is weighted by λ where the formula weighs it by λ·λ_idt" in hint
    assert "B images' identity term is weighted by λ_idt" in hint


def test_a_weight_made_by_a_slip_of_the_operator_is_read_as_such():
    import torch.nn.functional as F

    identity = checks()["identity_loss"]

    def times_as_divide(a, ia, b, ib, lam, idt):  # λ·λ_idt on A's term, λ / λ_idt on B's
        return lam * idt * F.l1_loss(ia, a) + lam / idt * F.l1_loss(ib, b)

    hint = identity.report(times_as_divide).hint
    assert "B images' identity term is weighted by" in hint and "A images'" not in hint
    for power in ("λ ** λ_idt", "λ_idt ** λ"):  # ** typed for *, either way round
        def powered(a, ia, b, ib, lam, idt, power=power):
            w = lam ** idt if power == "λ ** λ_idt" else idt ** lam
            return w * (F.l1_loss(ia, a) + F.l1_loss(ib, b))

        assert f"weighted by {power} where the formula weighs it by λ·λ_idt" in identity.report(powered).hint


def test_a_weight_added_where_it_multiplies_is_named():
    def plus_for_times(x0, t, noise, alphas_cumprod):
        abar = alphas_cumprod[t].view(-1, 1, 1, 1)
        return abar.sqrt() * x0 + (1 - abar).sqrt() + noise
    hint = checks()["q_sample"].report(plus_for_times).hint
    assert "the weight of the noise's term is added where the formula multiplies by it" in hint

    def loss_plus_for_times(fake_logits, fake, target, lam):  # a loss's numbers too: GAN + λ + L1
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits)) + lam + (
            F.l1_loss(fake, target))
    import torch.nn.functional as F

    hint = checks()["pix2pix_g_loss"].report(loss_plus_for_times).hint
    assert "the weight of the L1 term is added where the formula multiplies by it" in hint
