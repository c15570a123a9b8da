import numpy as np
import pytest
import scipy.linalg
import torch

import coursekit as ck
from coursekit import metrics


@pytest.fixture(scope="module")
def test_digits():
    return ck.data.mnist("test", verbose=False)


def test_frechet_of_gaussians_matches_the_closed_form_for_diagonal_covariances():
    mu1, mu2 = torch.tensor([0.0, 1.0, 2.0]), torch.tensor([1.0, -1.0, 2.0])
    s1, s2 = torch.tensor([1.0, 4.0, 9.0]), torch.tensor([4.0, 1.0, 9.0])
    # diagonal: d² = ‖mu1 − mu2‖² + Σ (σ1 − σ2)²
    expected = (mu1 - mu2).square().sum() + (s1.sqrt() - s2.sqrt()).square().sum()
    assert metrics.gaussian_frechet(mu1, torch.diag(s1), mu2, torch.diag(s2)) == pytest.approx(
        expected.item(), rel=1e-9)


def test_frechet_of_gaussians_matches_scipy_for_full_covariances():
    g = torch.Generator().manual_seed(0)
    a, b = (torch.randn(6, 6, generator=g, dtype=torch.float64),
            torch.randn(6, 6, generator=g, dtype=torch.float64))
    c1, c2 = a @ a.T + 0.1 * torch.eye(6), b @ b.T + 0.1 * torch.eye(6)
    mu1, mu2 = torch.randn(6, generator=g, dtype=torch.float64), torch.zeros(6, dtype=torch.float64)
    root = scipy.linalg.sqrtm(c1.numpy() @ c2.numpy())
    expected = ((mu1 - mu2) ** 2).sum().item() + np.trace(c1.numpy() + c2.numpy() - 2 * root.real)
    assert metrics.gaussian_frechet(mu1, c1, mu2, c2) == pytest.approx(expected, rel=1e-8)


@pytest.mark.filterwarnings("ignore:Matrix is singular")  # dead ReLU units: scipy warns, the result holds
def test_frechet_distance_of_judge_features_matches_an_independent_computation(test_digits):
    fa = metrics.features(test_digits.images[:500]).double().numpy()
    fb = metrics.features(test_digits.images[500:]).double().numpy()
    mu1, mu2 = fa.mean(0), fb.mean(0)
    c1, c2 = np.cov(fa, rowvar=False), np.cov(fb, rowvar=False)
    root = scipy.linalg.sqrtm(c1 @ c2).real
    expected = ((mu1 - mu2) ** 2).sum() + np.trace(c1 + c2 - 2 * root)
    got = metrics.frechet_distance(torch.from_numpy(fa), torch.from_numpy(fb))
    assert got == pytest.approx(expected, rel=1e-4)


def test_frechet_distance_of_a_set_with_itself_is_zero():
    f = torch.randn(200, 8, generator=torch.Generator().manual_seed(0))
    assert metrics.frechet_distance(f, f) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_refuses_features_of_different_sizes():
    with pytest.raises(ValueError, match="feature sizes differ"):
        metrics.frechet_distance(torch.randn(10, 4), torch.randn(10, 5))


def test_the_judge_reads_held_out_digits_at_98_percent_or_better(test_digits):
    assert metrics.class_accuracy(test_digits.images, test_digits.labels) >= 0.98


def test_the_judges_record_matches_a_fresh_measurement(test_digits):
    record = ck.zoo.record("mnist-judge")["metrics"]
    acc = metrics.class_accuracy(test_digits.images, test_digits.labels)
    assert acc == pytest.approx(record["held_out_accuracy"], abs=1e-4)
    assert metrics.fid(test_digits.images) == pytest.approx(record["fid_floor"], abs=1e-2)


def test_fid_orders_real_below_blurred_below_noise(test_digits):
    blurred = torch.nn.functional.avg_pool2d(test_digits.images, 3, stride=1, padding=1,
                                             count_include_pad=False)
    noise = torch.rand(1000, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    real, blur, rand = (metrics.fid(x) for x in (test_digits.images, blurred, noise))
    assert real < blur < rand


def test_class_accuracy_per_class_and_confusion_matrix_agree(test_digits):
    overall, per = metrics.class_accuracy(test_digits.images, test_digits.labels, per_class=True)
    cm = metrics.confusion_matrix(test_digits.images, test_digits.labels)
    assert cm.sum() == 1000 and torch.allclose(per, (cm.diag() / cm.sum(1)).float())
    assert overall == pytest.approx((cm.diag().sum() / 1000).item())


def test_wrong_labels_give_low_accuracy(test_digits):
    assert metrics.class_accuracy(test_digits.images, (test_digits.labels + 1) % 10) < 0.05


def test_class_histogram_counts_every_image(test_digits):
    hist = metrics.class_histogram(test_digits.images)
    assert hist.shape == (10,) and hist.sum() == 1000
    # at >= 98% accuracy at most 20 digits move, so the counts differ by at most 40 in all
    assert (hist - test_digits.labels.bincount(minlength=10)).abs().sum() <= 40


@pytest.mark.parametrize("labels, message", [
    (torch.tensor([0, 1]), r"shape \(4,\)"),
    (torch.tensor([0, 1, 2, 10]), "integers in 0..9"),
    (torch.tensor([0.0, 1.0, 2.0, 3.0]), "integers in 0..9"),
])
def test_bad_labels_are_refused(labels, message):
    with pytest.raises(ValueError, match=message):
        metrics.class_accuracy(torch.zeros(4, 1, 28, 28), labels)


@pytest.mark.parametrize("images, message", [
    (torch.zeros(1, 28, 28), r"add a batch dimension"),
    (torch.zeros(4, 3, 28, 28), "1 channel"),
    (torch.zeros(4, 1, 32, 32), "MNIST-sized"),
    (torch.zeros(4, 1, 28, 28, dtype=torch.uint8), "float in"),
])
def test_bad_images_are_refused(images, message):
    with pytest.raises((ValueError, TypeError), match=message):
        metrics.class_histogram(images)


def test_reference_gives_floor_below_ceiling():
    floor, ceiling = metrics.reference().values()
    assert 0 < floor < ceiling


def test_the_linear_classifier_finds_a_separating_hyperplane_in_the_inputs_own_units():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(400, 5, generator=g) * torch.tensor([1.0, 10.0, 0.1, 1.0, 1.0]) + 3
    labels = x[:, 1] - 5 * x[:, 2] > 3 - 5 * 3 + 0  # a hyperplane through the data's middle
    weight, bias = ck.metrics.fit_linear_classifier(x, labels)
    assert ((x @ weight + bias > 0) == labels).float().mean() > 0.97
    with pytest.raises(ValueError, match=r"labels \(N,\)"):
        ck.metrics.fit_linear_classifier(x, labels[:10])
