"""Wrong answers, third blind set (issue 37): written without seeing the diagnosis, to measure it.

Four plausible wrong answers per short exercise, each with the exercise's exact signature, written as
other students would write them on a first try; none repeats a mistake of the first two blind sets
(``wrong_answers.py``, ``wrong_answers_2.py``), and ``tests/blind/verify_3.py`` confirms that each one
fails its check and computes neither one of the check's named mistakes nor an earlier blind answer.
"""
import torch
import torch.nn.functional as F

from coursekit.models import dcgan as _dcgan
from coursekit.models import ddpm as _ddpm

_bce = F.binary_cross_entropy_with_logits


# --------------------------------------------------------------------------------------------
# Notebook 00

def _range_half(x):
    return x.half() / 127.5 - 1  # half precision "to save memory": the grey levels round


def _range_back_to_input_dtype(x):
    return (x.float() / 127.5 - 1).to(x.dtype)  # cast back to uint8: -1 wraps to 255


def _range_tanh(x):
    return torch.tanh(x.float() / 127.5 - 1)  # squashed like G's output, which bends the ramp


def _range_precedence_of_times(x):
    return x.float() / 255 - 0.5 * 2  # meant (x / 255 - 0.5) * 2: the range is [-1, 0]


# --------------------------------------------------------------------------------------------
# Notebook 01

def _d_loss_real_term_on_fakes(real_logits, fake_logits):
    return _bce(fake_logits, torch.ones_like(fake_logits)) + _bce(fake_logits, torch.zeros_like(fake_logits))


def _d_loss_minus_g_loss(real_logits, fake_logits):
    # "D maximises what G minimises": the fake term written as minus G's loss
    return _bce(real_logits, torch.ones_like(real_logits)) - _bce(fake_logits, torch.ones_like(fake_logits))


def _d_loss_sigmoid_of_one_minus(real_logits, fake_logits):
    # log(1 - D(G(z))) written as log sigmoid(1 - logits)
    return -(F.logsigmoid(real_logits).mean() + F.logsigmoid(1 - fake_logits).mean())


def _d_loss_wasserstein(real_logits, fake_logits):
    return fake_logits.mean() - real_logits.mean()  # the WGAN critic's loss


def _g_loss_clamped(fake_logits):
    return -torch.log(torch.sigmoid(fake_logits).clamp(min=0.01)).mean()  # "for stability"


def _g_loss_halved(fake_logits):
    return 0.5 * _bce(fake_logits, torch.ones_like(fake_logits))


def _g_loss_item(fake_logits):
    return _bce(fake_logits, torch.ones_like(fake_logits)).item()


def _g_loss_keepdim(fake_logits):
    return -F.logsigmoid(fake_logits).mean(dim=0, keepdim=True)  # shape (1,) instead of a scalar


def _step_two_d_updates(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    losses_D = []
    for _ in range(2):  # n_critic = 2, as in WGAN
        loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
        opt_D.zero_grad()
        loss_D.backward()
        opt_D.step()
        losses_D.append(loss_D)
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return losses_D[0].detach(), loss_G.detach()


def _step_d_loss_halved(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach())) / 2  # pix2pix's halved D objective
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


