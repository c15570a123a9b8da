"""Wrong answers, seventh blind set (issue 37): written without seeing the diagnosis, to measure it.

Four plausible wrong answers per short exercise, each with the exercise's exact signature, written as
other students would write them on a first try; none repeats a mistake of the first six blind sets
(``wrong_answers.py`` to ``wrong_answers_6.py``), and ``tests/blind/verify.py 7`` confirms that each one
fails its check and computes neither one of the check's named mistakes nor an earlier blind answer.
"""
import numpy as np
import torch
import torch.nn.functional as F

from coursekit.models import dcgan as _dcgan
from coursekit.models import ddpm as _ddpm

_bce = F.binary_cross_entropy_with_logits


# --------------------------------------------------------------------------------------------
# Notebook 00

def _range_normalize_without_to_tensor(x):
    # torchvision's Normalize(0.5, 0.5) on the raw grey levels: ToTensor's / 255 left out
    return (x.float() - 0.5) / 0.5


def _range_f_normalize(x):
    return F.normalize(x.float(), dim=-1)  # F.normalize divides by the L2 norm; it does not map to [−1, 1]


def _range_clamped_to_unit(x):
    return (x.float() / 127.5 - 1).clamp(0, 1)  # clamped to [0, 1] out of habit, which cuts the dark half


def _range_bfloat16(x):
    return x.bfloat16() / 127.5 - 1  # .bfloat16() for .float(): 8 bits of mantissa, a bfloat16 result


# --------------------------------------------------------------------------------------------
# Notebook 01

def _d_loss_softplus_sign(real_logits, fake_logits):
    # −log σ(ℓ) = softplus(−ℓ) and −log(1 − σ(ℓ)) = softplus(ℓ): the minus of the real term forgotten
    return F.softplus(real_logits).mean() + F.softplus(fake_logits).mean()


def _d_loss_one_minus_bce(real_logits, fake_logits):
    # −log(1 − D) written as 1 − (−log D): the "1 −" moved outside the log
    real = _bce(real_logits, torch.ones_like(real_logits))
    return real + (1 - _bce(fake_logits, torch.ones_like(fake_logits)))


def _d_loss_exponential(real_logits, fake_logits):
    return torch.exp(-real_logits).mean() + torch.exp(fake_logits).mean()  # the exponential loss of boosting


def _d_loss_target_columns(real_logits, fake_logits):
    n = len(real_logits)  # the labels built as (B, 1) columns for the (B,) logits
    return _bce(real_logits, torch.ones(n, 1)) + _bce(fake_logits, torch.zeros(n, 1))


def _g_loss_long_target(fake_logits):
    return _bce(fake_logits, torch.ones(len(fake_logits), dtype=torch.long))  # integer labels, as for classes


def _g_loss_module_called(fake_logits):
    # the class called like the function: the logits and labels go to the constructor's arguments
    return torch.nn.BCEWithLogitsLoss(fake_logits, torch.ones_like(fake_logits))


def _g_loss_likelihood_product(fake_logits):
    # the batch's likelihood as one product of probabilities, then one log: it underflows to 0
    return -torch.log(torch.sigmoid(fake_logits).prod()) / len(fake_logits)


def _g_loss_one_class_softmax(fake_logits):
    # the multi-class cross-entropy on (B, 1) scores: a softmax over a single class is always 1
    return F.cross_entropy(fake_logits[:, None], torch.zeros(len(fake_logits), dtype=torch.long))


