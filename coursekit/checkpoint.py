"""Checkpoints: safetensors weights plus a JSON record, never pickle.

A checkpoint ``name`` is two files side by side:

* ``name.safetensors``: every tensor (weights, optimizer moments, RNG state);
* ``name.json``: the record, readable by a person: the model config, the data,
  steps, wall time, device, metrics, library versions, the command that
  retrains it, the SHA-256 of the weights file, and the layout of the saved
  state (nested dicts, numbers and strings, with tensors stored by key).

    ck.checkpoint.save("runs/dcgan", {"G": G, "opt_G": opt_G}, {"config": {...}})
    state, record = ck.checkpoint.read("runs/dcgan")
    ck.checkpoint.load_weights(G, state["G"], "runs/dcgan")
"""

import hashlib
import json
import platform
import sys
import time
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

import coursekit

FORMAT = "coursekit-checkpoint/1"


class CheckpointError(ValueError):
    """A checkpoint file is missing, damaged, or does not fit the model."""


def paths(path):
    """The two files of a checkpoint: ``(x.safetensors, x.json)`` for ``x``, ``x.json`` or
    ``x.safetensors``."""
    path = Path(path)
    if path.suffix in (".safetensors", ".json"):
        path = path.with_suffix("")
    return path.with_name(path.name + ".safetensors"), path.with_name(path.name + ".json")


