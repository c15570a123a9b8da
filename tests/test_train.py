import dataclasses
import os
import signal

import pytest
import torch

import coursekit as ck
from coursekit.models.progan.recipes import FACES_PROGAN
from coursekit.train import History, Run
from coursekit.train.config import override


def _setup():
    ck.seed(0)
    model = torch.nn.Linear(4, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    return model, opt


def _step(model, opt, g):
    x = torch.randn(16, 4, generator=g)
    loss = (model(x) - x.sum(1, keepdim=True)).square().mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss


def test_history_records_and_summarises():
    h = History()
    for step in range(5):
        h.record(step, loss=float(step))
    assert h.steps("loss") == [0, 1, 2, 3, 4] and h.last("loss") == 4.0 and h.mean("loss", last=2) == 3.5


def test_history_names_what_exists_when_asked_for_a_missing_series():
    with pytest.raises(KeyError, match="recorded: loss"):
        History({"loss": [[0], [1.0]]}).values("acc")


def test_run_logs_every_step_including_tensors():
    model, opt = _setup()
    g = torch.Generator().manual_seed(0)
    run = Run({"model": model, "opt": opt}, steps=25, log_every=10)
    with run:
        for step in run.steps():
            run.log(loss=_step(model, opt, g), lr=0.1)
    assert run.step == 25 and run.history.steps("loss") == list(range(25))
    assert run.history.last("loss") < run.history.values("loss")[0]
    assert not run.interrupted and run.seconds > 0


def test_steps_outside_a_with_block_are_refused():
    with pytest.raises(RuntimeError, match="with run"):
        next(Run({}, steps=3).steps())


@pytest.fixture
def python_ctrl_c():
    """Python's own Ctrl-C handler, as in a terminal or a kernel: a test suite started in the background
    (``make test &``) inherits SIGINT ignored, and a SIGINT would then do nothing."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_ctrl_c_stops_cleanly_and_keeps_model_and_history(tmp_path, capsys, python_ctrl_c):
    model, opt = _setup()
    g = torch.Generator().manual_seed(0)
    run = Run({"model": model, "opt": opt}, steps=100, checkpoint=tmp_path / "run")
    with run:
        for step in run.steps():
            run.log(loss=_step(model, opt, g))
            if step == 6:
                os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C / "interrupt kernel" sends
    assert run.interrupted and run.step == 6
    assert run.history.steps("loss") == list(range(6))  # the interrupted step 6 is not counted
    assert "Interrupted at step 6/100" in capsys.readouterr().out
    assert (tmp_path / "run" / "checkpoint.safetensors").exists()


def test_resume_continues_from_the_checkpoint(tmp_path):
    model, opt = _setup()
    g = torch.Generator().manual_seed(0)
    with Run({"model": model, "opt": opt}, steps=10, checkpoint=tmp_path / "r") as run:
        for step in run.steps():
            run.log(loss=_step(model, opt, g))
            if step == 4:
                raise KeyboardInterrupt
    weights = model.weight.detach().clone()
    model2, opt2 = _setup()
    run2 = Run({"model": model2, "opt": opt2}, steps=10, checkpoint=tmp_path / "r")
    assert run2.step == 4 and torch.equal(model2.weight, weights)
    done = []
    with run2:
        for step in run2.steps():
            done.append(step)
            run2.log(loss=_step(model2, opt2, g))
    assert done == [4, 5, 6, 7, 8, 9] and run2.history.steps("loss") == list(range(10))


def test_periodic_checkpoints_are_written(tmp_path):
    model, opt = _setup()
    with Run({"model": model, "opt": opt}, steps=6, checkpoint=tmp_path / "r", checkpoint_every=3) as run:
        for step in run.steps():
            run.log(loss=_step(model, opt, torch.Generator().manual_seed(step)))
            if step == 4:  # an exception other than Ctrl-C propagates and does not save
                saved, _ = ck.checkpoint.read(tmp_path / "r" / "checkpoint")
                assert saved["step"] == 3


def test_other_errors_propagate():
    with pytest.raises(ZeroDivisionError):
        with Run({}, steps=3) as run:
            for _ in run.steps():
                1 / 0


def test_same_seed_same_training_on_the_cpu():
    def train():
        model, opt = _setup()
        g = torch.Generator().manual_seed(1)
        with Run({"model": model}, steps=20) as run:
            for _ in run.steps():
                run.log(loss=_step(model, opt, g))
        return model.weight.detach(), run.history.values("loss")

    (w1, l1), (w2, l2) = train(), train()
    assert torch.equal(w1, w2) and l1 == l2


def test_retrain_command_publishes_a_zoo_model_with_its_record(tmp_path):
    from coursekit.train.__main__ import main

    assert main(["mnist-judge", "--steps", "3", "--runs", str(tmp_path / "runs"), "--zoo",
                 str(tmp_path)]) == 0
    record = ck.checkpoint.read_record(tmp_path / "mnist-judge")
    assert record["command"] == "python -m coursekit.train mnist-judge --steps 3"
    assert record["steps"] == 3 and record["architecture"] == "Judge"
    # the training settings are fields of the record, not prose: what the command trained with
    assert record["options"] == {"steps": 3, "batch_size": 128, "lr": 2e-3, "seed": 0}
    assert 0 <= record["metrics"]["held_out_accuracy"] <= 1 and record["sha256"]
    assert "previous" not in record  # nothing was there before
    # retrained, the record keeps the model it replaces for comparison: its steps, cost and numbers
    assert main(["mnist-judge", "--steps", "4", "--fresh", "--runs", str(tmp_path / "runs"), "--zoo",
                 str(tmp_path)]) == 0
    again = ck.checkpoint.read_record(tmp_path / "mnist-judge")
    assert again["steps"] == 4 and again["previous"]["steps"] == 3
    assert again["previous"]["metrics"]["held_out_accuracy"] == record["metrics"]["held_out_accuracy"]
    assert again["previous"]["command"] == record["command"] and "previous" not in again["previous"]


def test_every_zoo_model_is_made_by_a_recipe_that_trains_then_publishes():
    from coursekit.train.__main__ import recipes

    assert all(isinstance(recipe, ck.train.Recipe) for recipe in recipes().values())


def _two_step_recipe(published, interrupt=False):
    """A recipe whose training takes two steps (stopped by Ctrl-C at the first if ``interrupt``) and whose
    publishing only notes that it was called."""
    def train(args):
        run = Run({}, steps=2)
        with run:
            for _ in run.steps():
                if interrupt:
                    raise KeyboardInterrupt
        return ck.train.Fitted(torch.nn.Linear(1, 1), run)

    return ck.train.Recipe(train=train, publish=lambda args, trained: published.append(trained))


def test_an_interrupted_training_publishes_nothing_and_says_how_to_resume(tmp_path, monkeypatch, capsys):
    from coursekit.train import __main__ as cli

    published = []
    monkeypatch.setattr(cli, "recipes", lambda: {"two-steps": _two_step_recipe(published, interrupt=True)})
    assert cli.main(["two-steps", "--device", "cpu", "--runs", str(tmp_path / "runs"),
                     "--zoo", str(tmp_path / "zoo")]) == 1
    assert published == [] and not (tmp_path / "zoo").exists()
    assert "run the same command again to resume" in capsys.readouterr().out


def test_no_publish_trains_to_the_end_and_never_publishes(tmp_path, monkeypatch):
    from coursekit.train import __main__ as cli

    published = []
    monkeypatch.setattr(cli, "recipes", lambda: {"two-steps": _two_step_recipe(published)})
    assert cli.main(["two-steps", "--no-publish", "--device", "cpu", "--runs", str(tmp_path / "runs"),
                     "--zoo", str(tmp_path / "zoo")]) == 0
    assert published == [] and not (tmp_path / "zoo").exists()


def test_the_retrain_command_trains_in_the_precision_asked_and_records_it(tmp_path, monkeypatch):
    from coursekit.train.__main__ import main

    monkeypatch.setattr(ck.core, "has_fast_bf16", lambda dev: True)  # a CPU with AMX: auto would pick bf16
    monkeypatch.setenv("COURSEKIT_PRECISION", "auto")  # main sets it; monkeypatch puts it back
    for asked, expected in (("float32", "float32"), ("bf16", "bf16 autocast, float32 weights")):
        assert main(["mnist-cgan", "--steps", "1", "--batch-size", "8", "--precision", asked, "--fresh",
                     "--runs", str(tmp_path / "runs"), "--zoo", str(tmp_path)]) == 0
        record = ck.checkpoint.read_record(tmp_path / "mnist-cgan")
        assert record["precision"] == expected
        assert record["command"] == ("python -m coursekit.train mnist-cgan --steps 1 --batch-size 8 "
                                     f"--precision {asked} --fresh")


def test_the_retrain_command_stops_on_kill_and_resumes_where_it_stopped(tmp_path):
    import subprocess
    import sys
    import threading
    import time

    runs = tmp_path / "runs"
    cmd = [sys.executable, "-u", "-m", "coursekit.train", "mnist-judge", "--steps", "100000", "--runs",
           str(runs), "--no-publish"]
    # started as a background job is: SIGINT ignored, so `kill` (SIGTERM) is how it is stopped
    env = {**os.environ, "COURSEKIT_QUICK": "0"}  # the progress bar on: it tells when training has begun
    job = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    out = []
    reader = threading.Thread(target=lambda: out.extend(iter(lambda: job.stdout.read(1), "")), daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    while "/100000" not in "".join(out) and time.monotonic() < deadline:  # the progress bar: training began
        time.sleep(0.2)
    job.terminate()
    job.wait(timeout=120)
    reader.join(timeout=10)
    text = "".join(out)
    assert job.returncode == 1, text
    assert "Interrupted" in text and "run the same command again to resume" in text
    saved, _ = ck.checkpoint.read(runs / "mnist-judge" / "checkpoint")
    assert 0 <= saved["step"] < 100000


@pytest.mark.parametrize("name", ["faces-attributes", "faces-segmenter", "faces-segmenter-detail",
                                  "faces-segmenter-camera"])
def test_the_faces_evaluation_models_retrain_and_publish_with_their_scores(tmp_path, name):
    from coursekit.train.__main__ import main

    assert main([name, "--steps", "2", "--batch-size", "8", "--runs", str(tmp_path / "runs"),
                 "--zoo", str(tmp_path)]) == 0
    record = ck.checkpoint.read_record(tmp_path / name)
    assert record["command"] == f"python -m coursekit.train {name} --steps 2 --batch-size 8"
    metric = "glasses_accuracy" if name == "faces-attributes" else "mean_iou"
    assert 0 <= record["metrics"][metric] <= 1
    # the camera's judge is trained and scored on photos with detail seen through the camera too
    assert ("camera_mean_iou" in record["metrics"]) == (name == "faces-segmenter-camera")
    assert record["options"].get("camera", False) == (name == "faces-segmenter-camera")


def test_the_pix2pix_recipe_trains_and_resumes(tmp_path):
    from coursekit.train.__main__ import main

    args = ["faces-pix2pix-edges", "--batch-size", "4", "--runs", str(tmp_path), "--no-publish"]
    assert main([*args, "--steps", "2"]) == 0 and main([*args, "--steps", "3"]) == 0
    saved, _ = ck.checkpoint.read(tmp_path / "faces-pix2pix-edges" / "checkpoint")
    assert saved["step"] == 3


def test_the_pix2pix_recipe_publishes_its_scores_and_the_ablation_table(tmp_path, monkeypatch):
    from coursekit.models import face_eval, pix2pix
    from coursekit.train.__main__ import main

    # stand-ins for the zoo's evaluation models, and tiny networks: the plumbing is what is tested
    monkeypatch.setattr(ck.zoo, "load", lambda name, device=None: {
        "faces-segmenter": face_eval.Segmenter(face_eval.SegmenterConfig(width=8)),
        "faces-attributes": face_eval.AttributePredictor(face_eval.AttributeConfig(width=4))}[name])
    monkeypatch.setattr(pix2pix, "config_for", lambda task, **c: pix2pix.Pix2PixConfig(**{"width": 4, **c}))
    monkeypatch.setattr(pix2pix, "ABLATIONS", {k: pix2pix.ABLATIONS[k] for k in ["l1-only", "pixelgan-1x1"]})
    assert main(["faces-pix2pix", "--steps", "1", "--batch-size", "2", "--ablation-steps", "1",
                 "--runs", str(tmp_path / "runs"), "--zoo", str(tmp_path)]) == 0
    state, record = ck.checkpoint.read(tmp_path / "faces-pix2pix")
    table = record["metrics"]["ablations"]
    assert table["steps"] == 1 and set(table) >= {"l1-only", "pixelgan-1x1"}  # rows keyed by identifier
    assert table["l1-only"]["label"] == "L1 only"  # the label for display
    assert 0 <= record["metrics"]["mean_iou_real"] <= 1 and 0 <= table["l1-only"]["mean_iou"] <= 1
    assert state["ablations"]["l1-only"].shape[1:] == (3, 64, 64)


def test_the_detail_recipe_trains_its_loss_ablations_as_long_as_the_model_it_is_compared_with(tmp_path,
                                                                                              monkeypatch):
    from coursekit.models import face_eval, pix2pix
    from coursekit.train.__main__ import main

    loaded, trained = [], []
    monkeypatch.setattr(ck.zoo, "load", lambda name, device=None: loaded.append(name) or {
        "faces-segmenter-detail": face_eval.Segmenter(face_eval.SegmenterConfig(width=8)),
        "faces-segmenter-camera": face_eval.Segmenter(face_eval.SegmenterConfig(width=8)),
        "faces-attributes": face_eval.AttributePredictor(face_eval.AttributeConfig(width=4))}[name])
    monkeypatch.setattr(pix2pix, "config_for", lambda task, **c: pix2pix.Pix2PixConfig(**{"width": 4, **c}))
    train = pix2pix.train_pix2pix
    monkeypatch.setattr(pix2pix, "train_pix2pix", lambda *a, **k: trained.append(k) or train(*a, **k))
    assert main(["faces-pix2pix-detail", "--steps", "2", "--batch-size", "2",
                 "--runs", str(tmp_path / "runs"), "--zoo", str(tmp_path)]) == 0
    state, record = ck.checkpoint.read(tmp_path / "faces-pix2pix-detail")
    table = record["metrics"]["ablations"]
    assert table["steps"] == 2 == record["steps"]  # as long as the model
    assert list(table)[2:] == ["l1-cgan-the-paper", "l1-only", "cgan-only"]
    full = table["l1-cgan-the-paper"]  # the model itself, not a second training of it
    assert full["pixel_accuracy"] == record["metrics"]["pixel_accuracy"] and len(trained) == 3
    assert [table[k]["label"] for k in list(table)[2:]] == ["L1 + cGAN (the paper)", "L1 only", "cGAN only"]
    assert list(state["ablations"]) == ["l1-cgan-the-paper", "l1-only", "cgan-only"]
    assert all(k["detail"] and k["steps"] == 2 for k in trained)
    assert "faces-segmenter" not in loaded and record["options"]["detail"] is True
    assert state["ablations"]["l1-only"].shape[1:] == (3, 64, 64)
    # both judges read every row: the one trained on clean photos and the one that has seen a camera
    assert "faces-segmenter-camera" in loaded
    assert all(0 <= table[name]["camera_judge"]["mean_iou"] <= 1 for name in ("l1-only", "cgan-only"))
    assert record["metrics"]["camera_judge"]["pixel_accuracy_real"] >= 0


def as_trained(training, changes):
    """The configuration a training function was called with: ``training`` with the call's changes (those
    that are its fields; the checkpoint, device and label are not)."""
    fields = {f.name for f in dataclasses.fields(training)}
    return override(training, {k: v for k, v in changes.items() if k in fields})


def test_the_stylegan_64_recipe_trains_detail_and_flat_renders_as_long_and_publishes_both(tmp_path,
                                                                                         monkeypatch):
    from coursekit.models import face_eval, stylegan
    from coursekit.train.__main__ import main

    monkeypatch.setattr(ck.zoo, "load", lambda name, device=None: {
        "faces-attributes": face_eval.AttributePredictor(face_eval.AttributeConfig(width=4))}[name])
    trained, scored = [], []
    train = stylegan.train_stylegan
    monkeypatch.setattr(stylegan, "train_stylegan",
                        lambda t, **k: trained.append(as_trained(t, k)) or train(t, **k))
    monkeypatch.setattr(stylegan, "evaluate", lambda G, A, detail=False: scored.append(detail) or {
        **face_eval.versus_real(A, stylegan.sample(G, 4), detail=detail),
        "style_mixing": stylegan.style_mixing_scores(G, A, n=2)})
    assert main(["faces-stylegan-64", "--steps", "1", "--batch-size", "2",
                 "--runs", str(tmp_path / "runs"), "--zoo", str(tmp_path)]) == 0
    state, record = ck.checkpoint.read(tmp_path / "faces-stylegan-64")
    assert [t.detail for t in trained] == [True, False] and all(t.steps == 1 for t in trained)
    assert all(t.model.resolution == 64 for t in trained) and scored == [True, False]
    assert record["options"]["detail"] is True and record["config"]["resolution"] == 64
    assert set(record["metrics"]["ablations"]) == {"flat-renders"}
    assert record["metrics"]["ablations"]["flat-renders"]["label"] == "flat renders"
    assert set(record["metrics"]["style_mixing"]) == {"coarse", "middle", "fine"}
    assert set(state["mixing"]) == {"zoo-model", "flat-renders"} and state["samples_flat"].shape[0] == 16
    assert (tmp_path / "runs" / "faces-stylegan-64" / "ablations" / "flat-renders").is_dir()


@pytest.mark.parametrize("name", ["faces-stylegan-equal-compute", "faces-stylegan-noise"])
def test_each_race_recipe_runs_the_race_again_from_other_seeds_for_both_gans(name, tmp_path, monkeypatch):
    from coursekit.models import face_eval, progan, stylegan
    from coursekit.models.stylegan.recipes import CONFIGS
    from coursekit.train.__main__ import main

    monkeypatch.setattr(ck.zoo, "load", lambda name, device=None: {
        "faces-attributes": face_eval.AttributePredictor(face_eval.AttributeConfig(width=4))}[name])
    styled, grown = [], []
    train_s, train_p = stylegan.train_stylegan, progan.train_progan
    monkeypatch.setattr(stylegan, "train_stylegan",
                        lambda t, **k: styled.append(as_trained(t, k)) or train_s(t, **k))
    monkeypatch.setattr(progan, "train_progan",
                        lambda t, **k: grown.append(as_trained(t, k)) or train_p(t, **k))
    sample, evaluate = stylegan.sample, progan.evaluate  # scored on 8 faces, not 1,000: the wiring is tested
    monkeypatch.setattr(stylegan, "sample", lambda G, n=16, seed=0: sample(G, min(n, 8), seed))
    monkeypatch.setattr(progan, "evaluate", lambda G, A, n=1000, seed=0: evaluate(G, A, 8, seed))
    assert main([name, "--steps", "2", "--batch-size", "2",
                 "--runs", str(tmp_path / "runs"), "--zoo", str(tmp_path)]) == 0
    record = ck.checkpoint.read_record(tmp_path / name)
    race = record["metrics"]["race"]
    assert set(race) == {f"{gan}-seed-{seed}" for gan in ("stylegan", "progan") for seed in (1, 2)}
    assert race["progan-seed-2"]["label"] == "ProGAN, seed 2"  # identifiers as keys, the label for display
    assert (tmp_path / "runs" / name / "race" / "stylegan-seed-1").is_dir()
    assert all(row["fid"] >= 0 and row["variety"] >= 0 for row in race.values())
    # StyleGAN: the model (seed 0) and the race's seeds, as long; ProGAN: its zoo schedule scaled alike,
    # float32
    assert [t.seed for t in styled] == [0, 1, 2] and all(t.steps == 2 for t in styled)
    assert all(dataclasses.replace(t, steps=CONFIGS[name].steps, batch_size=CONFIGS[name].batch_size, seed=0)
               == CONFIGS[name] for t in styled)  # its own recipe, only shorter
    assert [t.seed for t in grown] == [1, 2] and all(t.bf16 is False and t.lr == FACES_PROGAN.lr
                                                     for t in grown)
    # ProGAN's growth scaled as the race's steps are to its recipe's: 700 x 2 / 3,900 (or 7,967) rounds to 0;
    # at least 1 a phase
    assert all(t.steps_per_phase == 1 for t in grown)


def test_a_run_trains_on_the_cores_other_programs_leave_free_and_restores_the_threads(monkeypatch):
    import coursekit.train as train

    monkeypatch.setattr(train, "training_threads", lambda: 1)  # as if one core were busy
    before, seen = torch.get_num_threads(), []
    torch.set_num_threads(2)
    try:
        run = Run({}, steps=3)
        with run:
            for _ in run.steps():
                seen.append(torch.get_num_threads())
        assert seen == [1, 1, 1] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_a_loop_written_in_a_notebook_trains_on_the_free_cores_and_gives_the_threads_back(monkeypatch):
    from coursekit.train import threads

    monkeypatch.setattr(threads, "busy_cores", lambda window=0.25: 1)  # as if another program held a core
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with ck.train.on_free_cores() as chosen:
            inside = torch.get_num_threads()
        assert chosen == inside == max(1, min(2, (os.cpu_count() or 1) - 1)) and torch.get_num_threads() == 2
        with pytest.raises(KeyboardInterrupt), ck.train.on_free_cores():  # Ctrl-C in the loop: restored too
            raise KeyboardInterrupt
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_the_bar_says_when_steps_run_far_slower_than_earlier():
    run = Run({}, steps=1)
    run._bar = type(
        "Bar", (), {"set_description_str": lambda self, s, refresh=False: setattr(self, "text", s)})()
    threads = torch.get_num_threads()
    run._watch_speed(10, 1.0, 1.0 * threads)
    assert run._bar.text == run.desc
    run._watch_speed(10, 4.0, 4.0 * threads)  # slower, but the CPU was all ours: steps that do more
    assert run._bar.text == run.desc
    run._watch_speed(10, 4.0, 1.0)  # slower, and the process got a fraction of the CPU
    assert "4.0x slower" in run._bar.text and "another program" in run._bar.text


def _fake_training(seen):
    """A train_one for ck.train.ablation_study that trains nothing and notes what it was given."""
    def train_one(key, change, where):
        seen.append((key, change, where))
        return None, type("Run", (), {"interrupted": False})()
    return train_one


def test_an_ablation_study_keys_its_rows_and_folders_by_identifier_and_labels_them_for_display(tmp_path):
    seen = []
    rows = ck.train.ablation_study({"l1-only": {"label": "L1 only", "gan_weight": 0.0}}, _fake_training(seen),
                                   lambda key, model: {"score": 1}, tmp_path)
    assert rows == {"l1-only": {"label": "L1 only", "score": 1}}
    # the identifier names the folder; the label is not passed on to the training
    assert seen == [("l1-only", {"gan_weight": 0.0}, tmp_path / "l1-only")]


def test_renaming_an_ablations_label_changes_neither_its_checkpoint_folder_nor_its_key(tmp_path):
    seen, rows = [], []
    for label in ("L1 only", "L1 alone, reworded"):
        rows.append(ck.train.ablation_study({"l1-only": {"label": label, "gan_weight": 0.0}},
                                            _fake_training(seen), lambda key, model: {}, tmp_path))
    assert [where for _, _, where in seen] == [tmp_path / "l1-only"] * 2  # resumes from the same folder
    assert [list(r) for r in rows] == [["l1-only"]] * 2
    assert rows[1]["l1-only"]["label"] == "L1 alone, reworded"


def test_an_ablation_keyed_by_a_label_is_refused_with_what_a_key_must_be(tmp_path):
    with pytest.raises(ValueError, match="lower-case words"):
        ck.train.ablation_study({"L1 only": {"gan_weight": 0.0}}, _fake_training([]), lambda k, m: {},
                                tmp_path)


def test_the_lectures_ablations_keep_the_folders_they_were_trained_in():
    from coursekit.models import cyclegan, pix2pix, progan, stylegan
    from coursekit.models.stylegan.recipes import FLAT

    # the checkpoint folders of runs trained before the identifiers were the keys: never renamed
    assert list(pix2pix.ABLATIONS) == ["l1-cgan-the-paper", "l1-only", "cgan-only",
                                       "encoder-decoder-no-skips", "pixelgan-1x1", "patchgan-16x16",
                                       "patchgan-34x34", "imagegan-whole-64x64-image"]
    assert list(cyclegan.ABLATIONS) == ["gan-both-cycles-the-paper", "gan-forward-cycle-only-a-b-a",
                                        "gan-alone-no-cycle"]
    assert list(progan.ABLATIONS) == ["no-minibatch-std"]
    assert list(stylegan.ABLATIONS) == ["no-mixing-regularisation"]
    assert list(FLAT) == ["flat-renders"]
    for study in (pix2pix.ABLATIONS, cyclegan.ABLATIONS, progan.ABLATIONS, stylegan.ABLATIONS, FLAT):
        assert all(isinstance(change["label"], str) for change in study.values())
