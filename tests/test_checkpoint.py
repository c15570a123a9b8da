import json

import pytest
import torch

from coursekit import checkpoint
from coursekit.checkpoint import CheckpointError


def _model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))


def _trained():
    model = _model()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(3):
        opt.zero_grad()
        model(torch.randn(8, 3)).square().mean().backward()
        opt.step()
    return model, opt


def test_round_trip_restores_weights_optimizer_and_plain_values(tmp_path):
    model, opt = _trained()
    checkpoint.save(tmp_path / "run", {"model": model, "opt": opt, "step": 3, "note": "hi",
                                       "lrs": [0.1, 0.2]},
                    {"config": {"width": 4}})
    state, record = checkpoint.read(tmp_path / "run")
    fresh = _model()
    checkpoint.load_weights(fresh, state["model"])
    for a, b in zip(model.state_dict().values(), fresh.state_dict().values()):
        assert torch.equal(a, b)
    opt2 = torch.optim.Adam(fresh.parameters(), lr=0.01)
    opt2.load_state_dict(state["opt"])
    assert torch.equal(opt2.state_dict()["state"][0]["exp_avg"], opt.state_dict()["state"][0]["exp_avg"])
    assert (state["step"], state["note"], state["lrs"]) == (3, "hi", [0.1, 0.2])
    assert record["config"] == {"width": 4}


def test_record_names_versions_date_and_weights_hash(tmp_path):
    record = checkpoint.save(tmp_path / "m", {"model": _model()}, {"command": "python -m x"})
    on_disk = json.loads((tmp_path / "m.json").read_text())
    assert on_disk == record
    assert record["sha256"] == checkpoint.sha256(tmp_path / "m.safetensors")
    assert {"torch", "python", "coursekit"} <= set(record["versions"]) and record["saved_at"]


def test_weights_are_safetensors_not_pickle(tmp_path):
    checkpoint.save(tmp_path / "m", {"model": _model()})
    from safetensors.torch import load_file

    assert set(load_file(tmp_path / "m.safetensors")) == {"model/0.weight", "model/0.bias", "model/1.weight",
                                                          "model/1.bias", "model/1.running_mean",
                                                          "model/1.running_var",
                                                          "model/1.num_batches_tracked", "model/2.weight",
                                                          "model/2.bias"}


def test_damaged_weights_are_detected_by_their_hash(tmp_path):
    checkpoint.save(tmp_path / "m", {"model": _model()})
    raw = bytearray((tmp_path / "m.safetensors").read_bytes())
    raw[-3] ^= 0xFF
    (tmp_path / "m.safetensors").write_bytes(bytes(raw))
    with pytest.raises(CheckpointError, match="m.safetensors is damaged"):
        checkpoint.read(tmp_path / "m")


def test_missing_record_says_what_was_expected(tmp_path):
    with pytest.raises(CheckpointError, match="No checkpoint record at .*nothing.json"):
        checkpoint.read(tmp_path / "nothing")


def test_missing_weights_name_the_file(tmp_path):
    checkpoint.save(tmp_path / "m", {"model": _model()})
    (tmp_path / "m.safetensors").unlink()
    with pytest.raises(CheckpointError, match="No weights file at .*m.safetensors"):
        checkpoint.read(tmp_path / "m")


def test_corrupt_record_is_reported(tmp_path):
    checkpoint.save(tmp_path / "m", {"model": _model()})
    (tmp_path / "m.json").write_text("{ not json")
    with pytest.raises(CheckpointError, match="not valid JSON"):
        checkpoint.read(tmp_path / "m")


def test_a_json_file_of_something_else_is_refused(tmp_path):
    (tmp_path / "m.json").write_text('{"hello": 1}')
    with pytest.raises(CheckpointError, match="not a coursekit checkpoint"):
        checkpoint.read(tmp_path / "m")


def test_weights_that_do_not_fit_the_model_name_the_file_the_keys_and_shapes():
    small, big = torch.nn.Linear(3, 4), torch.nn.Linear(3, 5)
    with pytest.raises(CheckpointError) as e:
        checkpoint.load_weights(big, small.state_dict(), "zoo/x.safetensors")
    assert "zoo/x.safetensors does not fit Linear" in str(e.value)
    assert "weight: file (4, 3), model (5, 3)" in str(e.value)


def test_missing_and_unexpected_keys_are_listed():
    with pytest.raises(CheckpointError) as e:
        checkpoint.load_weights(torch.nn.Linear(3, 4), {"weight": torch.zeros(4, 3), "scale": torch.ones(1)})
    assert "missing in the file: bias" in str(e.value) and "not in the model: scale" in str(e.value)


def test_unsupported_objects_are_refused_with_the_types_that_work(tmp_path):
    with pytest.raises(TypeError, match="cannot store set"):
        checkpoint.save(tmp_path / "m", {"bad": {1, 2}})
