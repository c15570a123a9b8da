"""Wrong answers, second blind set (issue 37): written without seeing the diagnosis, to measure it.

Three plausible wrong answers per short exercise, each with the exercise's exact signature, written as
other students would write them on a first try (and none equal to a mistake the check already names).
"""
import torch
import torch.nn.functional as F

from coursekit.models import ddpm as _ddpm

_bce = F.binary_cross_entropy_with_logits


# --------------------------------------------------------------------------------------------
# Notebook 00

def _range_128(x):
    return x.float() / 128 - 1


def _range_precedence(x):
    return x.float() - 127.5 / 127.5


def _range_uint8_overflow(x):
    return (2 * x).float() / 255 - 1


# --------------------------------------------------------------------------------------------
# Notebook 01

def _d_loss_value_not_loss(real_logits, fake_logits):
    return F.logsigmoid(real_logits).mean() + F.logsigmoid(-fake_logits).mean()


def _d_loss_all_ones(real_logits, fake_logits):
    return _bce(real_logits, torch.ones_like(real_logits)) + _bce(fake_logits, torch.ones_like(fake_logits))


def _d_loss_fake_only(real_logits, fake_logits):
    return _bce(fake_logits, torch.zeros_like(fake_logits))


def _g_loss_log_of_mean(fake_logits):
    return -torch.log(torch.sigmoid(fake_logits).mean())


def _g_loss_smoothed(fake_logits):
    return _bce(fake_logits, torch.full_like(fake_logits, 0.9))


def _g_loss_squared(fake_logits):
    return ((torch.sigmoid(fake_logits) - 1) ** 2).mean()


def _d_loss_ref(real_logits, fake_logits):
    return _bce(real_logits, torch.ones_like(real_logits)) + _bce(fake_logits, torch.zeros_like(fake_logits))


def _g_loss_ref(fake_logits):
    return _bce(fake_logits, torch.ones_like(fake_logits))