def _step_d_one_batch(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    logits = D(torch.cat([real, fake.detach()]))  # one batch: D's batch norm mixes real and fake statistics
    loss_D = _dcgan.d_loss(logits[:len(real)], logits[len(real):])
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


def _step_d_eval(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.eval()  # "holds D fixed": its batch norm switches to running statistics, and stays so
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    return loss_D.detach(), loss_G.detach()


# --------------------------------------------------------------------------------------------
# Notebook 02

def _gen_input_long(z, y):
    return torch.cat([z.long(), F.one_hot(y, 10)], dim=1)  # z cast to match the one-hot's dtype


def _gen_input_smoothed(z, y):
    return torch.cat([z, F.one_hot(y, 10).float() * 0.9 + 0.01], dim=1)


def _gen_input_softmax(z, y):
    return torch.cat([z, F.softmax(F.one_hot(y, 10).float(), dim=1)], dim=1)


def _gen_input_label_number(z, y):
    return torch.cat([z, y[:, None].float() / 9], dim=1)


def _label_maps(x, y):
    b, _, h, w = x.shape
    return F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)


def _disc_input_maps_times_image(x, y):
    return torch.cat([x, _label_maps(x, y) * x], dim=1)


def _disc_input_centre_pixel(x, y):
    b, _, h, w = x.shape
    channels = torch.zeros(b, 10, h, w)
    channels[:, :, h // 2, w // 2] = F.one_hot(y, 10).float()
    return torch.cat([x, channels], dim=1)


def _disc_input_expand_as(x, y):
    channels = F.one_hot(y, 10).float()[:, :, None, None].expand_as(x)
    return torch.cat([x, channels], dim=1)


def _disc_input_unit_range(x, y):
    return torch.cat([(x + 1) / 2, _label_maps(x, y)], dim=1)  # images moved to [0, 1] to match the labels


def _cond_mismatched_on_real(real_logits, fake_logits, mismatched_logits):
    return (_bce(real_logits, torch.ones_like(real_logits)) + _bce(fake_logits, torch.zeros_like(fake_logits))
            + _bce(real_logits, torch.zeros_like(mismatched_logits)))


def _cond_real_doubled(real_logits, fake_logits, mismatched_logits):
    # the real term counted twice "to balance the two fake terms"
    return (2 * _bce(real_logits, torch.ones_like(real_logits))
            + _bce(fake_logits, torch.zeros_like(fake_logits))
            + _bce(mismatched_logits, torch.zeros_like(mismatched_logits)))


def _cond_half_mismatched(real_logits, fake_logits, mismatched_logits):
    return (_bce(real_logits, torch.ones_like(real_logits)) + _bce(fake_logits, torch.zeros_like(fake_logits))
            + 0.5 * _bce(mismatched_logits, torch.zeros_like(mismatched_logits)))


def _cond_d_loss_twice(real_logits, fake_logits, mismatched_logits):
    return _dcgan.d_loss(real_logits, fake_logits) + _dcgan.d_loss(real_logits, mismatched_logits)


# --------------------------------------------------------------------------------------------
# Notebook 03

def _convs(module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]


def _rf_stride_product(module):
    r = 1
    for conv in _convs(module):
        r *= conv.stride[0]  # the step between patches, not their size
    return r


def _rf_children_only(module):
    r = 1
    for conv in reversed([m for m in module.children() if isinstance(m, torch.nn.Conv2d)]):
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0]
    return r


def _rf_first_conv_left_out(module):
    r = 1
    for conv in reversed(_convs(module)[1:]):
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0]
    return r


def _rf_kernel_tuple(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r - 1) * conv.stride[0] + conv.kernel_size
    return r


def _p2p_huber(fake_logits, fake, target, lambda_L1):
    return _bce(fake_logits, torch.ones_like(fake_logits)) + lambda_L1 * F.smooth_l1_loss(fake, target)


def _p2p_divide_by_lambda(fake_logits, fake, target, lambda_L1):
    return _bce(fake_logits, torch.ones_like(fake_logits)) + F.l1_loss(fake, target) / lambda_L1


def _p2p_ones_like_fake(fake_logits, fake, target, lambda_L1):
    return _bce(fake_logits, torch.ones_like(fake)) + lambda_L1 * F.l1_loss(fake, target)


def _p2p_mean_logit(fake_logits, fake, target, lambda_L1):
    verdict = fake_logits.mean()  # the patches averaged into one verdict before the cross-entropy
    return _bce(verdict, torch.ones_like(verdict)) + lambda_L1 * F.l1_loss(fake, target)


def _unet_down(G, x):
    skips = []
    for block in G.encoder:
        x = block(x)
        skips.append(x)
    skips.pop()
    return x, skips


def _unet_up(G, x, skips, act=None):
    for block in G.decoder:
        y = block(x)
        x = torch.cat([act(y) if act else y, skips.pop()], dim=1)
    return G.to_image(x)


def _unet_sigmoid_stretched(G, x):
    return 2 * torch.sigmoid(_unet_up(G, *_unet_down(G, x))) - 1


def _unet_tanh_each_block(G, x):
    return torch.tanh(_unet_up(G, *_unet_down(G, x), act=torch.tanh))


def _unet_dropout(G, x):
    x, skips = _unet_down(G, x)
    for block in G.decoder:
        x = torch.cat([F.dropout(block(x), 0.5), skips.pop()], dim=1)  # F.dropout drops even in eval mode
    return torch.tanh(G.to_image(x))


def _unet_last_skip_only(G, x):
    x, skips = _unet_down(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips[-1]], dim=1)  # reads the last skip without popping it
    return torch.tanh(G.to_image(x))


