"""Each lab's check reports its goal as met for a working approach (any approach: these are not the
notebooks' solutions), and as not met, or not implemented, for a stub and a plausible wrong answer."""

import pytest
import torch

import coursekit as ck
from coursekit.models import cyclegan, dcgan, inversion, pix2pix, stylegan, toy


def _stub(*args):
    raise NotImplementedError("Lab: write your solution here")


def _ddim_leading(model, schedule, labels, steps, generator=None, clip=True, next_abar=True):
    """DDIM with the schedule's own ("leading") timesteps; ``clip=False`` or ``next_abar=False`` are
    plausible mistakes (x̂_0 not clipped; every jump lands back at the same ᾱ, so no noise is removed)."""
    abar = schedule.alphas_cumprod
    ts = schedule.ddim_timesteps(steps)
    x = torch.randn(len(labels), 1, 28, 28, generator=generator)
    for i, t in enumerate(ts):
        eps = model(x, torch.full((len(x),), t), labels)
        a, a_next = abar[t], (abar[ts[i + 1]] if i + 1 < len(ts) else torch.tensor(1.0))
        if not next_abar:
            a_next = a
        x0 = (x - (1 - a).sqrt() * eps) / a.sqrt()
        if clip:
            x0 = x0.clamp(-1, 1)
            eps = (x - a.sqrt() * x0) / (1 - a).sqrt()
        x = a_next.sqrt() * x0 + (1 - a_next).sqrt() * eps
    return x.clamp(-1, 1)


@pytest.fixture(scope="module")
def ddpm_model():
    return ck.zoo.load("mnist-ddpm", device=torch.device("cpu"))


def test_the_ddim_lab_meets_its_goal_with_a_working_sampler(ddpm_model):
    report = ck.check.lab_ddim.report(_ddim_leading, model=ddpm_model, per_class=2, steps=10)
    assert report.met, str(report)
    assert report.numbers["images"] == 20 and report.numbers["accuracy"] >= 0.9


def test_the_ddim_lab_says_not_implemented_for_a_stub_and_not_met_for_a_sampler_that_never_denoises(
        ddpm_model):
    assert ck.check.lab_ddim.report(_stub, model=ddpm_model, per_class=1, steps=5).status == "not implemented"
    wrong = ck.check.lab_ddim.report(lambda *a: _ddim_leading(*a, next_abar=False), model=ddpm_model,
                                     per_class=2, steps=10)
    assert wrong.status == "not met" and wrong.numbers["accuracy"] < 0.9


def test_the_ddim_lab_names_a_wrong_shape():
    report = ck.check.lab_ddim.report(
        lambda model, schedule, labels, steps, generator: torch.zeros(len(labels), 28, 28),
        per_class=1, steps=2)
    assert report.status == "failed" and "(10, 1, 28, 28)" in str(report)


def _train_toy(seed, steps, r1_gamma=0.0):
    """The collapsing setting of notebook 01 (``toy.train_collapsing``: D ten times faster, learning rates
    decaying to 0), with the R1 penalty on D's slope at the real points when ``r1_gamma`` > 0."""
    def r1_loss(D, real, fake):
        real = real.requires_grad_(True)
        on_real = D(real)
        slope, = torch.autograd.grad(on_real.sum(), real, create_graph=True)
        return dcgan.d_loss(on_real, D(fake)) + r1_gamma / 2 * slope.pow(2).sum(1).mean()

    return toy.train_collapsing(seed, steps, loss_D=r1_loss if r1_gamma else None)


def test_the_mode_collapse_lab_meets_its_goal_with_a_remedy_and_not_without_one():
    remedy = ck.check.lab_mode_collapse.report(lambda seed, steps: _train_toy(seed, steps, r1_gamma=10.0),
                                               seeds=(0,), steps=3000)
    assert remedy.met, str(remedy)
    collapsed = ck.check.lab_mode_collapse.report(_train_toy, seeds=(0,), steps=3000)
    assert collapsed.status == "not met" and collapsed.numbers["fewest_modes"] < 8


def test_the_mode_collapse_lab_says_not_implemented_and_names_a_wrong_return():
    assert ck.check.lab_mode_collapse.report(_stub).status == "not implemented"
    report = ck.check.lab_mode_collapse.report(lambda seed, steps: None, seeds=(0,), steps=1)
    assert report.status == "failed" and "must return the trained generator" in str(report)


def test_every_lab_has_hints_in_steps_and_a_goal():
    assert set(ck.check.LABS) >= {"lab_mode_collapse", "lab_acgan", "lab_inference", "lab_printed_reader",
                                  "lab_batch_aware", "lab_sampler", "lab_recolour", "lab_ddim"}
    for lab in ck.check.LABS.values():
        assert len(lab.hints) >= 2 and lab.task and lab.goals


