import pytest
import torch

import coursekit as ck
from coursekit.widgets import Explorer, slider


def _images(n):
    return torch.linspace(-1, 1, 64).view(1, 1, 8, 8).repeat(n, 1, 1, 1)


def test_explorer_draws_its_default_view_on_creation():
    ex = Explorer(lambda n: _images(n), {"n": slider("n", 1, 8, 2)})
    assert bytes(ex.image.value).startswith(b"\x89PNG") and ex.renders == 1 and ex.error.value == ""


def test_moving_a_control_changes_the_picture():
    ex = Explorer(lambda n: _images(n), {"n": slider("n", 1, 8, 2)})
    before = ex.image.value
    seconds = ex.update(n=5)
    assert ex.image.value != before and ex.controls["n"].value == 5 and seconds >= 0


def test_a_front_end_change_triggers_exactly_one_render():
    ex = Explorer(lambda n: _images(n), {"n": slider("n", 1, 8, 2)})
    ex.controls["n"].value = 3  # what the browser does on release
    assert ex.renders == 2


def test_sliders_update_on_release():
    assert slider("a", 0, 10).continuous_update is False and slider("b", 0.0, 1.0).continuous_update is False


def test_an_error_is_shown_in_the_widget_and_the_widget_keeps_working(monkeypatch):
    def render(n):
        if n == 3:
            raise ValueError("three is not allowed")
        return _images(n)

    monkeypatch.setattr(ck.widgets, "QUICK", False)
    ex = Explorer(render, {"n": slider("n", 1, 8, 2)})
    ex.update(n=3)
    assert "ValueError: three is not allowed" in ex.error.value
    ex.update(n=4)
    assert ex.error.value == "" and bytes(ex.image.value).startswith(b"\x89PNG")


def test_a_failing_first_render_fails_loudly_under_the_tests(monkeypatch):
    monkeypatch.setattr(ck.widgets, "QUICK", True)
    with pytest.raises(ZeroDivisionError):
        Explorer(lambda n: 1 / 0, {"n": slider("n", 1, 8, 2)})


def test_render_may_return_png_bytes_or_a_figure():
    import matplotlib.pyplot as plt

    assert bytes(Explorer(lambda: b"\x89PNG-bytes", {}).image.value) == b"\x89PNG-bytes"
    fig = plt.figure()
    assert bytes(Explorer(lambda: fig, {}).image.value).startswith(b"\x89PNG")


def test_unknown_controls_are_named():
    ex = Explorer(lambda n: _images(n), {"n": slider("n", 1, 8, 2)})
    with pytest.raises(KeyError, match=r"this explorer has \['n'\]"):
        ex.update(m=1)


def test_headless_readers_get_the_picture_as_png():
    ex = Explorer(lambda n: _images(n), {"n": slider("n", 1, 8, 2)})
    bundle, metadata = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and "image/png" in bundle
    assert metadata["image/png"]["alt"] == 'Widget "a widget" at n 2.'  # what the still shows, in words


def test_mnist_browser_shows_the_picked_class():
    digits = ck.data.mnist("test", verbose=False)
    browser = ck.widgets.mnist_browser(digits)
    shown = {}
    for digit in (1, 7):
        browser.update(digit=digit, page=0)
        shown[digit] = browser.image.value
    assert shown[1] != shown[7]
    # the page shows the digits of the picked class (checked through the judge)
    by_class = browser.render_fn(digit=7, page=1)
    assert len(by_class) == 32 and ck.metrics.class_accuracy(by_class, torch.full((32,), 7)) >= 0.9


def test_forward_process_rows_follow_each_schedule():
    from coursekit.models import ddpm

    x0 = ck.data.mnist("test", verbose=False).images[:3]
    schedules = {"linear": ddpm.DDPMSchedule(),
                 "cosine": ddpm.DDPMSchedule(beta_schedule="squaredcos_cap_v2")}
    w = ck.widgets.forward_process(x0, schedules)
    assert torch.allclose(w.render_fn(t=0)[:3], x0, atol=0.05)  # t = 0: almost the clean digits
    late = w.render_fn(t=999)
    assert late.shape == (6, 1, 28, 28) and (late[:3] - x0).abs().mean() > 0.5
    mid = w.render_fn(t=500)
    # the cosine schedule keeps more of the digit at the same t
    assert (mid[3:] - x0).abs().mean() < (mid[:3] - x0).abs().mean()


def test_reverse_trajectory_shows_the_saved_step_without_sampling():
    traj = [(t, torch.full((2, 1, 4, 4), t / 1000), torch.full((2, 1, 4, 4), -t / 1000))
            for t in (900, 500, 0)]
    w = ck.widgets.reverse_trajectory(traj)
    assert w.controls["t"].value == 900
    shown = w.render_fn(t=500)
    assert (torch.allclose(shown[:2], torch.full((2, 1, 4, 4), 0.5))
            and torch.allclose(shown[2:], torch.full((2, 1, 4, 4), -0.5)))
    w.update(t=0)
    assert w.renders == 2


