"""Wrong answers, sixth blind set (issue 37): written without seeing the diagnosis, to measure it.

Four plausible wrong answers per short exercise, each with the exercise's exact signature, written as
other students would write them on a first try; none repeats a mistake of the first five blind sets
(``wrong_answers.py`` to ``wrong_answers_5.py``), and ``tests/blind/verify.py 6`` confirms that each one
fails its check and computes neither one of the check's named mistakes nor an earlier blind answer.
"""
import torch
import torch.nn.functional as F

from coursekit.models import dcgan as _dcgan
from coursekit.models import ddpm as _ddpm

_bce = F.binary_cross_entropy_with_logits


# --------------------------------------------------------------------------------------------
# Notebook 00

def _range_floats_left_alone(x):
    if x.is_floating_point():  # float pixels taken to be in [−1, 1] already
        return x
    return x.float() / 127.5 - 1


def _range_double(x):
    return x.double() / 127.5 - 1  # .double() "for precision": a float64 result


def _range_plus_one(x):
    return x.float() / 255 * 2 + 1  # + 1 for − 1 in the shift: the range is [1, 3]


def _range_batch_mean(x):
    x = x.float()
    return (x - x.mean()) / 127.5  # centred on the batch's mean grey level instead of 127.5


# --------------------------------------------------------------------------------------------
# Notebook 01

def _d_loss_mean_logits(real_logits, fake_logits):
    # each kind's logits averaged into one before its cross-entropy
    return _bce(real_logits.mean(), torch.tensor(1.0)) + _bce(fake_logits.mean(), torch.tensor(0.0))


def _d_loss_fakes_minus_one(real_logits, fake_logits):
    # ±1 labels, as for an SVM: the fakes labelled −1
    return _bce(real_logits, torch.ones_like(real_logits)) + _bce(fake_logits, -torch.ones_like(fake_logits))


def _d_loss_soft_margin(real_logits, fake_logits):
    # F.soft_margin_loss wants ±1 labels: with 0 the fake term is the constant log 2
    return (F.soft_margin_loss(real_logits, torch.ones_like(real_logits))
            + F.soft_margin_loss(fake_logits, torch.zeros_like(fake_logits)))


def _d_loss_no_reduction(real_logits, fake_logits):
    return (_bce(real_logits, torch.ones_like(real_logits), reduction="none")  # one loss per pair
            + _bce(fake_logits, torch.zeros_like(fake_logits), reduction="none"))


def _g_loss_softmax_over_batch(fake_logits):
    # the multi-class cross-entropy: a softmax over the batch
    return F.cross_entropy(fake_logits, torch.ones_like(fake_logits))


def _g_loss_worst_sample(fake_logits):
    return _bce(fake_logits, torch.ones_like(fake_logits), reduction="none").max()  # the worst sample only


def _g_loss_target_column(fake_logits):
    return _bce(fake_logits, torch.ones(fake_logits.shape[0], 1))  # a (B, 1) target for (B,) logits


def _g_loss_arguments_swapped(fake_logits):
    return _bce(torch.ones_like(fake_logits), fake_logits)  # (target, logits): arguments swapped


