"""The course's site (issue 38): stored full-mode runs in step with the sources, alt text for every
picture, the generated pages from their one source.  The built site itself is opened in Chromium by
tests/browser/test_site_in_chromium.py (make test-browser)."""

import base64
import hashlib

import matplotlib
import nbformat
import numpy as np
import pytest
import torch

import coursekit as ck
from coursekit import notebooks, site
from coursekit.site import pages

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def test_every_lecture_has_a_stored_full_mode_run_of_its_current_code():
    stale = site.stale()
    assert not stale, ("stored full-mode runs out of date (run `python -m coursekit.site --rerun-stale`):\n"
                       + "\n".join(f"  {name}: {why}" for name, why in stale.items()))
    for name in site.sources():
        assert site.stored(name).metadata["coursekit"]["mode"] == "full"


def test_a_code_change_makes_a_run_stale_and_a_text_change_does_not():
    nb = notebooks.from_source(next(iter(site.sources().values())))
    before = site.fingerprint(nb)
    text = next(c for c in nb.cells if c.cell_type == "markdown")
    text.source += "\nA sentence more."
    assert site.fingerprint(nb) == before
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.source += "\nx = 1"
    assert site.fingerprint(nb) != before


def test_the_stored_runs_stay_small_and_every_picture_says_what_it_shows():
    total = sum(p.stat().st_size for p in site.OUTPUTS.glob("*.ipynb"))
    assert total <= 30e6, f"the stored runs take {total / 1e6:.1f} MB (at most 30)"
    for name in site.sources():
        _, alts = site.page(name)
        assert alts, f"{name}: no picture"
        missing = [digest for digest, alt in alts.items() if not alt]
        assert not missing, f"{name}: {len(missing)} of {len(alts)} pictures without alt text"


def test_describe_reads_titles_axes_legends_and_row_and_column_labels():
    fig, (left, right) = plt.subplots(1, 2)
    ck.viz.show(torch.zeros(16, 3, 8, 8), nrow=8, title="samples of the digit 3", ax=left, labels=["A", "B"],
                columns=range(8))
    right.plot([1, 2], label="Fréchet distance")
    right.set_xlabel("CPU-hours")
    right.legend()
    fig.suptitle("mnist-cgan")
    text = ck.viz.describe(fig)
    plt.close(fig)
    assert text.startswith('Figure "mnist-cgan": 2 panels')
    assert 'picture "samples of the digit 3", rows A, B and columns 0, 1, 2, 3, 4, 5, 6, 7' in text
    assert "against CPU-hours (Fréchet distance)" in text


def test_a_widget_shows_a_still_with_its_alt_text_and_the_site_says_it_moves_in_jupyterlab():
    explorer = ck.widgets.Explorer(lambda n: torch.zeros(n, 1, 4, 4),
                                   {"n": ck.widgets.slider("images", 1, 8, 3)}, title="blank squares")
    data, meta = explorer._repr_mimebundle_()
    assert "image/png" in data and meta["image/png"]["alt"] == 'Widget "blank squares" at images 3.'
    output = nbformat.v4.new_output("display_data", data=data, metadata=meta)
    alts = {}
    still, note = site._for_site(output, alts)
    assert list(still["data"]) == ["image/png"] and "JupyterLab" in note["data"]["text/markdown"]
    assert list(alts.values()) == ['Widget "blank squares" at images 3.']
    bar = nbformat.v4.new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": {"model_id": "x"}, "text/plain": "  0%|"})
    assert site._for_site(bar, alts) == []  # a live progress bar has nothing to show off-line


def test_a_page_has_the_current_text_and_the_stored_outputs():
    name = next(iter(site.sources()))
    nb, alts = site.page(name)
    run = site.stored(name)
    current = notebooks.from_source(site.sources()[name])
    assert [c.source for c in nb.cells] == [c.source for c in current.cells]
    pictures = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                if "image/png" in o.get("data", {})]
    assert len(pictures) >= len(alts) > 0
    digests = {hashlib.sha256(base64.b64decode(o["data"]["image/png"])).hexdigest()
               for o in pictures}
    assert set(alts) <= digests and run.metadata["coursekit"]["fingerprint"] == site.fingerprint(nb)


def test_the_zoo_page_is_generated_from_every_record():
    text = pages.zoo()
    for name in ck.zoo.names():
        record = ck.zoo.record(name)
        assert f"## `{name}`" in text and record["command"] in text


def test_the_exercises_page_lists_every_check_and_lab():
    from coursekit.progress import course

    text = pages.exercises()
    assert all(f"`{name}`" in text for name, _ in course())


def test_the_picture_strip_is_in_step_with_the_zoo(tmp_path):
    from PIL import Image

    pages.strip(tmp_path / "strip.png")
    drawn = np.asarray(Image.open(tmp_path / "strip.png").convert("RGB"), dtype=np.int16)
    stored = np.asarray(Image.open(pages.STRIP).convert("RGB"), dtype=np.int16)
    redraw = "the zoo's models changed: run `python -m coursekit.site --strip`"
    assert drawn.shape == stored.shape, redraw
    assert np.abs(drawn - stored).mean() < 1.0, redraw


@pytest.mark.parametrize("missing", ["00_setup_and_tour"])
def test_a_page_without_its_stored_run_says_how_to_make_it(monkeypatch, tmp_path, missing):
    monkeypatch.setattr(site, "OUTPUTS", tmp_path)
    with pytest.raises(LookupError, match="--rerun-stale"):
        site.page(missing)
