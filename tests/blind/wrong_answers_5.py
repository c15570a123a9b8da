"""Wrong answers, fifth blind set (issue 37): written without seeing the diagnosis, to measure it.

Four plausible wrong answers per short exercise, each with the exercise's exact signature, written as
other students would write them on a first try; none repeats a mistake of the first four blind sets
(``wrong_answers.py`` to ``wrong_answers_4.py``), and ``tests/blind/verify_5.py`` confirms that each one
fails its check and computes neither one of the check's named mistakes nor an earlier blind answer.
"""
import math

import torch
import torch.nn.functional as F

from coursekit.models import dcgan as _dcgan
from coursekit.models import ddpm as _ddpm

_bce = F.binary_cross_entropy_with_logits


# --------------------------------------------------------------------------------------------
# Notebook 00

def _range_gamma(x):
    return (x.float() / 255) ** 2.2 * 2 - 1  # "linearised" with the sRGB gamma first


def _range_floats_as_unit(x):
    if x.is_floating_point():  # float pixels taken to be in [0, 1] already
        return x * 2 - 1
    return x.float() / 127.5 - 1


def _range_divided_twice(x):
    return x.float() / 255 / 127.5 - 1  # ToTensor's / 255, then the formula's / 127.5 as well


def _range_imagenet(x):
    return (x.float() / 255 - 0.485) / 0.229  # torchvision's ImageNet mean and std (red channel)


# --------------------------------------------------------------------------------------------
# Notebook 01

def _d_loss_clamped_logits(real_logits, fake_logits):
    real_logits, fake_logits = real_logits.clamp(-5, 5), fake_logits.clamp(-5, 5)  # "for stability"
    return _bce(real_logits, torch.ones_like(real_logits)) + _bce(fake_logits, torch.zeros_like(fake_logits))


def _d_loss_two_sided_smoothing(real_logits, fake_logits):
    return (_bce(real_logits, torch.full_like(real_logits, 0.9))
            + _bce(fake_logits, torch.full_like(fake_logits, 0.1)))


def _d_loss_log10(real_logits, fake_logits):
    real_p, fake_p = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
    return -(torch.log10(real_p).mean() + torch.log10(1 - fake_p).mean())  # log10 for the natural log


def _d_loss_relativistic_pairs(real_logits, fake_logits):
    diff = real_logits - fake_logits  # RSGAN: each real logit against its paired fake one
    return _bce(diff, torch.ones_like(diff))


def _g_loss_clamped_logits(fake_logits):
    fake_logits = fake_logits.clamp(-5, 5)  # "for stability"
    return _bce(fake_logits, torch.ones_like(fake_logits))


def _g_loss_log10(fake_logits):
    return -torch.log10(torch.sigmoid(fake_logits)).mean()


def _g_loss_odds(fake_logits):
    return torch.exp(-fake_logits).mean()  # the odds (1 − D) / D against the samples


def _g_loss_log1p(fake_logits):
    return -torch.log1p(torch.sigmoid(fake_logits)).mean()  # log1p(p) is log(1 + p), not log p


def _step_d(G, D, opt_D, real, z, clip=None, noise=0.0):
    fake = G(z)
    if noise:  # instance noise on D's inputs
        loss_D = _dcgan.d_loss(D(real + noise * torch.randn_like(real)),
                               D(fake.detach() + noise * torch.randn_like(real)))
    else:
        loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    if clip is not None:
        torch.nn.utils.clip_grad_norm_(D.parameters(), clip)
    opt_D.step()
    return fake, loss_D


def _step_g(G, D, opt_G, fake):
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_G


def _step_loss_d_twice(G, D, opt_G, opt_D, real, z):
    fake, loss_D = _step_d(G, D, opt_D, real, z)
    _step_g(G, D, opt_G, fake)
    return loss_D.detach(), loss_D.detach()  # copy-paste slip in the return


def _step_g_twice(G, D, opt_G, opt_D, real, z):
    _, loss_D = _step_d(G, D, opt_D, real, z)
    D.requires_grad_(False)
    for _ in range(2):  # two G updates per D update "so that D does not win"
        loss_G = _dcgan.g_loss(D(G(z)))
        opt_G.zero_grad()
        loss_G.backward()
        opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def _step_d_clipped(G, D, opt_G, opt_D, real, z):
    fake, loss_D = _step_d(G, D, opt_D, real, z, clip=1.0)  # D's gradients clipped to norm 1
    return loss_D.detach(), _step_g(G, D, opt_G, fake).detach()


def _step_instance_noise(G, D, opt_G, opt_D, real, z):
    fake, loss_D = _step_d(G, D, opt_D, real, z, noise=0.1)
    return loss_D.detach(), _step_g(G, D, opt_G, fake).detach()


# --------------------------------------------------------------------------------------------
# Notebook 02

def _gen_input_embedding(z, y):
    table = torch.nn.Embedding(10, 10)  # a fresh, untrained embedding: random vectors for the labels
    return torch.cat([z, table(y)], dim=1)