def sha256(file):
    """SHA-256 hex digest of a file."""
    digest = hashlib.sha256()
    with open(file, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save(path, state, record=None):
    """Write ``state`` (modules, optimizers, tensors, numbers, nested dicts) and a record.

    Args:
        path: ``runs/name`` (writes ``runs/name.safetensors`` and ``runs/name.json``).
        state: ``{"G": G, "opt_G": opt_G, "step": 10, ...}``; modules and optimizers
            are stored through their ``state_dict()``.
        record: extra JSON-able fields: ``config``, ``data``, ``steps``, ``metrics``,
            ``command``, ...  Library versions, date and the weights' SHA-256 are added.

    Returns the record as written.  Both files are written to temporary names
    first and then renamed, so an interrupted save never leaves half a file.
    """
    weights, meta = paths(path)
    weights.parent.mkdir(parents=True, exist_ok=True)
    tensors = {}
    layout = _flatten(state, "", tensors)
    tmp_weights = weights.with_name(weights.name + ".tmp")
    save_file(tensors, str(tmp_weights))
    record = {
        "format": FORMAT,
        **(record or {}),
        "saved_at": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "versions": _versions(),
        "sha256": sha256(tmp_weights),
        "layout": layout,
    }
    tmp_meta = meta.with_name(meta.name + ".tmp")
    tmp_meta.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    tmp_weights.replace(weights)
    tmp_meta.replace(meta)
    return record


def read_record(path):
    """The JSON record of a checkpoint, checked for format (weights not read)."""
    _, meta = paths(path)
    if not meta.exists():
        raise CheckpointError(f"No checkpoint record at {meta}: expected the JSON file written "
                              "next to the .safetensors weights by ck.checkpoint.save.")
    try:
        record = json.loads(meta.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CheckpointError(f"{meta} is not valid JSON ({e}); the file is damaged. Restore it "
                              "from git (`git checkout -- <file>`) or retrain the model.") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise CheckpointError(f"{meta} is not a coursekit checkpoint record "
                              f"(expected \"format\": \"{FORMAT}\").")
    return record


def read(path, verify=True):
    """Read a checkpoint: ``(state, record)``, the state nested as it was saved.

    Checks that both files exist, that the weights' SHA-256 matches the record
    (``verify=True``), and that every tensor the layout names is in the file.
    Never unpickles anything.
    """
    weights, _ = paths(path)
    record = read_record(path)
    if not weights.exists():
        raise CheckpointError(f"No weights file at {weights} (its record {paths(path)[1].name} exists). "
                              "Restore it from git or retrain with: "
                              + record.get("command", "the model's training command"))
    if verify and sha256(weights) != record.get("sha256"):
        raise CheckpointError(f"{weights} is damaged: its SHA-256 does not match the one in its record. "
                              "Restore it from git (`git checkout -- <file>`) or retrain with: "
                              + record.get("command", "the model's training command"))
    try:
        tensors = load_file(str(weights))
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(f"{weights} is not a readable safetensors file ({e}).") from None
    return _unflatten(record["layout"], tensors, weights), record


def load_weights(module, state_dict, source="checkpoint"):
    """``module.load_state_dict(state_dict)`` with an error that names what differs.

    Missing keys, unexpected keys and shape mismatches are listed with ``source``
    (the file) so the message says which file does not fit which model.
    """
    own = module.state_dict()
    missing = [k for k in own if k not in state_dict]
    unexpected = [k for k in state_dict if k not in own]
    shapes = [f"{k}: file {tuple(state_dict[k].shape)}, model {tuple(own[k].shape)}"
              for k in own if k in state_dict and tuple(state_dict[k].shape) != tuple(own[k].shape)]
    if missing or unexpected or shapes:
        lines = [f"{source} does not fit {type(module).__name__}:"]
        if missing:
            lines.append(f"  missing in the file: {_few(missing)}")
        if unexpected:
            lines.append(f"  in the file but not in the model: {_few(unexpected)}")
        if shapes:
            lines.append(f"  shapes differ: {_few(shapes)}")
        lines.append("  Build the model with the config stored in the checkpoint's record.")
        raise CheckpointError("\n".join(lines))
    module.load_state_dict(state_dict)
    return module


def _few(items, n=5):
    more = f" ... ({len(items) - n} more)" if len(items) > n else ""
    return ", ".join(items[:n]) + more


def _versions():
    return {"python": platform.python_version(), "torch": torch.__version__,
            "coursekit": coursekit.__version__, "platform": sys.platform}


# The layout mirrors the state: dicts become {"dict": [[key, value], ...]} (keys keep
# their type: optimizer states use int keys), lists {"list": [...]}, a tensor
# {"tensor": "its/key/in/the/file"}, and numbers, strings, booleans and None stay as they are.

def _flatten(obj, prefix, tensors):
    if callable(getattr(obj, "state_dict", None)):  # modules, optimizers, LR schedulers, data iterators
        obj = obj.state_dict()
    if isinstance(obj, torch.Tensor):
        key = prefix or "tensor"
        tensors[key] = obj.detach().to("cpu").contiguous()
        return {"tensor": key}
    if isinstance(obj, dict):
        for k in obj:
            if not isinstance(k, (str, int)) or "/" in str(k):
                raise TypeError(f"checkpoint keys must be str or int without '/', got {k!r} at {prefix!r}")
        return {"dict": [[k, _flatten(v, f"{prefix}/{k}" if prefix else str(k), tensors)]
                         for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        return {"list": [_flatten(v, f"{prefix}/{i}", tensors) for i, v in enumerate(obj)]}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise TypeError(f"cannot store {type(obj).__name__} at {prefix!r} in a checkpoint: "
                    "use tensors, objects with a state_dict() (modules, optimizers, ...), numbers, strings, "
                    "lists and dicts")


def _unflatten(layout, tensors, source):
    if isinstance(layout, dict):
        if "tensor" in layout:
            if layout["tensor"] not in tensors:
                raise CheckpointError(f"{source} lacks the tensor {layout['tensor']!r} that its record "
                                      "lists; the two files do not belong together.")
            return tensors[layout["tensor"]]
        if "dict" in layout:
            return {k: _unflatten(v, tensors, source) for k, v in layout["dict"]}
        if "list" in layout:
            return [_unflatten(v, tensors, source) for v in layout["list"]]
        raise CheckpointError(f"unreadable layout entry {layout!r} in the record of {source}")
    return layout
