"""The zoo's diffusion model (notebook 08) meets its bar."""

import pytest
import torch

from coursekit.models import ddpm


@pytest.fixture(scope="module")
def zoo_model():
    import coursekit as ck

    if "mnist-ddpm" not in ck.zoo.names():
        pytest.fail("data/zoo/mnist-ddpm is missing: python -m coursekit.train mnist-ddpm")
    return ck.zoo.load("mnist-ddpm", device=torch.device("cpu"))


def test_the_zoo_ddpm_meets_its_bar():
    import coursekit as ck

    m = ck.zoo.record("mnist-ddpm")["metrics"]
    assert m["guided_3"]["class_accuracy"] >= 0.97                      # the bar for the guided model
    assert min(m["label_histogram_unconditional"]) >= 50                # every digit drawn without a label
    assert m["fid_unconditional"] < ck.zoo.record("mnist-dcgan")["metrics"]["fid"]


def test_the_zoo_ddpm_draws_the_asked_digit_when_measured_afresh(zoo_model):
    import coursekit as ck

    y = torch.arange(10).repeat_interleave(10)
    x = ddpm.sample(zoo_model, ddpm.DDPMSchedule(), labels=y, steps=20, guidance_scale=3.0,
                    generator=torch.Generator().manual_seed(7))
    assert ck.metrics.class_accuracy(x, y) >= 0.9  # 100 samples, a new seed, 20 steps: a looser bar