def _step_no_zero_grad_d(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    loss_D.backward()  # opt_D.zero_grad() forgotten: D's gradients pile up from step to step
    opt_D.step()
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def _step_fresh_noise_for_g(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(G(torch.randn_like(z))))  # fresh noise for G's update instead of the same fakes
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def _step_g_maximises(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    (-loss_G).backward()  # "G maximises": the non-saturating loss negated before the backward
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def _step_d_eval_for_g(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.eval()  # "held fixed" with eval mode instead of requires_grad_(False): batch norm's running statistics
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.train()
    return loss_D.detach(), loss_G.detach()


# --------------------------------------------------------------------------------------------
# Notebook 02

def _gen_input_not_equal(z, y):
    onehot = (y[:, None] != torch.arange(10)).float()  # != for ==: the one-hot inverted
    return torch.cat([z, onehot], dim=1)


def _gen_input_number_too(z, y):
    # the label's number appended after the one-hot as well
    return torch.cat([z, F.one_hot(y, 10).float(), y.float()[:, None]], dim=1)


def _gen_input_scaled_to_z(z, y):
    # the one-hot scaled by √z_dim, "so that it weighs as much as z"
    return torch.cat([z, F.one_hot(y, 10).float() * z.shape[1] ** 0.5], dim=1)


def _gen_input_numpy_eye(z, y):
    onehot = torch.from_numpy(np.eye(10)[y.numpy()])  # numpy's eye is float64 ...
    return torch.cat([z, onehot], dim=1)  # ... so the joined input becomes float64


def _disc_input_smoothed(x, y):
    b, _, h, w = x.shape
    onehot = F.one_hot(y, 10).float() * 0.8 + 0.1  # label smoothing on the maps: 0.9 and 0.1
    return torch.cat([x, onehot[:, :, None, None].expand(b, 10, h, w)], dim=1)


def _disc_input_stack(x, y):
    b, _, h, w = x.shape
    channels = F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)
    return torch.stack([x, channels], dim=1)  # torch.stack for torch.cat


def _disc_input_white_255(x, y):
    b, _, h, w = x.shape
    onehot = F.one_hot(y, 10).float() * 255  # the label's map painted white as in a raw image file
    return torch.cat([x, onehot[:, :, None, None].expand(b, 10, h, w)], dim=1)


def _disc_input_nine_maps(x, y):
    b, _, h, w = x.shape
    onehot = F.one_hot(y, 10).float()[:, 1:]  # label 0 left implicit (all maps off): nine maps for 1 … 9
    return torch.cat([x, onehot[:, :, None, None].expand(b, 9, h, w)], dim=1)


def _cond_halved(real_logits, fake_logits, mismatched_logits):
    return (_bce(real_logits, torch.ones_like(real_logits))
            + _bce(fake_logits, torch.zeros_like(fake_logits))
            + _bce(mismatched_logits, torch.zeros_like(mismatched_logits))) / 2  # halved, as pix2pix does


def _cond_logits_added(real_logits, fake_logits, mismatched_logits):
    # the two kinds of fake pair joined by adding their logits, with one fake term
    return (_bce(real_logits, torch.ones_like(real_logits))
            + _bce(fake_logits + mismatched_logits, torch.zeros_like(fake_logits)))


def _cond_real_sign(real_logits, fake_logits, mismatched_logits):
    # −log σ(ℓ) written −logsigmoid(−ℓ): the real pairs labelled 0 as well
    return (-F.logsigmoid(-real_logits).mean()
            + _bce(fake_logits, torch.zeros_like(fake_logits))
            + _bce(mismatched_logits, torch.zeros_like(mismatched_logits)))


def _cond_worse_fake_term(real_logits, fake_logits, mismatched_logits):
    # "fake or mismatched": only the larger of the two fake terms counts
    fake = _bce(fake_logits, torch.zeros_like(fake_logits))
    mismatched = _bce(mismatched_logits, torch.zeros_like(mismatched_logits))
    return _bce(real_logits, torch.ones_like(real_logits)) + torch.maximum(fake, mismatched)


# --------------------------------------------------------------------------------------------
# Notebook 03

def _convs(module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]


def _rf_jump_added(module):
    r, jump = 1, 1
    for conv in _convs(module):
        r += (conv.kernel_size[0] - 1) * jump
        jump += conv.stride[0]  # the strides added to the jump instead of multiplied into it
    return r


def _rf_parentheses(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r + conv.kernel_size[0] - 1) * conv.stride[0]  # the parentheses around r + k − 1
    return r


def _rf_last_layer_in_body(module):
    convs = _convs(module)
    r = 1
    for conv in reversed(convs):
        r = (r - 1) * convs[-1].stride[0] + convs[-1].kernel_size[0]  # convs[-1] in the body instead of conv
    return r


def _rf_return_in_loop(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0]
        return r  # indentation slip: returns after the last layer only
    return r


def _p2p_weighted_mean(fake_logits, fake, target, lambda_L1):
    # a weighted mean of the two terms, "to keep the loss's scale": divided by 1 + λ
    gan = _bce(fake_logits, torch.ones_like(fake_logits))
    return (gan + lambda_L1 * F.l1_loss(fake, target)) / (1 + lambda_L1)


def _p2p_gan_subtracted(fake_logits, fake, target, lambda_L1):
    return -_bce(fake_logits, torch.ones_like(fake_logits)) + lambda_L1 * F.l1_loss(fake, target)  # sign slip


def _p2p_lambda_percent(fake_logits, fake, target, lambda_L1):
    # λ = 100 read as "100 %": the L1 term weighed by λ / 100
    return _bce(fake_logits, torch.ones_like(fake_logits)) + lambda_L1 / 100 * F.l1_loss(fake, target)


def _p2p_tanh_again(fake_logits, fake, target, lambda_L1):
    # G's photo passed through tanh again "to be sure it is in range" before the L1
    return _bce(fake_logits, torch.ones_like(fake_logits)) + lambda_L1 * F.l1_loss(torch.tanh(fake), target)


def _unet_encode(G, x):
    skips = []
    for block in G.encoder:
        x = block(x)
        skips.append(x)
    skips.pop()
    return x, skips


def _unet_no_to_image(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return torch.tanh(x)  # G.to_image forgotten: the last features, squashed


def _unet_tanhshrink(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return F.tanhshrink(G.to_image(x))  # F.tanhshrink (x − tanh x) picked for tanh


def _unet_pixel_values(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return torch.tanh(G.to_image(x)) * 127.5 + 127.5  # mapped to grey levels 0 … 255 "to get an image"


def _unet_cat_height(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=2)  # dim=2 (the height) for the channels
    return torch.tanh(G.to_image(x))


# --------------------------------------------------------------------------------------------
# Notebook 04

def _cycle_item(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # .item() on each term: a Python float, cut off from the graph
    return lambda_cycle * (F.l1_loss(rec_a, real_a).item() + F.l1_loss(rec_b, real_b).item())


def _cycle_abs_before_difference(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # the absolute values taken before subtracting: |rec| − |real| instead of |rec − real|
    a = (rec_a.abs() - real_a.abs()).mean()
    b = (rec_b.abs() - real_b.abs()).mean()
    return lambda_cycle * (a + b)


def _cycle_lambda_twice(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # λ on each term and again on their sum: λ²
    return lambda_cycle * (lambda_cycle * F.l1_loss(rec_a, real_a) + lambda_cycle * F.l1_loss(rec_b, real_b))


def _cycle_batchmean(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # reduction="batchmean", borrowed from F.kl_div: l1_loss does not know it
    return lambda_cycle * (F.l1_loss(rec_a, real_a, reduction="batchmean")
                           + F.l1_loss(rec_b, real_b, reduction="batchmean"))


def _idt_signed(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # .abs() forgotten: the signed differences averaged
    return lambda_cycle * lambda_identity * ((idt_a - real_a).mean() + (idt_b - real_b).mean())


def _idt_b_subtracted(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    return lambda_cycle * lambda_identity * (F.l1_loss(idt_a, real_a) - F.l1_loss(idt_b, real_b))  # − for +


def _idt_per_pixel_position(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # summed, then divided by H·W only: "the mean over the pixels", batch and channels left summed
    pixels = real_a.shape[-2] * real_a.shape[-1]
    a = F.l1_loss(idt_a, real_a, reduction="sum") / pixels
    b = F.l1_loss(idt_b, real_b, reduction="sum") / pixels
    return lambda_cycle * lambda_identity * (a + b)


def _idt_split_weights(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # the two weights given one to each term: λ on A's, λ_idt on B's
    return lambda_cycle * F.l1_loss(idt_a, real_a) + lambda_identity * F.l1_loss(idt_b, real_b)


def _pool_pop_newest(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            out.append(pool.pop())  # pop(): the most recent stored image, not a random one
            pool.append(image)
        else:
            out.append(image)
    return torch.cat(out)


def _pool_fills_one_past(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) <= size:  # <= for <: the pool fills to size + 1
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_insert(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool.insert(i, image)  # list.insert for assignment: the pool grows and the old image stays
        else:
            out.append(image)
    return torch.cat(out)


def _pool_one_slot_per_batch(pool, images, size=50):
    out = []
    i = int(torch.randint(size, ()))  # the slot drawn once, before the loop, for the whole batch
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _sem_sigmoid_first(logits_translated, logits_source):
    # the logits squashed with sigmoid "into probabilities" before the cross-entropy
    return F.cross_entropy(torch.sigmoid(logits_translated), logits_source.argmax(dim=1))


def _sem_ensemble_target(logits_translated, logits_source):
    target = (logits_translated + logits_source).argmax(dim=1)  # the class read from both logits summed
    return F.cross_entropy(logits_translated, target)


def _sem_confidence_weighted(logits_translated, logits_source):
    # each image's cross-entropy weighted by how sure f is of the source
    confidence = logits_source.softmax(dim=1).max(dim=1).values
    ce = F.cross_entropy(logits_translated, logits_source.argmax(dim=1), reduction="none")
    return (confidence * ce).mean()


def _sem_one_minus_probability(logits_translated, logits_source):
    p = logits_translated.softmax(dim=1).gather(1, logits_source.argmax(dim=1, keepdim=True))
    return (1 - p).mean()  # one minus the class's probability instead of minus its log


# --------------------------------------------------------------------------------------------
# Notebook 05

def _fade_precedence(alpha, old, new):
    return (old * (1 - alpha) + new) * alpha  # the parentheses around the sum instead of α·new


def _fade_old_minus_alpha(alpha, old, new):
    return old - alpha + alpha * new  # (1 − α)·old expanded as old − α, the ·old dropped


def _fade_divided_by_alpha(alpha, old, new):
    return old + (new - old) / alpha  # the residual form with α dividing instead of multiplying


def _fade_one_minus_alpha_on_both(alpha, old, new):
    return (1 - alpha) * (old + new)  # copy-paste slip: 1 − α on both outputs


def _pn_minus_one_half(x):
    return x * (x.pow(2).mean(dim=1, keepdim=True) + 1e-8) ** -1 / 2  # ** −1 / 2: divided by m, then halved


def _pn_mean_of_norms(x):
    # each pixel's root mean square computed, then averaged into one number for the whole batch
    return x / torch.sqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8).mean()


def _pn_half_precision(x):
    x = x.half()  # half precision "to save memory": 1e-8 and tiny squares flush to zero
    return x / torch.sqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8)


def _pn_epsilon_typo(x):
    return x / torch.sqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e8)  # 1e8 typed for 1e-8


def _mbstd_not_over_pixels(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    std = (x.view(g, n // g, c, h, w).var(dim=0, unbiased=False) + 1e-8).sqrt()
    s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, 1, 1)], dim=1)  # a (N, 1, 1, 1) map: never spread over the pixels


def _mbstd_root_twice(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    std = (x.view(g, n // g, c, h, w).var(dim=0, unbiased=False) + 1e-8).sqrt()
    s = std.mean(dim=(1, 2, 3)).sqrt().view(n // g, 1, 1, 1)  # a second square root after averaging
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_grey_first(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    grey = x.mean(dim=1).view(g, n // g, h, w)  # each image averaged over its channels first
    std = (grey.var(dim=0, unbiased=False) + 1e-8).sqrt()
    s = std.mean(dim=(1, 2)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_whole_tensor(x, group_size):
    n, c, h, w = x.shape
    return torch.cat([x, x.std().expand(n, 1, h, w)], dim=1)  # x.std(): one spread of every number in x


def _eq_gain_divides(x, weight, bias, gain):
    return F.linear(x, weight / (gain * weight.shape[1] ** 0.5), bias)  # the gain in the denominator too


def _eq_torch_gain(x, weight, bias, gain):
    gain = torch.nn.init.calculate_gain("leaky_relu", 0.2)  # torch's own gain for the layer's leaky ReLU
    return F.linear(x, weight * (gain / weight.shape[1] ** 0.5), bias)


def _eq_root_twice(x, weight, bias, gain):
    fan_in = weight.shape[1] ** 0.5  # the root taken here ...
    return F.linear(x, weight * (gain / fan_in ** 0.5), bias)  # ... and again: gain / fan_in^¼


def _eq_floor_division(x, weight, bias, gain):
    return F.linear(x, weight * (gain // weight.shape[1] ** 0.5), bias)  # // for /: the constant floors to 0


# --------------------------------------------------------------------------------------------
# Notebook 06

def _map_lr_multiplier_on_input(net, z):
    x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    x = x * 0.01  # the lr_multiplier (0.01) applied to the normalised input
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _map_divided_by_root_dim(net, z):
    x = z / z.shape[1] ** 0.5  # divided by √z_dim, the rms z "should" have, not by its own
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _map_final_tanh(net, z):
    x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    for layer in net.net[1:]:
        x = layer(x)
    return torch.tanh(x)  # a final tanh "to keep w bounded"


def _map_divided_by_rsqrt(net, z):
    x = z / torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)  # divided by rsqrt: times the rms
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _adain_over_channels(x, style_scale, style_bias):
    mu = x.mean(dim=1, keepdim=True)  # each pixel normalised over the channels
    sigma = (x.var(dim=1, keepdim=True, unbiased=False) + 1e-8).sqrt()
    return style_scale[:, :, None, None] * (x - mu) / sigma + style_bias[:, :, None, None]


def _adain_first_image_statistics(x, style_scale, style_bias):
    mu = x[:1].mean(dim=(2, 3), keepdim=True)  # the first image's statistics for the whole batch
    sigma = (x[:1].var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    return style_scale[:, :, None, None] * (x - mu) / sigma + style_bias[:, :, None, None]


def _adain_summed_squares(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = ((x - mu).pow(2).sum(dim=(2, 3), keepdim=True) + 1e-8).sqrt()  # deviations summed, not averaged
    return style_scale[:, :, None, None] * (x - mu) / sigma + style_bias[:, :, None, None]


def _adain_uncentred_sigma(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.pow(2).mean(dim=(2, 3), keepdim=True) + 1e-8).sqrt()  # the raw second moment, not centred
    return style_scale[:, :, None, None] * (x - mu) / sigma + style_bias[:, :, None, None]


def _noise_lerp(x, strength, noise):
    return torch.lerp(x, noise, strength)  # torch.lerp: x blended towards the noise, x + B·(noise − x)


def _noise_squeezed(x, strength, noise):
    return x + strength * noise.squeeze(1)  # the noise's channel axis squeezed away: (N, H, W) misaligns


def _noise_matmul(x, strength, noise):
    return x + strength @ noise  # @ for *: a matrix product


def _noise_addcmul_plus_x(x, strength, noise):
    return x + torch.addcmul(x, strength, noise)  # addcmul already adds x: x counted twice


def _modconv(x, wts, padding=None):
    n, c_in, h, w = x.shape
    c_out, k = wts.shape[1], wts.shape[-1]
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k),
                   padding=k // 2 if padding is None else padding, groups=n)
    return out.view(n, c_out, *out.shape[2:])


def _modconv_input_interleaved(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    flat = x.transpose(0, 1).reshape(1, n * c_in, h, w)  # channels first, images second: the groups mix images
    out = F.conv2d(flat, wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _modconv_style_not_squared(x, weight, style):
    s = style[:, None, :, None, None]
    # the factor worked out from Σ s·w² instead of Σ (s·w)²: the style not squared
    demod = torch.rsqrt((weight[None].pow(2) * s).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    return _modconv(x, weight[None] * s * demod)


def _modconv_not_viewed_back(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    # the grouped output (1, N·C_out, H, W) returned as it is
    return F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)


def _modconv_transposed(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    out = F.conv_transpose2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k),  # for conv2d
                             padding=k // 2, groups=n)
    return out.view(n, -1, *out.shape[2:])


def _trunc_batch_median(w, w_avg, psi):
    m = w.median(dim=0, keepdim=True).values  # the batch's median code, "robust", for w_avg
    return m + psi * (w - m)


def _trunc_fixed_psi(w, w_avg, psi):
    return w_avg + 0.7 * (w - w_avg)  # the lecture's ψ = 0.7 hard-coded


def _trunc_repeated_mean(w, w_avg, psi):
    mean = w_avg.repeat(len(w))  # repeat(N) on a vector: one long vector, not N rows
    return mean + psi * (w - mean)


def _trunc_psi_added(w, w_avg, psi):
    return w_avg + psi + (w - w_avg)  # + for ×: ψ added to the offset


# --------------------------------------------------------------------------------------------
# Notebook 07

def _inv_weight_inside_features(fake, target, features, weight):
    # the weight applied to the images inside φ instead of to the feature term
    return F.mse_loss(fake, target) + F.mse_loss(features(weight * fake), features(weight * target))


def _inv_features_of_difference(fake, target, features, weight):
    # the features of the difference image instead of the difference of the features
    return F.mse_loss(fake, target) + weight * features(fake - target).pow(2).mean()


def _inv_relative_features(fake, target, features, weight):
    target_features = features(target)
    # the feature error made relative: divided by the target features' mean square
    relative = F.mse_loss(features(fake), target_features) / target_features.pow(2).mean()
    return F.mse_loss(fake, target) + weight * relative


def _inv_feature_huber(fake, target, features, weight):
    return F.mse_loss(fake, target) + weight * F.smooth_l1_loss(features(fake), features(target))  # Huber


def _gs_unit_range(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    loss = F.mse_loss((synthesize(code) + 1) / 2, (target + 1) / 2)  # both mapped to [0, 1] "for display"
    grad, = torch.autograd.grad(loss, code)
    return (code - lr * grad).detach()


def _gs_clamped_image(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code).clamp(-1, 1), target), code)  # clamped first
    return (code - lr * grad).detach()


def _gs_returns_loss_too(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    loss = F.mse_loss(synthesize(code), target)
    grad, = torch.autograd.grad(loss, code)
    return (code - lr * grad).detach(), loss.detach()  # the loss returned alongside, "for logging"


def _gs_in_place_on_leaf(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
    code -= lr * grad  # in place, on a leaf that needs a gradient
    return code.detach()


def _po_mean_centred(direction, other):
    direction, other = direction - direction.mean(), other - other.mean()  # centred, as for a correlation
    o = other / other.norm()
    d = direction - (direction @ o) * o
    return d / d.norm()


def _po_absolute_coefficient(direction, other):
    o = other / other.norm()
    d = direction - (direction @ o).abs() * o  # the projection's length taken as a magnitude
    return d / d.norm()


def _po_dot_with_itself(direction, other):
    o = other / other.norm()
    d = direction - (direction @ direction) * o  # d·d for d·ô
    return d / d.norm()


def _po_mixed_normalisation(direction, other):
    o = other / other.norm()
    u = direction / direction.norm()
    d = u - (direction @ o) * o  # the unit direction minus the raw direction's projection
    return d / d.norm()


# --------------------------------------------------------------------------------------------
# Notebook 08

def _q_root_abar_twice(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + abar.sqrt() * noise  # copy-paste: √ᾱ_t on the noise as well


def _q_noise_subtracted(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 - (1 - abar).sqrt() * noise  # − for +


def _q_returns_noise_too(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise, noise  # (x_t, noise), as some libraries return


def _q_rsqrt(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + (1 - abar).rsqrt() * noise  # rsqrt (1 / √·) picked for sqrt on the noise


def _dl_negated_noise(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, t), -noise)  # −ε, "the direction back to x_0", as the target


def _dl_halved(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return 0.5 * F.mse_loss(model(x_t, t), noise)  # the Gaussian's ½ kept in front


def _dl_t_minus_one(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, t - 1), noise)  # the lecture's count from 1: the model told t − 1


def _dl_arguments_swapped(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(t, x_t), noise)  # model(t, x_t): the arguments in the wrong order


def _rs_root_alpha_as_one_minus_root_beta(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta.sqrt())  # √(1 − β_t) written 1 − √β_t
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_sigma_root_alpha(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    return mean + (1 - beta).sqrt() * z if t > 0 else mean  # σ_t taken as √α_t instead of √β_t


def _rs_noise_inside(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    sigma_z = beta.sqrt() * z if t > 0 else 0
    return (x_t - beta / (1 - abar).sqrt() * eps + sigma_z) / (1 - beta).sqrt()  # the noise divided by √α_t too


def _rs_noise_only_at_end(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * z if t == 0 else mean  # the condition inverted: noise at the last step only


WRONG = {
    "to_model_range": [
        ("Applies torchvision's Normalize(0.5, 0.5) to the raw grey levels, leaving out ToTensor's / 255.",
         _range_normalize_without_to_tensor),
        ("Uses F.normalize, which divides by the L2 norm, to \"normalise\" the pixels.", _range_f_normalize),
        ("Clamps the result to [0, 1] out of habit, which cuts off the dark half.", _range_clamped_to_unit),
        ("Converts with .bfloat16() instead of .float(), so the result is a coarse bfloat16.", _range_bfloat16),
    ],
    "d_loss": [
        ("Writes the terms with softplus and forgets the minus in the real one, so real logits are labelled 0.",
         _d_loss_softplus_sign),
        ("Writes −log(1 − D) as 1 − (−log D): the fake term is 1 − BCE(fake, 1).", _d_loss_one_minus_bce),
        ("Uses the exponential loss of boosting, mean e^(−real) + mean e^(fake).", _d_loss_exponential),
        ("Builds the labels as (B, 1) columns, which do not match the (B,) logits.", _d_loss_target_columns),
    ],
    "g_loss": [
        ("Builds the target as integer labels (dtype long) instead of floats.", _g_loss_long_target),
        ("Calls the class torch.nn.BCEWithLogitsLoss(logits, target) as if it were the function.",
         _g_loss_module_called),
        ("Multiplies the probabilities into one likelihood and takes one log, which underflows.",
         _g_loss_likelihood_product),
        ("Uses F.cross_entropy on the logits as (B, 1) scores with class 0: a softmax over one class, always 0.",
         _g_loss_one_class_softmax),
    ],
    "train_step": [
        ("Forgets opt_D.zero_grad(), so D's gradients pile up from one step to the next.", _step_no_zero_grad_d),
        ("Draws fresh noise with torch.randn_like(z) for G's update instead of reusing G(z).",
         _step_fresh_noise_for_g),
        ("Negates G's loss before the backward, \"since G maximises\".", _step_g_maximises),
        ("Holds D fixed for G's update with D.eval() and D.train() around it instead of requires_grad_(False).",
         _step_d_eval_for_g),
    ],
    "generator_input": [
        ("Builds the one-hot with != instead of ==, which inverts it.", _gen_input_not_equal),
        ("Appends the label's number after the one-hot as well.", _gen_input_number_too),
        ("Scales the one-hot by √z_dim so that it weighs as much as z.", _gen_input_scaled_to_z),
        ("Builds the one-hot with numpy's np.eye, which is float64, so the joined input becomes float64.",
         _gen_input_numpy_eye),
    ],
    "discriminator_input": [
        ("Smooths the label maps to 0.9 for the label and 0.1 for the others.",
         _disc_input_smoothed),
        ("Joins the image and the label maps with torch.stack instead of torch.cat.", _disc_input_stack),
        ("Paints the label's map with 255, white as in a raw image file.", _disc_input_white_255),
        ("Leaves label 0 implicit (all maps off) and appends only nine maps, for labels 1 to 9.",
         _disc_input_nine_maps),
    ],
    "conditional_d_loss": [
        ("Halves the sum of the three terms, as pix2pix halves D's loss.", _cond_halved),
        ("Adds the fake and mismatched logits together and gives the sum one fake term.", _cond_logits_added),
        ("Writes the real term as −logsigmoid(−ℓ), a sign slip that labels the real pairs 0 too.",
         _cond_real_sign),
        ("Keeps only the larger of the fake and mismatched terms.", _cond_worse_fake_term),
    ],
    "receptive_field": [
        ("Uses the running form from the input side but adds each stride to the jump instead of multiplying.",
         _rf_jump_added),
        ("Misplaces the parentheses: r ← (r + k − 1)·s.",
         _rf_parentheses),
        ("Copy slip: uses convs[-1] in the loop body instead of conv, so every layer is the last one.",
         _rf_last_layer_in_body),
        ("Indentation slip: returns inside the loop, after the last layer only.", _rf_return_in_loop),
    ],
    "pix2pix_g_loss": [
        ("Divides the weighted sum by 1 + λ, a weighted mean of the two terms.", _p2p_weighted_mean),
        ("Sign slip: subtracts the GAN term, −BCE + λ·L1.", _p2p_gan_subtracted),
        ("Reads λ = 100 as a percentage and weighs the L1 term by λ / 100.",
         _p2p_lambda_percent),
        ("Passes G's photo through tanh again before the L1, \"to be sure it is in range\".", _p2p_tanh_again),
    ],
    "unet_forward": [
        ("Forgets G.to_image and applies tanh to the last decoder features.",
         _unet_no_to_image),
        ("Ends with F.tanhshrink (x − tanh x) instead of tanh.", _unet_tanhshrink),
        ("Maps the tanh output to grey levels 0 … 255.", _unet_pixel_values),
        ("Concatenates along dim=2 (the height) instead of the channels.", _unet_cat_height),
    ],
    "cycle_loss": [
        ("Calls .item() on each term, so the loss is a Python float with no gradient.", _cycle_item),
        ("Takes the absolute values before subtracting: mean(|rec| − |real|).", _cycle_abs_before_difference),
        ("Puts λ on each term and again on their sum, so the weight is λ².", _cycle_lambda_twice),
        ("Passes reduction=\"batchmean\", borrowed from F.kl_div, which l1_loss does not accept.",
         _cycle_batchmean),
    ],
    "identity_loss": [
        ("Forgets the absolute value: averages the signed differences.",
         _idt_signed),
        ("Sign slip: subtracts the B term instead of adding it.", _idt_b_subtracted),
        ("Sums the absolute error and divides by H·W only, leaving the batch and the channels summed.",
         _idt_per_pixel_position),
        ("Gives the two weights one to each term: λ on A's and λ_idt on B's.", _idt_split_weights),
    ],
    "image_pool": [
        ("On a swap takes the most recently stored image with pool.pop() and appends the new one.",
         _pool_pop_newest),
        ("Fills the pool while len(pool) <= size, one image past its size.", _pool_fills_one_past),
        ("Uses pool.insert(i, image) for pool[i] = image, so the pool grows and keeps the old image.",
         _pool_insert),
        ("Draws the slot to swap once, before the loop, for the whole batch.", _pool_one_slot_per_batch),
    ],
    "semantic_loss": [
        ("Squashes the translation's logits with sigmoid before F.cross_entropy.", _sem_sigmoid_first),
        ("Reads the target class from the sum of both logits instead of the source's.", _sem_ensemble_target),
        ("Weighs each image's cross-entropy by f's confidence in the source.", _sem_confidence_weighted),
        ("Minimises one minus the translation's probability of the source's class.",
         _sem_one_minus_probability),
    ],
    "fade_in": [
        ("Misplaces the parentheses: ((1 − α)·old + new)·α.", _fade_precedence),
        ("Expands (1 − α)·old as old − α, dropping the ·old.", _fade_old_minus_alpha),
        ("Writes the residual form with α dividing: old + (new − old) / α.", _fade_divided_by_alpha),
        ("Copy-paste slip: (1 − α) on both outputs.", _fade_one_minus_alpha_on_both),
    ],
    "pixel_norm": [
        ("Writes the power as ** −1 / 2, which is (·)^−1 / 2, for the reciprocal root.",
         _pn_minus_one_half),
        ("Averages the per-pixel root mean squares into one number for the whole batch.", _pn_mean_of_norms),
        ("Computes in half precision, where ε and tiny squares flush to zero.", _pn_half_precision),
        ("Types 1e8 for ε = 1e-8.", _pn_epsilon_typo),
    ],
    "minibatch_std": [
        ("Repeats the groups' numbers over the groups only (repeat(g, 1, 1, 1)), not over the pixels.",
         _mbstd_not_over_pixels),
        ("Takes the square root twice: the root of the averaged standard deviation.",
         _mbstd_root_twice),
        ("Averages each image over its channels first, then takes the group's spread of those grey images.",
         _mbstd_grey_first),
        ("Appends x.std(), the spread of every number in the batch, as the statistic.", _mbstd_whole_tensor),
    ],
    "equalized_linear": [
        ("Puts the gain in the denominator as well: weight / (gain·√fan_in).", _eq_gain_divides),
        ("Replaces the given gain with torch.nn.init.calculate_gain('leaky_relu', 0.2).",
         _eq_torch_gain),
        ("Takes the square root twice: fan_in = √(inputs), then gain / √fan_in.",
         _eq_root_twice),
        ("Writes // for / in the constant: gain // √fan_in, which is 0.",
         _eq_floor_division),
    ],
    "mapping_forward": [
        ("Applies the lr multiplier (0.01) to the normalised z.", _map_lr_multiplier_on_input),
        ("Divides z by √z_dim instead of by its own root mean square.", _map_divided_by_root_dim),
        ("Adds a final tanh \"to keep w bounded\".", _map_final_tanh),
        ("Divides z by torch.rsqrt(…) instead of multiplying, so z is scaled up by its root mean square.",
         _map_divided_by_rsqrt),
    ],
    "adain": [
        ("Normalises each pixel over the channels (dim 1) instead of each map over its pixels.",
         _adain_over_channels),
        ("Normalises every image with the first image's μ and σ.",
         _adain_first_image_statistics),
        ("Sums the squared deviations over the pixels instead of averaging them.", _adain_summed_squares),
        ("Takes σ from the raw second moment, mean x², without centring it.", _adain_uncentred_sigma),
    ],
    "noise_injection": [
        ("Uses torch.lerp(x, noise, strength), blending x towards the noise.", _noise_lerp),
        ("Squeezes the noise's channel axis away, so the (N, H, W) noise misaligns with x.", _noise_squeezed),
        ("Writes @ (a matrix product) for * between the strength and the noise.", _noise_matmul),
        ("Adds torch.addcmul(x, strength, noise) to x, though addcmul already includes x.",
         _noise_addcmul_plus_x),
    ],
    "demodulation": [
        ("Flattens the batch into channels after transposing (channels first), so the groups mix images.",
         _modconv_input_interleaved),
        ("Works out the demodulation from Σ s·w², the style not squared.", _modconv_style_not_squared),
        ("Returns the grouped output (1, N·C_out, H, W) without viewing it back to (N, C_out, H, W).",
         _modconv_not_viewed_back),
        ("Calls F.conv_transpose2d instead of F.conv2d for the grouped convolution.", _modconv_transposed),
    ],
    "truncation": [
        ("Uses the batch's median code instead of w_avg.",
         _trunc_batch_median),
        ("Hard-codes the lecture's ψ = 0.7 instead of using psi.", _trunc_fixed_psi),
        ("Spreads w̄ over the batch with w_avg.repeat(N), which makes one long vector.", _trunc_repeated_mean),
        ("Writes + for ×: w̄ + ψ + (w − w̄).", _trunc_psi_added),
    ],
    "inversion_loss": [
        ("Puts the weight inside φ: features(weight·fake) against features(weight·target).",
         _inv_weight_inside_features),
        ("Takes the features of the difference image instead of the difference of the features.",
         _inv_features_of_difference),
        ("Divides the feature term by the target features' mean square, a relative error.",
         _inv_relative_features),
        ("Uses the smooth L1 (Huber) loss for the feature term.", _inv_feature_huber),
    ],
    "gradient_step": [
        ("Maps the drawn image and the target to [0, 1] before the loss.",
         _gs_unit_range),
        ("Clamps the drawn image to [−1, 1] before the loss.",
         _gs_clamped_image),
        ("Returns the new code together with the loss, a tuple.", _gs_returns_loss_too),
        ("Updates the code in place with code -= lr·∇, on a leaf that needs a gradient.", _gs_in_place_on_leaf),
    ],
    "project_out": [
        ("Mean-centres both vectors first, as for a correlation.",
         _po_mean_centred),
        ("Takes the absolute value of the coefficient d·ô.", _po_absolute_coefficient),
        ("Uses d·d for the coefficient d·ô.", _po_dot_with_itself),
        ("Subtracts the raw direction's projection from the normalised direction.",
         _po_mixed_normalisation),
    ],
    "q_sample": [
        ("Copy-paste slip: √ᾱ_t on the noise as well as on x_0.", _q_root_abar_twice),
        ("Sign slip: subtracts the scaled noise instead of adding it.",
         _q_noise_subtracted),
        ("Returns the pair (x_t, noise) instead of x_t.", _q_returns_noise_too),
        ("Uses rsqrt for sqrt on the noise: (1 − ᾱ_t)^(−½)·ε.", _q_rsqrt),
    ],
    "diffusion_loss": [
        ("Takes −ε as the target, \"the direction back towards x_0\".",
         _dl_negated_noise),
        ("Keeps the Gaussian's ½ in front of the mean squared error.", _dl_halved),
        ("Gives the model t − 1 (counting the steps from 1).", _dl_t_minus_one),
        ("Calls model(t, x_t), the arguments in the wrong order.", _dl_arguments_swapped),
    ],
    "reverse_step": [
        ("Writes √α_t as 1 − √β_t in the division.",
         _rs_root_alpha_as_one_minus_root_beta),
        ("Takes σ_t = √α_t instead of √β_t for the fresh noise.", _rs_sigma_root_alpha),
        ("Puts the fresh noise inside the division by √α_t.", _rs_noise_inside),
        ("Inverts the condition: adds noise at the last step (t = 0) only.", _rs_noise_only_at_end),
    ],
}