def test_guidance_widget_samples_each_setting_once():
    from coursekit.models import ddpm

    torch.manual_seed(0)
    net = ddpm.UNet(ddpm.UNetConfig(channels=(8, 16, 16), emb_dim=16))
    calls = []
    forward = net.forward
    net.forward = lambda *a, **k: calls.append(1) or forward(*a, **k)
    w = ck.widgets.guidance(net, ddpm.DDPMSchedule(), samples=2, steps=3)
    first = len(calls)
    assert first == 3  # the default view: 3 DDIM steps, one batched call each
    w.update(digit=5)
    w.update(digit=3)  # back to the default view: cached
    assert len(calls) == 2 * first


def _tiny_pix2pix(task):
    from coursekit.models import pix2pix

    torch.manual_seed(0)
    return pix2pix.UNetGenerator(pix2pix.config_for(task, width=4))


@pytest.mark.parametrize("task", ["labels", "edges"])
def test_face_factors_redraws_the_condition_when_a_factor_changes(task):
    w = ck.widgets.face_factors(_tiny_pix2pix(task), task=task, faces=3)
    first = w.image.value
    w.update(glasses="on")
    with_glasses = w.image.value
    assert with_glasses != first and not w.error.value
    w.update(glasses="off", smile=-1.0, eyes="closed", hair="bald")
    assert w.image.value not in (first, with_glasses) and not w.error.value


def test_face_factors_paints_parts_on_the_maps_a_cyclegan_translates():
    from coursekit.models import cyclegan

    torch.manual_seed(0)
    G = cyclegan.ResnetGenerator(cyclegan.CycleGANConfig(width=4, blocks=1))
    w = ck.widgets.face_factors(G, faces=2, translate=cyclegan.translate, paint=True)
    first = w.image.value
    w.update(part="glasses", x=0.5, y=0.5, radius=0.3)
    painted = w.image.value
    assert painted != first and not w.error.value
    w.update(part="no paint")
    assert w.image.value == first  # the brush leaves nothing behind when put down
    with pytest.raises(ValueError, match="paints parts on label maps"):
        ck.widgets.face_factors(G, task="edges", paint=True)


def test_dropout_variety_draws_new_masks_per_seed_and_shows_their_spread():
    from coursekit import faces

    batch = faces.faces(2, size=64, seed=1)
    w = ck.widgets.dropout_variety(_tiny_pix2pix("labels"), batch.label_images(), samples=3)
    first = w.image.value
    w.update(seed=1)
    assert w.image.value != first and not w.error.value
    w.update(seed=0)
    assert w.image.value == first  # the same seed, the same masks


def test_cycle_explorer_switches_models_directions_and_images_without_running_a_network():
    import torch

    g = torch.Generator().manual_seed(0)
    full = torch.rand(6, 3, 3, 28, 28, generator=g) * 2 - 1
    broken = full.clone()
    broken[2] = -full[0]  # its reconstructions of A are the negatives: a bright error map
    w = ck.widgets.cycle_explorer({"zoo model": full, "no cycle": broken})
    first = w.image.value
    w.update(model="no cycle")
    assert w.image.value != first and not w.error.value
    w.update(model="zoo model", direction="B → A → B")
    assert w.image.value != first
    w.update(direction="A → B → A", image=0)
    assert w.image.value == first
    assert w.controls["image"].max == 2  # three images precomputed


def test_the_growth_scrubber_labels_each_snapshot_with_its_resolution_and_alpha():
    images = torch.stack([torch.full((3, 3, 16, 16), v) for v in (-0.5, 0.0, 0.5)])  # 3 snapshots of 3 codes
    snaps = {"images": images, "steps": [50, 100, 150], "stage": [0, 1, 1], "alpha": [1.0, 0.5, 1.0]}
    w = ck.widgets.growth(snaps)
    labels = [label for label, _ in w.controls["step"].options]
    assert labels == ["50: 4x4", "100: 8x8, α 0.50", "150: 8x8"] and w.controls["step"].value == 150
    last = bytes(w.image.value)
    w.update(step=50)
    assert bytes(w.image.value) != last and w.error.value == ""
    with pytest.raises(ValueError, match="one step"):
        ck.widgets.replay(images, [50, 100])
    with pytest.raises(ValueError, match="no snapshots"):
        ck.widgets.growth({"images": images[:0], "steps": [], "stage": [], "alpha": []})


