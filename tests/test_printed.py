"""The printed digits of notebook 04 (CycleGAN's second domain)."""

import torch

import coursekit as ck
from coursekit import printed


def test_printed_digits_are_rgb_28x28_in_range_with_balanced_labels():
    d = ck.data.printed_digits(500, seed=0)
    assert d.images.shape == (500, 3, 28, 28) and d.images.dtype == torch.float32
    assert d.images.min() >= -1 and d.images.max() <= 1
    counts = torch.bincount(d.labels, minlength=10)
    assert counts.min() >= 30, counts  # about 50 of each digit
    assert "printed digits" in repr(d)


def test_an_image_is_the_same_whatever_batch_renders_it():
    whole = ck.data.printed_digits(12, seed=3)
    part = ck.data.printed_digits(4, seed=3, start=8)
    assert torch.equal(whole.labels[8:], part.labels)
    # the same digit and style; only the small pixel noise is drawn per batch
    assert (whole.images[8:] - part.images).abs().mean() < 0.05
    other = ck.data.printed_digits(12, seed=4)
    assert not torch.equal(whole.labels, other.labels)


def test_the_ink_is_brighter_than_its_plate_as_mnist_strokes_are():
    style = printed.sample_style(200, seed=1)
    contrast = style["ink"].mean(1) - style["paper"].mean(1)
    assert contrast.min() >= 0.1
    images = printed.render(style)
    ink = printed.glyphs()[0][style["font"], style["label"]].amax((1, 2)) > 0  # every glyph has ink
    assert ink.all() and (images.mean((1, 2, 3)) < 0).all()  # mostly dark plate: the mean is below mid-grey
    masks, heights = printed.glyphs()
    assert masks.shape == (len(printed.FONTS), 10, printed.GLYPH, printed.GLYPH)
    assert (heights > 0.2).all() and (heights < 0.9).all()
    # every font draws ten different digits
    flat = masks.flatten(2)
    for f in range(len(printed.FONTS)):
        d = torch.cdist(flat[f], flat[f]) + torch.eye(10) * 1e9
        assert d.min() > 1.0, printed.FONTS[f]


def test_the_printed_judge_reads_printed_digits_the_mnist_judge_cannot():
    m = ck.zoo.record("printed-judge")["metrics"]
    assert m["accuracy"] >= 0.99 and m["worst_digit"] >= 0.97
    fresh = ck.data.printed_digits(300, seed=5)  # neither its training seed (0) nor its held-out one (1)
    judge = ck.zoo.load("printed-judge", device=torch.device("cpu"))
    assert ck.metrics.class_accuracy(fresh.images, fresh.labels, judge=judge) >= 0.98
    # the domain gap CycleGAN closes in notebook 04
    assert ck.metrics.class_accuracy(fresh.images.mean(1, keepdim=True), fresh.labels) < 0.5
