"""The site's generated pages: the landing page, the zoo (from the records), the exercises and labs
(from the checks), and the picture strip the landing page shows (drawn by the zoo's models)."""

import re

import torch

import coursekit as ck
from coursekit.site import sources

#: The picture strip of the README and the landing page: a row of samples from each of four zoo models,
#: drawn by :func:`strip` (``python -m coursekit.site --strip``; a test keeps it in step with the zoo).
STRIP = ck.DATA_DIR / "site" / "strip.png"
#: What the strip shows, its alt text.
STRIP_ALT = ("Samples the course's models drew, a row each: digits from a DCGAN (lecture 01), the digits "
             "0 to 9 from a conditional GAN (02), faces from ProGAN (05) and from StyleGAN (06)")

#: Files of the site that are written by hand (coursekit/site/text/): title and file, in menu order.
WRITTEN = [("Glossary", "glossary.md"), ("Training the zoo", "training.md"), ("Data", "data.md"),
           ("Tests and benchmarks", "tests.md")]


def title(name):
    """A lecture's title, from the first heading of its source (``06 · StyleGAN: ...``)."""
    for line in sources()[name].read_text().splitlines():
        if line.startswith("# # "):
            return line[4:].strip()
    return name


def _short(name):
    return title(name).split("·", 1)[-1].strip()


def landing():
    lectures = "\n".join(f"| {name[:2]} | [{_short(name)}](lectures/{name}.ipynb) |" for name in sources())
    return f"""# Generative models, one lecture at a time

An open course on generative models, from the first GAN to denoising diffusion, in Jupyter notebooks.
Each lecture gives the paper's idea in short text with its equations, the code that implements it
written out in full, a model trained live and one trained to quality, numbers that back every claim,
widgets to explore what the model learned, and exercises with instant feedback.

```{{image}} _static/strip.png
:alt: {STRIP_ALT}
:width: 100%
```

It runs anywhere: a laptop CPU, offline (the data ship with the course or are drawn by it, and the
trained models ship in its zoo), or a GPU. These pages show each lecture as the full course runs it,
with its pictures and numbers; to run it, edit it and do the exercises, install it:

```bash
make lab     # install the course into .venv and open it in JupyterLab
make test    # every test: the library, and every notebook in quick mode
```

## The lectures

| # | lecture |
|---|---|
{lectures}

Each lecture page offers its student notebook for download: the exercises are blank there, and
each is checked by the cell after it. [Exercises and labs](exercises.md) lists them all; the
[zoo](zoo.md) lists the models the course trained, with their numbers and what they cost.

```{{toctree}}
:hidden:
:caption: Lectures

{chr(10).join(f"lectures/{name}" for name in sources())}
```

```{{toctree}}
:hidden:
:caption: Reference

exercises
zoo
{chr(10).join(file[:-3] for _, file in WRITTEN)}
```
"""


def exercises():
    from coursekit.progress import notebook_of

    names = list(sources())
    rows = []
    for name, kind, number in notebook_of():
        lecture = names[number]
        rows.append(f"| [{lecture[:2]}](lectures/{lecture}.ipynb) | {kind} | `{name}` |")
    return f"""# Exercises and labs

Every lecture has short **exercises**: a function to write in a cell marked `YOUR CODE HERE`; the
cell after it checks it (`ck.check.<name>(your_function)`) against the course's reference on several
inputs, and names the mistake when it recognises it. Most lectures end with a **lab**: a larger task
with a measured goal (a class accuracy, a Fréchet distance), checked by the course's judges, that
accepts any approach that reaches it. `ck.progress()` shows where you stand in all of them.

| lecture | kind | check |
|---|---|---|
{chr(10).join(rows)}
"""


def _number(value):
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


def _scalars(metrics, prefix="", depth=1):
    """``[(name, value)]`` of a record's numbers: top-level ones and those one level down."""
    out = []
    for key, value in metrics.items():
        if isinstance(value, (int, float)):
            out.append((prefix + key, value))
        elif isinstance(value, dict) and depth > 0:
            out += _scalars(value, f"{prefix}{key}.", depth - 1)
    return out


#: Record keys that hold a reference point (a floor or a ceiling), not the model's own score.
_REFERENCE = re.compile(r"real|floor|ceil|untrained|noise|trivial|mean_photo|chance|oracle")


def _hours(seconds):
    return f"{seconds / 60:.0f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


def zoo():
    parts = ["""# The model zoo

Every model the lectures load with `ck.zoo.load(name)`, generated from its record
(`data/zoo/<name>.json`, beside its safetensors weights): what it is, its numbers, what it cost,
and the command that trains it again. A record's numbers come from the evaluation it names, on data
the model never saw; the lecture that loads the model says what they mean and what to compare them
with.
"""]
    summary = ["| model | what it is | cost |", "|---|---|---|"]
    for name in ck.zoo.names():
        record = ck.zoo.record(name)
        first = record.get("description", "").split(":")[0].split("(")[0].strip()
        cost = _hours(record["wall_time_s"]) if record.get("wall_time_s") else "—"
        summary.append(f"| [`{name}`](#{name}) | {first} | {record.get('steps', 0):,} steps, {cost} |")
    parts.append("\n".join(summary) + "\n")
    for name in ck.zoo.names():
        record = ck.zoo.record(name)
        numbers = _scalars(record.get("metrics", {}))
        # reference points first: what real data, a trivial answer or an untrained model score
        numbers = sorted(numbers, key=lambda kv: not _REFERENCE.search(kv[0]))[:14]
        table = "\n".join(f"| {key}{' (reference)' if _REFERENCE.search(key) else ''} | {_number(value)} |"
                           for key, value in numbers)
        cost = [f"{record['steps']:,} steps" if record.get("steps") else None,
                _hours(record["wall_time_s"]) if record.get("wall_time_s") else None,
                record.get("device")]
        parts.append(f"""({name})=
## `{name}`

{record.get("description", "")}

- **Data:** {record.get("data", "—")}
- **Evaluation:** {record.get("evaluation", "—")}
- **Cost:** {", ".join(c for c in cost if c)}
- **Train it again:** `{record.get("command", "python -m coursekit.train " + name)}`

| number | value |
|---|---|
{table or "| (none recorded) | |"}
""")
    return "\n".join(parts)


@torch.no_grad()
def strip(path=STRIP):
    """Draw :data:`STRIP` (a row from each of four zoo models, labelled) into ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from coursekit.viz import show

    cgan = ck.zoo.load("mnist-cgan", device=torch.device("cpu"))
    digits = cgan(torch.randn(10, cgan.config.z_dim, generator=torch.Generator().manual_seed(0)),
                  torch.arange(10))
    rows = [("DCGAN, digits (01)", ck.zoo.extras("mnist-dcgan")["frames"][-1][:10].float() / 127.5 - 1),
            ("conditional GAN, 0 to 9 (02)", digits),
            ("ProGAN, faces (05)", ck.zoo.extras("faces-progan")["samples"]["zoo-model"][:10].float()),
            ("StyleGAN, faces (06)", ck.zoo.extras("faces-stylegan")["samples"][:10].float())]
    fig, axes = plt.subplots(len(rows), 1, figsize=(10, 1.25 * len(rows)))
    for ax, (label, images) in zip(axes, rows):
        show(images.expand(-1, 3, -1, -1), nrow=10, ax=ax, title=label)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