def _recolour(steps=100, keep_others=True):
    """A working recolouring (the editing objective with every other factor asked to stay, Adam on W+),
    or with ``keep_others=False`` the plausible wrong one: the lecture's objective for the hair alone."""
    def recolour(G, attributes, codes, colour):
        others = [n for n, (kind, _) in ck.faces.FACTORS.items() if kind == "class" and n != "hair_colour"]

        def read(w):
            return attributes(torch.nn.functional.interpolate(inversion.synthesize(G, w, "w+"), size=64,
                                                              mode="bilinear", align_corners=False))

        with torch.no_grad():
            start = {n: v.argmax(1) for n, v in read(codes).items() if n in others}
        w = codes.clone().requires_grad_(True)
        opt = torch.optim.Adam([w], lr=0.05)
        for _ in range(steps):
            out = read(w)
            loss = torch.nn.functional.cross_entropy(out["hair_colour"], torch.full((len(w),), colour))
            if keep_others:
                loss = loss + sum(torch.nn.functional.cross_entropy(out[n], start[n]) for n in others)
            loss = loss + 0.01 * (w - codes).pow(2).sum((1, 2)).mean()  # stay near the inverted code
            opt.zero_grad()
            loss.backward()
            opt.step()
        return w.detach()
    return recolour


@pytest.fixture(scope="module")
def face_models():
    cpu = torch.device("cpu")
    return {"G": ck.zoo.load("faces-stylegan", device=cpu),
            "attributes": ck.zoo.load("faces-attributes", device=cpu)}


def test_the_recolour_lab_meets_its_goal_when_the_other_factors_are_asked_to_stay(face_models):
    report = ck.check.lab_recolour.report(_recolour(), n=16, **face_models)  # as notebook 07's full run
    assert report.met, str(report)


def test_the_recolour_lab_is_not_met_by_a_stub_unchanged_codes_or_the_hair_alone(face_models):
    assert ck.check.lab_recolour.report(_stub, n=2, **face_models).status == "not implemented"
    unchanged = ck.check.lab_recolour.report(lambda G, a, codes, colour: codes, n=8, **face_models)
    assert unchanged.status == "not met" and unchanged.numbers["recoloured"] == 0
    hair_only = ck.check.lab_recolour.report(_recolour(keep_others=False), n=8, **face_models)
    assert hair_only.status == "not met" and hair_only.numbers["kept"] < 0.9, str(hair_only)


def test_the_recolour_lab_names_codes_of_the_wrong_shape(face_models):
    report = ck.check.lab_recolour.report(lambda G, a, codes, colour: codes[:, 0], n=2, **face_models)
    assert report.status == "failed" and "W+ codes" in str(report)


def _acgan_step(class_loss_on_fakes_for_D=True, g_asks_for_y=True):
    """A working AC-GAN step, the paper's (D's digit head trained on real and generated digits; the
    notebook's solution trains it on the real ones only);
    ``g_asks_for_y=False`` is the plausible wrong one: D classifies, but G's loss never asks for y."""
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    ce = torch.nn.functional.cross_entropy

    def step(G, D, opt_G, opt_D, real, y, z):
        fake = G(z, y)
        s_real, c_real = D(real)
        s_fake, c_fake = D(fake.detach())
        loss_D = bce(s_real, torch.ones_like(s_real)) + bce(s_fake, torch.zeros_like(s_fake)) + ce(c_real, y)
        if class_loss_on_fakes_for_D:
            loss_D = loss_D + ce(c_fake, y)
        opt_D.zero_grad()
        loss_D.backward()
        opt_D.step()
        s_fake, c_fake = D(fake)
        loss_G = bce(s_fake, torch.ones_like(s_fake)) + (ce(c_fake, y) if g_asks_for_y else 0)
        opt_G.zero_grad()
        loss_G.backward()
        opt_G.step()
        return loss_D, loss_G
    return step


def test_the_acgan_lab_meets_its_goal_with_a_working_step():
    report = ck.check.lab_acgan.report(_acgan_step())
    assert report.met, str(report)


def test_the_acgan_lab_tells_a_step_that_never_asks_for_the_digit_from_one_that_does():
    # 500 steps: neither meets the 2,000-step goal, but the one whose G asks D's digit head for y is
    # well on its way, and the one whose G never does draws the asked digit by chance only
    working = ck.check.lab_acgan.report(_acgan_step(), steps=500, per_class=20)
    blind = ck.check.lab_acgan.report(_acgan_step(g_asks_for_y=False), steps=500, per_class=20)
    assert working.numbers["accuracy"] >= 0.5 and blind.numbers["accuracy"] <= 0.25, \
        (str(working), str(blind))
    assert blind.status == "not met"


