"""Wrong answers, eighth blind set (issue 37): written without seeing the diagnosis, to measure it.

Four plausible wrong answers per short exercise, each with the exercise's exact signature, written as
other students would write them on a first try; none repeats a mistake of the first seven blind sets
(``wrong_answers.py`` to ``wrong_answers_7.py``), and ``tests/blind/verify.py 8`` confirms that each one
fails its check and computes neither one of the check's named mistakes nor an earlier blind answer.
"""
import torch
import torch.nn.functional as F

from coursekit.models import dcgan as _dcgan
from coursekit.models import ddpm as _ddpm

_bce = F.binary_cross_entropy_with_logits


# --------------------------------------------------------------------------------------------
# Notebook 00

def _range_int8(x):
    return x.to(torch.int8).float() / 127.5 - 1  # int8 for uint8: grey levels above 127 wrap to negatives


def _range_shift_first(x):
    return (x.float() - 1) / 127.5  # the shift applied before the scale: (x − 1) / 127.5


def _range_divided_twice(x):
    return x.float() / 255 / 2 - 1  # "divide by 255 / 2" written as two divisions: x / 510 − 1


def _range_normalize_multiplied(x):
    return (x.float() / 255 - 0.5) * 0.5  # Normalize(0.5, 0.5) with its division by the std written as * 0.5


# --------------------------------------------------------------------------------------------
# Notebook 01

def _d_loss_tuple(real_logits, fake_logits):
    # both terms returned, "to log them separately", instead of their sum
    return _bce(real_logits, torch.ones_like(real_logits)), _bce(fake_logits, torch.zeros_like(fake_logits))


def _d_loss_detached_fake(real_logits, fake_logits):
    # the fake logits detached "as the fakes are for D's step": the fake term gives D no gradient
    fake_logits = fake_logits.detach()
    return _bce(real_logits, torch.ones_like(real_logits)) + _bce(fake_logits, torch.zeros_like(fake_logits))


def _d_loss_log1p(real_logits, fake_logits):
    # −log(1 − D) written as log(1 + D) with log1p
    return -F.logsigmoid(real_logits).mean() + torch.log1p(torch.sigmoid(fake_logits)).mean()


def _d_loss_precedence(real_logits, fake_logits):
    # meant as the average of the two terms, the parentheses forgotten: real + fake / 2
    return _bce(real_logits, torch.ones_like(real_logits)) + _bce(fake_logits, torch.zeros_like(fake_logits)) / 2


def _g_loss_log_softmax(fake_logits):
    return -F.log_softmax(fake_logits, dim=0).mean()  # log_softmax for logsigmoid: normalised over the batch


def _g_loss_divided_by_batch(fake_logits):
    # divided by the batch size "to average", though the BCE is already a mean
    return _bce(fake_logits, torch.ones_like(fake_logits)) / len(fake_logits)


def _g_loss_log_of_logits(fake_logits):
    return -torch.log(fake_logits).mean()  # the sigmoid forgotten: the log of the raw logits


def _g_loss_scalar_target(fake_logits):
    return _bce(fake_logits, torch.tensor(1.0))  # one scalar label 1 for the whole batch


def _step_not_detached(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D, loss_G  # .detach() forgotten: the losses come back attached to their graphs


def _step_g_loss_recomputed(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    with torch.no_grad():
        loss_G = _dcgan.g_loss(D(G(z)))  # G's loss reported again after its update, "the current value"
    return loss_D.detach(), loss_G.detach()


def _step_fresh_fakes_for_d(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(G(torch.randn_like(z)).detach()))  # D shown fakes from fresh noise
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def _step_g_stepped_twice(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    opt_G.step()  # copy-paste slip: G's optimizer stepped twice on the same gradients
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


# --------------------------------------------------------------------------------------------
# Notebook 02

def _gen_input_label_repeated(z, y):
    # the label's number repeated ten times "to make it a 10-vector"
    return torch.cat([z, y.float()[:, None].expand(len(y), 10)], dim=1)


def _gen_input_flat_join(z, y):
    # both flattened, joined into one long vector and viewed back: the rows mix
    flat = torch.cat([z.flatten(), F.one_hot(y, 10).float().flatten()])
    return flat.view(len(z), -1)


def _gen_input_eye_rows_in_order(z, y):
    return torch.cat([z, torch.eye(10)[:len(y)]], dim=1)  # the first B rows of eye(10), not the rows y


def _gen_input_z_clamped(z, y):
    # z clipped to [−1, 1] "like the pixels" before joining the one-hot
    return torch.cat([z.clamp(-1, 1), F.one_hot(y, 10).float()], dim=1)


def _disc_input_cat_default_dim(x, y):
    b, _, h, w = x.shape
    channels = F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)
    return torch.cat([x, channels])  # dim left at its default, 0: the batch


def _disc_input_repeat_batch(x, y):
    b, _, h, w = x.shape
    # repeat for expand, with expand's sizes: repeat multiplies, so the batch becomes B·B
    channels = F.one_hot(y, 10).float()[:, :, None, None].repeat(b, 1, h, w)
    return torch.cat([x, channels], dim=1)


def _disc_input_channels_last(x, y):
    b, _, h, w = x.shape
    channels = F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)
    # joined channels-last, as in TensorFlow, and never permuted back: (B, H, W, C + 10)
    return torch.cat([x.permute(0, 2, 3, 1), channels.permute(0, 2, 3, 1)], dim=-1)


def _disc_input_cat_height(x, y):
    b, _, h, w = x.shape
    channels = F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)
    return torch.cat([x, channels], dim=2)  # dim=2 (the height) for the channels