def _gen_input_rms_z(z, y):
    z = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)  # StyleGAN's pixel norm on z first
    return torch.cat([z, F.one_hot(y, 10).float()], dim=1)


def _gen_input_label_column(z, y):
    return torch.cat([z, F.one_hot(y[:, None], 10).float()], dim=1)  # (B, 1, 10): one dimension too many


def _gen_input_same_width(z, y):
    return torch.cat([z[:, :-10], F.one_hot(y, 10).float()], dim=1)  # the last 10 noise entries dropped


def _label_maps(x, y):
    b, _, h, w = x.shape
    return F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)


def _disc_input_flattened(x, y):
    return torch.cat([x.flatten(1), F.one_hot(y, 10).float()], dim=1)  # joined as for G: a flat vector


def _disc_input_softmax_maps(x, y):
    b, _, h, w = x.shape
    soft = F.softmax(F.one_hot(y, 10).float(), dim=1)  # "probabilities" of the classes
    return torch.cat([x, soft[:, :, None, None].expand(b, 10, h, w)], dim=1)


def _disc_input_eleven_channels(x, y):
    b, _, h, w = x.shape
    # "channel 1 + k" read as the one-hot's own index, the image's channel counted in it
    channels = F.one_hot(y + 1, 11).float()[:, :, None, None].expand(b, 11, h, w)
    return torch.cat([x, channels], dim=1)


def _disc_input_image_mapped_again(x, y):
    return torch.cat([x * 2 - 1, _label_maps(x, y)], dim=1)  # the [−1, 1] images mapped to [−1, 1] again


def _cond_two_sided_smoothing(real_logits, fake_logits, mismatched_logits):
    return (_bce(real_logits, torch.full_like(real_logits, 0.9))
            + _bce(fake_logits, torch.full_like(fake_logits, 0.1))
            + _bce(mismatched_logits, torch.full_like(mismatched_logits, 0.1)))


def _cond_clamped_logits(real_logits, fake_logits, mismatched_logits):
    r, f, m = (v.clamp(-5, 5) for v in (real_logits, fake_logits, mismatched_logits))  # "for stability"
    return _bce(r, torch.ones_like(r)) + _bce(f, torch.zeros_like(f)) + _bce(m, torch.zeros_like(m))


def _cond_log10(real_logits, fake_logits, mismatched_logits):
    r, f, m = (torch.sigmoid(v) for v in (real_logits, fake_logits, mismatched_logits))
    return -(torch.log10(r).mean() + torch.log10(1 - f).mean() + torch.log10(1 - m).mean())


def _cond_wasserstein(real_logits, fake_logits, mismatched_logits):
    return fake_logits.mean() + mismatched_logits.mean() - real_logits.mean()


# --------------------------------------------------------------------------------------------
# Notebook 03

def _convs(module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]


def _rf_plus_one(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r + 1) * conv.stride[0] + conv.kernel_size[0]  # + 1 for − 1
    return r


def _rf_kernel_and_stride_swapped(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r - 1) * conv.kernel_size[0] + conv.stride[0]
    return r


def _rf_extra_minus_one(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0] - 1
    return r


def _rf_plus_padding(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0] + 2 * conv.padding[0]  # padding widens it
    return r


def _p2p_smoothed_target(fake_logits, fake, target, lambda_L1):
    return _bce(fake_logits, torch.full_like(fake_logits, 0.9)) + lambda_L1 * F.l1_loss(fake, target)


def _p2p_lambda_on_both(fake_logits, fake, target, lambda_L1):
    return lambda_L1 * (_bce(fake_logits, torch.ones_like(fake_logits)) + F.l1_loss(fake, target))


def _p2p_l1_subtracted(fake_logits, fake, target, lambda_L1):
    return _bce(fake_logits, torch.ones_like(fake_logits)) - lambda_L1 * F.l1_loss(fake, target)


def _p2p_patches_summed_per_image(fake_logits, fake, target, lambda_L1):
    gan = _bce(fake_logits, torch.ones_like(fake_logits), reduction="none").sum(dim=(1, 2, 3)).mean()
    return gan + lambda_L1 * F.l1_loss(fake, target)


def _unet_features(G, x):
    skips = []
    for block in G.encoder:
        x = block(x)
        skips.append(x)
    skips.pop()
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return x


def _unet_tanh_twice(G, x):
    return torch.tanh(torch.tanh(G.to_image(_unet_features(G, x))))


def _unet_softsign(G, x):
    return F.softsign(G.to_image(_unet_features(G, x)))  # x / (1 + |x|): another squashing function


def _unet_leaky_before_last(G, x):
    return torch.tanh(G.to_image(F.leaky_relu(_unet_features(G, x), 0.2)))  # one more activation