def _step_zero_grad_after_backward(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _d_loss_ref(D(real), D(fake.detach()))
    loss_D.backward()
    opt_D.zero_grad()
    opt_D.step()
    D.requires_grad_(False)
    loss_G = _g_loss_ref(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def _step_losses_swapped(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _d_loss_ref(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.requires_grad_(False)
    loss_G = _g_loss_ref(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_G.detach(), loss_D.detach()


def _step_g_minus_d_loss(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _d_loss_ref(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.requires_grad_(False)
    loss_G = -_d_loss_ref(D(real), D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


# --------------------------------------------------------------------------------------------
# Notebook 02

def _gen_input_multi_hot(z, y):
    one_hot = torch.zeros(len(y), 10)
    one_hot[:, y] = 1
    return torch.cat([z, one_hot], dim=1)


def _gen_input_one_based(z, y):
    return torch.cat([z, torch.eye(10)[y - 1]], dim=1)


def _gen_input_signed(z, y):
    return torch.cat([z, F.one_hot(y, 10).float() * 2 - 1], dim=1)


def _disc_input_repeat_view(x, y):
    b, _, h, w = x.shape
    channels = F.one_hot(y, 10).float().repeat(1, h * w).view(b, 10, h, w)
    return torch.cat([x, channels], dim=1)


def _disc_input_eye_columns(x, y):
    b, _, h, w = x.shape
    channels = torch.eye(10)[:, y].reshape(b, 10, 1, 1).expand(b, 10, h, w)
    return torch.cat([x, channels], dim=1)


def _disc_input_batch_labels(x, y):
    b, c, h, w = x.shape
    out = torch.zeros(b, c + 10, h, w)
    out[:, :c] = x
    out[:, c + y] = 1
    return out


def _cond_gan_cls_average(real_logits, fake_logits, mismatched_logits):
    return (_bce(real_logits, torch.ones_like(real_logits))
            + 0.5 * (_bce(fake_logits, torch.zeros_like(fake_logits))
                     + _bce(mismatched_logits, torch.zeros_like(mismatched_logits))))


def _cond_copy_paste(real_logits, fake_logits, mismatched_logits):
    real = _bce(real_logits, torch.ones_like(real_logits))
    fake = _bce(mismatched_logits, torch.zeros_like(fake_logits))
    mismatched = _bce(mismatched_logits, torch.zeros_like(mismatched_logits))
    return real + fake + mismatched


def _cond_minus_mismatched(real_logits, fake_logits, mismatched_logits):
    return (_bce(real_logits, torch.ones_like(real_logits)) + _bce(fake_logits, torch.zeros_like(fake_logits))
            - _bce(mismatched_logits, torch.zeros_like(mismatched_logits)))


# --------------------------------------------------------------------------------------------
# Notebook 03

def _convs(module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]


def _rf_no_minus_one(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = r * conv.stride[0] + conv.kernel_size[0]
    return r


def _rf_jump_too_early(module):
    r, jump = 1, 1
    for conv in _convs(module):
        jump *= conv.stride[0]
        r += (conv.kernel_size[0] - 1) * jump
    return r


def _rf_minus_padding(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0] - 2 * conv.padding[0]
    return r


def _p2p_no_abs(fake_logits, fake, target, lambda_L1):
    return _bce(fake_logits, torch.ones_like(fake_logits)) + lambda_L1 * (fake - target).mean()


def _p2p_l1_sum(fake_logits, fake, target, lambda_L1):
    return (_bce(fake_logits, torch.ones_like(fake_logits))
            + lambda_L1 * F.l1_loss(fake, target, reduction="sum"))


def _p2p_no_lambda(fake_logits, fake, target, lambda_L1):
    return _bce(fake_logits, torch.ones_like(fake_logits)) + F.l1_loss(fake, target)


def _unet_decode(G, x):
    skips = []
    for block in G.encoder:
        x = block(x)
        skips.append(x)
    skips.pop()
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return x


def _unet_tanh_before_last(G, x):
    return G.to_image(torch.tanh(_unet_decode(G, x)))


def _unet_relu_after_join(G, x):
    skips = []
    for block in G.encoder:
        x = block(x)
        skips.append(x)
    skips.pop()
    for block in G.decoder:
        x = torch.relu(torch.cat([block(x), skips.pop()], dim=1))
    return torch.tanh(G.to_image(x))


def _unet_sigmoid(G, x):
    return torch.sigmoid(G.to_image(_unet_decode(G, x)))


# --------------------------------------------------------------------------------------------
# Notebook 04

def _cycle_lambda_first_only(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    return lambda_cycle * F.l1_loss(rec_a, real_a) + F.l1_loss(rec_b, real_b)


def _cycle_halved(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    return lambda_cycle * (F.l1_loss(rec_a, real_a) + F.l1_loss(rec_b, real_b)) / 2


def _cycle_norms(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    return lambda_cycle * ((rec_a - real_a).norm() + (rec_b - real_b).norm())


def _idt_no_lambda_identity(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    return lambda_cycle * (F.l1_loss(idt_a, real_a) + F.l1_loss(idt_b, real_b))


def _idt_precedence(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    return lambda_cycle * lambda_identity * F.l1_loss(idt_a, real_a) + F.l1_loss(idt_b, real_b)


def _idt_one_l1_over_both(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    return lambda_cycle * lambda_identity * F.l1_loss(torch.cat([idt_a, idt_b]), torch.cat([real_a, real_b]))


def _pool_overwrite_then_read(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            pool[i] = image
            out.append(pool[i])
        else:
            out.append(image)
    return torch.cat(out)


def _pool_one_coin(pool, images, size=50):
    out = []
    swap = torch.rand(()) < 0.5
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif swap:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_rebound(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool = pool + [image]
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _sem_own_argmax(logits_translated, logits_source):
    return F.cross_entropy(logits_translated, logits_translated.argmax(dim=1))


def _sem_softmax_first(logits_translated, logits_source):
    return F.cross_entropy(F.softmax(logits_translated, dim=1), logits_source.argmax(dim=1))


def _sem_log_softmax_batch(logits_translated, logits_source):
    return F.nll_loss(F.log_softmax(logits_translated, dim=0), logits_source.argmax(dim=1))


# --------------------------------------------------------------------------------------------
# Notebook 05

def _fade_sign(alpha, old, new):
    return old + alpha * (old - new)


def _fade_new_unweighted(alpha, old, new):
    return (1 - alpha) * old + new


def _fade_precedence(alpha, old, new):
    return 1 - alpha * old + alpha * new


def _pn_no_keepdim(x):
    return x / torch.sqrt(x.pow(2).mean(dim=1) + 1e-8)


def _pn_standardise(x):
    return (x - x.mean(dim=1, keepdim=True)) / torch.sqrt(x.var(dim=1, keepdim=True, unbiased=False) + 1e-8)


def _pn_square_of_mean(x):
    return x / torch.sqrt(x.mean(dim=1, keepdim=True).pow(2) + 1e-8)


def _mbstd_root_of_mean(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    var = y.var(dim=0, unbiased=False)
    s = (var.mean(dim=(1, 2, 3)) + 1e-8).sqrt().view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_repeat_interleave(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    std = (y.var(dim=0, unbiased=False) + 1e-8).sqrt()
    s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat_interleave(g, dim=0).expand(n, 1, h, w)], dim=1)


def _mbstd_wrong_axis(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    std = (y.var(dim=1, unbiased=False) + 1e-8).sqrt()
    s = std.mean(dim=(1, 2, 3)).view(g, 1, 1, 1)
    return torch.cat([x, s.repeat(n // g, 1, h, w)], dim=1)


def _eq_gain_in_root(x, weight, bias, gain):
    fan_in = weight.shape[1]
    return F.linear(x, weight * (gain / fan_in) ** 0.5, bias)


def _eq_numel(x, weight, bias, gain):
    return F.linear(x, weight * (gain / weight.numel() ** 0.5), bias)


def _eq_he_hardcoded(x, weight, bias, gain):
    fan_in = weight.shape[1]
    return F.linear(x, weight * (2 / fan_in) ** 0.5, bias)


# --------------------------------------------------------------------------------------------
# Notebook 06

def _normalise(z):
    return z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)


def _map_skip_first_linear(net, z):
    x = _normalise(z)
    for layer in net.net[2:]:
        x = layer(x)
    return x


def _map_unit_length(net, z):
    x = z / z.norm(dim=1, keepdim=True)
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _map_default_slope(net, z):
    x = _normalise(z)
    for layer in net.net[1:]:
        x = F.leaky_relu(x) if isinstance(layer, torch.nn.LeakyReLU) else layer(x)
    return x


def _adain_no_reshape(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    return style_scale * (x - mu) / sigma + style_bias


def _adain_bias_inside(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    return style_scale[:, :, None, None] * ((x - mu) / sigma + style_bias[:, :, None, None])


def _adain_one_plus_scale(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    return (1 + style_scale[:, :, None, None]) * (x - mu) / sigma + style_bias[:, :, None, None]


def _noise_plus_strength(x, strength, noise):
    return x + strength + noise


def _noise_scale_all(x, strength, noise):
    return (x + noise) * strength


def _noise_batch_shared(x, strength, noise):
    return x + strength * noise.mean(dim=0, keepdim=True)


def _modconv(x, weight, style, style_axis=2, demod_dims=(2, 3, 4), reduce="sum"):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    s = style[:, None, :, None, None] if style_axis == 2 else style[:, :, None, None, None]
    wts = weight[None] * s
    sq = wts.pow(2).sum(dim=demod_dims, keepdim=True) if reduce == "sum" else wts.pow(2).mean(dim=demod_dims,
                                                                                             keepdim=True)
    wts = wts * torch.rsqrt(sq + 1e-8)
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _modconv_style_on_outputs(x, weight, style):
    return _modconv(x, weight, style, style_axis=1)


def _modconv_demod_kernel_only(x, weight, style):
    return _modconv(x, weight, style, demod_dims=(3, 4))


def _modconv_demod_mean(x, weight, style):
    return _modconv(x, weight, style, reduce="mean")


def _trunc_from_w(w, w_avg, psi):
    return w + psi * (w - w_avg)


def _trunc_flipped_difference(w, w_avg, psi):
    return w_avg + psi * (w_avg - w)


def _trunc_no_mean_back(w, w_avg, psi):
    return psi * (w - w_avg)


# --------------------------------------------------------------------------------------------
# Notebook 07

def _inv_convex(fake, target, features, weight):
    return (1 - weight) * F.mse_loss(fake, target) + weight * F.mse_loss(features(fake), features(target))


def _inv_rmse_features(fake, target, features, weight):
    return F.mse_loss(fake, target) + weight * F.mse_loss(features(fake), features(target)).sqrt()


def _inv_no_pixels(fake, target, features, weight):
    return weight * F.mse_loss(features(fake), features(target))


def _gs_not_detached(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
    return code - lr * grad


def _gs_loss_not_grad(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    loss = F.mse_loss(synthesize(code), target)
    return (code - lr * loss).detach()


def _gs_rmse(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target).sqrt(), code)
    return (code - lr * grad).detach()


def _po_norm_once(direction, other):
    d = direction - (direction @ other) / other.norm() * other
    return d / d.norm()


def _po_wrong_renorm(direction, other):
    o = other / other.norm()
    d = direction - (direction @ o) * o
    return d / direction.norm()


def _po_elementwise(direction, other):
    o = other / other.norm()
    d = direction - (direction * o) * o
    return d / d.norm()


# --------------------------------------------------------------------------------------------
# Notebook 08

def _q_sqrt_signal_only(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + (1 - abar) * noise


def _q_one_minus_root(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + (1 - abar.sqrt()) * noise


def _q_wrong_view(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(1, -1, 1, 1)
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def _dl_scaled_noise_target(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return F.mse_loss(model(x_t, t), (1 - abar).sqrt() * noise)


def _dl_t_plus_one(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, t + 1), noise)


def _dl_q_sample_args_swapped(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(noise, t, x0, alphas_cumprod)
    return F.mse_loss(model(x_t, t), noise)


def _rs_lecture_index(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar_t = betas[t - 1], alphas_cumprod[t - 1]
    mean = (x_t - beta / (1 - abar_t).sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_times_root_alpha(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar_t = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar_t).sqrt() * eps) * (1 - beta).sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_alpha_for_abar(eps, t, x_t, betas, alphas_cumprod, z):
    beta = betas[t]
    alpha = 1 - beta
    mean = (x_t - beta / (1 - alpha).sqrt() * eps) / alpha.sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean


WRONG = {
    "to_model_range": [
        ("Divides by 128 instead of 127.5, so white lands just below +1.", _range_128),
        ("Forgot the parentheses: x − 127.5 / 127.5 subtracts 1 from the raw pixels and never scales them.",
         _range_precedence),
        ("Doubles the uint8 pixels before converting to float, so values above 127 wrap around.",
         _range_uint8_overflow),
    ],
    "d_loss": [
        ("Returns the value function V = mean log D(x) + mean log(1 − D(G(z))) itself, not its negative.",
         _d_loss_value_not_loss),
        ("Labels both the real and the fake logits with 1.", _d_loss_all_ones),
        ("Only the fake term: D is never told to call real images real.", _d_loss_fake_only),
    ],
    "g_loss": [
        ("Takes the log of the batch's mean probability instead of the mean of the logs.", _g_loss_log_of_mean),
        ("Uses a smoothed target of 0.9 instead of 1 for G's loss.", _g_loss_smoothed),
        ("Uses a squared error (1 − D(G(z)))² on the probabilities instead of the cross-entropy.",
         _g_loss_squared),
    ],
    "train_step": [
        ("Calls opt_D.zero_grad() between loss_D.backward() and opt_D.step(), so D never moves.",
         _step_zero_grad_after_backward),
        ("Returns the two losses in the wrong order, (loss_G, loss_D).", _step_losses_swapped),
        (("G minimises minus D's whole loss (the minimax form, real term included) instead of the "
         "non-saturating loss."), _step_g_minus_d_loss),
    ],
    "generator_input": [
        ("Builds the one-hot by hand with one_hot[:, y] = 1, which sets every label of the batch in every row.",
         _gen_input_multi_hot),
        ("Counts the labels from 1 (torch.eye(10)[y - 1]), so every one-hot is shifted down by one.",
         _gen_input_one_based),
        ("Scales the one-hot to ±1 like the pixels, so the other classes read −1 instead of 0.",
         _gen_input_signed),
    ],
    "discriminator_input": [
        ("Uses repeat and view instead of expand, which scrambles the label channels over the pixels.",
         _disc_input_repeat_view),
        (("Indexes the columns of the identity (torch.eye(10)[:, y]) and reshapes, which mixes up the images' "
         "labels."), _disc_input_eye_columns),
        ("Sets out[:, c + y] = 1, which turns on every label of the batch in every image.",
         _disc_input_batch_labels),
    ],
    "conditional_d_loss": [
        ("Averages the fake and mismatched terms (as in GAN-CLS) instead of adding both.",
         _cond_gan_cls_average),
        ("Copy-paste slip: the fake term uses the mismatched logits, so the fake logits are never used.",
         _cond_copy_paste),
        ("Subtracts the mismatched-label term instead of adding it.", _cond_minus_mismatched),
    ],
    "receptive_field": [
        ("Drops the − 1 of the recursion: r ← r·stride + kernel.", _rf_no_minus_one),
        (("Walks input first with a running jump, but multiplies in the layer's stride before adding its "
         "kernel."), _rf_jump_too_early),
        ("Subtracts twice the padding at each layer, as if padding shrank the receptive field.",
         _rf_minus_padding),
    ],
    "pix2pix_g_loss": [
        ("The L1 term is the mean difference without the absolute value.", _p2p_no_abs),
        ("The L1 term is summed over the pixels instead of averaged.", _p2p_l1_sum),
        ("Forgets to multiply the L1 term by lambda_L1.", _p2p_no_lambda),
    ],
    "unet_forward": [
        ("Applies tanh before G.to_image instead of after it.", _unet_tanh_before_last),
        ("Adds a ReLU after each concatenation, which cuts the negative part of the (leaky) encoder skips.",
         _unet_relu_after_join),
        ("Ends with a sigmoid instead of tanh, so the images lie in [0, 1].", _unet_sigmoid),
    ],
    "cycle_loss": [
        ("Precedence slip: λ multiplies only the A cycle's term.", _cycle_lambda_first_only),
        ("Averages the two cycle terms (divides their sum by 2).", _cycle_halved),
        ("Uses the Euclidean norm of each difference instead of the mean absolute error.", _cycle_norms),
    ],
    "identity_loss": [
        ("Weighs the identity terms by λ alone, forgetting λ_idt.", _idt_no_lambda_identity),
        ("Precedence slip: λ·λ_idt multiplies only the A term.", _idt_precedence),
        ("One L1 over both pairs concatenated, which averages the two terms instead of adding them.",
         _idt_one_l1_over_both),
    ],
    "image_pool": [
        (("When swapping, writes the new image into the pool before reading the slot, so it returns the new "
         "image and the old one is lost."), _pool_overwrite_then_read),
        ("Flips one coin for the whole batch instead of one per image.", _pool_one_coin),
        (("Adds to the pool with pool = pool + [image], which rebinds a local list and leaves the caller's pool "
         "unchanged."), _pool_rebound),
    ],
    "semantic_loss": [
        ("Takes the target class from the translation's own logits instead of the source's.", _sem_own_argmax),
        ("Applies softmax before F.cross_entropy, which applies log-softmax again.", _sem_softmax_first),
        ("Takes the log-softmax over the batch (dim 0) instead of over the classes.", _sem_log_softmax_batch),
    ],
    "fade_in": [
        ("Sign slip in the interpolation: old + α(old − new) instead of old + α(new − old).", _fade_sign),
        ("Forgets α on the new block's output: (1 − α)·old + new.", _fade_new_unweighted),
        ("Missing parentheses: 1 − α·old + α·new.", _fade_precedence),
    ],
    "pixel_norm": [
        ("Forgets keepdim=True, so the per-pixel norm does not broadcast back over the channels.",
         _pn_no_keepdim),
        (("Standardises each pixel's features (subtracts their mean, divides by their std) instead of dividing "
         "by the root mean square."), _pn_standardise),
        ("Squares the mean instead of taking the mean of the squares.", _pn_square_of_mean),
    ],
    "minibatch_std": [
        ("Averages the variances and then takes one square root, instead of averaging the standard deviations.",
         _mbstd_root_of_mean),
        ("Spreads the group statistics with repeat_interleave, so images get the statistic of another group.",
         _mbstd_repeat_interleave),
        (("Takes the standard deviation over dim 1 of the (g, N/g, ...) view, across groups instead of within "
         "one."), _mbstd_wrong_axis),
    ],
    "equalized_linear": [
        ("Puts the gain inside the square root: sqrt(gain / fan_in).", _eq_gain_in_root),
        ("Takes the fan-in as all the weight's elements (weight.numel()) instead of its inputs.", _eq_numel),
        ("Hard-codes He's sqrt(2 / fan_in) and ignores the gain argument.", _eq_he_hardcoded),
    ],
    "mapping_forward": [
        ("Off by one: applies net.net[2:] after normalising, skipping the first linear layer.",
         _map_skip_first_linear),
        ("Normalises z to unit length (divides by its norm) instead of to unit root mean square.",
         _map_unit_length),
        ("Replaces the network's leaky ReLUs by F.leaky_relu with its default slope 0.01 instead of 0.2.",
         _map_default_slope),
    ],
    "adain": [
        ("Does not reshape the (N, C) styles to (N, C, 1, 1) before broadcasting.", _adain_no_reshape),
        ("Adds the bias before scaling: y_s·(x̂ + y_b).", _adain_bias_inside),
        ("Scales by 1 + y_s (as some implementations' offset) instead of y_s.", _adain_one_plus_scale),
    ],
    "noise_injection": [
        ("Adds the strength to x instead of multiplying the noise by it.", _noise_plus_strength),
        ("Multiplies the sum x + noise by the strength instead of only the noise.", _noise_scale_all),
        ("Averages the noise over the batch, so every image gets the same noise.", _noise_batch_shared),
    ],
    "demodulation": [
        (("Puts the style on the output-channel axis (style[:, :, None, None, None]) instead of the input "
         "channels."), _modconv_style_on_outputs),
        ("Demodulates over the kernel positions only (dims 3, 4), not over the input channels too.",
         _modconv_demod_kernel_only),
        ("Demodulates with the mean of the squared weights instead of their sum.", _modconv_demod_mean),
    ],
    "truncation": [
        ("Starts from w instead of w_avg: w + ψ(w − w̄).", _trunc_from_w),
        ("Flips the difference: w̄ + ψ(w̄ − w).", _trunc_flipped_difference),
        ("Forgets to add w̄ back: ψ(w − w̄).", _trunc_no_mean_back),
    ],
    "inversion_loss": [
        ("Weighs the pixel term by 1 − weight, a convex combination, instead of keeping it whole.", _inv_convex),
        ("Takes the square root of the feature MSE (an RMS distance) instead of the MSE.", _inv_rmse_features),
        ("Forgets the pixel term: only the weighted feature distance.", _inv_no_pixels),
    ],
    "gradient_step": [
        ("Forgets to detach the new code, so it stays attached to the graph.", _gs_not_detached),
        ("Steps by the loss value instead of the gradient.", _gs_loss_not_grad),
        ("Takes the gradient of the root mean squared error instead of the mean squared error.", _gs_rmse),
    ],
    "project_out": [
        ("Divides the dot product by ‖o‖ once instead of by ‖o‖² (or normalising o first).", _po_norm_once),
        ("Renormalises by the original direction's norm instead of the result's.", _po_wrong_renorm),
        ("Uses the element-wise product d * ô instead of the dot product d · ô.", _po_elementwise),
    ],
    "q_sample": [
        ("Takes the square root for the signal's scale but not for the noise's: (1 − ᾱ_t)·ε.",
         _q_sqrt_signal_only),
        ("Parenthesis slip: the noise's scale is 1 − √ᾱ_t instead of √(1 − ᾱ_t).", _q_one_minus_root),
        ("Reshapes ᾱ_t to (1, N, 1, 1), broadcasting it along the channels instead of the batch.",
         _q_wrong_view),
    ],
    "diffusion_loss": [
        ("Compares the prediction with the noise as added, √(1 − ᾱ_t)·ε, instead of ε itself.",
         _dl_scaled_noise_target),
        ("Gives the network t + 1 (the lecture's count) instead of the t that made x_t.", _dl_t_plus_one),
        ("Passes x0 and noise to q_sample in swapped order.", _dl_q_sample_args_swapped),
    ],
    "reverse_step": [
        ("Indexes the schedule with t − 1 (the lecture's count from 1).", _rs_lecture_index),
        ("Multiplies the mean by √α_t instead of dividing by it.", _rs_times_root_alpha),
        ("Uses α_t for ᾱ_t in the noise coefficient: β_t / √(1 − α_t).", _rs_alpha_for_abar),
    ],
}