def _cond_fake_terms_multiplied(real_logits, fake_logits, mismatched_logits):
    # the two fake terms multiplied instead of added
    return (_bce(real_logits, torch.ones_like(real_logits))
            + _bce(fake_logits, torch.zeros_like(fake_logits))
            * _bce(mismatched_logits, torch.zeros_like(mismatched_logits)))


def _cond_fake_detached(real_logits, fake_logits, mismatched_logits):
    fake_logits = fake_logits.detach()  # "the fakes are detached for D": the fake term gives D no gradient
    return (_bce(real_logits, torch.ones_like(real_logits))
            + _bce(fake_logits, torch.zeros_like(fake_logits))
            + _bce(mismatched_logits, torch.zeros_like(mismatched_logits)))


def _cond_hand_written_signs(real_logits, fake_logits, mismatched_logits):
    # written with logsigmoid by hand: the minus kept on the real term only
    return -F.logsigmoid(real_logits).mean() + F.logsigmoid(-fake_logits).mean() + F.logsigmoid(
        -mismatched_logits).mean()


def _cond_grouped_by_image(real_logits, fake_logits, mismatched_logits):
    # the pairs grouped by their image: real images (real and mismatched pairs) in one batch labelled 1
    real_images = torch.cat([real_logits, mismatched_logits])
    return _bce(real_images, torch.ones_like(real_images)) + _bce(fake_logits, torch.zeros_like(fake_logits))


# --------------------------------------------------------------------------------------------
# Notebook 03

def _convs(module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]


def _rf_plus_equals(module):
    r = 1
    for conv in reversed(_convs(module)):
        r += (r - 1) * conv.stride[0] + conv.kernel_size[0]  # += for =
    return r


def _rf_reversed_generator(module):
    r = 1
    # reversed() on a generator expression, which cannot be reversed
    for conv in reversed(m for m in module.modules() if isinstance(m, torch.nn.Conv2d)):
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0]
    return r


def _rf_jump_starts_at_zero(module):
    r, jump = 1, 0  # the jump started at 0 instead of 1: nothing ever widens
    for conv in _convs(module):
        r += (conv.kernel_size[0] - 1) * jump
        jump *= conv.stride[0]
    return r


def _rf_stride_tuple(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r - 1) * conv.stride + conv.kernel_size[0]  # conv.stride, a tuple, for conv.stride[0]
    return r


def _p2p_per_image_summed(fake_logits, fake, target, lambda_L1):
    # the L1 averaged within each photo, then summed over the batch
    l1 = (fake - target).abs().mean(dim=(1, 2, 3)).sum()
    return _bce(fake_logits, torch.ones_like(fake_logits)) + lambda_L1 * l1


def _p2p_one_label_per_photo(fake_logits, fake, target, lambda_L1):
    # the target built as in notebook 01, one label per photo, for a map of patch logits
    gan = _bce(fake_logits, torch.ones(len(fake_logits)))
    return gan + lambda_L1 * F.l1_loss(fake, target)


def _p2p_channels_summed(fake_logits, fake, target, lambda_L1):
    # the absolute error summed over the colour channels, averaged over the rest
    l1 = (fake - target).abs().sum(dim=1).mean()
    return _bce(fake_logits, torch.ones_like(fake_logits)) + lambda_L1 * l1


def _p2p_lambda_added(fake_logits, fake, target, lambda_L1):
    return _bce(fake_logits, torch.ones_like(fake_logits)) + lambda_L1 + F.l1_loss(fake, target)  # + for *