def _unet_conv_output_skips(G, x):
    skips = []
    for block in G.encoder:
        pre = block[:-1](x)  # the skip kept before the block's leaky ReLU
        skips.append(pre)
        x = block[-1](pre.clone())
    skips.pop()
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return torch.tanh(G.to_image(x))


# --------------------------------------------------------------------------------------------
# Notebook 04

def _cycle_divided_by_lambda(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    return (F.l1_loss(rec_a, real_a) + F.l1_loss(rec_b, real_b)) / lambda_cycle


def _cycle_rmse(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    return lambda_cycle * (F.mse_loss(rec_a, real_a).sqrt() + F.mse_loss(rec_b, real_b).sqrt())


def _cycle_lambda_on_b(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    loss_cycle_A = F.l1_loss(rec_a, real_a)
    loss_cycle_B = F.l1_loss(rec_b, real_b)
    return loss_cycle_A + loss_cycle_B * lambda_cycle


def _cycle_lambda_added(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    return lambda_cycle + F.l1_loss(rec_a, real_a) + F.l1_loss(rec_b, real_b)


def _idt_smooth_l1(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    huber_a, huber_b = F.smooth_l1_loss(idt_a, real_a), F.smooth_l1_loss(idt_b, real_b)
    return lambda_cycle * lambda_identity * (huber_a + huber_b)


def _idt_weight_inside(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    return lambda_cycle * (lambda_identity * F.l1_loss(idt_a, real_a) + F.l1_loss(idt_b, real_b))


def _idt_a_twice(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    loss_idt_A = F.l1_loss(idt_a, real_a)
    loss_idt_B = F.l1_loss(idt_a, real_a)  # copy-paste slip: the B term repeats the A term
    return lambda_cycle * lambda_identity * (loss_idt_A + loss_idt_B)


def _idt_channels_summed(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    a = (idt_a - real_a).abs().sum(dim=1).mean()
    b = (idt_b - real_b).abs().sum(dim=1).mean()
    return lambda_cycle * lambda_identity * (a + b)


def _pool_shuffled(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    answers = torch.cat(out)
    return answers[torch.randperm(len(answers))]  # shuffled "to mix the history in"


def _pool_batch_size(pool, images, size=50):
    out = []
    size = len(images)  # the batch's size taken for the pool's
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_fifo(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            out.append(pool[int(torch.randint(size, ()))])
            pool.pop(0)  # the oldest one leaves instead of the one returned
            pool.append(image)
        else:
            out.append(image)
    return torch.cat(out)


def _pool_no_split(pool, images, size=50):
    out = []
    for image in images.detach():  # iterates over the batch: each image (C, H, W) without its batch axis
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _sem_multi_margin(logits_translated, logits_source):
    return F.multi_margin_loss(logits_translated, logits_source.argmax(dim=1))  # the multi-class hinge


def _sem_nll_on_probabilities(logits_translated, logits_source):
    return F.nll_loss(F.softmax(logits_translated, dim=1), logits_source.argmax(dim=1))


def _sem_argmax_flat(logits_translated, logits_source):
    return F.cross_entropy(logits_translated, logits_source.argmax())  # no dim: an index into the flat tensor


def _sem_bce_on_probabilities(logits_translated, logits_source):
    target = F.one_hot(logits_source.argmax(dim=1), logits_translated.shape[1]).float()
    return F.binary_cross_entropy(F.softmax(logits_translated, dim=1), target)


# --------------------------------------------------------------------------------------------
# Notebook 05

def _fade_tanh_first(alpha, old, new):
    return (1 - alpha) * torch.tanh(old) + alpha * torch.tanh(new)  # both squashed "as images" first


def _fade_unit_variance(alpha, old, new):
    blend = (1 - alpha) * old + alpha * new
    return blend / ((1 - alpha) ** 2 + alpha ** 2) ** 0.5  # rescaled to keep the variance


def _fade_normalised(alpha, old, new):
    return (old + alpha * new) / (1 + alpha)  # weights 1 and α, divided by their sum


def _fade_alpha_kept_inside(alpha, old, new):
    alpha = min(max(alpha, 0.1), 0.9)  # kept inside [0.1, 0.9] "so both paths keep learning"
    return (1 - alpha) * old + alpha * new


def _pn_layer_norm(x):
    return F.layer_norm(x, x.shape[1:])  # torch's LayerNorm: each image standardised over C, H, W


def _pn_no_dim(x):
    return x / torch.sqrt(torch.mean(x ** 2) + 1e-8)  # dim forgotten: one number for the whole batch


def _pn_factor_only(x):
    return torch.rsqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8)  # the scale, never multiplied by x


def _pn_local_response(x):
    return F.local_response_norm(x, size=x.shape[1])  # the paper's "variant of LRN" with torch's defaults


def _mbstd_group_std(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    return (y.var(dim=0, unbiased=False) + 1e-8).sqrt()  # (n // g, c, h, w)


def _mbstd_std_mean_swapped(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    _, spread = torch.std_mean(x.view(g, n // g, c, h, w), dim=0, unbiased=False)  # returns (std, mean)
    s = spread.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_one_per_channel(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    s = _mbstd_group_std(x, group_size).mean(dim=(2, 3)).view(n // g, c, 1, 1)  # one map per channel
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_repeat_pixels_only(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    s = _mbstd_group_std(x, group_size).mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(1, 1, h, w)], dim=1)  # repeated over the pixels only, not the groups


def _mbstd_channels_summed(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    s = _mbstd_group_std(x, group_size).sum(dim=1).mean(dim=(1, 2)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _eq_lr_multiplier(x, weight, bias, gain):
    # the mapping network's lr_multiplier = 0.01 copied from EqualizedLinear's source
    return F.linear(x, weight * gain / weight.shape[1] ** 0.5 * 0.01, bias * 0.01)


def _eq_bias_times_gain(x, weight, bias, gain):
    return F.linear(x, weight * gain / weight.shape[1] ** 0.5, bias * gain)


def _eq_variance(x, weight, bias, gain):
    return F.linear(x, weight * gain ** 2 / weight.shape[1], bias)  # the variance gain² / fan_in, no root


def _eq_scaled_twice(x, weight, bias, gain):
    c = gain / weight.shape[1] ** 0.5
    return F.linear(x * c, weight * c, bias)  # c applied to the input as well as to the weights


# --------------------------------------------------------------------------------------------
# Notebook 06

def _rms(z):
    return z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)


def _map_batch_standardised(net, z):
    x = (z - z.mean(dim=0)) / z.std(dim=0)  # each feature standardised over the batch
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _map_max_normalised(net, z):
    x = z / z.abs().amax(dim=1, keepdim=True)  # each code divided by its largest entry
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _map_normalised_each_layer(net, z):
    x = _rms(z)
    for layer in net.net[1:]:
        x = layer(x)
        if not isinstance(layer, torch.nn.LeakyReLU):
            x = _rms(x)  # pixel norm after every linear layer, as in ProGAN's generator
    return x


def _map_no_keepdim(net, z):
    x = z * torch.rsqrt(z.pow(2).mean(dim=1) + 1e-8)  # (N,) against (N, z_dim)
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _instance_norm(x):
    mu = x.mean(dim=(2, 3), keepdim=True)
    return (x - mu) / (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()


def _adain_bias_first(x, style_scale, style_bias):
    return style_scale[:, :, None, None] * _instance_norm(x + style_bias[:, :, None, None])  # bias wiped out


def _adain_not_divided(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    return style_scale[:, :, None, None] * (x - mu) + style_bias[:, :, None, None]  # σ never divided by


def _adain_var_mean_swapped(x, style_scale, style_bias):
    mu, var = torch.var_mean(x, dim=(2, 3), keepdim=True, unbiased=False)  # it returns (var, mean)
    return style_scale[:, :, None, None] * (x - mu) / (var + 1e-8).sqrt() + style_bias[:, :, None, None]


def _adain_min_max(x, style_scale, style_bias):
    low, high = x.amin(dim=(2, 3), keepdim=True), x.amax(dim=(2, 3), keepdim=True)
    norm = (x - low) / (high - low + 1e-8) * 2 - 1  # each map stretched to [−1, 1]
    return style_scale[:, :, None, None] * norm + style_bias[:, :, None, None]


def _noise_scaled_by_features(x, strength, noise):
    return x + strength * noise * x.std()  # the noise scaled to the features' spread


def _noise_variance_preserving(x, strength, noise):
    return (x + strength * noise) / (1 + strength ** 2).sqrt()


def _noise_strength_as_variance(x, strength, noise):
    return x + strength.sqrt() * noise  # B read as a variance


def _noise_centred(x, strength, noise):
    return x + strength * (noise - noise.mean())  # the noise made exactly zero-mean first


def _modconv(x, wts, padding=None, groups=True):
    n, c_in, h, w = x.shape
    c_out, k = wts.shape[1], wts.shape[-1]
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k),
                   padding=k // 2 if padding is None else padding, groups=n if groups else 1)
    return out.view(n, c_out, *out.shape[2:])


def _modulated(weight, style):
    wts = weight[None] * style[:, None, :, None, None]
    return wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)


def _modconv_squares_forgotten(x, weight, style):
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.sum(dim=(2, 3, 4), keepdim=True) + 1e-8)  # .pow(2) forgotten
    return _modconv(x, wts)


def _modconv_separate_sums(x, weight, style):
    wts = weight[None] * style[:, None, :, None, None]
    # the sum of squares split in two: Σ s² times Σ w² over inputs and kernel, not Σ (s·w)²
    sq = style.pow(2).sum(dim=1)[:, None, None, None, None] * weight.pow(2).sum(dim=(1, 2, 3))[None, :, None,
                                                                                                 None, None]
    return _modconv(x, wts * torch.rsqrt(sq + 1e-8))


def _modconv_padding_k(x, weight, style):
    return _modconv(x, _modulated(weight, style), padding=weight.shape[-1])  # padded by k instead of k // 2


def _modconv_no_groups(x, weight, style):
    return _modconv(x, _modulated(weight, style), groups=False)  # groups=n forgotten


def _trunc_weighted_average(w, w_avg, psi):
    return (w_avg + psi * w) / (1 + psi)  # an average of w̄ and w with weights 1 and ψ


def _trunc_offset_clipped(w, w_avg, psi):
    return w_avg + psi * (w - w_avg).clamp(-1, 1)  # the offsets clipped to [−1, 1] first


def _trunc_half_cutoff(w, w_avg, psi):
    out = w.clone()
    half = w.shape[1] // 2  # a "truncation cutoff": only the first half of the entries truncated
    out[:, :half] = w_avg[:half] + psi * (w[:, :half] - w_avg[:half])
    return out


def _trunc_first_entry(w, w_avg, psi):
    return w_avg[0] + psi * (w - w_avg[0])  # w_avg[0] as if w_avg had a batch axis


# --------------------------------------------------------------------------------------------
# Notebook 07

def _inv_feature_norm(fake, target, features, weight):
    distance = (features(fake) - features(target)).norm()  # the Euclidean distance, not the mean square
    return F.mse_loss(fake, target) + weight * distance


def _inv_features_unit_range(fake, target, features, weight):
    # the feature network fed [0, 1] images, "as it was trained"
    feats = F.mse_loss(features((fake + 1) / 2), features((target + 1) / 2))
    return F.mse_loss(fake, target) + weight * feats


def _inv_features_against_pixels(fake, target, features, weight):
    return F.mse_loss(fake, target) + weight * F.mse_loss(features(fake), target)  # target not featurised


def _inv_cdist(fake, target, features, weight):
    # torch.cdist: the distance between every fake and every target, not each with its own
    return F.mse_loss(fake, target) + weight * torch.cdist(features(fake), features(target)).mean()


def _gs_leaf(code):
    return code.detach().clone().requires_grad_(True)


def _gs_rmsprop(code, target, synthesize, lr):
    code = _gs_leaf(code)
    opt = torch.optim.RMSprop([code], lr=lr)  # one RMSprop step
    opt.zero_grad()
    F.mse_loss(synthesize(code), target).backward()
    opt.step()
    return code.detach()


def _gs_nesterov(code, target, synthesize, lr):
    code = _gs_leaf(code)
    opt = torch.optim.SGD([code], lr=lr, momentum=0.9, nesterov=True)  # Nesterov's first step is 1.9 lr ∇
    opt.zero_grad()
    F.mse_loss(synthesize(code), target).backward()
    opt.step()
    return code.detach()


def _gs_ten_steps(code, target, synthesize, lr):
    for _ in range(10):  # "until it converges": ten steps instead of one
        code = _gs_leaf(code)
        grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
        code = (code - lr * grad).detach()
    return code


def _gs_image_gradient(code, target, synthesize, lr):
    code = _gs_leaf(code)
    image = synthesize(code)
    grad, = torch.autograd.grad(F.mse_loss(image, target), image)  # the gradient for the image, not the code
    return (code - lr * grad).detach()


def _po_by_other_length(direction, other):
    o = other / other.norm()
    d = direction - (direction @ o) * o
    return d / other.norm()  # divided by the other direction's length


def _po_precedence(direction, other):
    o = other / other.norm()
    d = direction - o * direction @ o  # read as (o * direction) @ o, a number
    return d / d.norm()


def _po_matrix(direction, other):
    o = other / other.norm()
    projector = torch.eye(len(o)) - o @ o  # o @ o is the dot product (1), not the outer product
    d = projector @ direction
    return d / d.norm()


def _po_squared_length(direction, other):
    o = other / other.norm()
    d = direction - (direction @ o) * o
    return d / (d @ d)  # divided by its squared length


# --------------------------------------------------------------------------------------------
# Notebook 08

def _q_rooted_twice(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod.sqrt()[t].view(-1, 1, 1, 1)  # the table's root taken, then the formula's root again
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def _q_straight_line(x0, t, noise, alphas_cumprod):
    s = (t.float() / len(alphas_cumprod)).view(-1, 1, 1, 1)  # a straight path (rectified flow) in t / T
    return (1 - s) * x0 + s * noise


def _q_abar_as_scale(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar * x0 + (1 - abar ** 2).sqrt() * noise  # ᾱ as the signal's scale, unit variance kept


def _q_cosine_formula(x0, t, noise, alphas_cumprod):
    s = 0.008  # Nichol & Dhariwal's cosine ᾱ_t instead of the table given
    abar = (torch.cos((t.float() / 1000 + s) / (1 + s) * math.pi / 2) ** 2).view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def _dl_noise_level(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, (1 - alphas_cumprod[t]).sqrt()), noise)  # the noise level given for t


def _dl_own_t(model, x0, t, noise, alphas_cumprod):
    t = torch.randint(0, len(alphas_cumprod), t.shape)  # Algorithm 1 draws t: drawn again here
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, t), noise)


def _dl_reversed_t(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, len(alphas_cumprod) - 1 - t), noise)  # sampling counts down: T − 1 − t


def _dl_summed_per_image(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return (model(x_t, t) - noise).pow(2).sum(dim=(1, 2, 3)).mean()


def _rs_x0_estimate(eps, t, x_t, betas, alphas_cumprod, z):
    abar = alphas_cumprod[t]
    return (x_t - (1 - abar).sqrt() * eps) / abar.sqrt()  # the x_0 estimate returned instead of x_{t−1}


def _rs_eps_as_fresh_noise(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * eps if t > 0 else mean  # eps added again instead of z


def _rs_rooted_betas(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas.sqrt()[t], alphas_cumprod[t]  # the table's roots (the σ_t) taken for β_t everywhere
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_alpha_as_one_minus_abar(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - abar).sqrt()  # α_t read as 1 − ᾱ_t
    return mean + beta.sqrt() * z if t > 0 else mean


WRONG = {
    "to_model_range": [
        ("Applies the sRGB gamma first: (x / 255)^2.2 · 2 − 1.", _range_gamma),
        ("Takes float input to be in [0, 1] already and only maps it with 2x − 1.", _range_floats_as_unit),
        ("Divides by 255 and then by 127.5 as well, so everything lands near −1.", _range_divided_twice),
        ("Uses torchvision's ImageNet normalisation, (x / 255 − 0.485) / 0.229.", _range_imagenet),
    ],
    "d_loss": [
        ("Clamps the logits to [−5, 5] \"for stability\" before the cross-entropy.", _d_loss_clamped_logits),
        ("Smooths both labels: 0.9 for the real logits and 0.1 for the fake ones.",
         _d_loss_two_sided_smoothing),
        ("Writes the logs with torch.log10 instead of the natural log.", _d_loss_log10),
        ("Uses the relativistic (RSGAN) loss: BCE of real − fake logits, pair by pair, against 1.",
         _d_loss_relativistic_pairs),
    ],
    "g_loss": [
        ("Clamps the logits to [−5, 5] \"for stability\" before the cross-entropy.", _g_loss_clamped_logits),
        ("Writes the log with torch.log10 instead of the natural log.", _g_loss_log10),
        ("Minimises the odds against the samples, mean exp(−logits) = (1 − D) / D.", _g_loss_odds),
        ("Writes −log D as −log1p(D), which is −log(1 + D).", _g_loss_log1p),
    ],
    "train_step": [
        ("Copy-paste slip in the return: gives back (loss_D, loss_D).", _step_loss_d_twice),
        ("Updates G twice per step (a fresh G(z) each time) so that D does not win.", _step_g_twice),
        ("Clips D's gradients to norm 1 before its step.", _step_d_clipped),
        ("Adds instance noise (σ = 0.1) to the real and fake images D sees.", _step_instance_noise),
    ],
    "generator_input": [
        ("Embeds the labels with a fresh, untrained nn.Embedding(10, 10) instead of a one-hot.",
         _gen_input_embedding),
        ("Normalises z to unit root mean square (StyleGAN's pixel norm) before joining the one-hot.",
         _gen_input_rms_z),
        ("One-hot encodes y[:, None], a (B, 1, 10) tensor that cannot join z's two dimensions.",
         _gen_input_label_column),
        ("Drops z's last 10 entries to make room, so the input keeps z's width.", _gen_input_same_width),
    ],
    "discriminator_input": [
        ("Joins the flattened image and the one-hot into one vector, as for G.", _disc_input_flattened),
        ("Paints softmax(one-hot) into the maps, about 0.23 and 0.09, instead of 1 and 0.",
         _disc_input_softmax_maps),
        ("Reads \"channel 1 + k\" as the one-hot's index: 11 maps with one_hot(y + 1, 11).",
         _disc_input_eleven_channels),
        ("Maps the images to [−1, 1] again (2x − 1), though they already are.",
         _disc_input_image_mapped_again),
    ],
    "conditional_d_loss": [
        ("Smooths every label: 0.9 for the real pairs, 0.1 for the fake and mismatched ones.",
         _cond_two_sided_smoothing),
        ("Clamps the logits to [−5, 5] \"for stability\" before the cross-entropies.", _cond_clamped_logits),
        ("Writes the logs with torch.log10 instead of the natural log.", _cond_log10),
        ("Uses a WGAN critic's loss, mean(fake) + mean(mismatched) − mean(real).", _cond_wasserstein),
    ],
    "receptive_field": [
        ("Writes + 1 for − 1: r ← (r + 1)·s + k.", _rf_plus_one),
        ("Swaps kernel and stride: r ← (r − 1)·k + s.", _rf_kernel_and_stride_swapped),
        ("Subtracts one more: r ← (r − 1)·s + k − 1.", _rf_extra_minus_one),
        ("Adds twice the padding at each layer, as if padding widened the receptive field.",
         _rf_plus_padding),
    ],
    "pix2pix_g_loss": [
        ("Smooths G's target to 0.9 in the GAN term.", _p2p_smoothed_target),
        ("Multiplies both terms by λ: λ·(GAN + L1).", _p2p_lambda_on_both),
        ("Subtracts the L1 term instead of adding it.", _p2p_l1_subtracted),
        ("Sums the GAN term over each image's patches and averages only over the batch.",
         _p2p_patches_summed_per_image),
    ],
    "unet_forward": [
        ("Applies tanh twice at the end.", _unet_tanh_twice),
        ("Ends with softsign, x / (1 + |x|), instead of tanh.", _unet_softsign),
        ("Adds a leaky ReLU (0.2) before G.to_image.", _unet_leaky_before_last),
        ("Keeps each encoder block's output before its leaky ReLU as the skip.", _unet_conv_output_skips),
    ],
    "cycle_loss": [
        ("Divides the sum of the two terms by λ instead of multiplying it.", _cycle_divided_by_lambda),
        ("Uses the root mean squared error of each cycle instead of the L1.", _cycle_rmse),
        ("Precedence slip on the other side: λ multiplies only the B cycle's term.", _cycle_lambda_on_b),
        ("Adds λ to the two terms instead of multiplying their sum by it.", _cycle_lambda_added),
    ],
    "identity_loss": [
        ("Uses the smooth L1 (Huber) loss instead of L1.", _idt_smooth_l1),
        ("Puts λ_idt inside the parentheses on the A term only: λ·(λ_idt·L_A + L_B).", _idt_weight_inside),
        ("Copy-paste slip: the B term compares idt_a with real_a again.", _idt_a_twice),
        ("Sums the absolute error over the colour channels and averages only over the pixels.",
         _idt_channels_summed),
    ],
    "image_pool": [
        ("Overwrites size with len(images), so the pool takes the batch's size.", _pool_batch_size),
        ("On a swap removes the oldest stored image (pop(0)) and appends the new one, instead of replacing "
         "the one returned.", _pool_fifo),
        ("Shuffles the answers with torch.randperm \"to mix the history in\".", _pool_shuffled),
        ("Iterates over images directly instead of images.split(1), losing each image's batch axis.",
         _pool_no_split),
    ],
    "semantic_loss": [
        ("Uses F.multi_margin_loss (the multi-class hinge) instead of the cross-entropy.", _sem_multi_margin),
        ("Calls F.nll_loss on the softmax probabilities instead of their log.", _sem_nll_on_probabilities),
        ("Takes argmax() without dim=1, one index into the flattened logits.", _sem_argmax_flat),
        ("Uses F.binary_cross_entropy of the softmax probabilities against the one-hot class.",
         _sem_bce_on_probabilities),
    ],
    "fade_in": [
        ("Passes both outputs through tanh, \"as images\", before blending.", _fade_tanh_first),
        ("Divides the blend by √((1 − α)² + α²) to keep its variance.", _fade_unit_variance),
        ("Weighs old by 1 and new by α, then divides by 1 + α.", _fade_normalised),
        ("Keeps α inside [0.1, 0.9] so that both paths keep learning.", _fade_alpha_kept_inside),
    ],
    "pixel_norm": [
        ("Uses F.layer_norm over (C, H, W): each image standardised as a whole.", _pn_layer_norm),
        ("Forgets dim= in the mean, so the whole batch shares one root mean square.", _pn_no_dim),
        ("Returns the scale factor 1 / √(mean a² + ε) without multiplying it by x.", _pn_factor_only),
        ("Uses F.local_response_norm over all channels with torch's default constants.", _pn_local_response),
    ],
    "minibatch_std": [
        ("Unpacks torch.std_mean as (_, std), but it returns (std, mean): the group's mean is used.",
         _mbstd_std_mean_swapped),
        ("Appends one map per channel (the spread averaged over the pixels only).", _mbstd_one_per_channel),
        ("Repeats the groups' numbers over the pixels only (repeat(1, 1, H, W)), not over the groups.",
         _mbstd_repeat_pixels_only),
        ("Sums the standard deviations over the channels and averages only over the pixels.",
         _mbstd_channels_summed),
    ],
    "equalized_linear": [
        ("Copies the mapping network's lr_multiplier (0.01) onto the weights and the bias.",
         _eq_lr_multiplier),
        ("Multiplies the bias by the gain as well.", _eq_bias_times_gain),
        ("Uses He's variance gain² / fan_in instead of its square root.", _eq_variance),
        ("Applies c = gain / √fan_in to the input as well as to the weights.", _eq_scaled_twice),
    ],
    "mapping_forward": [
        ("Standardises each feature of z over the batch instead of normalising each code.",
         _map_batch_standardised),
        ("Divides each code by its largest absolute entry instead of its root mean square.",
         _map_max_normalised),
        ("Normalises again after every linear layer, as in ProGAN's generator.", _map_normalised_each_layer),
        ("Forgets keepdim=True, so the (N,) norms do not broadcast against (N, z_dim).", _map_no_keepdim),
    ],
    "adain": [
        ("Adds the style's bias before normalising, so the normalisation removes it.", _adain_bias_first),
        ("Subtracts μ but never divides by σ.", _adain_not_divided),
        ("Unpacks torch.var_mean as (mean, var), but it returns (var, mean).", _adain_var_mean_swapped),
        ("Stretches each map to [−1, 1] by its minimum and maximum instead of standardising it.",
         _adain_min_max),
    ],
    "noise_injection": [
        ("Scales the noise by the features' standard deviation as well.", _noise_scaled_by_features),
        ("Divides the sum by √(1 + strength²) to keep the variance.", _noise_variance_preserving),
        ("Reads the strength as a variance and scales the noise by its square root.",
         _noise_strength_as_variance),
        ("Subtracts the noise's mean first, so the added noise is exactly zero-mean.", _noise_centred),
    ],
    "demodulation": [
        ("Forgets .pow(2) in the demodulation: the root of the sum of the weights themselves.",
         _modconv_squares_forgotten),
        ("Splits the sum of squares into Σ s² times Σ w², which is not Σ (s·w)².", _modconv_separate_sums),
        ("Pads by k instead of k // 2, so the output grows.", _modconv_padding_k),
        ("Forgets groups=n in the grouped convolution.", _modconv_no_groups),
    ],
    "truncation": [
        ("Averages w̄ and w with weights 1 and ψ: (w̄ + ψ·w) / (1 + ψ).", _trunc_weighted_average),
        ("Clips each offset w − w̄ to [−1, 1] before scaling it by ψ.", _trunc_offset_clipped),
        ("Truncates only the first half of each code's entries (a \"cutoff\").", _trunc_half_cutoff),
        ("Takes w_avg[0] as if w_avg had a batch axis, so the mean is one number.", _trunc_first_entry),
    ],
    "inversion_loss": [
        ("Uses the Euclidean distance of the features instead of their mean squared error.",
         _inv_feature_norm),
        ("Feeds the feature network [0, 1] images, which quarters the feature term.",
         _inv_features_unit_range),
        ("Compares the fake's features with the target image's pixels instead of its features.",
         _inv_features_against_pixels),
        ("Uses torch.cdist, the distances between every fake and every target, averaged.", _inv_cdist),
    ],
    "gradient_step": [
        ("Takes one step of torch.optim.RMSprop instead of plain gradient descent.", _gs_rmsprop),
        ("Takes one step of SGD with Nesterov momentum 0.9, which moves 1.9·lr·∇.", _gs_nesterov),
        ("Takes ten steps \"until it converges\" instead of one.", _gs_ten_steps),
        ("Takes the gradient with respect to the image instead of the code.", _gs_image_gradient),
    ],
    "project_out": [
        ("Divides the result by the other direction's length instead of its own.", _po_by_other_length),
        ("Writes direction − o * direction @ o, which Python reads as (o * direction) @ o, a number.",
         _po_precedence),
        ("Builds the projector with o @ o (the dot product) instead of the outer product.", _po_matrix),
        ("Divides the result by its squared length instead of its length.", _po_squared_length),
    ],
    "q_sample": [
        ("Takes the root of alphas_cumprod and then the formula's root again: ᾱ_t^¼.", _q_rooted_twice),
        ("Moves along a straight line from x_0 to the noise in t / T (rectified flow).", _q_straight_line),
        ("Scales x_0 by ᾱ_t and the noise by √(1 − ᾱ_t²), so the variance stays 1 with ᾱ as the scale.",
         _q_abar_as_scale),
        ("Computes ᾱ_t from the cosine schedule's formula instead of looking it up in alphas_cumprod.",
         _q_cosine_formula),
    ],
    "diffusion_loss": [
        ("Gives the model the noise level √(1 − ᾱ_t) instead of the step t.", _dl_noise_level),
        ("Draws its own t (as Algorithm 1 does) instead of using the t given.", _dl_own_t),
        ("Gives the model T − 1 − t, counting the steps down as the sampler does.", _dl_reversed_t),
        ("Sums the squared error over each image's pixels and averages only over the batch.",
         _dl_summed_per_image),
    ],
    "reverse_step": [
        ("Returns the estimate of x_0 instead of x_{t−1}.", _rs_x0_estimate),
        ("Adds σ_t·eps, the predicted noise again, instead of the fresh noise z.", _rs_eps_as_fresh_noise),
        ("Reads √β_t (the σ_t) for β_t everywhere in the step.", _rs_rooted_betas),
        ("Reads α_t as 1 − ᾱ_t and divides the mean by √(1 − ᾱ_t).", _rs_alpha_as_one_minus_abar),
    ],
}
