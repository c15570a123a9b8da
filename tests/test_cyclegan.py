"""CycleGAN's pieces (notebook 04): the ResNet generator, the PatchGAN, the losses, the image pool."""

import pytest
import torch

import coursekit as ck
from coursekit import printed
from coursekit.models import cyclegan as C
from coursekit.models import pix2pix

CPU = torch.device("cpu")
TINY = C.CycleGANConfig(width=4, blocks=1, d_width=4)


@pytest.mark.parametrize("size", [28, 32, 64])
def test_the_generator_keeps_the_image_size_and_the_discriminator_scores_patches(size):
    G, D = C.ResnetGenerator(TINY), C.Discriminator(TINY)
    x = torch.rand(2, 3, size, size) * 2 - 1
    y = G(x)
    assert y.shape == x.shape and y.abs().max() <= 1
    assert D(y).shape[:2] == (2, 1) and D(y).shape[-1] >= 1
    assert pix2pix.receptive_field(D) == 34  # d_layers 2, as Pix2Pix's 34x34 PatchGAN
    with pytest.raises(ValueError, match="expected images"):
        G(torch.zeros(2, 1, size, size))
    with pytest.raises(ValueError, match="multiples of 4"):
        G(torch.zeros(2, 3, 30, 30))


def test_the_losses_are_the_papers():
    ones = torch.ones(2, 1, 5, 5)
    assert C.lsgan_loss(ones, True) == 0 and C.lsgan_loss(ones, False) == 1
    assert torch.isclose(C.lsgan_loss(ones * 0.5, True), torch.tensor(0.25))
    a, b = torch.zeros(2, 3, 8, 8), torch.zeros(2, 3, 8, 8)
    rec_a, rec_b = a + 0.1, b - 0.2
    assert torch.isclose(C.cycle_loss(a, rec_a, b, rec_b), torch.tensor(10 * (0.1 + 0.2)))
    assert torch.isclose(C.identity_loss(a, rec_a, b, rec_b), torch.tensor(10 * 0.5 * (0.1 + 0.2)))


def test_the_image_pool_fills_then_mixes_old_and_new_and_saves_its_state():
    torch.manual_seed(0)
    pool = C.ImagePool(4)
    first = torch.arange(4.0).view(4, 1, 1, 1)
    assert torch.equal(pool.query(first), first)  # filling up: the new images themselves
    new = torch.full((200, 1, 1, 1), 9.0)
    out = pool.query(new)
    old = (out != 9).sum().item()
    assert out.shape == new.shape and 0 < old < 200  # about half come from the history
    restored = C.ImagePool(4)
    restored.load_state_dict(pool.state_dict())
    assert torch.equal(torch.cat(restored.images), torch.cat(pool.images))
    assert torch.equal(C.ImagePool(0).query(new), new)


@pytest.mark.parametrize("cycle, zero", [("both", []), ("A", ["loss_cycle_B"]),
                                         ("none", ["loss_cycle_A", "loss_cycle_B"])])
def test_a_training_step_drops_the_cycle_terms_the_ablation_removes(cycle, zero):
    torch.manual_seed(0)
    nets = C.build(TINY)
    before = [p.clone() for p in nets[0].parameters()]
    x = torch.rand(2, 3, 28, 28) * 2 - 1
    losses = C.train_step(nets, C.make_optimizers(*nets), (C.ImagePool(), C.ImagePool()), x, x.flip(0),
                          lambda_identity=0.0, cycle=cycle)
    for name in ("loss_cycle_A", "loss_cycle_B"):
        assert (losses[name] == 0) == (name in zero), name
    assert losses["loss_idt"] == 0
    assert any(not torch.equal(p, q) for p, q in zip(before, nets[0].parameters()))
    with pytest.raises(ValueError, match="cycle must be one of"):
        C.train_step(nets, C.make_optimizers(*nets), (C.ImagePool(), C.ImagePool()), x, x, cycle="B")


def test_the_domains_are_unpaired_and_their_order_resumes():
    d = C.Domains("digits", 6)
    a, b = next(d)
    assert a.shape == b.shape == (6, 3, 28, 28)
    assert torch.equal(a[:, 0], a[:, 1])  # MNIST as grey RGB
    state = d.state_dict()
    following = next(d)
    resumed = C.Domains("digits", 6)
    resumed.load_state_dict(state)
    assert all(torch.equal(u, v) for u, v in zip(next(resumed), following))
    a, b = next(C.Domains("labels", 4, size=32))
    assert a.shape == b.shape == (4, 3, 32, 32) and not torch.equal(a, b)
    with pytest.raises(ValueError, match="task must be one of"):
        C.Domains("horses", 4)


def test_a_resumed_training_ends_where_an_uninterrupted_one_does(tmp_path):
    (G_straight, *_), _ = C.train_cyclegan("digits", steps=4, batch_size=2, config=TINY, device=CPU)
    C.train_cyclegan("digits", steps=2, batch_size=2, config=TINY, device=CPU, checkpoint=tmp_path)
    (G_resumed, *_), run = C.train_cyclegan("digits", steps=4, batch_size=2, config=TINY, device=CPU,
                                            checkpoint=tmp_path)
    assert run.step == 4
    for p, q in zip(G_straight.parameters(), G_resumed.parameters()):
        assert torch.allclose(p, q, atol=1e-6)


def test_the_learning_rate_is_held_for_half_the_steps_then_falls_to_zero():
    factors = [C.linear_decay(step, 10) for step in range(10)]
    assert factors[:6] == [1.0] * 6 and factors[6:] == pytest.approx([0.8, 0.6, 0.4, 0.2])


