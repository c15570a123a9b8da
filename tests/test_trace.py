"""coursekit.trace: where a wrong answer's values leave the formula's (the last resort of a check's hint)."""
import linecache

import torch
import torch.nn.functional as F

from coursekit.check import checks
from coursekit.trace import MARKS

_bce = F.binary_cross_entropy_with_logits


def _terms_multiplied(real_logits, fake_logits):
    real_term = _bce(real_logits, torch.ones_like(real_logits))
    fake_term = _bce(fake_logits, torch.zeros_like(fake_logits))
    return real_term * fake_term


def test_the_hint_quotes_the_line_and_the_formulas_step_from_the_same_values():
    hint = checks()["d_loss"].report(_terms_multiplied).hint
    assert "`return real_term * fake_term`" in hint
    assert "the formula computes `real_term + fake_term`; yours `real_term * fake_term`" in hint


def _offset_after_the_formula(fake_logits):
    loss = _bce(fake_logits, torch.ones_like(fake_logits))
    return loss - 0.6931


def test_a_step_after_the_formulas_result_is_named_as_going_on():
    hint = checks()["g_loss"].report(_offset_after_the_formula).hint
    assert "`return loss - 0.6931`" in hint and "they have the formula's result there and go on" in hint


def _other_loss(real_logits, fake_logits):
    return real_logits.mean() - fake_logits.mean()  # a Wasserstein critic's loss for the GAN's


def test_the_formulas_step_is_not_shown_from_values_the_student_never_computed():
    """The reference's next step is shown only when it starts from values the student has: an answer
    unlike the formula learns where it parts, not the formula's code."""
    hint = checks()["d_loss"].report(_other_loss).hint
    assert any(mark in hint for mark in MARKS), hint
    assert "binary_cross_entropy" not in hint and "ones_like" not in hint


def test_a_function_written_in_a_notebook_cell_has_its_line_quoted():
    cell = ("def g_loss(fake_logits):\n"
            "    p = torch.sigmoid(fake_logits)\n"
            "    return -(p.log() * p).mean()\n")
    name = "<ipython-input-7-0123456789ab>"  # how IPython names a cell, and keeps its text in linecache
    linecache.cache[name] = (len(cell), None, cell.splitlines(True), name)
    scope = {"torch": torch}
    exec(compile(cell, name, "exec"), scope)
    hint = checks()["g_loss"].report(scope["g_loss"]).hint
    assert "Line 3 of your cell, `return -(p.log() * p).mean()`" in hint, hint


def _raises_on_its_third_line(real_logits, fake_logits):
    n = len(real_logits)
    return real_logits.view(n / 2, -1).mean() + fake_logits.mean()


def test_an_error_no_pattern_explains_is_placed_on_the_students_line():
    hint = checks()["d_loss"].report(_raises_on_its_third_line).hint
    line = "`return real_logits.view(n / 2, -1).mean() + fake_logits.mean()`"
    assert hint.startswith("Line ") and line in hint


def _stride_squared(module):
    r = 1
    for conv in reversed([m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]):
        r = (r - 1) * conv.stride[0] ** 2 + conv.kernel_size[0]  # the stride squared, "as it is 2-D"
    return r


def test_an_exercise_in_plain_numbers_is_followed_number_by_number():
    """receptive_field computes in Python numbers (the check makes a tensor of the result: that torch call,
    the course's, is never blamed): the hint follows the student's local numbers against the formula's."""
    hint = checks()["receptive_field"].report(_stride_squared).hint
    assert "`r = (r - 1) * conv.stride[0] ** 2 + conv.kernel_size[0]" in hint
    assert "is where your numbers leave the formula's: there `r` becomes" in hint
    assert "(your `r`: 1, 3, 12; the formula's: 1, 3, 8" in hint and "torch.tensor" not in hint


def _nearly_nothing(logits_translated, logits_source):
    t = logits_source.argmax(1)  # noqa: F841 - the class read, then left unused
    return logits_translated.mean()


def test_a_step_on_the_functions_own_arguments_is_not_shown_it_may_be_the_whole_answer():
    """semantic_loss is one library call on the arguments: the formula's step from them is the answer."""
    hint = checks()["semantic_loss"].report(_nearly_nothing).hint
    assert any(mark in hint for mark in MARKS), hint
    assert "cross_entropy" not in hint


def test_a_checks_traced_form_computes_the_references_numbers():
    """Where a check traces students against the lecture's form of the formula (demodulation: N kernels and
    a grouped convolution, where the library scales the input and the output), the two agree on every case."""
    traced = [c for c in checks().values() if getattr(c, "traced", None) not in (None, c.reference)]
    assert traced
    for chk in traced:
        for case in chk.cases:
            lecture, library = chk.observe(chk.traced, *case.make()), chk.observe(chk.reference, *case.make())
            assert torch.allclose(lecture, library, atol=chk.atol), (chk.name, case.name)
