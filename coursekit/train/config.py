"""A zoo model's declared configuration: one dataclass, changed from the command line by name.

Each lecture's ``recipes.py`` declares the settings of its zoo models as dataclass instances; the
training function takes one, and the zoo record keeps it whole (``as_record``).  The command line
changes any field by name, checked against the declaration::

    python -m coursekit.train faces-stylegan --set lr=1e-3 steps=500 model.mapping_layers=8

A nested dataclass's fields are reached with a dot, or by their bare name when no other field has it.
A lecture whose training function takes keyword arguments declares a dict of them instead; ``--set``
changes its keys the same way, each value parsed to the kind of the declared one.
"""

import dataclasses
import ast
import types
import typing


class ConfigError(ValueError):
    """A ``--set`` that names no field of the configuration, or gives a value of the wrong kind."""


def as_record(config):
    """The configuration as a zoo record keeps it: a plain dict (nested dataclasses as dicts)."""
    if isinstance(config, dict):
        return {k: dataclasses.asdict(v) if dataclasses.is_dataclass(v) else v for k, v in config.items()}
    return dataclasses.asdict(config)


def field_names(config, prefix=""):
    """Every settable field of ``config``, nested ones dotted: ``["steps", ..., "model.width"]``."""
    if isinstance(config, dict):
        return list(config)
    names = []
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        if dataclasses.is_dataclass(value):
            names += field_names(value, f"{prefix}{f.name}.")
        else:
            names.append(prefix + f.name)
    return names


def _resolve(config, name):
    """The dotted path of ``name`` in ``config``: itself if it is one, else the one field that ends so."""
    known = field_names(config)
    if name in known or (not isinstance(config, dict)
                         and name in {f.name for f in dataclasses.fields(config)}):
        return name  # a nested dataclass may be given whole too
    matches = [k for k in known if k.rsplit(".", 1)[-1] == name]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ConfigError(f"{name!r} is ambiguous: say which one of {', '.join(matches)}")
    kind = "configuration" if isinstance(config, dict) else type(config).__name__
    raise ConfigError(f"{kind} has no field {name!r}; its fields: {', '.join(known)}")


def _parse(text, kind, name):
    """``text`` as a value of the field's type (int, float, bool, str, tuples of those, or None)."""
    if text in ("None", "none") and type(None) in typing.get_args(kind):
        return None
    args = [a for a in typing.get_args(kind) if a is not type(None)]
    if typing.get_origin(kind) in (typing.Union, types.UnionType) and len(args) == 1:  # Optional[X]
        kind = args[0]
    if typing.get_origin(kind) is tuple:
        parts = text.strip("()").split(",")
        inner = typing.get_args(kind)
        return tuple(_parse(p.strip(), inner[0] if inner[-1] is Ellipsis else inner[i], name)
                     for i, p in enumerate(parts))
    try:
        if kind is bool:
            if text.lower() not in ("true", "false", "1", "0"):
                raise ValueError
            return text.lower() in ("true", "1")
        if kind is int:
            return int(float(text)) if float(text).is_integer() else int(text)
        if kind is float:
            return float(text)
    except ValueError:
        raise ConfigError(f"{name} takes a {kind.__name__}, got {text!r}") from None
    return text


def _literal(text, name):
    """A value written as Python writes it (None, a tuple, a list), or the text itself."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def override(config, assignments):
    """A copy of ``config`` with ``assignments`` applied: ``["lr=1e-3", "steps=500"]`` (strings, from
    the command line) or ``{"lr": 1e-3}`` (values).  Unknown fields are an error that lists the known."""
    if not isinstance(assignments, dict):
        pairs = {}
        for item in assignments:
            if "=" not in item:
                raise ConfigError(f"--set takes NAME=VALUE pairs, got {item!r}; "
                                  f"fields: {', '.join(field_names(config))}")
            key, text = item.split("=", 1)
            pairs[key.strip()] = text.strip()
        assignments = pairs
    for name, value in assignments.items():
        path = _resolve(config, name).split(".")
        config = _replace(config, path, value, name)
    return config


def _replace(config, path, value, name):
    if isinstance(config, dict):  # a declared dict: parse to the declared value's kind
        current = config[path[0]]
        if isinstance(value, str) and not isinstance(current, str):
            value = (_parse(value, type(current), name) if isinstance(current, (bool, int, float))
                     else _literal(value, name))
        return {**config, path[0]: value}
    hints = typing.get_type_hints(type(config))
    head = path[0]
    if len(path) > 1:
        return dataclasses.replace(config, **{head: _replace(getattr(config, head), path[1:], value, name)})
    if isinstance(value, str) and hints[head] is not str:
        value = _parse(value, hints[head], name)
    return dataclasses.replace(config, **{head: value})
