"""The model zoo: course-trained checkpoints in ``data/zoo/``, each with its record.

    ck.zoo.available()          # the models, what they are and their metrics
    judge = ck.zoo.load("mnist-judge")
    ck.zoo.record("mnist-judge")["metrics"]

Each model is ``data/zoo/<name>.safetensors`` (weights) and ``<name>.json``
(config, data, steps, wall time, device, metrics, versions, SHA-256 of the
weights and the command that retrains it).  Loading checks the SHA-256 and
never unpickles.
"""

import importlib
from dataclasses import asdict

import torch

from coursekit import checkpoint as _ckpt
from coursekit.core import DATA_DIR, guard_inputs
from coursekit.core import device as _device

ZOO_DIR = DATA_DIR / "zoo"

# The architectures a zoo record may name, each with its config dataclass.  Each lecture's module
# registers its own (``zoo.register`` at its end), so the zoo imports no model: a record's
# "stylegan.Generator" is found by importing coursekit.models.stylegan ("Judge": coursekit.models.judge).
ARCHITECTURES = {}

#: Config fields renamed since records were written (one name for the latent size): a record keeps
#: its words and its SHA-256, and loads into today's config.
RENAMED_CONFIG_FIELDS = {"nz": "z_dim", "latent_dim": "z_dim"}


def register(name, cls, config_cls):
    """Let the zoo save and rebuild ``cls`` (built as ``cls(config_cls(**record["config"]))``) under
    ``name``."""
    ARCHITECTURES[name] = (cls, config_cls)
    return cls


def _architecture_of(name):
    """The (class, config class) registered under ``name``, importing the lecture module that registers it."""
    if name not in ARCHITECTURES and isinstance(name, str):
        module = name.split(".")[0] if "." in name else name.lower()
        try:
            importlib.import_module(f"coursekit.models.{module}")
        except ModuleNotFoundError:
            pass
    return ARCHITECTURES.get(name)


def _architecture(model):
    for name, (cls, _) in ARCHITECTURES.items():
        if type(model) is cls:
            return name
    raise ValueError(
        f"register {type(model).__name__} with ck.zoo.register(name, cls, config_cls) before publishing it")


def names():
    """The names of the models in the zoo, sorted."""
    return sorted(p.stem for p in ZOO_DIR.glob("*.json"))


def record(name):
    """The JSON record of zoo model ``name`` (a dict)."""
    return _ckpt.read_record(_path(name))


def training_hours(record):
    """A record's training time in hours: its CPU time where it kept one (a run that shares its core
    with other programs counts only what it used), else its wall time (the older records, trained alone
    on one thread).  ``ck.zoo.training_hours(ck.zoo.record("faces-progan"))``."""
    return record.get("cpu_time_s", record["wall_time_s"]) / 3600


def available(show=True):
    """List the zoo's models with their metrics; returns ``{name: record}``.

    >>> ck.zoo.available()      # a line per model: name, architecture, size, its record's metrics
    """
    records = {name: record(name) for name in names()}
    if show:
        if not records:
            print(f"The zoo at {ZOO_DIR} is empty.")
        for name, rec in records.items():
            size = _ckpt.paths(ZOO_DIR / name)[0].stat().st_size / 1e6
            metrics = ", ".join(f"{k} {_fmt(v)}" for k, v in rec.get("metrics", {}).items()
                                if not isinstance(v, (list, dict)))
            print(f"{name:<14} {rec['architecture']:<10} {size:5.1f} MB  {metrics}")
    return records


def load(name, device=None):
    """Build zoo model ``name`` from its record's config, load its weights, eval mode, on ``device``.

    >>> judge = ck.zoo.load("mnist-judge")
    """
    state, rec = _ckpt.read(_path(name))
    arch = rec.get("architecture")
    if _architecture_of(arch) is None:
        raise _ckpt.CheckpointError(f"{_path(name)}.json names architecture {arch!r}, which no lecture of "
                                    "this coursekit registers. Update coursekit (git pull) or retrain "
                                    "the model.")
    cls, config_cls = _architecture_of(arch)
    try:
        config = config_cls(**{RENAMED_CONFIG_FIELDS.get(k, k): v for k, v in rec.get("config", {}).items()})
    except TypeError as e:
        raise _ckpt.CheckpointError(
            f"{_path(name)}.json has a config that {config_cls.__name__} does not accept ({e}).") from None
    model = cls(config)
    _ckpt.load_weights(model, state["model"], f"{_path(name)}.safetensors")
    return guard_inputs(model.to(device or _device()).eval())


def extras(name):
    """The tensors stored beside a zoo model's weights (e.g. training snapshots), as a dict."""
    state, _ = _ckpt.read(_path(name))
    return {k: v for k, v in state.items() if k != "model"}


def publish(name, model, record, extras=None, zoo_dir=None, weights_dtype=None):
    """Write ``model`` (and ``extras``, a dict of tensors) into the zoo as ``name`` with its record.

    ``weights_dtype="float16"`` stores the floating-point weights at half size (a large model
    kept small in git); :func:`load` turns them back into float32.
    """
    path = (zoo_dir or ZOO_DIR) / name
    weights, fields = model, {}
    if weights_dtype is not None:
        dtype = getattr(torch, weights_dtype)
        weights = {k: v.to(dtype) if v.is_floating_point() else v for k, v in model.state_dict().items()}
        fields = {"weights_dtype": weights_dtype}
    return _ckpt.save(path, {"model": weights, **(extras or {})},
                      {"name": name, "architecture": _architecture(model), "config": asdict(model.config),
                       **fields, **record})


def _path(name):
    known = names()
    if name not in known:
        raise KeyError(f"no model {name!r} in the zoo at {ZOO_DIR}; known: {', '.join(known) or 'none'}. "
                       "Retrain one with: python -m coursekit.train <name>")
    return ZOO_DIR / name


def _fmt(v):
    return f"{v:.4g}" if isinstance(v, float) else str(v)
