import shutil

import pytest
import torch

import coursekit as ck
from coursekit import zoo
from coursekit.checkpoint import CheckpointError


def test_the_judge_is_in_the_zoo_with_its_metrics(capsys):
    records = ck.zoo.available()
    assert "mnist-judge" in records
    assert "held_out_accuracy" in capsys.readouterr().out


def test_load_builds_the_model_in_eval_mode_on_the_cpu():
    judge = ck.zoo.load("mnist-judge", device=torch.device("cpu"))
    assert not judge.training and next(judge.parameters()).device.type == "cpu"


def test_every_record_says_how_to_retrain_and_what_it_cost():
    for name in zoo.names():
        record = zoo.record(name)
        assert record["command"].startswith(("python -m coursekit.train ", "torchrun "))
        assert {"config", "data", "steps", "wall_time_s", "device", "metrics", "versions",
                "sha256"} <= set(record)


def test_the_zoo_stays_small():
    # 118.3 MB with notebook 03's second Pix2Pix (photos with detail, 15 MB in float16) and its second judge
    # (faces-segmenter-camera, 1 MB), notebook 06's 64x64 StyleGAN and its two races' (7 MB in float16); a
    # clone stays
    # quick to fetch, and a new model that does not fit asks whether an older one can go
    total = sum(p.stat().st_size for p in zoo.ZOO_DIR.iterdir())
    assert total < 120e6


def test_an_unknown_name_lists_the_known_ones():
    with pytest.raises(KeyError, match="known: .*mnist-judge"):
        ck.zoo.load("mnist-jugde")


@pytest.fixture
def zoo_copy(tmp_path, monkeypatch):
    for p in zoo.ZOO_DIR.glob("mnist-judge.*"):
        shutil.copy(p, tmp_path / p.name)
    monkeypatch.setattr(zoo, "ZOO_DIR", tmp_path)
    return tmp_path


def test_a_damaged_zoo_file_says_so(zoo_copy):
    raw = bytearray((zoo_copy / "mnist-judge.safetensors").read_bytes())
    raw[len(raw) // 2] ^= 0x01
    (zoo_copy / "mnist-judge.safetensors").write_bytes(bytes(raw))
    with pytest.raises(CheckpointError, match="damaged.*python -m coursekit.train mnist-judge"):
        ck.zoo.load("mnist-judge")


def test_a_record_with_an_unknown_architecture_is_refused(zoo_copy):
    text = (zoo_copy / "mnist-judge.json").read_text().replace(
        '"architecture": "Judge"', '"architecture": "Nope"')
    (zoo_copy / "mnist-judge.json").write_text(text)
    with pytest.raises(CheckpointError, match="names architecture 'Nope'"):
        ck.zoo.load("mnist-judge")


def test_publish_then_load_round_trips(tmp_path, monkeypatch):
    from coursekit.models.judge import Judge, JudgeConfig

    monkeypatch.setattr(zoo, "ZOO_DIR", tmp_path)
    model = Judge(JudgeConfig(width=8, features=16))
    zoo.publish("tiny", model, {"command": "python -m coursekit.train tiny", "metrics": {}})
    loaded = ck.zoo.load("tiny", device=torch.device("cpu"))
    assert loaded.config == model.config
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), loaded.state_dict().values()))


def test_a_model_published_in_float16_loads_as_float32_and_draws_the_same(tmp_path, monkeypatch):
    import torch

    import coursekit as ck
    from coursekit.models import pix2pix

    torch.manual_seed(0)
    G = pix2pix.UNetGenerator(pix2pix.config_for("edges", width=4)).eval()
    monkeypatch.setattr(ck.zoo, "ZOO_DIR", tmp_path)
    ck.zoo.publish("small", G, {"metrics": {}}, weights_dtype="float16")
    assert ck.zoo.record("small")["weights_dtype"] == "float16"
    loaded = ck.zoo.load("small", device=torch.device("cpu"))
    assert all(p.dtype == torch.float32 for p in loaded.parameters())
    x = torch.rand(2, 1, 64, 64)
    with torch.no_grad():
        assert (loaded(x) - G(x)).abs().max() < 1e-2
    full = tmp_path / "full"
    ck.zoo.publish("full", G, {"metrics": {}}, zoo_dir=full)
    assert (tmp_path / "small.safetensors").stat().st_size < 0.6 * (full / "full.safetensors").stat().st_size