def _stylegan():
    from coursekit.models import stylegan

    torch.manual_seed(0)
    G = stylegan.Generator(stylegan.StyleGANConfig(z_dim=16, w_dim=16, mapping_layers=2, resolution=16,
                                                   width=32))
    for m in G.modules():
        if isinstance(m, stylegan.NoiseInjection):
            torch.nn.init.constant_(m.strength, 0.5)
    return G.eval()


def test_style_mixing_widget_redraws_for_each_crossover():
    G = _stylegan()
    w = ck.widgets.style_mixing(G, n=3)
    first = w.image.value
    w.update(crossover=5)
    assert not w.error.value and w.image.value != first
    assert [c for _, c in w.controls["crossover"].options] == list(range(1, G.config.num_ws))


def test_truncation_widget_at_psi_zero_draws_the_mean_face_for_every_code():
    from coursekit.models import stylegan

    G = _stylegan()
    for m in G.modules():  # no noise: at ψ = 0 nothing tells the codes apart
        if isinstance(m, stylegan.NoiseInjection):
            torch.nn.init.zeros_(m.strength)
    w = ck.widgets.truncation(G, samples=4)
    calls = []
    render = w.render_fn
    w.render_fn = lambda **v: calls.append(render(**v)) or calls[-1]
    w.update(psi=0.0)
    assert not w.error.value
    assert torch.allclose(calls[-1], calls[-1][:1].expand_as(calls[-1]), atol=1e-5)
    w.update(psi=1.0)
    assert not torch.allclose(calls[-1], calls[-1][:1].expand_as(calls[-1]), atol=1e-2)


def test_noise_widget_with_all_noise_off_draws_identical_faces_and_a_blank_spread():
    G = _stylegan()
    w = ck.widgets.noise_layers(G, faces=2, draws=3)
    calls = []
    render = w.render_fn
    w.render_fn = lambda **v: calls.append(render(**v)) or calls[-1]
    w.update(noise_4=False, noise_8=False, noise_16=False)
    x = calls[-1]  # rows: 3 draws and the spread, per face
    assert torch.allclose(x[0], x[1]) and torch.equal(x[3], -torch.ones_like(x[3]))
    w.update(noise_16=True)
    assert not torch.allclose(calls[-1][0], calls[-1][1])


def test_direction_sliders_move_the_codes_along_the_named_directions():
    seen = []
    codes = torch.zeros(2, 3)
    w = ck.widgets.direction_sliders(lambda c: seen.append(c) or torch.zeros(2, 3, 4, 4), codes,
                                     {"smile": torch.tensor([1.0, 0, 0]), "tilt": torch.tensor([0, 1.0, 0])})
    w.update(d0=1.5, d1=-2.0)
    assert torch.equal(seen[-1], torch.tensor([[1.5, -2.0, 0.0]] * 2))
    assert [c.description for c in w.controls.values()] == ["smile", "tilt"]


def test_edit_inverted_shows_the_face_its_inversion_and_the_edit():
    G = _stylegan()
    c = G.config
    codes = G.styles(torch.randn(3, c.z_dim)).detach()
    targets = torch.zeros(3, 3, 16, 16)
    seen = []
    w = ck.widgets.edit_inverted(G, targets, codes,
                                 {"smile": torch.nn.functional.normalize(torch.randn(c.w_dim), dim=0)})
    render = w.render_fn
    w.render_fn = lambda **v: seen.append(render(**v)) or seen[-1]
    w.update(face=2, d0=0.0)
    assert torch.allclose(seen[-1][1], seen[-1][2])  # no edit: the inversion itself
    w.update(d0=2.0)
    assert not torch.allclose(seen[-1][1], seen[-1][2]) and torch.equal(seen[-1][0], targets[2])


def test_grids_name_their_rows_and_columns_beside_the_pictures():
    import io

    from PIL import Image

    def size(png):
        return Image.open(io.BytesIO(png)).size

    plain = size(ck.viz.to_png(_images(4), nrow=2))
    named = Image.open(io.BytesIO(ck.viz.to_png(_images(4), nrow=2, labels=["first", "second"],
                                                 columns=["a", "b"])))
    assert named.width > plain[0] and named.height > plain[1]  # a margin left and one above
    margin = named.convert("L").crop((0, 0, named.width - plain[0], named.height))
    assert margin.getextrema()[0] < 128  # with writing in it
    ex = Explorer(lambda n: _images(2 * n), {"n": slider("n", 1, 4, 2)}, nrow=2,
                  labels=lambda n: [f"row {i}" for i in range(n)], columns=["left", "right"])
    assert ex.describe() == 'Widget "a widget" at n 2. Rows: row 0, row 1. Columns: left, right.'
    ex.update(n=3)
    assert "row 2" in ex.describe()