# --------------------------------------------------------------------------------------------
# Notebook 04

def _cycle_colour_distance(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # the Euclidean distance of each pixel's colour (over the channels), averaged over the pixels
    return lambda_cycle * ((rec_a - real_a).norm(dim=1).mean() + (rec_b - real_b).norm(dim=1).mean())


def _cycle_fixed_lambda(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    return 10.0 * (F.l1_loss(rec_a, real_a) + F.l1_loss(rec_b, real_b))


def _cycle_per_image_sum(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    a = (rec_a - real_a).abs().mean(dim=(1, 2, 3)).sum()
    b = (rec_b - real_b).abs().mean(dim=(1, 2, 3)).sum()
    return lambda_cycle * (a + b)


def _cycle_a_twice(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    loss_cycle_A = F.l1_loss(rec_a, real_a)
    loss_cycle_B = F.l1_loss(rec_a, real_a)
    return lambda_cycle * (loss_cycle_A + loss_cycle_B)


def _idt_summed_images(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    return lambda_cycle * lambda_identity * F.l1_loss(idt_a + idt_b, real_a + real_b)


def _idt_fixed_half(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    return lambda_cycle * 0.5 * (F.l1_loss(idt_a, real_a) + F.l1_loss(idt_b, real_b))


def _idt_complement(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    return lambda_cycle * (1 - lambda_identity) * (F.l1_loss(idt_a, real_a) + F.l1_loss(idt_b, real_b))


def _idt_outputs_compared(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    return lambda_cycle * lambda_identity * F.l1_loss(idt_a, idt_b)


def _pool_fixed_fifty(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < 50:  # the paper's 50 instead of size
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(50, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_stack(pool, images, size=50):
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
    return torch.stack(out)  # (N, 1, C, H, W)


def _pool_size_minus_one(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size - 1:  # off by one: the pool stops one short
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(len(pool), ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_returns_pool(pool, images, size=50):
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
        elif torch.rand(()) < 0.5:
            pool[int(torch.randint(size, ()))] = image
    return torch.cat(pool)  # the history itself instead of the answers


def _sem_kl(logits_translated, logits_source):
    return F.kl_div(F.log_softmax(logits_translated, dim=1), F.softmax(logits_source, dim=1),
                    reduction="batchmean")


def _sem_argmin(logits_translated, logits_source):
    return F.cross_entropy(logits_translated, logits_source.argmin(dim=1))


def _sem_label_smoothing(logits_translated, logits_source):
    return F.cross_entropy(logits_translated, logits_source.argmax(dim=1), label_smoothing=0.1)


def _sem_bce_one_hot(logits_translated, logits_source):
    target = F.one_hot(logits_source.argmax(dim=1), logits_translated.shape[1]).float()
    return _bce(logits_translated, target)


# --------------------------------------------------------------------------------------------
# Notebook 05

def _fade_root_weights(alpha, old, new):
    return (1 - alpha) ** 0.5 * old + alpha ** 0.5 * new  # variance-preserving weights


def _fade_clamped(alpha, old, new):
    return ((1 - alpha) * old + alpha * new).clamp(-1, 1)  # clamped to the image range


def _fade_alpha_minus_one(alpha, old, new):
    return (alpha - 1) * old + alpha * new


def _fade_upsample_again(alpha, old, new):
    return (1 - alpha) * F.interpolate(old, scale_factor=2) + alpha * new


def _pn_last_dim(x):
    return x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + 1e-8)


def _pn_times_root(x):
    return x * torch.sqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8)


def _pn_euclidean(x):
    return x / x.norm(dim=1, keepdim=True)


def _pn_max_abs(x):
    return x / x.abs().amax(dim=1, keepdim=True)


def _mbstd_consecutive(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(n // g, g, c, h, w)  # groups of consecutive images
    std = (y.var(dim=1, unbiased=False) + 1e-8).sqrt()
    s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat_interleave(g, dim=0).expand(n, 1, h, w)], dim=1)


def _mbstd_of_image_means(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    means = x.mean(dim=(1, 2, 3)).view(g, n // g)  # each image averaged first
    s = (means.var(dim=0, unbiased=False) + 1e-8).sqrt().view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_mean_abs_deviation(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    spread = (y - y.mean(dim=0, keepdim=True)).abs().mean(dim=0)
    s = spread.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_largest(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    std = (y.var(dim=0, unbiased=False) + 1e-8).sqrt()
    s = std.amax(dim=(1, 2, 3)).view(n // g, 1, 1, 1)  # the largest instead of the average
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _eq_times_root(x, weight, bias, gain):
    return F.linear(x, weight * gain * weight.shape[1] ** 0.5, bias)


def _eq_glorot(x, weight, bias, gain):
    fan_out, fan_in = weight.shape
    return F.linear(x, weight * gain * (2 / (fan_in + fan_out)) ** 0.5, bias)


def _eq_standardised(x, weight, bias, gain):
    return F.linear(x, weight / weight.std() * gain / weight.shape[1] ** 0.5, bias)


def _eq_matmul_untransposed(x, weight, bias, gain):
    return x @ weight * (gain / weight.shape[1] ** 0.5) + bias


# --------------------------------------------------------------------------------------------
# Notebook 06

def _rms_normalise(z):
    return z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)


def _map_batch_rms(net, z):
    x = z * torch.rsqrt(z.pow(2).mean() + 1e-8)  # one root mean square for the whole batch
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _map_normalise_after_first(net, z):
    x = _rms_normalise(net.net[1](z))
    for layer in net.net[2:]:
        x = layer(x)
    return x


def _map_raw_weights(net, z):
    x = _rms_normalise(z)
    for layer in net.net[1:]:
        # written by hand with F.linear: the equalised layers' run-time scale is left out
        x = F.linear(x, layer.weight, layer.bias) if hasattr(layer, "weight") else layer(x)
    return x


def _map_no_grad(net, z):
    with torch.no_grad():
        x = _rms_normalise(z)
        for layer in net.net[1:]:
            x = layer(x)
    return x


def _adain_norm(x):
    mu = x.mean(dim=(2, 3), keepdim=True)
    return (x - mu) / (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()


def _adain_times_bias(x, style_scale, style_bias):
    return style_scale[:, :, None, None] * _adain_norm(x) * style_bias[:, :, None, None]


def _adain_no_keepdim(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3))
    sigma = (x.var(dim=(2, 3), unbiased=False) + 1e-8).sqrt()
    return style_scale[:, :, None, None] * (x - mu) / sigma + style_bias[:, :, None, None]


def _adain_width_only(x, style_scale, style_bias):
    mu = x.mean(dim=3, keepdim=True)
    sigma = (x.var(dim=3, keepdim=True, unbiased=False) + 1e-8).sqrt()
    return style_scale[:, :, None, None] * (x - mu) / sigma + style_bias[:, :, None, None]


def _adain_mean_kept(x, style_scale, style_bias):
    # the content's mean put back on top of the style's bias
    return (style_scale[:, :, None, None] * _adain_norm(x) + style_bias[:, :, None, None]
            + x.mean(dim=(2, 3), keepdim=True))


def _noise_non_negative(x, strength, noise):
    return x + F.relu(strength) * noise  # strengths clipped at 0


def _noise_channel_mean(x, strength, noise):
    return x + (strength * noise).mean(dim=1, keepdim=True)


def _noise_one_strength(x, strength, noise):
    return x + strength.mean() * noise


def _noise_strength_last_axis(x, strength, noise):
    return x + strength.view(1, 1, 1, -1) * noise


def _grouped_conv(x, wts):
    n, c_in, h, w = x.shape
    c_out, k = wts.shape[1], wts.shape[-1]
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _modconv_twice_modulated(x, weight, style):
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    return _grouped_conv(x * style[:, :, None, None], wts)  # the style applied to the image as well


def _modconv_demod_inputs_only(x, weight, style):
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=2, keepdim=True) + 1e-8)
    return _grouped_conv(x, wts)


def _modconv_first_image_kernel(x, weight, style):
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    return F.conv2d(x, wts[0], padding=weight.shape[-1] // 2)


def _modconv_no_keepdim(x, weight, style):
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4)) + 1e-8)
    return _grouped_conv(x, wts)


def _trunc_unit_offset(w, w_avg, psi):
    offset = w - w_avg
    return w_avg + psi * offset / offset.norm(dim=1, keepdim=True)  # a step of length ψ towards w


def _trunc_psi_squared(w, w_avg, psi):
    return w_avg + psi ** 2 * (w - w_avg)


def _trunc_clamp(w, w_avg, psi):
    return torch.max(torch.min(w, w_avg + psi), w_avg - psi)


def _trunc_column(w, w_avg, psi):
    w_avg = w_avg.view(-1, 1)
    return w_avg + psi * (w - w_avg)


# --------------------------------------------------------------------------------------------
# Notebook 07

def _inv_normalised_features(fake, target, features, weight):
    return F.mse_loss(fake, target) + weight * F.mse_loss(F.normalize(features(fake), dim=1),
                                                          F.normalize(features(target), dim=1))


def _inv_divided_by_weight(fake, target, features, weight):
    return F.mse_loss(fake, target) + F.mse_loss(features(fake), features(target)) / weight


def _inv_cosine(fake, target, features, weight):
    similarity = F.cosine_similarity(features(fake), features(target), dim=1)
    return F.mse_loss(fake, target) + weight * (1 - similarity).mean()


def _inv_pixels_in_unit_range(fake, target, features, weight):
    return (F.mse_loss((fake + 1) / 2, (target + 1) / 2)
            + weight * F.mse_loss(features(fake), features(target)))


def _gs_grad_tuple(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    grad = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)  # a tuple, not unpacked
    return (code - lr * grad).detach()


def _gs_code_penalty(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    loss = F.mse_loss(synthesize(code), target) + code.pow(2).mean()  # a penalty on the code's size added
    grad, = torch.autograd.grad(loss, code)
    return (code - lr * grad).detach()


def _gs_clipped(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
    return (code - lr * grad.clamp(-0.1, 0.1)).detach()


def _gs_update_only(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
    return (-lr * grad).detach()


def _po_scalar_subtracted(direction, other):
    o = other / other.norm()
    d = direction - (direction @ o)  # the coefficient subtracted from every entry, "* o" forgotten
    return d / d.norm()


def _po_minus_other(direction, other):
    d = direction - other / other.norm()
    return d / d.norm()


def _po_reflect(direction, other):
    o = other / other.norm()
    d = direction - 2 * (direction @ o) * o
    return d / d.norm()


def _po_by_sum(direction, other):
    o = other / other.norm()
    d = direction - (direction @ o) * o
    return d / d.sum()


# --------------------------------------------------------------------------------------------
# Notebook 08

def _q_clamped(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return (abar.sqrt() * x0 + (1 - abar).sqrt() * noise).clamp(-1, 1)  # kept in the image range


def _q_own_noise(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + (1 - abar).sqrt() * torch.randn_like(x0)


def _q_signal_not_rooted(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar * x0 + (1 - abar).sqrt() * noise


def _q_float_index(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t.float()].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def _dl_t_fraction(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, t.float() / 1000), noise)


def _dl_x0_estimate(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    x0_hat = (x_t - (1 - abar).sqrt() * model(x_t, t)) / abar.sqrt()
    return F.mse_loss(x0_hat, x0)


def _dl_rmse(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, t), noise).sqrt()


def _dl_fresh_noise(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, torch.randn_like(x0), alphas_cumprod)
    return F.mse_loss(model(x_t, t), noise)


def _rs_root_beta_coefficient(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar_t = betas[t], alphas_cumprod[t]
    mean = (x_t - beta.sqrt() / (1 - abar_t).sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_eps_and_z_swapped(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar_t = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar_t).sqrt() * z) / (1 - beta).sqrt()
    return mean + beta.sqrt() * eps if t > 0 else mean


def _rs_noise_subtracted(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar_t = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar_t).sqrt() * eps) / (1 - beta).sqrt()
    return mean - beta.sqrt() * z if t > 0 else mean


def _rs_previous_abar(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar_prev = betas[t], alphas_cumprod[t - 1]
    mean = (x_t - beta / (1 - abar_prev).sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean


WRONG = {
    "to_model_range": [
        ("Converts with .half() instead of .float(), so the grey levels are rounded to half precision.",
         _range_half),
        ("Casts the result back to the input's dtype, so uint8 pixels come back as integers (−1 → 255).",
         _range_back_to_input_dtype),
        ("Passes the mapped pixels through tanh, like G's output, which bends the ramp and misses ±1.",
         _range_tanh),
        ("Precedence slip: x / 255 − 0.5 * 2 instead of (x / 255 − 0.5) * 2, so the range is [−1, 0].",
         _range_precedence_of_times),
    ],
    "d_loss": [
        ("Copy-paste slip: the real term is computed on the fake logits, so the real logits are never used.",
         _d_loss_real_term_on_fakes),
        ("Writes the fake term as minus G's loss, −BCE(fake, 1), instead of BCE(fake, 0).",
         _d_loss_minus_g_loss),
        ("Writes log(1 − D(G(z))) as log σ(1 − logits) instead of log(1 − σ(logits)).",
         _d_loss_sigmoid_of_one_minus),
        ("Uses the WGAN critic's loss, mean(fake) − mean(real), instead of the cross-entropy.",
         _d_loss_wasserstein),
    ],
    "g_loss": [
        ("Clamps D's probabilities at 0.01 before the log \"for stability\", which caps the loss.",
         _g_loss_clamped),
        ("Multiplies the loss by ½.", _g_loss_halved),
        ("Returns loss.item(), a Python float, instead of the tensor.", _g_loss_item),
        ("Averages with keepdim=True, returning shape (1,) instead of a scalar.", _g_loss_keepdim),
    ],
    "train_step": [
        ("Updates D twice per step (n_critic = 2, as in WGAN) before G's update.", _step_two_d_updates),
        ("Halves D's loss, as pix2pix does, so the returned loss_D is half the asked one.",
         _step_d_loss_halved),
        (("Feeds real and fake images to D as one concatenated batch, so D's batch norm mixes their "
          "statistics."), _step_d_one_batch),
        ("Holds D fixed with D.eval() instead of requires_grad_(False), and never switches it back.",
         _step_d_eval),
    ],
    "generator_input": [
        ("Casts z to long to match the one-hot's dtype, truncating the noise to integers.", _gen_input_long),
        ("Smooths the one-hot labels to 0.91 / 0.01 instead of 1 / 0.", _gen_input_smoothed),
        ("Passes the one-hot through softmax, turning 1 / 0 into about 0.23 / 0.09.", _gen_input_softmax),
        ("Appends the label as one number scaled to [0, 1] (y / 9) instead of a one-hot vector.",
         _gen_input_label_number),
    ],
    "discriminator_input": [
        ("Multiplies the label maps by the image before concatenating them.", _disc_input_maps_times_image),
        ("Writes the one-hot into the centre pixel only, leaving the rest of each label map zero.",
         _disc_input_centre_pixel),
        ("Uses expand_as(x), which tries to expand the 10 label channels to the image's channel count.",
         _disc_input_expand_as),
        ("Maps the images to [0, 1] before concatenating, to match the labels' range.",
         _disc_input_unit_range),
    ],
    "conditional_d_loss": [
        ("Copy-paste slip: the mismatched term uses the real logits, so the mismatched ones are never used.",
         _cond_mismatched_on_real),
        ("Doubles the real term to balance the two fake terms.", _cond_real_doubled),
        ("Weighs only the mismatched term by ½.", _cond_half_mismatched),
        ("Calls the plain d_loss twice, (real, fake) and (real, mismatched), so the real term counts twice.",
         _cond_d_loss_twice),
    ],
    "receptive_field": [
        ("Returns the product of the strides (the step between patches) instead of the patch size.",
         _rf_stride_product),
        ("Collects the convolutions with module.children(), missing those nested inside sub-modules.",
         _rf_children_only),
        ("Off by one: walks back over convs[1:], leaving the first (input) convolution out.",
         _rf_first_conv_left_out),
        ("Adds conv.kernel_size, a tuple, instead of conv.kernel_size[0].", _rf_kernel_tuple),
    ],
    "pix2pix_g_loss": [
        ("Uses the smooth L1 (Huber) loss for the reconstruction term instead of L1.", _p2p_huber),
        ("Divides the L1 term by lambda_L1 instead of multiplying it.", _p2p_divide_by_lambda),
        ("Builds the GAN term's target with ones_like(fake), the photo's shape, not the logits'.",
         _p2p_ones_like_fake),
        ("Averages the patch logits into one verdict before the cross-entropy.", _p2p_mean_logit),
    ],
    "unet_forward": [
        ("Ends with 2·sigmoid − 1 instead of tanh (the right range, but tanh(x/2), not tanh(x)).",
         _unet_sigmoid_stretched),
        ("Applies tanh to each decoder block's output as well as at the end.", _unet_tanh_each_block),
        ("Adds F.dropout(…, 0.5) after each decoder block, which drops units even in eval mode.",
         _unet_dropout),
        ("Reads the skips with skips[-1] without popping, so every decoder block gets the same skip.",
         _unet_last_skip_only),
    ],
    "cycle_loss": [
        ("Uses the Euclidean distance of each pixel's colour (norm over the channels) instead of the L1.",
         _cycle_colour_distance),
        ("Hard-codes λ = 10 instead of using lambda_cycle.", _cycle_fixed_lambda),
        ("Averages the absolute error per image but sums over the batch.", _cycle_per_image_sum),
        ("Copy-paste slip: the B term compares rec_a with real_a again.", _cycle_a_twice),
    ],
    "identity_loss": [
        ("One L1 between the summed identity images and the summed real images, so errors can cancel.",
         _idt_summed_images),
        ("Hard-codes λ_idt = 0.5 instead of using lambda_identity.", _idt_fixed_half),
        ("Weighs by λ·(1 − λ_idt) instead of λ·λ_idt.", _idt_complement),
        ("Compares the two identity outputs with each other instead of each with its real image.",
         _idt_outputs_compared),
    ],
    "image_pool": [
        ("Hard-codes the paper's 50 instead of the size argument.", _pool_fixed_fifty),
        ("Joins the answers with torch.stack instead of torch.cat, adding a dimension.", _pool_stack),
        ("Off by one: fills the pool only to size − 1 before swapping.", _pool_size_minus_one),
        ("Returns the pool's images (torch.cat(pool)) instead of the answers.", _pool_returns_pool),
    ],
    "semantic_loss": [
        ("Uses the KL divergence to the source's softmax (distillation) instead of CE with the argmax class.",
         _sem_kl),
        ("Takes the source's class with argmin instead of argmax.", _sem_argmin),
        ("Adds label smoothing (0.1) to the cross-entropy.", _sem_label_smoothing),
        ("Uses a per-class binary cross-entropy against the one-hot target instead of the softmax CE.",
         _sem_bce_one_hot),
    ],
    "fade_in": [
        ("Weighs by √(1 − α) and √α (a variance-preserving blend) instead of 1 − α and α.",
         _fade_root_weights),
        ("Clamps the blend to [−1, 1], though the outputs blended are features, not images.", _fade_clamped),
        ("Typo: (α − 1)·old instead of (1 − α)·old.", _fade_alpha_minus_one),
        ("Upsamples the old output again, though it already comes upsampled.", _fade_upsample_again),
    ],
    "pixel_norm": [
        ("Normalises over the last dimension (dim=-1, the width) instead of the channels.", _pn_last_dim),
        ("Multiplies by the root mean square instead of dividing by it (sqrt for rsqrt).", _pn_times_root),
        ("Divides by the Euclidean norm over the channels, without the mean and without ε.", _pn_euclidean),
        ("Divides by the largest absolute feature (the max norm) instead of the root mean square.",
         _pn_max_abs),
    ],
    "minibatch_std": [
        ("Groups consecutive images (view(N // g, g, …)) instead of images k, k + N/g, ….",
         _mbstd_consecutive),
        ("Averages each image into one number first, then takes the group's standard deviation of those.",
         _mbstd_of_image_means),
        ("Uses the mean absolute deviation over the group instead of the standard deviation.",
         _mbstd_mean_abs_deviation),
        ("Takes the largest standard deviation over features and pixels instead of their average.",
         _mbstd_largest),
    ],
    "equalized_linear": [
        ("Multiplies by √fan_in instead of dividing by it.", _eq_times_root),
        ("Uses Glorot's constant √(2 / (fan_in + fan_out)) times the gain instead of gain / √fan_in.",
         _eq_glorot),
        ("Standardises the weights by their sample std before applying He's constant.", _eq_standardised),
        ("Writes x @ weight without transposing the (out, fan_in) weight.", _eq_matmul_untransposed),
    ],
    "mapping_forward": [
        ("Normalises by one root mean square over the whole batch instead of one per code.", _map_batch_rms),
        ("Normalises after the first linear layer instead of before it.", _map_normalise_after_first),
        ("Applies the layers' stored weights with F.linear, leaving out their run-time scale.",
         _map_raw_weights),
        ("Runs the network under torch.no_grad(), so nothing can be trained through w.", _map_no_grad),
    ],
    "adain": [
        ("Multiplies by the style bias instead of adding it.", _adain_times_bias),
        ("Forgets keepdim=True for μ and σ, so they do not broadcast back over the pixels.",
         _adain_no_keepdim),
        ("Takes μ and σ over the width only (dim 3), per row, instead of over the whole map.",
         _adain_width_only),
        ("Adds the content's mean back on top of the style's bias.", _adain_mean_kept),
    ],
    "noise_injection": [
        ("Clips the strengths at zero with ReLU, so negative strengths add no noise.", _noise_non_negative),
        ("Averages the scaled noise over the channels, so every channel gets the same noise.",
         _noise_channel_mean),
        ("Averages the per-channel strengths into one number for every channel.", _noise_one_strength),
        ("Reshapes the strength to (1, 1, 1, C), along the width instead of the channels.",
         _noise_strength_last_axis),
    ],
    "demodulation": [
        ("Modulates both the weights and the input image by the style, so the style counts twice.",
         _modconv_twice_modulated),
        ("Demodulates over the input channels only (dim 2), not over the kernel positions too.",
         _modconv_demod_inputs_only),
        ("Convolves every image with the first image's weights (no grouped convolution).",
         _modconv_first_image_kernel),
        ("Forgets keepdim=True in the demodulation sum, so the factor does not broadcast as meant.",
         _modconv_no_keepdim),
    ],
    "truncation": [
        ("Moves a distance ψ from w̄ towards w (a unit offset) instead of the fraction ψ of the way.",
         _trunc_unit_offset),
        ("Scales the offset by ψ² instead of ψ.", _trunc_psi_squared),
        ("Clamps w to [w̄ − ψ, w̄ + ψ] instead of scaling its offset from w̄.", _trunc_clamp),
        ("Reshapes w̄ to a column (−1, 1), which does not broadcast against the (N, w_dim) codes.",
         _trunc_column),
    ],
    "inversion_loss": [
        ("Normalises the features to unit length before their squared distance (as LPIPS does).",
         _inv_normalised_features),
        ("Divides the feature term by the weight instead of multiplying it.", _inv_divided_by_weight),
        ("Uses the cosine distance of the features instead of their mean squared error.", _inv_cosine),
        ("Maps the images to [0, 1] before the pixel MSE, which quarters the pixel term.",
         _inv_pixels_in_unit_range),
    ],
    "gradient_step": [
        ("Forgets to unpack torch.autograd.grad's tuple (grad, = …).", _gs_grad_tuple),
        ("Adds a penalty on the code's size, mean(code²), to the loss.", _gs_code_penalty),
        ("Clips the gradient to [−0.1, 0.1] before the step.", _gs_clipped),
        ("Returns the update −lr·∇ instead of the new code.", _gs_update_only),
    ],
    "project_out": [
        ("Forgets the · ô: subtracts the number d·ô from every entry instead of the vector (d·ô)ô.",
         _po_scalar_subtracted),
        ("Subtracts the unit other direction itself instead of the direction's projection onto it.",
         _po_minus_other),
        ("Subtracts the projection twice, which reflects the direction instead of projecting it.",
         _po_reflect),
        ("Renormalises by the sum of the entries instead of the norm.", _po_by_sum),
    ],
    "q_sample": [
        ("Clamps x_t to the image range [−1, 1].", _q_clamped),
        ("Draws its own noise with randn_like instead of using the given noise.", _q_own_noise),
        ("Scales x_0 by ᾱ_t instead of √ᾱ_t.", _q_signal_not_rooted),
        ("Indexes alphas_cumprod with t.float(), which cannot index.", _q_float_index),
    ],
    "diffusion_loss": [
        ("Gives the model t / 1000 (a fraction) instead of the integer step.", _dl_t_fraction),
        ("Compares the x_0 estimate from the predicted noise with x_0 instead of the noises.",
         _dl_x0_estimate),
        ("Takes the square root of the mean squared error (RMSE).", _dl_rmse),
        ("Noises x_0 with fresh noise but compares the prediction with the given noise.", _dl_fresh_noise),
    ],
    "reverse_step": [
        ("Uses √β_t instead of β_t in the noise prediction's coefficient.", _rs_root_beta_coefficient),
        ("Swaps eps and z: the fresh noise in the mean, the predicted noise added.", _rs_eps_and_z_swapped),
        ("Subtracts the fresh noise σ_t·z instead of adding it.", _rs_noise_subtracted),
        ("Uses ᾱ_{t−1} instead of ᾱ_t in the noise prediction's coefficient.", _rs_previous_abar),
    ],
}
