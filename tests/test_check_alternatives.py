"""Every exercise check accepts other correct ways to write the answer: two per exercise, beside the
reference (softplus for binary cross-entropy, lerp, instance_norm, gather, a loop instead of a
grouped convolution, ...).  The wrong answers are in test_check.py (each check's mistakes)."""

import math

import pytest
import torch
import torch.nn.functional as F

import coursekit as ck
from coursekit.models import dcgan


def _step_model_zero_grad(G, D, opt_G, opt_D, real, z):
    # the modules' own zero_grad, and G's fakes drawn again for G's update (the same z: the same fakes)
    loss_D = dcgan.d_loss(D(real), D(G(z).detach()))
    D.zero_grad()
    loss_D.backward()
    opt_D.step()
    loss_G = dcgan.g_loss(D(G(z)))
    G.zero_grad()
    loss_G.backward()
    opt_G.step()
    return loss_D.item(), loss_G.item()  # floats, not tensors


def _step_one_backward_per_term(G, D, opt_G, opt_D, real, z):
    # D's two terms backpropagated one at a time: the gradients add up to those of their sum
    fake = G(z)
    opt_D.zero_grad()
    real_term = F.binary_cross_entropy_with_logits(D(real), torch.ones(len(real)))
    fake_term = F.binary_cross_entropy_with_logits(D(fake.detach()), torch.zeros(len(fake)))
    real_term.backward()
    fake_term.backward()
    opt_D.step()
    opt_G.zero_grad()
    loss_G = F.softplus(-D(fake)).mean()
    loss_G.backward()
    opt_G.step()
    return (real_term + fake_term).detach(), loss_G.detach()


def _unet_recursive(G, x):
    def level(i, x):
        x = G.encoder[i](x)
        if i == len(G.encoder) - 1:
            return x
        inner = level(i + 1, x)
        return torch.cat([G.decoder[len(G.decoder) - 1 - i](inner), x], dim=1)
    return torch.tanh(G.to_image(level(0, x)))


def _unet_indexed(G, x):
    outs = []
    for block in G.encoder:
        x = block(x)
        outs.append(x)
    for j, block in enumerate(G.decoder):
        x = torch.cat((block(x), outs[-2 - j]), 1)
    return G.to_image(x).tanh()


def _rf_closed_form(module):
    convs = [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]
    r, jump = 1, 1
    for c in convs:  # input first: each layer adds (k − 1) times the product of the strides before it
        r += (c.kernel_size[0] - 1) * jump
        jump *= c.stride[0]
    return r


def _rf_reduce(module):
    from functools import reduce

    convs = [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]
    return reduce(lambda r, c: (r - 1) * c.stride[0] + c.kernel_size[0], reversed(convs), 1)


def _pool_in_place(pool, images, size):
    answers = torch.empty_like(images)
    for i in range(len(images)):
        image = images[i:i + 1]
        if len(pool) < size:
            pool.append(image.clone())
            answers[i] = image[0]
        elif torch.rand(()) < 0.5:
            k = int(torch.randint(size, ()))
            answers[i], pool[k] = pool[k][0], image.clone()
        else:
            answers[i] = image[0]
    return answers


def _pool_stack(pool, images, size):
    out = []
    for image in torch.unbind(images):
        image = image.unsqueeze(0)
        if len(pool) >= size and torch.rand(()) < 0.5:
            k = int(torch.randint(size, ()))
            pool[k], image = image, pool[k]
        elif len(pool) < size:
            pool.append(image)
        out.append(image)
    return torch.stack([o[0] for o in out])


