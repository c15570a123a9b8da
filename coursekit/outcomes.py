"""Where the outcomes of a student's checks and labs are kept: one JSON file in the user's data folder
(no account, no network).  ``ck.check`` records here; ``ck.progress()`` reads it (coursekit.progress).

The file: ``COURSEKIT_PROGRESS``, else ``$XDG_DATA_HOME/coursekit/progress.json`` (``~/.local/share/...``).
"""

import json
import os
import time
from pathlib import Path


def path():
    """The progress file: ``COURSEKIT_PROGRESS``, else ``$XDG_DATA_HOME/coursekit/progress.json``."""
    if os.environ.get("COURSEKIT_PROGRESS"):
        return Path(os.environ["COURSEKIT_PROGRESS"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "coursekit" / "progress.json"


def load(file=None):
    """The recorded outcomes:
    ``{name: {"kind", "state", "attempts", "hint", "numbers", "mistakes", "time"}}``."""
    file = Path(file) if file else path()
    if not file.exists():
        return {}
    try:
        return json.loads(file.read_text())
    except (json.JSONDecodeError, OSError):
        return {}  # a damaged file is no reason to stop a notebook: progress starts again


def record(name, kind, state, hint="", numbers=None):
    """Keep one outcome of exercise or lab ``name`` (``state``: done, failing, not implemented).  Never
    raises: a read-only home folder must not stop a check."""
    try:
        file = path()
        data = load(file)
        entry = data.setdefault(name, {"kind": kind, "attempts": 0, "mistakes": {}})
        if state != "not implemented":
            entry["attempts"] += 1
        if state == "failing" and hint:
            entry["mistakes"][hint] = entry["mistakes"].get(hint, 0) + 1
        if entry.get("state") != "done" or state == "done":  # once done, a later experiment does not undo it
            entry.update(state=state, hint=hint if state == "failing" else "", numbers=numbers or {})
        entry["time"] = time.strftime("%Y-%m-%d %H:%M")
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(data, indent=1, ensure_ascii=False))
    except OSError:
        pass