def _unet_encode(G, x):
    skips = []
    for block in G.encoder:
        x = block(x)
        skips.append(x)
    skips.pop()
    return x, skips


def _unet_cat_last_dim(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=-1)  # dim=-1 "the channels", as in channels-last code
    return torch.tanh(G.to_image(x))


def _unet_encoder_not_reassigned(G, x):
    skips = []
    for block in G.encoder:
        skips.append(block(x))  # x never reassigned: every encoder block reads the input image
    x = skips.pop()
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return torch.tanh(G.to_image(x))


def _unet_last_block_without_skip(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder[:-1]:
        x = torch.cat([block(x), skips.pop()], dim=1)
    x = G.decoder[-1](x)  # the last decoder block left without its skip "since it is the output"
    return torch.tanh(G.to_image(x))


def _unet_tanh_by_hand(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    y = G.to_image(x)
    return (torch.exp(y) - torch.exp(-y)) / (torch.exp(y) + torch.exp(y))  # tanh by hand, e^y for e^−y below


# --------------------------------------------------------------------------------------------
# Notebook 04

def _cycle_b_subtracted(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    return lambda_cycle * (F.l1_loss(rec_a, real_a) - F.l1_loss(rec_b, real_b))  # − for +


def _cycle_per_image(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # averaged over each image's channels and pixels, the batch's mean forgotten: one loss per image
    a = (rec_a - real_a).abs().mean(dim=(1, 2, 3))
    b = (rec_b - real_b).abs().mean(dim=(1, 2, 3))
    return lambda_cycle * (a + b)


def _cycle_summed_over_batch_size(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # the absolute errors summed and divided by the number of images only
    a = (rec_a - real_a).abs().sum() / len(real_a)
    b = (rec_b - real_b).abs().sum() / len(real_b)
    return lambda_cycle * (a + b)


def _cycle_squared_terms(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # each L1 term squared, "a squared distance as usual"
    return lambda_cycle * (F.l1_loss(rec_a, real_a) ** 2 + F.l1_loss(rec_b, real_b) ** 2)


def _idt_power(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # ** for *: λ to the power λ_idt, √λ
    return lambda_cycle ** lambda_identity * (F.l1_loss(idt_a, real_a) + F.l1_loss(idt_b, real_b))


def _idt_per_channel(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # averaged over the pixels only: one number per image and channel, not a scalar
    a = (idt_a - real_a).abs().mean(dim=(2, 3))
    b = (idt_b - real_b).abs().mean(dim=(2, 3))
    return lambda_cycle * lambda_identity * (a + b)


def _idt_detached(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # the generators' outputs detached, so the identity loss trains nothing
    return lambda_cycle * lambda_identity * (F.l1_loss(idt_a.detach(), real_a) + F.l1_loss(idt_b.detach(), real_b))


def _idt_divided_by_weights(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # divided by λ·λ_idt instead of multiplied
    return (F.l1_loss(idt_a, real_a) + F.l1_loss(idt_b, real_b)) / (lambda_cycle * lambda_identity)


def _pool_two_slots(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            out.append(pool[int(torch.randint(size, ()))])
            pool[int(torch.randint(size, ()))] = image  # a second draw: the new image goes to another slot
        else:
            out.append(image)
    return torch.cat(out)


def _pool_list_remove(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            old = pool[int(torch.randint(size, ()))]
            out.append(old)
            pool.remove(old)  # list.remove compares tensors with ==
            pool.append(image)
        else:
            out.append(image)
    return torch.cat(out)


def _pool_copied(pool, images, size=50):
    pool = list(pool)  # a copy "to be safe": the caller's pool never changes
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
    return torch.cat(out)


def _pool_stores_first_image(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(images[:1])  # images[:1] for image: the batch's first image stored every time
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _sem_logits_as_target(logits_translated, logits_source):
    return F.cross_entropy(logits_translated, logits_source)  # the raw logits passed as the target


def _sem_module_called(logits_translated, logits_source):
    # the class called like the function: the logits and classes go to the constructor's arguments
    return torch.nn.CrossEntropyLoss(logits_translated, logits_source.argmax(dim=1))


def _sem_all_classes(logits_translated, logits_source):
    return -F.log_softmax(logits_translated, dim=1).mean()  # the class never picked: every log-probability


def _sem_ignore_index_zero(logits_translated, logits_source):
    # ignore_index=0 copied from NLP code: the images of class 0 are left out
    return F.cross_entropy(logits_translated, logits_source.argmax(dim=1), ignore_index=0)


# --------------------------------------------------------------------------------------------
# Notebook 05

def _fade_times_for_plus(alpha, old, new):
    return (1 - alpha) * old * alpha * new  # * typed for + between the two products


def _fade_plain_average(alpha, old, new):
    return (old + new) / 2  # the two outputs averaged, α ignored


def _fade_old_detached(alpha, old, new):
    return (1 - alpha) * old.detach() + alpha * new  # the old path detached "since it is being phased out"


def _fade_plus_for_times(alpha, old, new):
    return (1 - alpha) + old + alpha * new  # + typed for * on the old output


def _pn_over_height(x):
    return x / torch.sqrt(x.pow(2).mean(dim=2, keepdim=True) + 1e-8)  # dim=2, the height, for the channels


def _pn_times_two(x):
    return x / torch.sqrt((x * 2).mean(dim=1, keepdim=True) + 1e-8)  # x * 2 typed for x ** 2


def _pn_inverted(x):
    return torch.sqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8) / x  # the fraction upside down


def _pn_subtracted(x):
    return x - torch.sqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8)  # − for /: the norm subtracted


def _mbstd_repeat_n(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    std = (x.view(g, n // g, c, h, w).var(dim=0, unbiased=False) + 1e-8).sqrt()
    s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(n, 1, h, w)], dim=1)  # repeated N times "to get N rows": N·N/g rows


def _mbstd_deviation_not_squared(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    std = ((y - y.mean(dim=0)).mean(dim=0) + 1e-8).sqrt()  # the variance by hand, .pow(2) forgotten
    s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_summed(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    std = (x.view(g, n // g, c, h, w).var(dim=0, unbiased=False) + 1e-8).sqrt()
    s = std.sum(dim=(1, 2, 3)).view(n // g, 1, 1, 1)  # summed over channels and pixels, not averaged
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_c_maps(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    std = (x.view(g, n // g, c, h, w).var(dim=0, unbiased=False) + 1e-8).sqrt()
    s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, c, h, w)], dim=1)  # repeated over C channels: C maps appended


def _eq_bias_added_twice(x, weight, bias, gain):
    return F.linear(x, weight * (gain / weight.shape[1] ** 0.5), bias) + bias  # F.linear already adds it


def _eq_constant_added(x, weight, bias, gain):
    return F.linear(x, weight + gain / weight.shape[1] ** 0.5, bias)  # + for *: the constant added


def _eq_no_scale(x, weight, bias, gain):
    return F.linear(x, weight, bias)  # the run-time scale forgotten altogether


def _eq_torch_sqrt_of_int(x, weight, bias, gain):
    return F.linear(x, weight * (gain / torch.sqrt(weight.shape[1])), bias)  # torch.sqrt on a Python int


# --------------------------------------------------------------------------------------------
# Notebook 06

def _map_no_square(net, z):
    x = z * torch.rsqrt(z.mean(dim=1, keepdim=True) + 1e-8)  # .pow(2) forgotten: the mean of z itself
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _map_norm_over_dim(net, z):
    x = z / (z.norm(dim=1, keepdim=True) / z.shape[1])  # the norm divided by z_dim instead of √z_dim
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _map_reversed_layers(net, z):
    x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    for layer in reversed(net.net[1:]):  # the layers run from the last one back
        x = layer(x)
    return x


def _map_epsilon_typo(net, z):
    x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e8)  # 1e8 typed for 1e-8
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _adain_times_sigma(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    return style_scale[:, :, None, None] * (x - mu) * sigma + style_bias[:, :, None, None]  # * for /


def _adain_raw_x_styled(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    normalised = (x - mu) / sigma
    return style_scale[:, :, None, None] * x + style_bias[:, :, None, None]  # x styled, not `normalised`


def _adain_bias_subtracted(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    return style_scale[:, :, None, None] * (x - mu) / sigma - style_bias[:, :, None, None]  # − for +


def _adain_one_axis_short(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    # the styles given one trailing axis, (N, C, 1), instead of two
    return style_scale[..., None] * (x - mu) / sigma + style_bias[..., None]


def _noise_add_alpha(x, strength, noise):
    return torch.add(x, noise, alpha=strength)  # alpha= takes a number, not a per-channel tensor


def _noise_softplus_strength(x, strength, noise):
    return x + F.softplus(strength) * noise  # the strength passed through softplus "to keep it positive"


def _noise_mean(x, strength, noise):
    return x + strength * noise.mean()  # the noise image averaged into one number


def _noise_clamped(x, strength, noise):
    return (x + strength * noise).clamp(-1, 1)  # clamped to the image range, though x holds features


def _modconv_style_lost(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    demod = torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    wts = weight[None] * demod  # the factor applied to the stored weights: the modulation dropped
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _modconv_style_added(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] + style[:, None, :, None, None]  # + for *: the style added to the weights
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _modconv_not_folded(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    # the batch neither folded into the channels nor grouped: every image meets every image's kernels
    out = F.conv2d(x, wts.reshape(n * c_out, c_in, k, k), padding=k // 2)
    return out.view(n, c_out, h, w)


def _modconv_groups_c_in(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2,
                   groups=c_in)  # groups=C_in, as for a depthwise convolution, for groups=N
    return out.view(n, c_out, h, w)


def _trunc_sign_slip(w, w_avg, psi):
    return psi * w - (1 - psi) * w_avg  # the interpolation with − for +


def _trunc_precedence(w, w_avg, psi):
    return (w_avg + psi) * (w - w_avg)  # the parentheses around w̄ + ψ


def _trunc_psi_on_sum(w, w_avg, psi):
    return psi * (w + w_avg)  # ψ times the sum of w and w̄


def _trunc_mean_forgotten(w, w_avg, psi):
    return psi * w + (1 - psi)  # ψ·w + (1 − ψ)·w̄ with the w̄ forgotten


# --------------------------------------------------------------------------------------------
# Notebook 07

def _inv_feature_subtracted(fake, target, features, weight):
    return F.mse_loss(fake, target) - weight * F.mse_loss(features(fake), features(target))  # − for +


def _inv_feature_per_image(fake, target, features, weight):
    # the feature error averaged over dim 1 only: one number per image (and position), not a scalar
    return F.mse_loss(fake, target) + weight * (features(fake) - features(target)).pow(2).mean(dim=1)


def _inv_weight_on_one_side(fake, target, features, weight):
    # the weight slipped inside the MSE, on the fake's features only
    return F.mse_loss(fake, target) + F.mse_loss(weight * features(fake), features(target))


def _inv_weight_squared(fake, target, features, weight):
    # λ_p squared, read as a standard deviation whose square weighs the term
    return F.mse_loss(fake, target) + weight ** 2 * F.mse_loss(features(fake), features(target))


def _gs_per_image_sum(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    loss = (synthesize(code) - target).pow(2).sum(dim=(1, 2, 3)).mean()  # summed per image, averaged over N
    grad, = torch.autograd.grad(loss, code)
    return (code - lr * grad).detach()


def _gs_step_times_loss(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    loss = F.mse_loss(synthesize(code), target)
    grad, = torch.autograd.grad(loss, code)
    return (code - lr * loss * grad).detach()  # the step scaled by the loss as well


def _gs_mean_gradient(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
    return (code - lr * grad.mean()).detach()  # the gradient averaged into one number


def _gs_weight_decay(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
    return (code * (1 - lr) - lr * grad).detach()  # a weight decay of lr added to the step


def _po_coefficient_of_other(direction, other):
    o = other / other.norm()
    d = direction - (other @ o) * o  # copy slip: other·ô (‖other‖) for direction·ô
    return d / d.norm()


def _po_divided_by_projection(direction, other):
    o = other / other.norm()
    p = (direction @ o) * o
    d = direction - p
    return d / p.norm()  # divided by the projection's length instead of the result's


def _po_norm_as_coefficient(direction, other):
    o = other / other.norm()
    d = direction - direction.norm() * o  # ‖d‖ as the length of the projection
    return d / d.norm()


def _po_returns_input(direction, other):
    o = other / other.norm()
    d = direction - (direction @ o) * o
    d = d / d.norm()
    return direction  # the wrong variable returned


# --------------------------------------------------------------------------------------------
# Notebook 08

def _q_abar_minus_one(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + (abar - 1).sqrt() * noise  # ᾱ_t − 1 typed for 1 − ᾱ_t


def _q_plus_for_times(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + (1 - abar).sqrt() + noise  # + typed for * before the noise


def _q_x0_twice(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + (1 - abar).sqrt() * x0  # copy slip: x0 in the noise's term


def _q_parentheses(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * (x0 + (1 - abar).sqrt() * noise)  # √ᾱ_t put in front of the whole sum


def _dl_per_image(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    # reduction="none" averaged over each image only: one loss per image, not a scalar
    return F.mse_loss(model(x_t, t), noise, reduction="none").mean(dim=(1, 2, 3))


def _dl_inline_without_roots(model, x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    x_t = abar * x0 + (1 - abar) * noise  # x_t written inline, the square roots forgotten
    return F.mse_loss(model(x_t, t), noise)


def _dl_flow_target(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, t), noise - x0)  # the flow-matching target ε − x_0


def _dl_x_t_target(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, t), x_t)  # x_t itself as the target: the model asked to copy its input


def _rs_alpha_for_beta(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - (1 - beta) / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()  # α_t for β_t on the noise
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_one_minus_root_abar(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar.sqrt()) * eps) / (1 - beta).sqrt()  # 1 − √ᾱ_t for √(1 − ᾱ_t)
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_half_power(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta) ** 1 / 2  # ** 1 / 2: (1 − β_t) / 2
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_coefficient_multiplied(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta * (1 - abar).sqrt() * eps) / (1 - beta).sqrt()  # β_t·√(1 − ᾱ_t) for β_t / √(1 − ᾱ_t)
    return mean + beta.sqrt() * z if t > 0 else mean


WRONG = {
    "to_model_range": [
        ("Converts with .to(torch.int8) instead of uint8, so grey levels above 127 wrap to negatives.",
         _range_int8),
        ("Shifts before scaling: (x − 1) / 127.5.", _range_shift_first),
        ("Writes \"divide by 255 / 2\" as x / 255 / 2 − 1, which divides by 510.", _range_divided_twice),
        ("Writes Normalize(0.5, 0.5) by hand with * 0.5 for / 0.5: (x / 255 − 0.5)·0.5.",
         _range_normalize_multiplied),
    ],
    "d_loss": [
        ("Returns the two terms as a tuple instead of their sum.", _d_loss_tuple),
        ("Detaches the fake logits inside the loss, so the fake term gives D no gradient.",
         _d_loss_detached_fake),
        ("Writes −log(1 − D) as log(1 + D) with torch.log1p.", _d_loss_log1p),
        ("Means to average the two terms but forgets the parentheses: real + fake / 2.", _d_loss_precedence),
    ],
    "g_loss": [
        ("Uses F.log_softmax over the batch instead of F.logsigmoid.", _g_loss_log_softmax),
        ("Divides the BCE by the batch size, though it is already a mean.", _g_loss_divided_by_batch),
        ("Forgets the sigmoid and takes the log of the raw logits.", _g_loss_log_of_logits),
        ("Passes one scalar label, torch.tensor(1.0), as the target for the whole batch.",
         _g_loss_scalar_target),
    ],
    "train_step": [
        ("Forgets .detach() on the returned losses.", _step_not_detached),
        ("Reports G's loss recomputed after G's update instead of the loss it stepped on.",
         _step_g_loss_recomputed),
        ("Shows D fakes drawn from fresh noise, G(randn_like(z)), instead of G(z).", _step_fresh_fakes_for_d),
        ("Copy-paste slip: calls opt_G.step() twice on the same gradients.", _step_g_stepped_twice),
    ],
    "generator_input": [
        ("Repeats the label's number ten times instead of a one-hot vector.", _gen_input_label_repeated),
        ("Flattens z and the one-hot, joins them into one vector and views it back, which mixes the rows.",
         _gen_input_flat_join),
        ("Takes the first B rows of torch.eye(10) instead of the rows y.", _gen_input_eye_rows_in_order),
        ("Clips z to [−1, 1], like the pixels, before joining the one-hot.", _gen_input_z_clamped),
    ],
    "discriminator_input": [
        ("Forgets dim=1 in torch.cat, which joins along its default dim 0, the batch.",
         _disc_input_cat_default_dim),
        ("Uses repeat(B, 1, H, W) for expand(B, 10, H, W); repeat multiplies, so the batch becomes B·B.",
         _disc_input_repeat_batch),
        ("Joins the image and the maps channels-last (dim −1 after permuting) and never permutes back.",
         _disc_input_channels_last),
        ("Concatenates along dim=2 (the height) instead of the channels.", _disc_input_cat_height),
    ],
    "conditional_d_loss": [
        ("Multiplies the fake and mismatched terms instead of adding them.", _cond_fake_terms_multiplied),
        ("Detaches the fake logits inside the loss, so the fake term gives D no gradient.", _cond_fake_detached),
        ("Writes the terms with logsigmoid by hand and keeps the minus on the real term only.",
         _cond_hand_written_signs),
        ("Groups the pairs by image: real and mismatched pairs in one batch labelled 1, the fakes 0.",
         _cond_grouped_by_image),
    ],
    "receptive_field": [
        ("Writes r += instead of r = in the recursion.", _rf_plus_equals),
        ("Calls reversed() on a generator expression, which cannot be reversed.", _rf_reversed_generator),
        ("Uses the running form from the input side with the jump started at 0 instead of 1.",
         _rf_jump_starts_at_zero),
        ("Multiplies by conv.stride, a tuple, instead of conv.stride[0].", _rf_stride_tuple),
    ],
    "pix2pix_g_loss": [
        ("Averages the L1 within each photo and sums over the batch.", _p2p_per_image_summed),
        ("Builds the GAN target as torch.ones(B), one label per photo, for the map of patch logits.",
         _p2p_one_label_per_photo),
        ("Sums the absolute error over the colour channels and averages over the rest.", _p2p_channels_summed),
        ("Writes + for * between λ and the L1 term: GAN + λ + L1.", _p2p_lambda_added),
    ],
    "unet_forward": [
        ("Concatenates along dim=−1 (the width), as for channels-last tensors, instead of dim 1.",
         _unet_cat_last_dim),
        ("Forgets to reassign x in the encoder loop, so every encoder block reads the input image.",
         _unet_encoder_not_reassigned),
        ("Leaves the last decoder block without its skip.", _unet_last_block_without_skip),
        ("Writes tanh by hand with a slip in the denominator: (e^y − e^−y) / (e^y + e^y).", _unet_tanh_by_hand),
    ],
    "cycle_loss": [
        ("Sign slip: subtracts the B cycle's term instead of adding it.", _cycle_b_subtracted),
        ("Averages over each image's channels and pixels but not over the batch: one loss per image.",
         _cycle_per_image),
        ("Sums the absolute errors and divides by the number of images only.", _cycle_summed_over_batch_size),
        ("Squares each L1 term.", _cycle_squared_terms),
    ],
    "identity_loss": [
        ("Writes ** for *: λ ** λ_idt, which is √λ.", _idt_power),
        ("Averages over the pixels only, leaving one number per image and channel.", _idt_per_channel),
        ("Detaches the identity images, so the loss trains neither generator.", _idt_detached),
        ("Divides the two terms by λ·λ_idt instead of multiplying them.", _idt_divided_by_weights),
    ],
    "image_pool": [
        ("On a swap draws the slot twice: answers with one stored image and overwrites another.",
         _pool_two_slots),
        ("On a swap removes the stored image with pool.remove(old), which compares tensors with ==.",
         _pool_list_remove),
        ("Copies the pool with list(pool) first, so the caller's pool never changes.", _pool_copied),
        ("Stores images[:1], the batch's first image, instead of image while filling.",
         _pool_stores_first_image),
    ],
    "semantic_loss": [
        ("Passes the source's raw logits as the target.", _sem_logits_as_target),
        ("Calls the class torch.nn.CrossEntropyLoss(logits, target) as if it were the function.",
         _sem_module_called),
        ("Never picks the class: averages every log-probability of the translation.", _sem_all_classes),
        ("Passes ignore_index=0, copied from NLP code, which leaves out the images of class 0.",
         _sem_ignore_index_zero),
    ],
    "fade_in": [
        ("Types * for + between the two products: (1 − α)·old·α·new.", _fade_times_for_plus),
        ("Averages the two outputs and ignores α.", _fade_plain_average),
        ("Detaches the old output, \"since it is being phased out\".", _fade_old_detached),
        ("Types + for * on the old output: (1 − α) + old + α·new.", _fade_plus_for_times),
    ],
    "pixel_norm": [
        ("Takes the mean square over dim=2 (the height) instead of the channels.", _pn_over_height),
        ("Types x * 2 for x ** 2 in the mean square.", _pn_times_two),
        ("Writes the fraction upside down: the root mean square divided by x.", _pn_inverted),
        ("Subtracts the root mean square instead of dividing by it.", _pn_subtracted),
    ],
    "minibatch_std": [
        ("Repeats the groups' numbers N times instead of g times.", _mbstd_repeat_n),
        ("Writes the variance by hand and forgets .pow(2): the mean deviation, which is zero.",
         _mbstd_deviation_not_squared),
        ("Sums the standard deviations over channels and pixels instead of averaging them.", _mbstd_summed),
        ("Repeats the number over C channels, appending C maps instead of one.", _mbstd_c_maps),
    ],
    "equalized_linear": [
        ("Adds the bias again after F.linear, which already adds it.", _eq_bias_added_twice),
        ("Writes + for *: adds gain / √fan_in to the weights.", _eq_constant_added),
        ("Forgets the run-time scale altogether: F.linear(x, weight, bias).", _eq_no_scale),
        ("Calls torch.sqrt on weight.shape[1], a Python int.", _eq_torch_sqrt_of_int),
    ],
    "mapping_forward": [
        ("Forgets .pow(2): normalises by the mean of z itself.", _map_no_square),
        ("Divides z by ‖z‖ / z_dim instead of ‖z‖ / √z_dim.", _map_norm_over_dim),
        ("Runs the layers in reverse order.", _map_reversed_layers),
        ("Types 1e8 for ε = 1e-8.", _map_epsilon_typo),
    ],
    "adain": [
        ("Multiplies by σ instead of dividing by it.", _adain_times_sigma),
        ("Computes the normalised maps but styles the raw x.", _adain_raw_x_styled),
        ("Sign slip: subtracts the style's bias.", _adain_bias_subtracted),
        ("Gives the styles one trailing axis, (N, C, 1), instead of two.", _adain_one_axis_short),
    ],
    "noise_injection": [
        ("Uses torch.add(x, noise, alpha=strength), whose alpha takes a number, not a tensor.",
         _noise_add_alpha),
        ("Passes the strength through softplus \"to keep it positive\".", _noise_softplus_strength),
        ("Averages the noise image into one number.", _noise_mean),
        ("Clamps the result to [−1, 1], though x holds features, not pixels.", _noise_clamped),
    ],
    "demodulation": [
        ("Applies the demodulation factor to the stored weights, dropping the modulation.",
         _modconv_style_lost),
        ("Writes + for *: adds the style to the weights.", _modconv_style_added),
        ("Neither folds the batch into the channels nor groups the convolution.", _modconv_not_folded),
        ("Passes groups=C_in, as for a depthwise convolution, instead of groups=N.", _modconv_groups_c_in),
    ],
    "truncation": [
        ("Sign slip in the interpolation: ψ·w − (1 − ψ)·w̄.", _trunc_sign_slip),
        ("Misplaces the parentheses: (w̄ + ψ)·(w − w̄).", _trunc_precedence),
        ("Multiplies the sum of w and w̄ by ψ.", _trunc_psi_on_sum),
        ("Forgets w̄ in ψ·w + (1 − ψ)·w̄.", _trunc_mean_forgotten),
    ],
    "inversion_loss": [
        ("Sign slip: subtracts the feature term.", _inv_feature_subtracted),
        ("Averages the squared feature error over dim 1 only, so the loss is not a scalar.",
         _inv_feature_per_image),
        ("Slips the weight inside the MSE, on the fake's features only.", _inv_weight_on_one_side),
        ("Squares the weight.", _inv_weight_squared),
    ],
    "gradient_step": [
        ("Sums the squared error over each image's pixels and averages over the batch.", _gs_per_image_sum),
        ("Scales the step by the loss as well: lr·loss·∇.", _gs_step_times_loss),
        ("Averages the gradient into one number before the step.", _gs_mean_gradient),
        ("Adds a weight decay: code·(1 − lr) − lr·∇.", _gs_weight_decay),
    ],
    "project_out": [
        ("Copy slip: takes the coefficient as other·ô instead of direction·ô.", _po_coefficient_of_other),
        ("Divides the result by the projection's length instead of its own.", _po_divided_by_projection),
        ("Takes ‖d‖ as the length of the projection.", _po_norm_as_coefficient),
        ("Computes the result but returns the input direction.", _po_returns_input),
    ],
    "q_sample": [
        ("Types ᾱ_t − 1 for 1 − ᾱ_t under the noise's root.", _q_abar_minus_one),
        ("Types + for * before the noise: √(1 − ᾱ_t) + ε.", _q_plus_for_times),
        ("Copy slip: multiplies x_0 instead of the noise by √(1 − ᾱ_t).", _q_x0_twice),
        ("Puts √ᾱ_t in front of the whole sum: √ᾱ_t·(x_0 + √(1 − ᾱ_t)·ε).", _q_parentheses),
    ],
    "diffusion_loss": [
        ("Uses reduction=\"none\" and averages over each image only, returning one loss per image.",
         _dl_per_image),
        ("Writes x_t inline and forgets the square roots: ᾱ_t·x_0 + (1 − ᾱ_t)·ε.", _dl_inline_without_roots),
        ("Takes the flow-matching target ε − x_0 instead of ε.", _dl_flow_target),
        ("Takes x_t itself as the target.", _dl_x_t_target),
    ],
    "reverse_step": [
        ("Copy slip: α_t = 1 − β_t instead of β_t in the noise's coefficient.", _rs_alpha_for_beta),
        ("Writes 1 − √ᾱ_t for √(1 − ᾱ_t) in the noise's coefficient.", _rs_one_minus_root_abar),
        ("Writes the root as ** 1 / 2, which halves 1 − β_t instead.", _rs_half_power),
        ("Multiplies by √(1 − ᾱ_t) instead of dividing by it in the noise's coefficient.",
         _rs_coefficient_multiplied),
    ],
}