def _mbstd_loop(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    groups = n // g
    maps = torch.empty(n, 1, h, w)
    for k in range(groups):
        members = x[k::groups]  # images k, k + n/g, ...
        maps[k::groups] = (members.var(dim=0, unbiased=False) + 1e-8).sqrt().mean()
    return torch.cat([x, maps], dim=1)


def _mbstd_var_mean(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.reshape(g, -1, c, h, w)
    var, _ = torch.var_mean(y, dim=0, correction=0)
    s = var.add(1e-8).sqrt().flatten(1).mean(1)
    return torch.cat([x, s.repeat(g)[:, None, None, None].expand(n, 1, h, w)], dim=1)


def _demod_loop(x, weight, style):
    out = []
    for xi, si in zip(x, style):
        w = weight * si[None, :, None, None]
        w = w / (w.pow(2).sum(dim=(1, 2, 3), keepdim=True) + 1e-8).sqrt()
        out.append(F.conv2d(xi[None], w, padding=weight.shape[-1] // 2))
    return torch.cat(out)


def _demod_einsum(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = torch.einsum("oikl,ni->noikl", weight, style)
    wts = wts / wts.square().sum(dim=(2, 3, 4), keepdim=True).add(1e-8).sqrt()
    out = F.conv2d(x.view(1, -1, h, w), wts.view(-1, c_in, k, k), padding=(k - 1) // 2, groups=n)
    return out.view(n, c_out, h, w)


def _mapping_manual(net, z):
    x = z / z.pow(2).mean(dim=1, keepdim=True).add(1e-8).sqrt()
    for layer in list(net.net)[1:]:
        x = layer(x)
    return x


def _gradient_step_backward(code, target, synthesize, lr):
    c = code.clone().detach().requires_grad_(True)
    F.mse_loss(synthesize(c), target).backward()
    with torch.no_grad():
        return c - lr * c.grad


def _gradient_step_sgd(code, target, synthesize, lr):
    c = torch.nn.Parameter(code.detach().clone())
    opt = torch.optim.SGD([c], lr=lr)
    opt.zero_grad()
    ((synthesize(c) - target) ** 2).mean().backward()
    opt.step()
    return c.detach()


def _reverse_posterior(eps, t, x_t, betas, abar, z):
    # diffusers' form: x0 from eps, then the posterior mean; float32's rounding of the schedule makes it
    # differ from Algorithm 2's form by up to ~4e-4 at t = 0, within the check's tolerance
    abar_prev = abar[t - 1] if t > 0 else torch.tensor(1.0)
    x0 = (x_t - (1 - abar[t]).sqrt() * eps) / abar[t].sqrt()
    mean = (abar_prev.sqrt() * betas[t] / (1 - abar[t])) * x0 \
        + ((1 - betas[t]).sqrt() * (1 - abar_prev) / (1 - abar[t])) * x_t
    return mean + betas[t].sqrt() * z if t > 0 else mean


def _reverse_rsqrt(eps, t, x_t, betas, abar, z):
    alpha = 1 - betas[t]
    mean = torch.rsqrt(alpha) * (x_t - (1 - alpha) * torch.rsqrt(1 - abar[t]) * eps)
    return mean + (t > 0) * betas[t].sqrt() * z


def _bce_sigmoid(logits, target):
    return F.binary_cross_entropy(torch.sigmoid(logits), target)


ALTERNATIVES = {
    "to_model_range": [lambda x: x.to(torch.float32) * (2 / 255) - 1,
                       lambda x: (x.float() - 127.5) / 127.5],
    "d_loss": [lambda r, f: F.softplus(-r).mean() + F.softplus(f).mean(),
               lambda r, f: -(F.logsigmoid(r).mean() + F.logsigmoid(-f).mean())],
    "g_loss": [lambda f: F.softplus(-f).mean(),
               lambda f: -torch.log(torch.sigmoid(f)).mean()],
    "train_step": [_step_model_zero_grad, _step_one_backward_per_term],
    "generator_input": [lambda z, y: torch.cat([z, torch.eye(10)[y]], 1),
                        lambda z, y: torch.hstack((z, F.one_hot(y, 10).to(z.dtype)))],
    "discriminator_input": [
        lambda x, y: torch.cat([x, torch.eye(10)[y][:, :, None, None].repeat(1, 1, *x.shape[2:])], 1),
        lambda x, y: torch.cat([x, torch.zeros(len(x), 10, *x.shape[2:]).scatter_(
            1, y.view(-1, 1, 1, 1).expand(-1, 1, *x.shape[2:]), 1.0)], 1)],
    "conditional_d_loss": [
        lambda r, f, m: F.softplus(-r).mean() + F.softplus(f).mean() + F.softplus(m).mean(),
        lambda r, f, m: _bce_sigmoid(r, torch.ones_like(r)) + _bce_sigmoid(f, torch.zeros_like(f))
        + _bce_sigmoid(m, torch.zeros_like(m))],
    "unet_forward": [_unet_recursive, _unet_indexed],
    "receptive_field": [_rf_closed_form, _rf_reduce],
    "pix2pix_g_loss": [lambda lg, f, t, lam: F.softplus(-lg).mean() + lam * (f - t).abs().mean(),
                       lambda lg, f, t, lam: -F.logsigmoid(lg).mean() + lam * torch.mean(torch.abs(t - f))],
    "cycle_loss": [lambda a, ra, b, rb, lam: lam * ((ra - a).abs().mean() + (rb - b).abs().mean()),
                   lambda a, ra, b, rb, lam: 2 * lam * F.l1_loss(torch.cat([ra, rb]), torch.cat([a, b]))],
    "identity_loss": [
        lambda a, ia, b, ib, lam, idt: lam * idt * ((ia - a).abs().mean() + (ib - b).abs().mean()),
        lambda a, ia, b, ib, lam, idt: F.l1_loss(ia, a) * (lam * idt) + F.l1_loss(ib, b) * (lam * idt)],
    "image_pool": [_pool_in_place, _pool_stack],
    "semantic_loss": [lambda t, s: F.nll_loss(F.log_softmax(t, 1), s.argmax(1)),
                      lambda t, s: -F.log_softmax(t, 1).gather(1, s.argmax(1, keepdim=True)).mean()],
    "fade_in": [lambda a, old, new: torch.lerp(old, new, a),
                lambda a, old, new: old + a * (new - old)],
    "pixel_norm": [lambda x: x * torch.rsqrt(x.pow(2).mean(1, keepdim=True) + 1e-8),
                   lambda x: x / (x.square().mean(dim=1, keepdim=True) + 1e-8).sqrt()],
    "minibatch_std": [_mbstd_loop, _mbstd_var_mean],
    "equalized_linear": [lambda x, w, b, gain: F.linear(x, w * (gain / math.sqrt(w.shape[1])), b),
                         lambda x, w, b, gain: (x @ w.T) * gain / w.shape[1] ** 0.5 + b],
    "adain": [lambda x, ys, yb: ys[:, :, None, None] * F.instance_norm(x, eps=1e-8) + yb[:, :, None, None],
              lambda x, ys, yb: (lambda v, m: ys[..., None, None] * (x - m) / (v + 1e-8).sqrt()
                                 + yb[..., None, None])(*torch.var_mean(x, dim=(2, 3), correction=0,
                                                                        keepdim=True))],
    "demodulation": [_demod_loop, _demod_einsum],
    "truncation": [lambda w, w_avg, psi: torch.lerp(w_avg, w, psi),
                   lambda w, w_avg, psi: psi * w + (1 - psi) * w_avg],
    "noise_injection": [lambda x, s, n: torch.addcmul(x, s, n),
                        lambda x, s, n: x + n * s],
    "mapping_forward": [lambda net, z: net.net[1:](net.net[0](z)), _mapping_manual],
    "inversion_loss": [
        lambda fake, target, features, weight: ((fake - target) ** 2).mean()
        + weight * ((features(fake) - features(target)) ** 2).mean(),
        lambda fake, target, features, weight: F.mse_loss(fake, target)
        + weight * F.mse_loss(features(fake), features(target).detach())],
    "gradient_step": [_gradient_step_backward, _gradient_step_sgd],
    "project_out": [
        lambda d, o: F.normalize(d - (d @ o) / (o @ o) * o, dim=0),
        lambda d, o: (lambda oh: (lambda r: r / r.norm())(d - torch.dot(d, oh) * oh))(F.normalize(o, dim=0))],
    "q_sample": [
        lambda x0, t, e, a: a.gather(0, t).sqrt().view(-1, 1, 1, 1) * x0
        + (1 - a.gather(0, t)).sqrt().view(-1, 1, 1, 1) * e,
        lambda x0, t, e, a: torch.sqrt(a[t])[:, None, None, None] * x0
        + torch.sqrt(1 - a[t])[:, None, None, None] * e],
    "diffusion_loss": [
        lambda model, x0, t, noise, abar: (
            (model(ck.models.ddpm.q_sample(x0, t, noise, abar), t) - noise) ** 2).mean(),
        lambda model, x0, t, noise, abar: F.mse_loss(
            noise, model(abar[t].sqrt().view(-1, 1, 1, 1) * x0
                         + (1 - abar[t]).sqrt().view(-1, 1, 1, 1) * noise, t))],
    "reverse_step": [_reverse_posterior, _reverse_rsqrt],
}

CASES = [(name, i) for name in ALTERNATIVES for i in range(len(ALTERNATIVES[name]))]


def test_every_exercise_has_two_alternatives():
    assert set(ALTERNATIVES) == set(ck.check.ALL)
    assert all(len(fns) >= 2 for fns in ALTERNATIVES.values())


@pytest.mark.parametrize("name, i", CASES)
def test_a_check_accepts_another_correct_way_to_write_the_answer(name, i):
    report = ck.check.ALL[name].report(ALTERNATIVES[name][i])
    assert report.ok, str(report)


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_every_exercise_check_knows_five_plausible_mistakes(name):
    assert len(ck.check.ALL[name].mistakes) >= 5