def test_the_acgan_lab_says_not_implemented_and_names_a_step_that_never_updates_G():
    assert ck.check.lab_acgan.report(_stub, steps=2).status == "not implemented"
    report = ck.check.lab_acgan.report(lambda G, D, opt_G, opt_D, real, y, z: None, steps=2, per_class=2)
    assert report.status == "failed" and "opt_G.step()" in str(report)


@pytest.fixture(scope="module")
def digit_models():
    cpu = torch.device("cpu")
    return {name: ck.zoo.load(name, device=cpu)
            for name in ("mnist-judge", "mnist-colour-judge", "mnist-cyclegan", "mnist-cyclegan-semantic")}


def _through(translator, judge):
    """A reader that translates printed digits into MNIST's style and reads them with an MNIST judge."""
    return lambda unlabelled: lambda x: judge(cyclegan.to_gray(cyclegan.translate(translator.G_BA, x)))


def test_the_printed_reader_lab_meets_its_goal_with_a_reader_trained_on_recoloured_mnist(digit_models):
    # not the notebook's solution (translate, then read): a reader trained on MNIST painted in random colours
    report = ck.check.lab_printed_reader.report(lambda unlabelled: digit_models["mnist-colour-judge"])
    assert report.met, str(report)


def test_the_printed_reader_lab_is_not_met_by_the_plain_cyclegan_or_the_mnist_judge_alone(digit_models):
    swapping = ck.check.lab_printed_reader.report(_through(digit_models["mnist-cyclegan"],
                                                           digit_models["mnist-judge"]))
    assert swapping.status == "not met" and 0.6 < swapping.numbers["accuracy"] < 0.9, str(swapping)
    untranslated = ck.check.lab_printed_reader.report(
        lambda unlabelled: lambda x: digit_models["mnist-judge"](cyclegan.to_gray(x)))
    assert untranslated.status == "not met" and untranslated.numbers["accuracy"] < 0.2
    semantic = ck.check.lab_printed_reader.report(_through(digit_models["mnist-cyclegan-semantic"],
                                                           digit_models["mnist-judge"]))
    assert semantic.met, str(semantic)


def test_the_printed_reader_lab_says_not_implemented_and_names_a_wrong_return():
    assert ck.check.lab_printed_reader.report(_stub).status == "not implemented"
    nothing = ck.check.lab_printed_reader.report(lambda unlabelled: None)
    assert nothing.status == "failed" and "must return a function" in str(nothing)
    three = ck.check.lab_printed_reader.report(lambda unlabelled: lambda x: torch.zeros(len(x), 3))
    assert three.status == "failed" and "(250, 10)" in str(three)


def _quieter(scale, only_finest=False, psi=1.0, clamp=True):
    """A sampler of the zoo StyleGAN with its noise images scaled by ``scale`` (every layer's, or only the
    finest resolution's), truncation ``psi``, clamped to [-1, 1] unless ``clamp=False``."""
    def sample(G, z, noise):
        res = stylegan.noise_resolutions(G.config)
        noise = [b * (scale if r == G.config.resolution or not only_finest else 1)
                 for b, r in zip(noise, res)]
        x = G(z, psi=psi, noise=noise)
        return x.clamp(-1, 1) if clamp else x
    return sample


@pytest.fixture(scope="module")
def race_models(face_models):
    """The sampler lab's generator (the race StyleGAN, 32 px noise on) and the face reader."""
    from coursekit.models.stylegan.checks import LAB_GENERATOR

    G = ck.zoo.load(LAB_GENERATOR, device=torch.device("cpu"))
    return {"G": G, "attributes": face_models["attributes"]}


def test_the_sampler_lab_meets_its_goal_with_every_layers_noise_turned_down(race_models):
    # not the notebook's solution (half of the 32 px noise): 0.3 of every layer's noise
    report = ck.check.lab_sampler.report(_quieter(0.3), **race_models)
    assert report.met, str(report)


def test_the_sampler_lab_is_not_met_by_its_own_sampler_noise_switched_off_or_truncation(race_models):
    # its own sampler (69.7) and truncation are far from the goal: 250 faces tell; noise off (67.1) is near it
    goal = next(g.at_most for g in ck.check.lab_sampler.goals({}) if g.key == "fid")
    for wrong, n in ((_quieter(1.0), 250), (_quieter(1.0, psi=0.7), 250),
                     (_quieter(0.0, only_finest=True), 1000)):
        report = ck.check.lab_sampler.report(wrong, n=n, **race_models)
        assert report.status == "not met" and report.numbers["fid"] > goal, str(report)


