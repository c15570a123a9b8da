"""Wrong answers, fourth blind set (issue 37): written without seeing the diagnosis, to measure it.

Four plausible wrong answers per short exercise, each with the exercise's exact signature, written as
other students would write them on a first try; none repeats a mistake of the first three blind sets
(``wrong_answers.py``, ``wrong_answers_2.py``, ``wrong_answers_3.py``), and ``tests/blind/verify_4.py``
confirms that each one fails its check and computes neither one of the check's named mistakes nor an
earlier blind answer.
"""
import math

import torch
import torch.nn.functional as F

from coursekit.models import dcgan as _dcgan
from coursekit.models import ddpm as _ddpm

_bce = F.binary_cross_entropy_with_logits


# --------------------------------------------------------------------------------------------
# Notebook 00

def _range_uint8_minus_128(x):
    return (x - 128) / 128  # on uint8 pixels, x − 128 wraps around for the dark ones


def _range_127(x):
    return x.float() / 127 - 1  # 127 for 127.5: white lands above +1


def _range_bin_centres(x):
    return (x.float() + 0.5) / 128 - 1  # each grey level moved to its bin's centre, as in dequantisation


def _range_in_place(x):
    return x.div_(127.5).sub_(1)  # in place: a uint8 tensor cannot hold the float result


# --------------------------------------------------------------------------------------------
# Notebook 01