def test_the_digit_measures_run_on_small_models():
    from coursekit.models.judge import Judge, JudgeConfig

    G_AB, G_BA, _, _ = C.build(TINY)
    m = C.evaluate_digits(G_AB, G_BA, Judge(), Judge(JudgeConfig(channels=3)), n=16)
    for key in ("kept_a_to_b", "kept_b_to_a", "mnist_judge_on_printed", "mnist_judge_on_translated",
                "printed_judge_on_recoloured_mnist"):
        assert 0 <= m[key] <= 1, key
    assert m["cycle_l1_a"] > 0 and m["fid_b"] > 0


def test_the_mnist_judge_says_how_to_read_an_rgb_digit():
    from coursekit.models.judge import Judge

    with pytest.raises(ValueError, match="to_gray"):
        Judge().features(torch.zeros(2, 3, 28, 28))
    assert ck.data.printed_digits(2).images.shape[1] == 3


def test_the_ablation_study_trains_each_variant_and_scores_it(tmp_path):
    from coursekit.models.judge import Judge, JudgeConfig

    rows = C.ablation_study(Judge(), Judge(JudgeConfig(channels=3)), steps=1, batch_size=2, n=8, device=CPU,
                            config=TINY, checkpoint=tmp_path, progress=False)
    assert list(rows) == list(C.ABLATIONS)  # keyed by identifier, each row labelled for display
    assert [row["label"] for row in rows.values()] == [v["label"] for v in C.ABLATIONS.values()]
    for row in rows.values():
        assert row["samples"].shape == (6, 16, 3, 28, 28) and 0 <= row["kept_a_to_b"] <= 1
    assert len(list(tmp_path.iterdir())) == len(C.ABLATIONS)


def test_recoloured_mnist_keeps_the_shape_and_takes_the_printed_colours():
    a = ck.data.mnist("test", verbose=False).images[:8]
    painted = C.recoloured_mnist(a)
    assert painted.shape == (8, 3, 28, 28) and painted.min() >= -1 and painted.max() <= 1
    style = printed.sample_style(8, seed=C.TEST_SEED)
    # background pixels (MNIST -1) are the plate's colour, full strokes (MNIST 1) the ink's
    background, stroke = a[:, 0] == -1, a[:, 0] == 1
    for i in range(8):
        assert torch.allclose(painted[i][:, background[i]], (style["paper"][i] * 2 - 1)[:, None], atol=1e-6)
        assert torch.allclose(painted[i][:, stroke[i]], (style["ink"][i] * 2 - 1)[:, None], atol=1e-6)


def test_the_semantic_loss_is_cross_entropy_against_the_sources_predicted_class():
    translated = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
    source = torch.tensor([[5.0, 1.0], [3.0, 0.0]])  # both read as class 0
    expected = -(torch.log_softmax(translated, 1)[:, 0]).mean()
    assert torch.isclose(C.semantic_loss(translated, source), expected)


def test_the_semantic_check_accepts_other_correct_ways_to_write_it():
    import torch.nn.functional as F

    from coursekit.check import semantic_loss

    def with_nll(t, s):
        return F.nll_loss(F.log_softmax(t, dim=1), s.argmax(dim=1))

    def by_hand(t, s):
        y = s.argmax(-1)
        return (t.logsumexp(1) - t.gather(1, y[:, None]).squeeze(1)).mean()

    for fn in (with_nll, by_hand):
        assert semantic_loss.report(fn).ok


def test_a_semantic_training_step_adds_the_classifier_loss_only_when_given_one():
    from coursekit.models.judge import Judge, JudgeConfig

    torch.manual_seed(0)
    nets = C.build(TINY)
    x = torch.rand(2, 3, 28, 28) * 2 - 1
    pools = (C.ImagePool(), C.ImagePool())
    plain = C.train_step(nets, C.make_optimizers(*nets), pools, x, x)
    assert plain["loss_sem"] == 0
    semantic = C.train_step(nets, C.make_optimizers(*nets), pools, x, x,
                            classifier=Judge(JudgeConfig(channels=3)).eval())
    assert semantic["loss_sem"] > 0


def test_label_pictures_are_read_back_as_the_parts_they_show():
    f = ck.data.faces(3, size=32, seed=5)
    assert torch.equal(C.labels_of(f.label_images()), f.labels)


def test_the_labels_task_never_pairs_a_map_with_its_own_photo():
    maps, photos = next(C.Domains("labels", 4, size=32))
    again = ck.data.faces(8, size=32, seed=C.TRAIN_SEED)
    assert torch.equal(maps, again.label_images()[:4])
    assert torch.equal(photos, again.images[4:])


@pytest.mark.parametrize("bad, message", [(torch.zeros(3, 28, 28), "add the batch dimension"),
                                          (torch.zeros(2, 2, 28, 28),
                                           r"expected an image batch \(N, 3, H, W\)"),
                                          (torch.full((2, 3, 28, 28), 255.0),
                                           "expected images in \\[-1, 1\\]")])
def test_a_translation_names_what_it_expected(bad, message):
    with pytest.raises(ValueError, match=message):
        C.translate(C.ResnetGenerator(TINY), bad)


def test_mnist_digits_translate_as_rgb():
    out = C.translate(C.ResnetGenerator(TINY), torch.zeros(2, 1, 28, 28))
    assert out.shape == (2, 3, 28, 28)
