"""CONTRIBUTING.md's path for adding a lecture, followed once with a tiny lecture through every registry:
its configuration and recipe (python -m coursekit.train), its check (ck.check, ck.progress), its widget
(ck.widgets), its zoo model (ck.zoo) and a notebook source (the student version's stub)."""

import importlib
import sys
import textwrap

import pytest

import coursekit as ck
import coursekit.models

LECTURE = {
    "__init__.py": '''
        """A tiny lecture: a scaled identity trained to copy its input."""
        from dataclasses import dataclass

        import torch
        import torch.nn as nn

        import coursekit as ck
        from coursekit.zoo import register


        @dataclass
        class ScaleConfig:
            channels: int = 1


        class Scale(nn.Module):
            def __init__(self, config=None):
                super().__init__()
                self.config = config or ScaleConfig()
                self.weight = nn.Parameter(torch.zeros(self.config.channels))

            def forward(self, x):
                return x * self.weight[None, :, None, None]


        def copy_loss(model, x):
            """The lecture's exercise: the mean squared error of the model's copy of x."""
            return (model(x) - x).pow(2).mean()


        def train_scale(steps=20, lr=0.5, seed=0, checkpoint=None, device=None):
            ck.seed(seed)
            model = Scale()
            opt = torch.optim.SGD(model.parameters(), lr=lr)
            run = ck.train.Run({"model": model, "opt": opt}, steps=steps, checkpoint=checkpoint)
            with run:
                for step in run.steps():
                    loss = copy_loss(model, torch.randn(8, 1, 4, 4))
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    run.log(loss=loss)
            return ck.train.Trained(model, model, None, run)


        register("tinylecture.Scale", Scale, ScaleConfig)
    ''',
    "recipes.py": '''
        import coursekit as ck
        from coursekit.models import tinylecture

        CONFIGS = {"tiny-scale": ck.train.settings(tinylecture.train_scale, steps=30)}


        def train_tiny_scale(args):
            return tinylecture.train_scale(**args.config, checkpoint=args.runs / "tiny-scale",
                                           device=args.device)


        def publish_tiny_scale(args, trained):
            model = trained.G_ema
            return ck.train.Published(model, {"weight": float(model.weight.detach())},
                                      description="a tiny lecture's model", data="torch.randn, seed 0")


        RECIPES = {"tiny-scale": ck.train.Recipe(train=train_tiny_scale, publish=publish_tiny_scale)}
    ''',
    "checks.py": '''
        import torch

        from coursekit.check import Case, Check, Mistake
        from coursekit.models import tinylecture

        copy_loss = Check(
            "copy_loss",
            hints=("The distance is the mean of the squared differences.",),
            reference=tinylecture.copy_loss,
            cases=[Case("a scale of 0.5", lambda: (_model(0.5), torch.randn(2, 1, 3, 3, generator=_g(0)))),
                   Case("a scale of 2", lambda: (_model(2.0), torch.randn(2, 1, 3, 3, generator=_g(1))))],
            mistakes=[Mistake("Square the difference: a mean of signed differences cancels out.",
                              lambda model, x: (model(x) - x).mean())],
        )


        def _g(seed):
            return torch.Generator().manual_seed(seed)


        def _model(value):
            model = tinylecture.Scale()
            model.weight.data.fill_(value)
            return model
    ''',
    "widgets.py": '''
        from coursekit.widgets import Explorer, slider


        def scale_explorer(images):
            return Explorer(lambda scale: images * scale / 10, {"scale": slider("scale x10", 0, 10, 5)},
                            title="The copy as its weight moves")
    ''',
}

NOTEBOOK = '''
# %% [markdown]
# # A tiny lecture
# The copy loss is $\\frac{1}{N}\\sum (f(x) - x)^2$.

# %%
import coursekit as ck
from coursekit.models import tinylecture

# %%
def copy_loss(model, x):
    ### BEGIN SOLUTION
    ### HINT: the mean of the squared differences
    return (model(x) - x).pow(2).mean()
    ### END SOLUTION

# %%
copy_loss = ck.check.copy_loss(copy_loss)
'''


@pytest.fixture
def tiny_lecture(tmp_path, monkeypatch):
    """Steps 1-5 of the guide: the lecture's folder, written where coursekit.models finds packages, and
    its name added to LECTURES."""
    folder = tmp_path / "models" / "tinylecture"
    folder.mkdir(parents=True)
    for name, text in LECTURE.items():
        (folder / name).write_text(textwrap.dedent(text))
    # the registries imported before the lecture is added: one imported after would keep it past the test
    registries = [importlib.import_module(m) for m in ("coursekit.check", "coursekit.widgets",
                                                       "coursekit.train.__main__")]
    monkeypatch.setattr(coursekit.models, "__path__", [*coursekit.models.__path__, str(tmp_path / "models")])
    monkeypatch.setattr(coursekit.models, "LECTURES", (*coursekit.models.LECTURES, "tinylecture"))
    for module in registries:
        monkeypatch.setattr(module, "LECTURES", coursekit.models.LECTURES, raising=False)
    yield importlib.import_module("coursekit.models.tinylecture")
    for name in [m for m in sys.modules if m.startswith("coursekit.models.tinylecture")]:
        del sys.modules[name]


def test_a_lecture_added_as_the_guide_says_is_found_by_every_registry(tiny_lecture, tmp_path, monkeypatch):
    from coursekit.train import __main__ as cli

    monkeypatch.setattr(cli, "LECTURES", coursekit.models.LECTURES)
    # its configuration and recipe, changed from the command line, published to a zoo
    assert cli.configs()["tiny-scale"]["steps"] == 30
    assert cli.main(["tiny-scale", "--device", "cpu", "--runs", str(tmp_path / "runs"), "--zoo",
                     str(tmp_path / "zoo"), "--set", "steps=25", "lr=0.3"]) == 0
    record = ck.checkpoint.read_record(tmp_path / "zoo" / "tiny-scale")
    assert record["options"] == {"steps": 25, "lr": 0.3, "seed": 0} and record["steps"] == 25
    with pytest.raises(SystemExit, match="no field 'learning_rate'"):
        cli.main(["tiny-scale", "--runs", str(tmp_path / "runs"), "--set", "learning_rate=1"])
    # its check: the reference passes, the registry's mistake is named, a new one is diagnosed
    check = ck.check.copy_loss
    assert check.report(tiny_lecture.copy_loss).ok
    assert "signed differences" in check.report(lambda model, x: (model(x) - x).mean()).hint
    assert "negative" in check.report(lambda model, x: -(model(x) - x).pow(2).mean()).hint
    assert "copy_loss" in [name for name, _ in ck.progress.course()]
    # its widget
    import torch
    explorer = ck.widgets.scale_explorer(torch.zeros(4, 1, 8, 8))
    assert explorer is not None


def test_a_lecture_notebook_source_builds_a_student_version_with_a_stub(tiny_lecture, tmp_path):
    from coursekit import notebooks

    source = tmp_path / "99_tiny.py"
    source.write_text(NOTEBOOK)
    solved = notebooks.from_source(source)
    student = notebooks.student_version(solved, "99_tiny")
    exercise = next(c.source for c in student.cells if "def copy_loss" in c.source)
    assert "NotImplementedError" in exercise and "pow(2)" not in exercise  # the stub never shows the answer
    assert "ck.hint('copy_loss')" in exercise