def test_the_sampler_lab_says_not_implemented_and_names_unclamped_or_misshapen_images(race_models):
    assert ck.check.lab_sampler.report(_stub, **race_models).status == "not implemented"
    raw = ck.check.lab_sampler.report(_quieter(0.5, clamp=False), n=250, **race_models)
    assert raw.status == "failed" and ".clamp(-1, 1)" in str(raw)
    big = ck.check.lab_sampler.report(lambda G, z, noise: torch.zeros(len(z), 3, 64, 64), n=250,
                                      **race_models)
    assert big.status == "failed" and "(250, 3, 32, 32)" in str(big)


@pytest.fixture(scope="module")
def pix2pix_models():
    cpu = torch.device("cpu")
    return {"G": ck.zoo.load("faces-pix2pix", device=cpu),
            "segmenter": ck.zoo.load("faces-segmenter", device=cpu),
            "attributes": ck.zoo.load("faces-attributes", device=cpu)}


def _batch_statistics(G, conditions):
    """Not the notebook's solution: batch norm on the batch's statistics, dropout off, batches of 50."""
    for module in G.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.train()
    with torch.no_grad():
        return torch.cat([G(chunk) for chunk in conditions.split(50)])


def test_the_inference_lab_meets_its_goal_with_batch_statistics(pix2pix_models):
    report = ck.check.lab_inference.report(_batch_statistics, **pix2pix_models)
    assert report.met, str(report)
    assert not pix2pix_models["G"].training, "the check must hand the student a copy of G"


def test_the_inference_lab_is_not_met_by_the_courses_translate_dropout_off_or_an_average_of_draws(
        pix2pix_models):
    average = lambda G, c: torch.stack([pix2pix.translate(G, c) for _ in range(4)]).mean(0)  # noqa: E731
    for wrong in (pix2pix.translate, lambda G, c: pix2pix.translate(G, c, dropout=False), average):
        report = ck.check.lab_inference.report(wrong, **pix2pix_models)
        assert report.status == "not met" and report.numbers["fid"] > 150, str(report)


def test_the_inference_lab_says_not_implemented_and_names_changed_weights_or_a_wrong_shape(pix2pix_models):
    assert ck.check.lab_inference.report(_stub, **pix2pix_models).status == "not implemented"

    def nudged(G, conditions):
        with torch.no_grad():
            next(G.parameters()).add_(0.01)
        return pix2pix.translate(G, conditions)
    report = ck.check.lab_inference.report(nudged, **pix2pix_models)
    assert report.status == "failed" and "weights changed" in str(report)
    small = ck.check.lab_inference.report(lambda G, c: pix2pix.translate(G, c)[:, :, ::2, ::2],
                                          **pix2pix_models)
    assert small.status == "failed" and "(200, 3, 64, 64)" in str(small)


class _SpreadD(torch.nn.Module):
    """A D for 2-D points that also reads a spread of its hidden features: per feature over the whole batch
    (``over="batch"``, a working answer that is not the notebook's, which takes it over groups of 16), or, the
    plausible mistake, over each point's own features (``over="features"``: one number per point, so D still
    judges one point at a time)."""

    def __init__(self, over="batch", hidden=128):
        super().__init__()
        self.over = over
        self.features = torch.nn.Sequential(
            torch.nn.Linear(2, hidden), torch.nn.LeakyReLU(0.2),
            torch.nn.Linear(hidden, hidden), torch.nn.LeakyReLU(0.2))
        self.head = torch.nn.Linear(2 * hidden if over == "batch" else hidden + 1, 1)

    def forward(self, x):
        f = self.features(x)
        spread = (f.std(dim=0, keepdim=True).expand_as(f) if self.over == "batch"
                  else f.std(dim=1, keepdim=True))
        return self.head(torch.cat([f, spread], dim=1)).flatten()


def test_the_batch_aware_lab_meets_its_goal_with_a_spread_over_the_whole_batch():
    report = ck.check.lab_batch_aware.report(lambda: _SpreadD("batch"), seeds=(0,))
    assert report.met, str(report)


def test_the_batch_aware_lab_is_not_met_by_a_spread_over_each_points_own_features():
    # notebook 01's own D collapses here:
    # test_the_mode_collapse_lab_meets_its_goal_with_a_remedy_and_not_without_one
    per_point = ck.check.lab_batch_aware.report(lambda: _SpreadD("features"), seeds=(0,))
    assert per_point.status == "not met" and per_point.numbers["fewest_modes"] < 8, str(per_point)


def test_the_batch_aware_lab_says_not_implemented_and_names_a_wrong_return():
    assert ck.check.lab_batch_aware.report(_stub).status == "not implemented"
    column = ck.check.lab_batch_aware.report(lambda: torch.nn.Linear(2, 1), seeds=(0,), steps=2)
    assert column.status == "failed" and "shape (256,)" in str(column)
    not_a_module = ck.check.lab_batch_aware.report(lambda: (lambda x: x.sum(1)), seeds=(0,), steps=2)
    assert not_a_module.status == "failed" and "torch.nn.Module" in str(not_a_module)
