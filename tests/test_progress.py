"""ck.progress(): every check and lab records its outcome locally; a teacher exports a class's files."""

import csv

import torch

import coursekit as ck
from coursekit import progress


def test_checks_record_outcomes_that_progress_shows_and_reset_forgets(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSEKIT_PROGRESS", str(tmp_path / "me.json"))
    ck.check.to_model_range(lambda x: x.float() / 255)                      # a named mistake
    ck.check.to_model_range(lambda x: x.float() / 127.5 - 1)                # then right
    ck.check.g_loss(lambda f: -torch.nn.functional.binary_cross_entropy_with_logits(f, torch.ones_like(f)))
    def stub(real_logits, fake_logits):
        raise NotImplementedError
    ck.check.d_loss(stub)
    capsys.readouterr()
    rows = {r["name"]: r for r in ck.progress()}
    shown = capsys.readouterr().out
    assert rows["to_model_range"]["state"] == "done" and rows["to_model_range"]["attempts"] == 2
    assert rows["g_loss"]["state"] == "failing" and "sign" in rows["g_loss"]["detail"]
    assert rows["d_loss"]["state"] == "not implemented" and rows["cycle_loss"]["state"] == "not tried"
    assert len(rows) == len(progress.course()) and any(r["kind"] == "lab" for r in rows.values())
    assert "1 of" in shown and "✘ exercise g_loss" in shown
    ck.progress(reset=True)
    assert all(r["state"] == "not tried" for r in progress.table())


def test_a_class_exports_to_one_csv_with_each_outcome_and_how_often_each_mistake_was_hit(tmp_path,
                                                                                         monkeypatch):
    files = []
    for student in ("alice", "bob"):
        monkeypatch.setenv("COURSEKIT_PROGRESS", str(tmp_path / f"{student}.json"))
        ck.check.to_model_range(lambda x: x.float() / 255)
        files.append(tmp_path / f"{student}.json")
    assert progress.main(["--export", str(tmp_path / "class.csv"), *map(str, files)]) == 0
    rows = list(csv.DictReader(open(tmp_path / "class.csv")))
    outcomes = [r for r in rows if r["record"] == "outcome" and r["exercise"] == "to_model_range"]
    assert ([r["student"] for r in outcomes] == ["alice", "bob"]
            and all(r["state"] == "failing" for r in outcomes))
    mistakes = [r for r in rows if r["record"] == "mistake"]
    assert mistakes[0]["exercise"] == "to_model_range" and mistakes[0]["attempts"] == "2"
    assert "[0, 1]" in mistakes[0]["detail"]


def test_a_damaged_or_unwritable_progress_file_never_stops_a_check(tmp_path, monkeypatch):
    bad = tmp_path / "progress.json"
    bad.write_text("{not json")
    monkeypatch.setenv("COURSEKIT_PROGRESS", str(bad))
    assert ck.check.to_model_range(lambda x: x.float() / 127.5 - 1) is not None
    assert progress.load()["to_model_range"]["state"] == "done"
    monkeypatch.setenv("COURSEKIT_PROGRESS", str(tmp_path / "a-file" / "below-a-file.json"))
    (tmp_path / "a-file").write_text("")
    ck.check.to_model_range(lambda x: x.float() / 127.5 - 1)  # cannot be written: the check still runs