def _d_loss_probability_bce_on_logits(real_logits, fake_logits):
    # F.binary_cross_entropy expects probabilities: the raw logits lie outside [0, 1]
    return (F.binary_cross_entropy(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy(fake_logits, torch.zeros_like(fake_logits)))


def _d_loss_eps_in_logs(real_logits, fake_logits):
    real_p, fake_p = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
    return -(torch.log(real_p + 1e-3).mean() + torch.log(1 - fake_p + 1e-3).mean())  # "for stability"


def _d_loss_log_of_means(real_logits, fake_logits):
    # the batch's mean probability taken before the log, for each term
    return -(torch.log(torch.sigmoid(real_logits).mean()) + torch.log(1 - torch.sigmoid(fake_logits).mean()))


def _d_loss_relativistic(real_logits, fake_logits):
    # the relativistic average GAN's D loss: each side judged against the other side's mean logit
    return (_bce(real_logits - fake_logits.mean(), torch.ones_like(real_logits))
            + _bce(fake_logits - real_logits.mean(), torch.zeros_like(fake_logits)))


def _g_loss_focal(fake_logits):
    p = torch.sigmoid(fake_logits)
    return -((1 - p) ** 2 * torch.log(p)).mean()  # the focal loss (γ = 2) of object detection


def _g_loss_bits(fake_logits):
    return -torch.log2(torch.sigmoid(fake_logits)).mean()  # in bits: log base 2


def _g_loss_hinge(fake_logits):
    return F.relu(1 - fake_logits).mean()  # the hinge loss's real term, used for G


def _g_loss_of_mean_logit(fake_logits):
    verdict = fake_logits.mean()  # the logits averaged first
    return _bce(verdict, torch.ones_like(verdict))


def _step_g_loss_before_d_update(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    loss_G = _dcgan.g_loss(D(fake))  # computed early, through D's weights as they were
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()  # changes those weights in place: G's backward below cannot go through them
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    return loss_D.detach(), loss_G.detach()


def _step_d_stepped_for_g(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_D.step()  # copy-paste slip: D's optimizer stepped again instead of G's
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def _step_loss_d_after_update(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    with torch.no_grad():  # reported loss recomputed with the updated D
        loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def _step_weight_clipping(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    with torch.no_grad():
        for p in D.parameters():
            p.clamp_(-0.01, 0.01)  # WGAN's weight clipping added after D's step
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


# --------------------------------------------------------------------------------------------
# Notebook 02

def _gen_input_eleven_classes(z, y):
    return torch.cat([z, F.one_hot(y, 11).float()], dim=1)  # "labels 0 to 10"


def _gen_input_unit_z(z, y):
    return torch.cat([z / z.norm(dim=1, keepdim=True), F.one_hot(y, 10).float()], dim=1)


def _gen_input_scatter_rows(z, y):
    one_hot = torch.zeros(len(y), 10).scatter_(0, y[:, None], 1.0)  # scattered along dim 0, not dim 1
    return torch.cat([z, one_hot], dim=1)


def _gen_input_binary(z, y):
    bits = (y[:, None] >> torch.arange(4)) & 1  # the label in 4 binary digits
    return torch.cat([z, bits.float()], dim=1)


def _maps(x, y):
    b, _, h, w = x.shape
    return F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)


def _disc_input_inverted_maps(x, y):
    return torch.cat([x, 1 - _maps(x, y)], dim=1)  # the class's map 0, every other map 1


def _disc_input_label_number(x, y):
    b, _, h, w = x.shape
    return torch.cat([x, (y.float() / 9)[:, None, None, None].expand(b, 1, h, w)], dim=1)


def _disc_input_broadcast_by_adding(x, y):
    # "+ x" to broadcast the one-hot to the image's size: the maps carry the image too
    return torch.cat([x, F.one_hot(y, 10).float()[:, :, None, None] + x], dim=1)


def _disc_input_centred_maps(x, y):
    return torch.cat([x, _maps(x, y) - 0.1], dim=1)  # centred: the ten maps average to zero


def _cond_hinge(real_logits, fake_logits, mismatched_logits):
    return (F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()
            + F.relu(1 + mismatched_logits).mean())


def _cond_real_smoothed(real_logits, fake_logits, mismatched_logits):
    return (_bce(real_logits, torch.full_like(real_logits, 0.9))  # one-sided label smoothing
            + _bce(fake_logits, torch.zeros_like(fake_logits))
            + _bce(mismatched_logits, torch.zeros_like(mismatched_logits)))


def _cond_lsgan_probabilities(real_logits, fake_logits, mismatched_logits):
    real_p, fake_p, mis_p = (torch.sigmoid(v) for v in (real_logits, fake_logits, mismatched_logits))
    return ((real_p - 1) ** 2).mean() + (fake_p ** 2).mean() + (mis_p ** 2).mean()


def _cond_averaged_logits(real_logits, fake_logits, mismatched_logits):
    both = (fake_logits + mismatched_logits) / 2  # the two "fake" kinds merged into one term
    return _bce(real_logits, torch.ones_like(real_logits)) + _bce(both, torch.zeros_like(both))


# --------------------------------------------------------------------------------------------
# Notebook 03

def _convs(module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]


def _rf_kernel_product(module):
    r = 1
    for conv in _convs(module):
        r *= conv.kernel_size[0]
    return r


def _rf_kernel_from_weight(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r - 1) * conv.stride[0] + conv.weight.shape[1]  # (out, in, k, k): shape[1] is the input channels
    return r


def _rf_stride_of_later_layer(module):
    r, stride = 1, 1
    for conv in reversed(_convs(module)):
        r = (r - 1) * stride + conv.kernel_size[0]  # the stride of the layer after this one
        stride = conv.stride[0]
    return r


def _rf_divided_by_stride(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r - 1) // conv.stride[0] + conv.kernel_size[0]
    return r


def _p2p_l1_summed_per_image(fake_logits, fake, target, lambda_L1):
    l1 = (fake - target).abs().sum(dim=(1, 2, 3)).mean()  # summed over each photo, averaged over the batch
    return _bce(fake_logits, torch.ones_like(fake_logits)) + lambda_L1 * l1


def _p2p_unit_range(fake_logits, fake, target, lambda_L1):
    return (_bce(fake_logits, torch.ones_like(fake_logits))
            + lambda_L1 * F.l1_loss((fake + 1) / 2, (target + 1) / 2))


def _p2p_least_squares(fake_logits, fake, target, lambda_L1):
    return F.mse_loss(fake_logits, torch.ones_like(fake_logits)) + lambda_L1 * F.l1_loss(fake, target)


def _p2p_patches_summed(fake_logits, fake, target, lambda_L1):
    return (_bce(fake_logits, torch.ones_like(fake_logits), reduction="sum")
            + lambda_L1 * F.l1_loss(fake, target))


def _unet_run(G, x, skip_scale=1.0):
    skips = []
    for block in G.encoder:
        x = block(x)
        skips.append(x)
    skips.pop()
    for block in G.decoder:
        x = torch.cat([block(x), skip_scale * skips.pop()], dim=1)
    return G.to_image(x)


def _unet_train_mode(G, x):
    G.train()  # "to be safe": batch norm then uses the batch's statistics and dropout drops
    return torch.tanh(_unet_run(G, x))


def _unet_relu_before_tanh(G, x):
    return torch.tanh(F.relu(_unet_run(G, x)))


def _unet_scaled_skips(G, x):
    return torch.tanh(_unet_run(G, x, skip_scale=2 ** -0.5))  # skips scaled by 1/√2


def _unet_max_rescaled(G, x):
    out = _unet_run(G, x)
    return out / out.abs().max()  # into [−1, 1] by the largest value instead of tanh


# --------------------------------------------------------------------------------------------
# Notebook 04

def _cycle_summed_differences(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    return lambda_cycle * ((rec_a - real_a) + (rec_b - real_b)).abs().mean()


def _cycle_largest_error(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    return lambda_cycle * ((rec_a - real_a).abs().max() + (rec_b - real_b).abs().max())


def _cycle_smooth_l1(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    return lambda_cycle * (F.smooth_l1_loss(rec_a, real_a) + F.smooth_l1_loss(rec_b, real_b))


def _cycle_channels_summed(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    a = (rec_a - real_a).abs().sum(dim=1).mean()  # summed over the colour channels, averaged over the pixels
    b = (rec_b - real_b).abs().sum(dim=1).mean()
    return lambda_cycle * (a + b)


def _idt_batch_mean_first(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # the differences averaged over the batch before the absolute value
    a = (idt_a - real_a).mean(dim=0).abs().mean()
    b = (idt_b - real_b).mean(dim=0).abs().mean()
    return lambda_cycle * lambda_identity * (a + b)


def _idt_rmse(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    rmse_a, rmse_b = F.mse_loss(idt_a, real_a).sqrt(), F.mse_loss(idt_b, real_b).sqrt()
    return lambda_cycle * lambda_identity * (rmse_a + rmse_b)


def _idt_abs_of_mean(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    return lambda_cycle * lambda_identity * ((idt_a - real_a).mean().abs() + (idt_b - real_b).mean().abs())


def _idt_grey(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # the colour channels averaged first: grey images compared
    return lambda_cycle * lambda_identity * (F.l1_loss(idt_a.mean(dim=1), real_a.mean(dim=1))
                                             + F.l1_loss(idt_b.mean(dim=1), real_b.mean(dim=1)))


def _pool_randn_coin(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.randn(()) < 0.5:  # randn for rand: a swap about 69% of the time
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_popped(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            out.append(pool.pop(int(torch.randint(size, ()))))  # taken out; the new image never put in
        else:
            out.append(image)
    return torch.cat(out)


def _pool_two_coins(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5 and torch.rand(()) < 0.5:  # a second coin for "pick one at random"
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_fill_inside_coin(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if torch.rand(()) < 0.5:  # the coin decides first, also while the pool fills
            if len(pool) < size:
                pool.append(image)
                out.append(image)
            else:
                i = int(torch.randint(size, ()))
                out.append(pool[i])
                pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _sem_symmetric(logits_translated, logits_source):
    # both ways, averaged: each side's logits against the other side's class
    return 0.5 * (F.cross_entropy(logits_translated, logits_source.argmax(dim=1))
                  + F.cross_entropy(logits_source, logits_translated.argmax(dim=1)))


def _sem_temperature(logits_translated, logits_source):
    return F.cross_entropy(logits_translated / 2, logits_source.argmax(dim=1))  # softened, as in distillation


def _sem_max_value(logits_translated, logits_source):
    return F.cross_entropy(logits_translated, logits_source.max(dim=1)[0])  # the largest logit, not its index


def _sem_mean_over_classes(logits_translated, logits_source):
    target = F.one_hot(logits_source.argmax(dim=1), logits_translated.shape[1]).float()
    return -(target * F.log_softmax(logits_translated, dim=1)).mean()  # averaged over the classes too


# --------------------------------------------------------------------------------------------
# Notebook 05

def _fade_cosine_ease(alpha, old, new):
    a = (1 - math.cos(math.pi * alpha)) / 2  # a cosine ramp instead of the straight one
    return (1 - a) * old + a * new


def _fade_new_twice(alpha, old, new):
    return (1 - alpha) * new + alpha * new  # copy-paste slip: old never used


def _fade_random_pixels(alpha, old, new):
    take_new = torch.rand_like(new) < alpha  # each pixel from new with probability α
    return torch.where(take_new, new, old)


def _fade_difference_only(alpha, old, new):
    return alpha * (new - old)  # old never added back


def _pn_channels_minus_one(x):
    return x / torch.sqrt(x.pow(2).sum(dim=1, keepdim=True) / (x.shape[1] - 1) + 1e-8)


def _pn_norm_over_channels(x):
    return x / (x.norm(dim=1, keepdim=True) / x.shape[1] + 1e-8)  # ‖a‖ / N instead of ‖a‖ / √N


def _pn_batch_count(x):
    return x / torch.sqrt(x.pow(2).sum(dim=1, keepdim=True) / x.shape[0] + 1e-8)  # N read as x.shape[0]


def _pn_first_image(x):
    return x * torch.rsqrt(x[:1].pow(2).mean(dim=1, keepdim=True) + 1e-8)  # the first image's norms for all


def _mbstd_append(x, s, g):
    n, _, h, w = x.shape
    return torch.cat([x, s.view(n // g, 1, 1, 1).repeat(g, 1, h, w)], dim=1)


def _mbstd_range(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    spread = y.amax(dim=0) - y.amin(dim=0)  # the range over the group instead of the standard deviation
    return _mbstd_append(x, spread.mean(dim=(1, 2, 3)), g)


def _mbstd_added(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    s = (y.var(dim=0, unbiased=False) + 1e-8).sqrt().mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return x + s.repeat(g, 1, 1, 1)  # added to every feature map instead of appended


def _mbstd_spread_over_pixels(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    per_image = x.var(dim=(2, 3), unbiased=False).add(1e-8).sqrt().mean(dim=1)  # each image over its pixels
    return _mbstd_append(x, per_image.view(g, n // g).mean(dim=0), g)


def _mbstd_expanded(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    s = (y.var(dim=0, unbiased=False) + 1e-8).sqrt().mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.expand(n, 1, h, w)], dim=1)  # expand cannot grow n // g groups to n images


def _eq_bias_counted(x, weight, bias, gain):
    return F.linear(x, weight * gain / (weight.shape[1] + 1) ** 0.5, bias)  # the bias counted as an input


def _eq_weight_norm(x, weight, bias, gain):
    return F.linear(x, weight / weight.norm(dim=1, keepdim=True) * gain, bias)  # weight normalisation


def _eq_leaky(x, weight, bias, gain):
    return F.leaky_relu(F.linear(x, weight * gain / weight.shape[1] ** 0.5, bias), 0.2)  # the activation too


def _eq_integer_power(x, weight, bias, gain):
    return F.linear(x, weight * gain / weight.shape[1] ** (1 // 2), bias)  # 1 // 2 is 0


# --------------------------------------------------------------------------------------------
# Notebook 06

def _rms(z):
    return z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)


def _map_mean_abs(net, z):
    x = z / (z.abs().mean(dim=1, keepdim=True) + 1e-8)  # the mean absolute value for the root mean square
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _map_tanh(net, z):
    x = _rms(z)
    for layer in net.net[1:]:
        x = torch.tanh(x) if isinstance(layer, torch.nn.LeakyReLU) else layer(x)
    return x


def _map_clipped_z(net, z):
    x = _rms(z.clamp(-2, 2))  # z truncated to [−2, 2] first
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _map_residual(net, z):
    x = _rms(z)
    for layer in net.net[1:]:
        x = layer(x) if isinstance(layer, torch.nn.LeakyReLU) else x + layer(x)  # a residual per linear
    return x


def _instance_norm(x):
    mu = x.mean(dim=(2, 3), keepdim=True)
    return (x - mu) / (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()


def _adain_scale_first(x, style_scale, style_bias):
    return _instance_norm(style_scale[:, :, None, None] * x) + style_bias[:, :, None, None]


def _adain_exp_scale(x, style_scale, style_bias):
    return style_scale[:, :, None, None].exp() * _instance_norm(x) + style_bias[:, :, None, None]


def _adain_mean_abs_deviation(x, style_scale, style_bias):
    centred = x - x.mean(dim=(2, 3), keepdim=True)
    spread = centred.abs().mean(dim=(2, 3), keepdim=True) + 1e-8
    return style_scale[:, :, None, None] * centred / spread + style_bias[:, :, None, None]


def _adain_sigma_floor(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt().clamp(min=1.0)  # never below 1
    return style_scale[:, :, None, None] * (x - mu) / sigma + style_bias[:, :, None, None]


def _noise_clipped(x, strength, noise):
    return x + strength * noise.clamp(-1, 1)  # the noise clipped to [−1, 1] first


def _noise_fresh(x, strength, noise):
    return x + strength * torch.randn_like(x)  # its own noise, one per channel


def _noise_first_image(x, strength, noise):
    return x + strength * noise[:1]  # the first image's noise for the whole batch


def _noise_strength_first_axis(x, strength, noise):
    return x + strength.view(-1, 1, 1, 1) * noise  # (C, 1, 1, 1): along the batch


def _modulated_weights(weight, style, norm="l2"):
    wts = weight[None] * style[:, None, :, None, None]
    if norm == "l1":
        return wts / (wts.abs().sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    return wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)


def _grouped(x, wts):
    n, c_in, h, w = x.shape
    c_out, k = wts.shape[1], wts.shape[-1]
    return F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2,
                    groups=n)


def _modconv_mean_kernel(x, weight, style):
    wts = _modulated_weights(weight, style)
    return F.conv2d(x, wts.mean(dim=0), padding=weight.shape[-1] // 2)  # one kernel, the images' average


def _modconv_view_transposed(x, weight, style):
    n, c_out, h, w = x.shape[0], weight.shape[0], x.shape[2], x.shape[3]
    return _grouped(x, _modulated_weights(weight, style)).view(c_out, n, h, w).transpose(0, 1)


def _modconv_one_plus_style(x, weight, style):
    n, c_out, h, w = x.shape[0], weight.shape[0], x.shape[2], x.shape[3]
    return _grouped(x, _modulated_weights(weight, 1 + style)).view(n, c_out, h, w)


def _modconv_l1_demod(x, weight, style):
    n, c_out, h, w = x.shape[0], weight.shape[0], x.shape[2], x.shape[3]
    return _grouped(x, _modulated_weights(weight, style, norm="l1")).view(n, c_out, h, w)


def _trunc_mean_offset(w, w_avg, psi):
    return w_avg + psi * (w - w_avg).mean(dim=0)  # the offsets averaged over the batch: one code for all


def _trunc_length_kept(w, w_avg, psi):
    out = w_avg + psi * (w - w_avg)
    return out * (w.norm(dim=1, keepdim=True) / out.norm(dim=1, keepdim=True))  # each code's length kept


def _trunc_transposed(w, w_avg, psi):
    return w_avg[:, None] + psi * (w.T - w_avg[:, None])  # codes as columns, never transposed back


def _trunc_w_plus_mean(w, w_avg, psi):
    return w + (1 - psi) * w_avg


# --------------------------------------------------------------------------------------------
# Notebook 07

def _inv_gram(fake, target, features, weight):
    f_fake, f_target = features(fake), features(target)
    # Gatys's style loss: the features' Gram matrices compared
    return F.mse_loss(fake, target) + weight * F.mse_loss(f_fake @ f_fake.T, f_target @ f_target.T)


def _inv_feature_sum_per_image(fake, target, features, weight):
    distance = (features(fake) - features(target)).pow(2).sum(dim=1).mean()  # summed over the features
    return F.mse_loss(fake, target) + weight * distance


def _inv_clamped_fake(fake, target, features, weight):
    fake = fake.clamp(-1, 1)  # the generated image kept in the image range first
    return F.mse_loss(fake, target) + weight * F.mse_loss(features(fake), features(target))


def _inv_weight_on_both(fake, target, features, weight):
    return weight * (F.mse_loss(fake, target) + F.mse_loss(features(fake), features(target)))


def _gs_grad(code, target, synthesize):
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
    return code, grad


def _gs_max_normalised(code, target, synthesize, lr):
    code, grad = _gs_grad(code, target, synthesize)
    return (code - lr * grad / grad.abs().max()).detach()  # the gradient scaled so its largest entry is 1


def _gs_batch_mean(code, target, synthesize, lr):
    code, grad = _gs_grad(code, target, synthesize)
    return (code - lr * grad.mean(dim=0, keepdim=True)).detach()  # every code moved by the batch's gradient


def _gs_clamped_code(code, target, synthesize, lr):
    code, grad = _gs_grad(code, target, synthesize)
    return (code - lr * grad).clamp(-1, 1).detach()


def _gs_dot_grad(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
    return (code - lr * code.grad).detach()  # autograd.grad does not fill code.grad: it is None


def _po_l1_renormalised(direction, other):
    o = other / other.norm()
    d = direction - (direction @ o) * o
    return d / d.abs().sum()


def _po_cosine_coefficient(direction, other):
    o = other / other.norm()
    d = direction - (direction @ o) / direction.norm() * o  # cos θ instead of d·ô
    return d / d.norm()


def _po_other_over_squared_norm(direction, other):
    o = other / other.norm() ** 2  # o / ‖o‖² used for both factors
    d = direction - (direction @ o) * o
    return d / d.norm()


def _po_original_length(direction, other):
    o = other / other.norm()
    d = direction - (direction @ o) * o
    return d / d.norm() * direction.norm()  # back to the direction's own length


# --------------------------------------------------------------------------------------------
# Notebook 08

def _q_signal_unscaled(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return x0 + (1 - abar).sqrt() * noise


def _q_batch_mean_abar(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].mean()  # one ᾱ for the whole batch
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def _q_next_index(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t + 1].view(-1, 1, 1, 1)  # off by one the other way: fails at t = 999
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def _q_variance_exploding(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return x0 + ((1 - abar) / abar).sqrt() * noise  # x_t / √ᾱ_t, the variance-exploding form


def _dl_huber(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return F.smooth_l1_loss(model(x_t, t), noise)


def _dl_elbo_weighted(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    weight = 1 / (1 - alphas_cumprod[t]).view(-1, 1, 1, 1)  # each image weighted by 1 / (1 − ᾱ_t)
    return (weight * (model(x_t, t) - noise) ** 2).mean()


def _dl_v_target(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return F.mse_loss(model(x_t, t), abar.sqrt() * noise - (1 - abar).sqrt() * x0)  # v-prediction's target


def _dl_clamped_x_t(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod).clamp(-1, 1)
    return F.mse_loss(model(x_t, t), noise)


def _abar_prev(alphas_cumprod, t):
    return alphas_cumprod[t - 1] if t > 0 else torch.tensor(1.0)


def _rs_clip_sample(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar, abar_prev = betas[t], alphas_cumprod[t], _abar_prev(alphas_cumprod, t)
    x0 = ((x_t - (1 - abar).sqrt() * eps) / abar.sqrt()).clamp(-1, 1)  # a library's clip_sample=True
    mean = ((abar_prev.sqrt() * beta / (1 - abar)) * x0
            + ((1 - beta).sqrt() * (1 - abar_prev) / (1 - abar)) * x_t)
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_alpha_from_ratio(eps, t, x_t, betas, alphas_cumprod, z):
    alpha = alphas_cumprod[t] / alphas_cumprod[t - 1]  # at t = 0 this reads alphas_cumprod[-1]
    beta = 1 - alpha
    mean = (x_t - beta / (1 - alphas_cumprod[t]).sqrt() * eps) / alpha.sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_ddim(eps, t, x_t, betas, alphas_cumprod, z):
    abar, abar_prev = alphas_cumprod[t], _abar_prev(alphas_cumprod, t)
    x0 = (x_t - (1 - abar).sqrt() * eps) / abar.sqrt()
    return abar_prev.sqrt() * x0 + (1 - abar_prev).sqrt() * eps  # a deterministic DDIM step


def _rs_own_z(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * torch.randn_like(x_t) if t > 0 else mean


WRONG = {
    "to_model_range": [
        ("Computes (x − 128) / 128 on the uint8 pixels, so x − 128 wraps around for the dark ones.",
         _range_uint8_minus_128),
        ("Divides by 127 instead of 127.5, so white lands above +1.", _range_127),
        ("Adds ½ to each grey level (its bin's centre, as in dequantisation) and divides by 128.",
         _range_bin_centres),
        ("Works in place with x.div_(127.5).sub_(1), which a uint8 tensor cannot hold.", _range_in_place),
    ],
    "d_loss": [
        ("Uses F.binary_cross_entropy, which expects probabilities, on the raw logits.",
         _d_loss_probability_bce_on_logits),
        ("Writes the logs by hand and adds 1e-3 inside them \"for stability\".", _d_loss_eps_in_logs),
        ("Takes the log of the batch's mean probability in each term instead of the mean of the logs.",
         _d_loss_log_of_means),
        ("Uses the relativistic average GAN's loss: each logit judged against the other side's mean logit.",
         _d_loss_relativistic),
    ],
    "g_loss": [
        ("Uses the focal loss, −(1 − p)²·log p with p = σ(logits), from object detection.", _g_loss_focal),
        ("Takes the log in base 2 (bits) instead of the natural log.", _g_loss_bits),
        ("Uses the hinge loss's real term, mean relu(1 − logits), for G.", _g_loss_hinge),
        ("Averages the logits into one before the cross-entropy.", _g_loss_of_mean_logit),
    ],
    "train_step": [
        ("Computes G's loss before D's update and backpropagates it after, through weights changed in place.",
         _step_g_loss_before_d_update),
        ("Copy-paste slip: G's update calls opt_D.step() instead of opt_G.step().", _step_d_stepped_for_g),
        ("Reports D's loss recomputed after D's update instead of the loss it stepped on.",
         _step_loss_d_after_update),
        ("Adds WGAN's weight clipping: clamps D's parameters to [−0.01, 0.01] after its step.",
         _step_weight_clipping),
    ],
    "generator_input": [
        ("Makes the one-hot with 11 classes (\"0 to 10\") instead of 10.", _gen_input_eleven_classes),
        ("Normalises z to unit length before joining the one-hot.", _gen_input_unit_z),
        ("Builds the one-hot with scatter_ along dim 0 instead of dim 1.", _gen_input_scatter_rows),
        ("Encodes the label in 4 binary digits instead of a one-hot vector.", _gen_input_binary),
    ],
    "discriminator_input": [
        ("Inverts the one-hot: the label's map is all zeros and the nine others all ones.",
         _disc_input_inverted_maps),
        ("Appends one channel holding the label as a number, y / 9, instead of ten one-hot maps.",
         _disc_input_label_number),
        ("Broadcasts the one-hot to the image's size by adding x, so the label maps carry the image.",
         _disc_input_broadcast_by_adding),
        ("Centres the label maps by subtracting 0.1 (1 / 10) so they average to zero.",
         _disc_input_centred_maps),
    ],
    "conditional_d_loss": [
        ("Uses the hinge loss, relu(1 − real) + relu(1 + fake) + relu(1 + mismatched), averaged.",
         _cond_hinge),
        ("One-sided label smoothing: the real pairs' target is 0.9 instead of 1.", _cond_real_smoothed),
        ("Uses least squares on D's probabilities, (σ − 1)² and σ², instead of the cross-entropy.",
         _cond_lsgan_probabilities),
        ("Averages the fake and mismatched logits into one batch and gives it one fake term.",
         _cond_averaged_logits),
    ],
    "receptive_field": [
        ("Returns the product of the kernel sizes.", _rf_kernel_product),
        ("Reads the kernel size from conv.weight.shape[1], which is the number of input channels.",
         _rf_kernel_from_weight),
        ("Multiplies by the stride of the layer after each convolution instead of its own.",
         _rf_stride_of_later_layer),
        ("Divides by the stride walking back instead of multiplying: r ← (r − 1) // s + k.",
         _rf_divided_by_stride),
    ],
    "pix2pix_g_loss": [
        ("Sums the L1 error over each photo's pixels and averages only over the batch.",
         _p2p_l1_summed_per_image),
        ("Maps the photos to [0, 1] before the L1, which halves the reconstruction term.", _p2p_unit_range),
        ("Uses least squares on the logits (CycleGAN's LSGAN) for the GAN term instead of the cross-entropy.",
         _p2p_least_squares),
        ("Sums the GAN term over the patches instead of averaging it.", _p2p_patches_summed),
    ],
    "unet_forward": [
        ("Calls G.train() first \"to be safe\", so batch norm uses the batch's statistics and dropout drops.",
         _unet_train_mode),
        ("Puts a ReLU before the final tanh, so the output lies in [0, 1).", _unet_relu_before_tanh),
        ("Scales each skip by 1/√2 before concatenating it, as some U-Nets do.", _unet_scaled_skips),
        ("Divides the output by its largest absolute value instead of applying tanh.", _unet_max_rescaled),
    ],
    "cycle_loss": [
        ("Takes one L1 of the summed differences of both cycles, so errors of opposite sign cancel.",
         _cycle_summed_differences),
        ("Uses the largest absolute error of each cycle (L∞) instead of the mean.", _cycle_largest_error),
        ("Uses the smooth L1 (Huber) loss instead of L1.", _cycle_smooth_l1),
        ("Sums the absolute error over the colour channels and averages only over the pixels.",
         _cycle_channels_summed),
    ],
    "identity_loss": [
        ("Averages the differences over the batch before taking their absolute value.",
         _idt_batch_mean_first),
        ("Uses the root mean squared error of each pair instead of the L1.", _idt_rmse),
        ("Takes the absolute value of the mean difference instead of the mean absolute difference.",
         _idt_abs_of_mean),
        ("Averages the colour channels first, comparing grey images.", _idt_grey),
    ],
    "image_pool": [
        ("Flips the coin with torch.randn instead of torch.rand, so it swaps about 69% of the time.",
         _pool_randn_coin),
        ("Takes the stored image out with pool.pop(i) and never puts the new one in, so the pool shrinks.",
         _pool_popped),
        ("Flips a second coin for \"pick one at random\", so it swaps only about a quarter of the time.",
         _pool_two_coins),
        ("Nests the filling inside the coin flip, so while filling only about half the images go in.",
         _pool_fill_inside_coin),
    ],
    "semantic_loss": [
        ("Makes it symmetric: averages it with the source's logits against the translation's class.",
         _sem_symmetric),
        ("Softens the translation's logits with a temperature of 2, as in distillation.", _sem_temperature),
        ("Takes logits_source.max(dim=1)[0], the largest logit's value, instead of its index.",
         _sem_max_value),
        ("Writes the cross-entropy by hand and averages over the classes as well as the images.",
         _sem_mean_over_classes),
    ],
    "fade_in": [
        ("Eases the blend in with a cosine ramp, (1 − cos πα) / 2, instead of α.", _fade_cosine_ease),
        ("Copy-paste slip: (1 − α)·new + α·new, so the old output is never used.", _fade_new_twice),
        ("Takes each pixel from new with probability α and from old otherwise.", _fade_random_pixels),
        ("Forgets to add the old output back: α·(new − old).", _fade_difference_only),
    ],
    "pixel_norm": [
        ("Divides the sum of squares by C − 1 instead of C.", _pn_channels_minus_one),
        ("Divides by the norm over the channels divided by N instead of by √N.", _pn_norm_over_channels),
        ("Takes N in the mean as x.shape[0], the batch size, instead of the channel count.", _pn_batch_count),
        ("Normalises every image by the first image's per-pixel norms (x[:1]).", _pn_first_image),
    ],
    "minibatch_std": [
        ("Measures the group's variety by the range (max − min) instead of the standard deviation.",
         _mbstd_range),
        ("Adds the statistic to every feature map instead of appending it as a new one.", _mbstd_added),
        ("Measures each image's spread over its own pixels, then averages over the group.",
         _mbstd_spread_over_pixels),
        ("Spreads the groups' numbers with expand(N, 1, H, W), which cannot grow N/g groups to N images.",
         _mbstd_expanded),
    ],
    "equalized_linear": [
        ("Counts the bias as an input: gain / √(fan_in + 1).", _eq_bias_counted),
        ("Normalises each output's weights to unit length (weight normalisation) and multiplies by the gain.",
         _eq_weight_norm),
        ("Applies the leaky ReLU (0.2) that the gain √2 is meant for inside the layer.", _eq_leaky),
        ("Writes fan_in ** (1 // 2), an integer division, so the power is 0 and only the gain is applied.",
         _eq_integer_power),
    ],
    "mapping_forward": [
        ("Divides z by its mean absolute value instead of its root mean square.", _map_mean_abs),
        ("Uses tanh instead of the network's leaky ReLUs.", _map_tanh),
        ("Clips z to [−2, 2] (truncation in Z) before normalising.", _map_clipped_z),
        ("Adds a residual connection around each linear layer.", _map_residual),
    ],
    "adain": [
        ("Multiplies by the style's scale before normalising, so the normalisation undoes it.",
         _adain_scale_first),
        ("Treats the style scale as a log-scale: multiplies by exp(y_s).", _adain_exp_scale),
        ("Divides by the mean absolute deviation instead of the standard deviation.",
         _adain_mean_abs_deviation),
        ("Clamps σ at 1 from below so flat maps are not blown up.", _adain_sigma_floor),
    ],
    "noise_injection": [
        ("Clips the noise to [−1, 1] before scaling it.", _noise_clipped),
        ("Draws its own noise with randn_like(x) instead of using the given noise image.", _noise_fresh),
        ("Uses the first image's noise (noise[:1]) for every image.", _noise_first_image),
        ("Reshapes the strength to (C, 1, 1, 1), along the batch instead of the channels.",
         _noise_strength_first_axis),
    ],
    "demodulation": [
        ("Averages the images' modulated kernels into one and convolves the batch with it.",
         _modconv_mean_kernel),
        ("Views the grouped output as (C_out, N, H, W) and transposes, which mixes images and channels.",
         _modconv_view_transposed),
        ("Modulates by 1 + s instead of s.", _modconv_one_plus_style),
        ("Demodulates by the sum of the absolute weights (an L1 norm) instead of the root of their squares.",
         _modconv_l1_demod),
    ],
    "truncation": [
        ("Averages the offsets w − w̄ over the batch, so every code becomes the same.", _trunc_mean_offset),
        ("Rescales each truncated code back to the length of its w.", _trunc_length_kept),
        ("Works with the codes as columns (w.T) and never transposes the result back.", _trunc_transposed),
        ("Writes w + (1 − ψ)·w̄.", _trunc_w_plus_mean),
    ],
    "inversion_loss": [
        ("Compares the features' Gram matrices (Gatys's style loss) instead of the features.", _inv_gram),
        ("Sums the squared feature differences over the features, averaging only over the images.",
         _inv_feature_sum_per_image),
        ("Clamps the generated image to [−1, 1] before both distances.", _inv_clamped_fake),
        ("Multiplies the whole loss, pixel term included, by the weight.", _inv_weight_on_both),
    ],
    "gradient_step": [
        ("Divides the gradient by its largest absolute entry before the step.", _gs_max_normalised),
        ("Averages the gradient over the batch, so every code moves by the same step.", _gs_batch_mean),
        ("Clamps the new code to [−1, 1].", _gs_clamped_code),
        ("Reads code.grad after torch.autograd.grad, which does not fill it (None).", _gs_dot_grad),
    ],
    "project_out": [
        ("Renormalises to unit L1 norm (sum of absolute values) instead of unit length.",
         _po_l1_renormalised),
        ("Subtracts cos θ·ô (the dot product divided by ‖d‖) instead of (d·ô)·ô.", _po_cosine_coefficient),
        ("Divides other by its squared norm and uses it for both factors of the projection.",
         _po_other_over_squared_norm),
        ("Scales the result back to the direction's original length instead of unit length.",
         _po_original_length),
    ],
    "q_sample": [
        ("Forgets to scale x_0: x_0 + √(1 − ᾱ_t)·ε.", _q_signal_unscaled),
        ("Averages ᾱ over the batch's steps, so every image gets the same noise level.", _q_batch_mean_abar),
        ("Off by one the other way: alphas_cumprod[t + 1], out of range at t = 999.", _q_next_index),
        ("Uses the variance-exploding form x_0 + √((1 − ᾱ_t)/ᾱ_t)·ε.", _q_variance_exploding),
    ],
    "diffusion_loss": [
        ("Uses the smooth L1 (Huber) loss instead of the squared error.", _dl_huber),
        ("Weighs each image's squared error by 1 / (1 − ᾱ_t).", _dl_elbo_weighted),
        ("Uses the v-prediction target √ᾱ_t·ε − √(1 − ᾱ_t)·x_0 instead of ε.", _dl_v_target),
        ("Clamps x_t to [−1, 1] before giving it to the model.", _dl_clamped_x_t),
    ],
    "reverse_step": [
        ("Clips the x_0 estimate to [−1, 1] and uses the posterior mean (a library's clip_sample=True).",
         _rs_clip_sample),
        ("Derives α_t as ᾱ_t / ᾱ_{t−1}, which at t = 0 reads alphas_cumprod[−1].", _rs_alpha_from_ratio),
        ("Takes a deterministic DDIM step instead of the DDPM step.", _rs_ddim),
        ("Draws its own noise with randn_like instead of using the given z.", _rs_own_z),
    ],
}
