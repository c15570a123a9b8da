"""The zoo models' declared configurations: ``--set`` by name, checked; records that name their settings."""

import json

import pytest
import torch

import coursekit as ck
from coursekit.models import progan, stylegan
from coursekit.train.config import ConfigError, as_record, field_names, override


def test_a_change_by_name_is_parsed_to_the_fields_type_and_leaves_the_declaration_alone():
    declared = stylegan.Training()
    changed = override(declared, ["lr=1e-3", "steps=500", "betas=0.5,0.9", "bf16=false", "d_width=None",
                                  "mapping_layers=8", "model.fine_noise=0"])
    assert ((changed.lr, changed.steps, changed.betas, changed.bf16, changed.d_width)
            == (1e-3, 500, (0.5, 0.9), False, None))
    assert changed.model.mapping_layers == 8 and changed.model.fine_noise == 0.0
    assert declared == stylegan.Training()  # frozen: the recipe's declaration is never changed in place
    assert override(declared, {"steps": 7}).steps == 7  # values, as a notebook passes them


@pytest.mark.parametrize("assignment, says", [
    ("lrr=1e-3", "no field 'lrr'; its fields: steps, batch_size, lr"),
    ("steps=many", "steps takes a int, got 'many'"),
    ("bf16=maybe", "bf16 takes a bool"),
    ("lr", "NAME=VALUE"),
])
def test_a_wrong_change_names_the_known_fields_or_the_expected_kind(assignment, says):
    with pytest.raises(ConfigError, match=says.replace("(", r"\(")):
        override(stylegan.Training(), [assignment])


def test_every_face_gan_field_is_settable_and_kept_whole_in_the_record():
    names = field_names(progan.Training())
    assert {"lr", "betas", "ema_half_life", "model.max_stage"} <= set(names)
    record = as_record(override(progan.Training(), ["lr=3e-3"]))
    assert record["lr"] == 3e-3 and record["model"]["max_stage"] == 3
    json.dumps(record)  # a zoo record is JSON


def test_the_command_line_changes_a_declared_field_and_refuses_an_unknown_one(tmp_path, capsys):
    from coursekit.train.__main__ import main

    assert main(["faces-stylegan", "--no-publish", "--device", "cpu", "--runs", str(tmp_path), "--set",
                 "steps=2", "batch_size=2", "lr=5e-4", "model.width=32", "model.resolution=8"]) == 0
    _, saved = ck.checkpoint.read(tmp_path / "faces-stylegan" / "checkpoint")
    assert saved["options"]["lr"] == 5e-4 and saved["options"]["model"]["width"] == 32 and saved["steps"] == 2
    with pytest.raises(SystemExit, match="no field 'learning_rate'.*lr"):
        main(["faces-stylegan", "--no-publish", "--runs", str(tmp_path), "--set", "learning_rate=1"])
    with pytest.raises(SystemExit, match="no field 'learning_rate'; its fields: steps, batch_size, lr"):
        main(["mnist-judge", "--no-publish", "--runs", str(tmp_path), "--set", "learning_rate=1"])


def test_every_zoo_model_declares_its_configuration_and_its_record_names_those_settings():
    from coursekit.train.__main__ import configs, recipes

    declared = configs()
    assert set(declared) == set(recipes()) and set(ck.zoo.names()) <= set(declared)
    for name in ck.zoo.names():
        kept = ck.zoo.record(name)["options"]
        expected = json.loads(json.dumps(as_record(declared[name])))
        assert {k: kept[k] for k in expected} == expected, name  # a record may add what the call adds


def test_a_curve_is_kept_in_the_history_and_compared_at_equal_cpu_time(tmp_path, monkeypatch, capsys):
    from coursekit.models import face_eval
    from coursekit.train import curves

    small = stylegan.StyleGANConfig(z_dim=8, w_dim=8, mapping_layers=1, resolution=8, width=32)
    monkeypatch.setattr(ck.zoo, "load", lambda name, device=None: face_eval.AttributePredictor(
        face_eval.AttributeConfig(width=4)))
    for lr in (1e-3, 2e-3):
        stylegan.train_stylegan(steps=4, batch_size=2, model=small, lr=lr, curve_every=2,
                                device=torch.device("cpu"), checkpoint=tmp_path / f"lr-{lr}")
    rows = curves.curve(tmp_path / "lr-0.001")
    assert [r["step"] for r in rows] == [2, 4] and [r["images"] for r in rows] == [4, 8]
    assert rows[0]["cpu_h"] < rows[1]["cpu_h"] and all(r["fid"] >= 0 and r["texture"] > 0 for r in rows)
    assert curves.main([str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "lr-0.001" in out and "lr-0.002" in out and "CPU-hours" in out
