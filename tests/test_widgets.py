import pytest
import torch

import coursekit as ck
from coursekit.widgets import Explorer, slider


def _images(n):
    return torch.linspace(-1, 1, 64).view(1, 1, 8, 8).repeat(n, 1, 1, 1)


def test_explorer_draws_its_default_view_on_creation():
    ex = Explorer(lambda n: _images(n), {"n": slider("n", 1, 8, 2)})
    assert bytes(ex.image.value).startswith(b"\x89PNG") and ex.renders == 1 and ex.error.value == ""


def test_moving_a_control_changes_the_picture():
    ex = Explorer(lambda n: _images(n), {"n": slider("n", 1, 8, 2)})
    before = ex.image.value
    seconds = ex.update(n=5)
    assert ex.image.value != before and ex.controls["n"].value == 5 and seconds >= 0


def test_a_front_end_change_triggers_exactly_one_render():
    ex = Explorer(lambda n: _images(n), {"n": slider("n", 1, 8, 2)})
    ex.controls["n"].value = 3  # what the browser does on release
    assert ex.renders == 2


def test_sliders_update_on_release():
    assert slider("a", 0, 10).continuous_update is False and slider("b", 0.0, 1.0).continuous_update is False


def test_an_error_is_shown_in_the_widget_and_the_widget_keeps_working(monkeypatch):
    def render(n):
        if n == 3:
            raise ValueError("three is not allowed")
        return _images(n)

    monkeypatch.setattr(ck.widgets, "QUICK", False)
    ex = Explorer(render, {"n": slider("n", 1, 8, 2)})
    ex.update(n=3)
    assert "ValueError: three is not allowed" in ex.error.value
    ex.update(n=4)
    assert ex.error.value == "" and bytes(ex.image.value).startswith(b"\x89PNG")


def test_a_failing_first_render_fails_loudly_under_the_tests(monkeypatch):
    monkeypatch.setattr(ck.widgets, "QUICK", True)
    with pytest.raises(ZeroDivisionError):
        Explorer(lambda n: 1 / 0, {"n": slider("n", 1, 8, 2)})


def test_render_may_return_png_bytes_or_a_figure():
    import matplotlib.pyplot as plt

    assert bytes(Explorer(lambda: b"\x89PNG-bytes", {}).image.value) == b"\x89PNG-bytes"
    fig = plt.figure()
    assert bytes(Explorer(lambda: fig, {}).image.value).startswith(b"\x89PNG")


def test_unknown_controls_are_named():
    ex = Explorer(lambda n: _images(n), {"n": slider("n", 1, 8, 2)})
    with pytest.raises(KeyError, match=r"this explorer has \['n'\]"):
        ex.update(m=1)


def test_headless_readers_get_the_picture_as_png():
    ex = Explorer(lambda n: _images(n), {"n": slider("n", 1, 8, 2)})
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and "image/png" in bundle


def test_mnist_browser_shows_the_picked_class():
    digits = ck.data.mnist("test", verbose=False)
    browser = ck.widgets.mnist_browser(digits)
    shown = {}
    for digit in (1, 7):
        browser.update(digit=digit, page=0)
        shown[digit] = browser.image.value
    assert shown[1] != shown[7]
    # the page shows the digits of the picked class (checked through the judge)
    by_class = browser.render_fn(digit=7, page=1)
    assert len(by_class) == 32 and ck.metrics.class_accuracy(by_class, torch.full((32,), 7)) >= 0.9