def _step_g_first(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    D.requires_grad_(False)  # G updated first, against the D of the previous step
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    return loss_D.detach(), loss_G.detach()


def _step_d_stepped_twice(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    opt_D.step()  # copy-paste slip: D's optimizer stepped twice on the same gradients
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def _step_d_real_then_fake(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    real_logits = D(real)
    loss_real = _bce(real_logits, torch.ones_like(real_logits))
    opt_D.zero_grad()
    loss_real.backward()
    opt_D.step()  # a step on the real images alone ...
    fake_logits = D(fake.detach())
    loss_fake = _bce(fake_logits, torch.zeros_like(fake_logits))
    opt_D.zero_grad()
    loss_fake.backward()
    opt_D.step()  # ... and another on the fakes alone
    loss_D = loss_real + loss_fake
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def _step_optimizers_swapped(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_G.zero_grad()  # the optimizers swapped: opt_G for D's loss ...
    loss_D.backward()
    opt_G.step()
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_D.zero_grad()  # ... and opt_D for G's
    loss_G.backward()
    opt_D.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


# --------------------------------------------------------------------------------------------
# Notebook 02

def _gen_input_added_to_first_entries(z, y):
    z = z.clone()
    z[:, :10] += F.one_hot(y, 10).float()  # the one-hot added onto z's first 10 entries, not appended
    return z


def _gen_input_joint_rms(z, y):
    v = torch.cat([z, F.one_hot(y, 10).float()], dim=1)
    return v * torch.rsqrt(v.pow(2).mean(dim=1, keepdim=True) + 1e-8)  # the joined vector normalised


def _gen_input_scatter_flat_index(z, y):
    onehot = torch.zeros(len(y), 10).scatter_(1, y, 1.0)  # y not unsqueezed to (B, 1) for scatter_
    return torch.cat([z, onehot], dim=1)


def _gen_input_centred(z, y):
    return torch.cat([z, F.one_hot(y, 10).float() - 0.1], dim=1)  # centred so the label averages to zero


def _disc_input_no_num_classes(x, y):
    b, _, h, w = x.shape
    onehot = F.one_hot(y).float()  # num_classes left out: as many maps as the largest label + 1
    return torch.cat([x, onehot[:, :, None, None].expand(b, onehot.shape[1], h, w)], dim=1)


def _disc_input_one_based(x, y):
    b, _, h, w = x.shape
    channels = torch.zeros(b, 10, h, w)
    channels[torch.arange(b), y - 1] = 1  # "channel 1 + k" counted from 1: label k lights map k − 1
    return torch.cat([x, channels], dim=1)


def _disc_input_label_number_maps(x, y):
    b, _, h, w = x.shape
    return torch.cat([x, y.float().view(-1, 1, 1, 1).expand(b, 10, h, w)], dim=1)  # y itself in all ten maps


def _disc_input_channels_last_shape(x, y):
    b, h, w, _ = x.shape  # the shape read as (B, H, W, C)
    return torch.cat([x, F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)], dim=1)


def _cond_no_real_term(real_logits, fake_logits, mismatched_logits):
    return (_bce(fake_logits, torch.zeros_like(fake_logits))  # the real pairs' term left out
            + _bce(mismatched_logits, torch.zeros_like(mismatched_logits)))


def _cond_mismatched_half(real_logits, fake_logits, mismatched_logits):
    return (_bce(real_logits, torch.ones_like(real_logits))
            + _bce(fake_logits, torch.zeros_like(fake_logits))
            + _bce(mismatched_logits, torch.full_like(mismatched_logits, 0.5)))  # "half real": target ½


def _cond_fake_twice(real_logits, fake_logits, mismatched_logits):
    return (_bce(real_logits, torch.ones_like(real_logits))
            + _bce(fake_logits, torch.zeros_like(fake_logits))
            + _bce(fake_logits, torch.zeros_like(fake_logits)))  # copy-paste: the fake term again


def _cond_no_reduction(real_logits, fake_logits, mismatched_logits):
    return (_bce(real_logits, torch.ones_like(real_logits), reduction="none")  # one loss per triple
            + _bce(fake_logits, torch.zeros_like(fake_logits), reduction="none")
            + _bce(mismatched_logits, torch.zeros_like(mismatched_logits), reduction="none"))


# --------------------------------------------------------------------------------------------
# Notebook 03

def _convs(module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]


def _rf_running_no_minus_one(module):
    r, jump = 1, 1
    for conv in _convs(module):
        r += conv.kernel_size[0] * jump  # the running form without its − 1: k·jump instead of (k − 1)·jump
        jump *= conv.stride[0]
    return r


def _rf_reset_inside_loop(module):
    for conv in reversed(_convs(module)):
        r = 1  # indentation slip: r restarts at every layer
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0]
    return r


def _rf_last_layer_twice(module):
    convs = _convs(module)
    r = convs[-1].kernel_size[0]  # starts from the last layer's kernel, then walks over it again
    for conv in reversed(convs):
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0]
    return r


def _rf_height_and_width(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0]
    return r, r  # the patch as (height, width)


def _p2p_mean_logit_per_image(fake_logits, fake, target, lambda_L1):
    verdict = fake_logits.flatten(1).mean(dim=1)  # one verdict per photo: its patches' logits averaged
    return _bce(verdict, torch.ones_like(verdict)) + lambda_L1 * F.l1_loss(fake, target)


def _p2p_l1_batch_mean_only(fake_logits, fake, target, lambda_L1):
    l1 = (fake - target).abs().mean(dim=0)  # averaged over the batch only: a (C, H, W) tensor
    return _bce(fake_logits, torch.ones_like(fake_logits)) + lambda_L1 * l1


def _p2p_wasserstein(fake_logits, fake, target, lambda_L1):
    return -fake_logits.mean() + lambda_L1 * F.l1_loss(fake, target)  # WGAN's generator term


def _p2p_grey_levels(fake_logits, fake, target, lambda_L1):
    # the L1 measured in grey levels (0 … 255), "as the photos are stored"
    return _bce(fake_logits, torch.ones_like(fake_logits)) + lambda_L1 * F.l1_loss((fake + 1) * 127.5,
                                                                                  (target + 1) * 127.5)


def _unet_features(G, x):
    skips = []
    for block in G.encoder:
        x = block(x)
        skips.append(x)
    skips.pop()
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return x


def _unet_global_residual(G, x):
    return torch.tanh(G.to_image(_unet_features(G, x)) + x)  # the input added back, as in ResNet generators


def _unet_self_concat(G, x):
    skips = []
    for block in G.encoder:
        x = block(x)
        skips.append(x)
    skips.pop()
    for block in G.decoder:
        x = block(x)
        x = torch.cat([x, x], dim=1)  # copy-paste slip: the decoder output joined with itself
    return torch.tanh(G.to_image(x))


def _unet_no_grad(G, x):
    with torch.no_grad():  # "it is only a forward pass"
        return torch.tanh(G.to_image(_unet_features(G, x)))


def _unet_tanh_input(G, x):
    return torch.tanh(G.to_image(_unet_features(G, torch.tanh(x))))  # the input squashed "into range" first


# --------------------------------------------------------------------------------------------
# Notebook 04

def _cycle_lambda_inside(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # λ put inside the distance, on the reconstructions only
    return F.l1_loss(lambda_cycle * rec_a, real_a) + F.l1_loss(lambda_cycle * rec_b, real_b)


def _cycle_channel_mean_first(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    a = (rec_a - real_a).mean(dim=1).abs().mean()  # the colour channels' errors averaged before the abs
    b = (rec_b - real_b).mean(dim=1).abs().mean()
    return lambda_cycle * (a + b)


def _cycle_linalg_ord_one(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # torch.linalg.norm's ord=1 is a vector or matrix norm: it refuses 4-D tensors
    norm = torch.linalg.norm
    return lambda_cycle * (norm(rec_a - real_a, ord=1) + norm(rec_b - real_b, ord=1))


def _cycle_no_reduction(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    return lambda_cycle * (F.l1_loss(rec_a, real_a, reduction="none")  # per-pixel errors, not a scalar
                           + F.l1_loss(rec_b, real_b, reduction="none"))


def _idt_tuple(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    weight = lambda_cycle * lambda_identity
    return weight * F.l1_loss(idt_a, real_a), weight * F.l1_loss(idt_b, real_b)  # two terms, not their sum


def _idt_over_lambda(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    return lambda_identity / lambda_cycle * (F.l1_loss(idt_a, real_a) + F.l1_loss(idt_b, real_b))  # λ_idt / λ


def _idt_weight_on_b_only(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    return lambda_cycle * (F.l1_loss(idt_a, real_a) + lambda_identity * F.l1_loss(idt_b, real_b))


def _idt_summed_per_image(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # torch.dist(p=1) sums over every pixel; divided by the batch only
    summed = torch.dist(idt_a, real_a, 1) + torch.dist(idt_b, real_b, 1)
    return lambda_cycle * lambda_identity * summed / len(real_a)


def _pool_not_answered_while_filling(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)  # stored, but no answer given for it
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_returns_list(pool, images, size=50):
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
    return out  # torch.cat forgotten: a list of (1, C, H, W) images


def _pool_batch_stored(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = images  # typo: the whole batch stored in the slot instead of the image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_returns_pool_too(pool, images, size=50):
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
    return torch.cat(out), pool  # the updated pool returned as well


def _sem_no_reduction(logits_translated, logits_source):
    return F.cross_entropy(logits_translated, logits_source.argmax(dim=1), reduction="none")  # one per image


def _sem_max_tuple(logits_translated, logits_source):
    return F.cross_entropy(logits_translated, logits_source.max(dim=1))  # a (values, indices) pair


def _sem_topk_column(logits_translated, logits_source):
    return F.cross_entropy(logits_translated, logits_source.topk(1, dim=1).indices)  # an (N, 1) column


def _sem_averaged_twice(logits_translated, logits_source):
    # divided by the batch size again, though cross_entropy already averages
    return F.cross_entropy(logits_translated, logits_source.argmax(dim=1)) / len(logits_translated)


# --------------------------------------------------------------------------------------------
# Notebook 05

def _fade_two_forms_mixed(alpha, old, new):
    return (1 - alpha) * old + alpha * (new - old)  # the blend and the residual form old + α(new − old) mixed


def _fade_smoothstep(alpha, old, new):
    a = alpha * alpha * (3 - 2 * alpha)  # α eased with smoothstep, 3α² − 2α³
    return (1 - a) * old + a * new


def _fade_from_new(alpha, old, new):
    return new + alpha * (new - old)  # the residual form started from new instead of old


def _fade_alpha_on_both(alpha, old, new):
    return alpha * old + alpha * new  # copy-paste slip: α on both outputs


def _pn_instance_norm(x):
    return F.instance_norm(x)  # torch's instance norm: each map standardised over its pixels


def _pn_channels_last(x):
    x = x.permute(0, 2, 3, 1)  # channels last, to normalise over dim −1 ...
    return x / torch.sqrt(x.pow(2).mean(dim=-1, keepdim=True) + 1e-8)  # ... and never permuted back


def _pn_batch_and_channels(x):
    return x / torch.sqrt(x.pow(2).mean(dim=(0, 1), keepdim=True) + 1e-8)  # over the batch and the channels


def _pn_variance(x):
    # the population variance over the channels (centred inside var) for the mean square
    return x / torch.sqrt(x.var(dim=1, keepdim=True, unbiased=False) + 1e-8)


def _mbstd_group_std(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    return (y.var(dim=0, unbiased=False) + 1e-8).sqrt().mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)


def _mbstd_overwrites_last(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    x[:, -1:] = _mbstd_group_std(x, group_size).repeat(g, 1, h, w)  # written into the last map, in place
    return x


def _mbstd_group_rms(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    rms = (x.view(g, n // g, c, h, w).pow(2).mean(dim=0) + 1e-8).sqrt()  # the group's mean not subtracted
    s = rms.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_mean_and_std(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    mean = x.view(g, n // g, c, h, w).mean(dim=0).mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    std = _mbstd_group_std(x, group_size)  # two maps: the group's mean as well as its spread
    return torch.cat([x, mean.repeat(g, 1, h, w), std.repeat(g, 1, h, w)], dim=1)


def _mbstd_repeated_by_groups(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    return torch.cat([x, _mbstd_group_std(x, group_size).repeat(n // g, 1, h, w)], dim=1)  # n // g for g


def _eq_half_power(x, weight, bias, gain):
    return F.linear(x, weight * gain / weight.shape[1] ** 1 / 2, bias)  # ** 1 / 2 is (fan_in ** 1) / 2


def _eq_kaiming_init(x, weight, bias, gain):
    torch.nn.init.kaiming_normal_(weight)  # He's initialisation redrawn, instead of the run-time scale
    return F.linear(x, weight, bias)


def _eq_bias_scaled(x, weight, bias, gain):
    return F.linear(x, weight, bias * gain / weight.shape[1] ** 0.5)  # the constant on the bias only


def _eq_input_times_gain(x, weight, bias, gain):
    # the gain applied to the input as well, "because it belongs to the leaky ReLU"
    return F.linear(x * gain, weight * gain / weight.shape[1] ** 0.5, bias)


# --------------------------------------------------------------------------------------------
# Notebook 06

def _map_not_chained(net, z):
    z = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    for layer in net.net[1:]:
        x = layer(z)  # every layer fed the normalised z instead of the previous layer's output
    return x


def _map_extra_leaky(net, z):
    x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    for layer in net.net[1:]:
        x = F.leaky_relu(layer(x), 0.2)  # its own leaky ReLU after every layer, on top of the network's
    return x


def _map_batch_count(net, z):
    x = z * torch.rsqrt(z.pow(2).sum(dim=1, keepdim=True) / z.shape[0] + 1e-8)  # divided by N, the batch size
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _map_std(net, z):
    x = z / (z.std(dim=1, keepdim=True) + 1e-8)  # divided by the standard deviation, the mean kept
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _adain_precedence(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    return style_scale[:, :, None, None] * x - mu / sigma + style_bias[:, :, None, None]  # parentheses lost


def _adain_one_style(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    scale, bias = style_scale.mean(dim=0), style_bias.mean(dim=0)  # one style for the batch
    return scale[None, :, None, None] * (x - mu) / sigma + bias[None, :, None, None]


def _adain_bias_divided(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    return (style_scale[:, :, None, None] * (x - mu) + style_bias[:, :, None, None]) / sigma  # y_b / σ


def _adain_instance_norm_affine(x, style_scale, style_bias):
    # F.instance_norm's weight and bias are per channel (C,): the (N, C) styles do not fit
    return F.instance_norm(x, weight=style_scale, bias=style_bias, eps=1e-8)


def _noise_extra_axis(x, strength, noise):
    return x + strength * noise[:, None]  # a channel axis added again to the (N, 1, H, W) noise


def _noise_log_strength(x, strength, noise):
    return x + torch.exp(strength) * noise  # the strength read as a log-scale


def _noise_over_channels(x, strength, noise):
    return x + strength * noise / x.shape[1]  # the noise "spread" over the channels


def _noise_abs_strength(x, strength, noise):
    return x + strength.abs() * noise  # the strengths taken as magnitudes


def _modconv(x, wts, padding=None):
    n, c_in, h, w = x.shape
    c_out, k = wts.shape[1], wts.shape[-1]
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k),
                   padding=k // 2 if padding is None else padding, groups=n)
    return out.view(n, c_out, *out.shape[2:])


def _modulated(weight, style, dims=(2, 3, 4)):
    wts = weight[None] * style[:, None, :, None, None]
    return wts * torch.rsqrt(wts.pow(2).sum(dim=dims, keepdim=True) + 1e-8)


def _modconv_padding_one(x, weight, style):
    return _modconv(x, _modulated(weight, style), padding=1)  # padding=1 for every kernel, 1×1 included


def _modconv_flipped_kernel(x, weight, style):
    # the kernel flipped, as in the textbook's convolution (conv2d correlates)
    return _modconv(x, _modulated(weight, style).flip(-1, -2))


def _modconv_batch_in_sum(x, weight, style):
    return _modconv(x, _modulated(weight, style, dims=(0, 2, 3, 4)))  # summed over the images as well


def _modconv_output_std(x, weight, style):
    out = _modconv(x, weight[None] * style[:, None, :, None, None])  # modulated only ...
    return out / (out.std(dim=(2, 3), keepdim=True) + 1e-8)  # ... then each map divided by its actual σ


def _trunc_root_psi(w, w_avg, psi):
    return w_avg + psi ** 0.5 * (w - w_avg)  # √ψ, "since ψ scales the variance"


def _trunc_own_mean(w, w_avg, psi):
    m = w.mean(dim=1, keepdim=True)  # each code pulled towards its own mean entry
    return m + psi * (w - m)


def _trunc_mean_subtracted(w, w_avg, psi):
    return psi * (w - w_avg) - w_avg  # sign slip: the mean subtracted back instead of added


def _trunc_renormalised(w, w_avg, psi):
    t = w_avg + psi * (w - w_avg)
    return t * torch.rsqrt(t.pow(2).mean(dim=1, keepdim=True) + 1e-8)  # rescaled to unit root mean square


# --------------------------------------------------------------------------------------------
# Notebook 07

def _inv_batch_mean_features(fake, target, features, weight):
    # the batch's mean features compared, not each image's
    feats = F.mse_loss(features(fake).mean(dim=0), features(target).mean(dim=0))
    return F.mse_loss(fake, target) + weight * feats


def _inv_per_image_distance(fake, target, features, weight):
    distance = (features(fake) - features(target)).pow(2).sum(dim=1).sqrt().mean()  # each image's distance
    return F.mse_loss(fake, target) + weight * distance


def _inv_pixels_per_image(fake, target, features, weight):
    pixels = F.mse_loss(fake, target, reduction="sum") / len(fake)  # summed per image, then averaged
    return pixels + weight * F.mse_loss(features(fake), features(target))


def _inv_square_of_mean(fake, target, features, weight):
    # the mean feature difference squared, not the mean of the squared differences
    return F.mse_loss(fake, target) + weight * (features(fake) - features(target)).mean().pow(2)


def _gs_detached_early(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    # the code detached again before synthesising: the loss no longer depends on it
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code.detach()), target), code)
    return (code - lr * grad).detach()


def _gs_returns_copy_before_step(code, target, synthesize, lr):
    code = code.detach().clone().requires_grad_(True)
    new = code.detach().clone()  # the copy to return, made before the step
    opt = torch.optim.SGD([code], lr=lr)
    opt.zero_grad()
    F.mse_loss(synthesize(code), target).backward()
    opt.step()
    return new


def _gs_no_leaf(code, target, synthesize, lr):
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)  # code never made a leaf
    return (code - lr * grad).detach()


def _gs_huber(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.smooth_l1_loss(synthesize(code), target), code)  # Huber for the pixel MSE
    return (code - lr * grad).detach()


def _po_sign_flipped(direction, other):
    o = other / other.norm()
    d = (direction @ o) * o - direction  # the subtraction the other way round
    return d / d.norm()


def _po_normalize_default_dim(direction, other):
    o = F.normalize(other)  # F.normalize's default dim=1, on a vector
    d = direction - (direction @ o) * o
    return F.normalize(d)


def _po_max_norm(direction, other):
    o = other / other.norm()
    d = direction - (direction @ o) * o
    return d / d.abs().max()  # "unit length" as a largest entry of 1


def _po_other_l1_normalised(direction, other):
    o = other / other.abs().sum()  # other normalised by the sum of its absolute values
    d = direction - (direction @ o) * o
    return d / d.norm()


# --------------------------------------------------------------------------------------------
# Notebook 08

def _q_table_reversed(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod.flip(0)[t].view(-1, 1, 1, 1)  # the table read from its end
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def _q_column(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].reshape(-1, 1)  # (N, 1): lines up with the images' last two axes
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def _q_half_power(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar ** 1 / 2 * x0 + (1 - abar) ** 1 / 2 * noise  # ** 1 / 2 halves instead of taking the root


def _q_root_of_products(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return (abar * x0).sqrt() + ((1 - abar) * noise).sqrt()  # the roots taken over the whole products


def _dl_score_target(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    score = -noise / (1 - alphas_cumprod[t]).sqrt().view(-1, 1, 1, 1)  # the score −ε / √(1 − ᾱ_t)
    return F.mse_loss(model(x_t, t), score)


def _dl_square_of_mean(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return (model(x_t, t) - noise).mean().pow(2)  # the mean error squared


def _dl_norm(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return (model(x_t, t) - noise).norm()  # the Euclidean norm of the whole error


def _dl_batch_mean_only(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return (model(x_t, t) - noise).pow(2).mean(dim=0)  # averaged over the batch only: a (C, H, W) tensor


def _rs_posterior_variance(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    if t == 0:
        return mean
    sigma2 = (1 - alphas_cumprod[t - 1]) / (1 - abar) * beta  # the posterior's β̃_t for σ_t² = β_t
    return mean + sigma2.sqrt() * z


def _rs_precedence(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = x_t / (1 - beta).sqrt() - beta / (1 - abar).sqrt() * eps  # only x_t divided by √α_t
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_divided_by_alpha(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta)  # divided by α_t, the root forgotten
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_beta_times_eps(eps, t, x_t, betas, alphas_cumprod, z):
    beta = betas[t]
    mean = (x_t - beta * eps) / (1 - beta).sqrt()  # the noise's coefficient β_t, / √(1 − ᾱ_t) forgotten
    return mean + beta.sqrt() * z if t > 0 else mean


WRONG = {
    "to_model_range": [
        ("Returns float input unchanged, taking it to be in [−1, 1] already.", _range_floats_left_alone),
        ("Converts with .double() instead of .float(), so the result is float64.", _range_double),
        ("Writes + 1 for − 1 in the shift: x / 255 · 2 + 1, so the range is [1, 3].", _range_plus_one),
        ("Centres on the batch's mean grey level instead of 127.5.", _range_batch_mean),
    ],
    "d_loss": [
        ("Averages each kind's logits into one before its cross-entropy.", _d_loss_mean_logits),
        ("Labels the fakes −1 (±1 labels, as for an SVM) in the cross-entropy.", _d_loss_fakes_minus_one),
        ("Uses F.soft_margin_loss with 0/1 labels; it expects ±1, so the fake term is the constant log 2.",
         _d_loss_soft_margin),
        ("Passes reduction=\"none\": returns one loss per pair instead of a scalar.", _d_loss_no_reduction),
    ],
    "g_loss": [
        ("Uses F.cross_entropy (a softmax over the batch) instead of the binary cross-entropy.",
         _g_loss_softmax_over_batch),
        ("Returns the largest per-sample loss (the worst sample) instead of the mean.", _g_loss_worst_sample),
        ("Builds the target as torch.ones(B, 1), a column that does not match the (B,) logits.",
         _g_loss_target_column),
        ("Passes binary_cross_entropy_with_logits its arguments in the wrong order (target first).",
         _g_loss_arguments_swapped),
    ],
    "train_step": [
        ("Updates G first, against the old D, and D after.", _step_g_first),
        ("Copy-paste slip: calls opt_D.step() twice on the same gradients.", _step_d_stepped_twice),
        ("Steps D once on the real term and again on the fake term, instead of once on their sum.",
         _step_d_real_then_fake),
        ("Swaps the optimizers: D's loss steps opt_G and G's loss steps opt_D, so neither network moves.",
         _step_optimizers_swapped),
    ],
    "generator_input": [
        ("Adds the one-hot onto z's first 10 entries instead of appending it.",
         _gen_input_added_to_first_entries),
        ("Normalises the joined vector [z, one-hot] to unit root mean square.", _gen_input_joint_rms),
        ("Builds the one-hot with scatter_(1, y, 1) without unsqueezing y to (B, 1).",
         _gen_input_scatter_flat_index),
        ("Centres the one-hot (subtracts 1/10) so that it averages to zero.", _gen_input_centred),
    ],
    "discriminator_input": [
        ("Calls F.one_hot(y) without num_classes: the number of maps depends on the batch's largest label.",
         _disc_input_no_num_classes),
        ("Counts the channels from 1: label k lights map k − 1 (and label 0 the last map).",
         _disc_input_one_based),
        ("Fills all ten maps with the label's number y instead of the one-hot.",
         _disc_input_label_number_maps),
        ("Unpacks x.shape as (B, H, W, C), channels last, so the label maps get the wrong size.",
         _disc_input_channels_last_shape),
    ],
    "conditional_d_loss": [
        ("Leaves out the real pairs' term: only the fake and mismatched terms.", _cond_no_real_term),
        ("Labels the mismatched pairs ½ (\"half real\") instead of 0.", _cond_mismatched_half),
        ("Copy-paste slip: the third term repeats the fake term, so the mismatched logits are never used.",
         _cond_fake_twice),
        ("Passes reduction=\"none\": returns one loss per triple instead of a scalar.", _cond_no_reduction),
    ],
    "receptive_field": [
        ("Uses the running form from the input side without its − 1: r += k·jump.",
         _rf_running_no_minus_one),
        ("Indentation slip: sets r = 1 inside the loop, so only the first layer's kernel comes back.",
         _rf_reset_inside_loop),
        ("Starts from the last layer's kernel and then walks over every layer, counting the last one twice.",
         _rf_last_layer_twice),
        ("Returns the patch as a pair (r, r) instead of the number r.", _rf_height_and_width),
    ],
    "pix2pix_g_loss": [
        ("Averages each photo's patch logits into one verdict before the cross-entropy.",
         _p2p_mean_logit_per_image),
        ("Averages the absolute error over the batch only, leaving a (C, H, W) tensor.",
         _p2p_l1_batch_mean_only),
        ("Uses WGAN's generator term, −mean(logits), instead of the cross-entropy.", _p2p_wasserstein),
        ("Measures the L1 term in grey levels (0 … 255), 127.5 times too large.", _p2p_grey_levels),
    ],
    "unet_forward": [
        ("Adds the input image to the last layer's output before tanh (a global residual).",
         _unet_global_residual),
        ("Copy-paste slip: concatenates each decoder output with itself instead of the skip.",
         _unet_self_concat),
        ("Runs the whole pass under torch.no_grad(), so G gets no gradients.", _unet_no_grad),
        ("Squashes the input image with tanh \"into range\" first.", _unet_tanh_input),
    ],
    "cycle_loss": [
        ("Puts λ inside each L1, on the reconstruction only.", _cycle_lambda_inside),
        ("Averages the error over the colour channels before taking its absolute value.",
         _cycle_channel_mean_first),
        ("Uses torch.linalg.norm(…, ord=1), which refuses 4-D tensors.", _cycle_linalg_ord_one),
        ("Passes reduction=\"none\": returns the per-pixel errors instead of a scalar.", _cycle_no_reduction),
    ],
    "identity_loss": [
        ("Returns the two weighted terms as a tuple instead of their sum.", _idt_tuple),
        ("Weighs by λ_idt / λ instead of λ · λ_idt.", _idt_over_lambda),
        ("Puts λ_idt on the B term only: λ·(L_A + λ_idt·L_B).", _idt_weight_on_b_only),
        ("Sums the absolute error over each image with torch.dist(…, 1) and divides by the batch size only.",
         _idt_summed_per_image),
    ],
    "image_pool": [
        ("While filling, stores each image but gives no answer for it.", _pool_not_answered_while_filling),
        ("Forgets torch.cat: returns the list of answers.", _pool_returns_list),
        ("Typo on a swap: stores the whole batch (images) in the slot instead of the image.",
         _pool_batch_stored),
        ("Returns the pool as well as the answers, a tuple.", _pool_returns_pool_too),
    ],
    "semantic_loss": [
        ("Passes reduction=\"none\": returns one loss per image instead of their mean.", _sem_no_reduction),
        ("Passes the (values, indices) pair of logits_source.max(dim=1) as the target.", _sem_max_tuple),
        ("Takes the classes with topk(1).indices, an (N, 1) column, as the target.", _sem_topk_column),
        ("Divides the cross-entropy by the batch size again, though it is already a mean.",
         _sem_averaged_twice),
    ],
    "fade_in": [
        ("Mixes the blend with the residual form: (1 − α)·old + α·(new − old).", _fade_two_forms_mixed),
        ("Eases α with smoothstep, 3α² − 2α³, before blending.", _fade_smoothstep),
        ("Writes the residual form starting from new: new + α·(new − old).", _fade_from_new),
        ("Copy-paste slip: α·old + α·new.", _fade_alpha_on_both),
    ],
    "pixel_norm": [
        ("Uses F.instance_norm.", _pn_instance_norm),
        ("Permutes to channels-last to normalise over dim −1 and never permutes back.", _pn_channels_last),
        ("Takes the mean square over the batch and the channels (dims 0, 1).", _pn_batch_and_channels),
        ("Divides by the channels' population standard deviation (centred) instead of the root mean square.",
         _pn_variance),
    ],
    "minibatch_std": [
        ("Writes the statistic into the last feature map, in place, instead of appending a new one.",
         _mbstd_overwrites_last),
        ("Takes the group's root mean square (no mean subtracted) instead of its standard deviation.",
         _mbstd_group_rms),
        ("Appends two maps: the group's mean as well as its standard deviation.", _mbstd_mean_and_std),
        ("Repeats the groups' numbers n // g times instead of g times.", _mbstd_repeated_by_groups),
    ],
    "equalized_linear": [
        ("Writes fan_in ** 1 / 2, which is fan_in / 2, for the square root.", _eq_half_power),
        ("Redraws the weights with torch.nn.init.kaiming_normal_ instead of scaling them at run time.",
         _eq_kaiming_init),
        ("Scales the bias by gain / √fan_in and leaves the weights unscaled.", _eq_bias_scaled),
        ("Multiplies the input by the gain as well, \"because it belongs to the leaky ReLU\".",
         _eq_input_times_gain),
    ],
    "mapping_forward": [
        ("Feeds every layer the normalised z instead of the previous layer's output.", _map_not_chained),
        ("Adds its own leaky ReLU (0.2) after every layer, on top of the network's.", _map_extra_leaky),
        ("Divides the sum of squares by the batch size instead of z_dim.", _map_batch_count),
        ("Divides z by its standard deviation, its mean left in.", _map_std),
    ],
    "adain": [
        ("Loses the parentheses: y_s·x − μ/σ + y_b.", _adain_precedence),
        ("Averages the styles over the batch: one style for every image.", _adain_one_style),
        ("Adds the bias before dividing by σ: (y_s·(x − μ) + y_b) / σ.", _adain_bias_divided),
        ("Calls F.instance_norm with the (N, C) styles as weight and bias, which it takes per channel (C,).",
         _adain_instance_norm_affine),
    ],
    "noise_injection": [
        ("Adds a channel axis to the noise again (noise[:, None]), which broadcasts to a 5-D tensor.",
         _noise_extra_axis),
        ("Reads the strength as a log-scale: x + exp(strength)·noise.", _noise_log_strength),
        ("Divides the noise by the number of channels, \"spreading\" it over them.", _noise_over_channels),
        ("Uses the strengths' absolute values.", _noise_abs_strength),
    ],
    "demodulation": [
        ("Pads by 1 for every kernel, so a 1×1 convolution's output grows.", _modconv_padding_one),
        ("Flips the kernels, as in the textbook's convolution.", _modconv_flipped_kernel),
        ("Sums the squares over the images as well (dims 0, 2, 3, 4).", _modconv_batch_in_sum),
        ("Divides each output map by its actual standard deviation instead of demodulating the weights.",
         _modconv_output_std),
    ],
    "truncation": [
        ("Scales the offset by √ψ.", _trunc_root_psi),
        ("Pulls each code towards its own mean entry (mean over dim 1) instead of w_avg.", _trunc_own_mean),
        ("Sign slip: ψ·(w − w̄) − w̄.", _trunc_mean_subtracted),
        ("Rescales each truncated code to unit root mean square.", _trunc_renormalised),
    ],
    "inversion_loss": [
        ("Compares the batch's mean features instead of each image's.", _inv_batch_mean_features),
        ("Uses each image's Euclidean feature distance, averaged over the batch.", _inv_per_image_distance),
        ("Sums the pixels' squared error over each image and averages only over the batch.",
         _inv_pixels_per_image),
        ("Squares the mean feature difference instead of averaging the squared differences.",
         _inv_square_of_mean),
    ],
    "gradient_step": [
        ("Detaches the code again before synthesising, so the loss does not depend on the leaf.",
         _gs_detached_early),
        ("Takes an SGD step but returns the copy of the code made before it.", _gs_returns_copy_before_step),
        ("Forgets to make the code a leaf that needs a gradient.", _gs_no_leaf),
        ("Takes the gradient of the smooth L1 (Huber) loss instead of the MSE.", _gs_huber),
    ],
    "project_out": [
        ("Subtracts the other way round: (d·ô)·ô − d.", _po_sign_flipped),
        ("Uses F.normalize with its default dim=1 on the vectors.", _po_normalize_default_dim),
        ("Renormalises by the largest absolute entry (the ∞-norm) instead of the length.", _po_max_norm),
        ("Normalises other by the sum of its absolute values (the L1 norm).", _po_other_l1_normalised),
    ],
    "q_sample": [
        ("Reads the table from its end: alphas_cumprod.flip(0)[t].", _q_table_reversed),
        ("Reshapes ᾱ_t to (N, 1), which lines up with the images' last two axes.", _q_column),
        ("Writes the roots as ** 1 / 2, which halves ᾱ_t and 1 − ᾱ_t instead.", _q_half_power),
        ("Takes the roots over the whole products: √(ᾱ_t·x_0) + √((1 − ᾱ_t)·ε).", _q_root_of_products),
    ],
    "diffusion_loss": [
        ("Takes the score −ε / √(1 − ᾱ_t) as the target instead of ε.", _dl_score_target),
        ("Squares the mean error instead of averaging the squared errors.", _dl_square_of_mean),
        ("Uses the Euclidean norm of the whole error.", _dl_norm),
        ("Averages the squared error over the batch only, leaving a (C, H, W) tensor.", _dl_batch_mean_only),
    ],
    "reverse_step": [
        ("Adds noise with the posterior's variance β̃_t instead of β_t.", _rs_posterior_variance),
        ("Precedence slip: divides only x_t by √α_t, not the noise term.", _rs_precedence),
        ("Divides the mean by α_t instead of √α_t.", _rs_divided_by_alpha),
        ("Forgets the division by √(1 − ᾱ_t) in the noise's coefficient: β_t·ε.", _rs_beta_times_eps),
    ],
}
