"""Wrong answers, tenth blind set (issue 37): written without seeing the diagnosis, to measure it.

Four plausible wrong answers per short exercise, each with the exercise's exact signature, written as
other students would write them on a first try; none repeats a mistake of the first nine blind sets
(``wrong_answers.py`` to ``wrong_answers_9.py``), and ``tests/blind/verify.py 10`` confirms that each one
fails its check and computes neither one of the check's named mistakes nor an earlier blind answer.
"""
import torch
import torch.nn.functional as F

from coursekit.models import dcgan as _dcgan
from coursekit.models import ddpm as _ddpm

_bce = F.binary_cross_entropy_with_logits


# --------------------------------------------------------------------------------------------
# Notebook 00

def _range_typo_225(x):
    return x.float() / 225 * 2 - 1  # 225 typed for 255: white lands above +1


def _range_inverse_map(x):
    return x.float() * 127.5 + 127.5  # the map back to grey levels (model range → pixels) written instead


def _range_counted_from_one(x):
    # the grey levels counted 1 … 256 "as 256 levels": (x + 1) / 128 − 1
    return (x.float() + 1) / 128 - 1


def _range_integer_scale(x):
    return x.float() * (2 // 255) - 1  # 2 // 255 typed for 2 / 255: the scale is 0 and every pixel is −1


# --------------------------------------------------------------------------------------------
# Notebook 01

def _d_loss_divided_in_loop(real_logits, fake_logits):
    n = len(real_logits)
    total = 0.0
    for r, f in zip(real_logits, fake_logits):
        total = (total - F.logsigmoid(r) - F.logsigmoid(-f)) / n  # divided by B inside the loop, every pass
    return total


def _d_loss_real_sign_slip(real_logits, fake_logits):
    # the real term written as mean log D(x), its minus forgotten
    return F.logsigmoid(real_logits).mean() + _bce(fake_logits, torch.zeros_like(fake_logits))


def _d_loss_terms_multiplied(real_logits, fake_logits):
    # the two terms multiplied, "both must be small at once"
    return _bce(real_logits, torch.ones_like(real_logits)) * _bce(fake_logits, torch.zeros_like(fake_logits))


def _d_loss_real_not_averaged(real_logits, fake_logits):
    # .mean() forgotten on the real term: a (B,) vector comes back
    return -F.logsigmoid(real_logits) - F.logsigmoid(-fake_logits).mean()


def _g_loss_rejected_only(fake_logits):
    # only the samples D rejects (ℓ < 0) averaged, "the others already fool D"
    losses = -F.logsigmoid(fake_logits)
    return losses[fake_logits < 0].mean()


def _g_loss_running_average(fake_logits):
    # a running average written as (mean + x) / 2: the later samples weigh more
    mean = -F.logsigmoid(fake_logits[0])
    for logit in fake_logits[1:]:
        mean = (mean - F.logsigmoid(logit)) / 2
    return mean


def _g_loss_minus_log2(fake_logits):
    # log 2 subtracted "so that the equilibrium D = ½ reads 0"
    return _bce(fake_logits, torch.ones_like(fake_logits)) - torch.log(torch.tensor(2.0))


def _g_loss_relu_first(fake_logits):
    # D's scores passed through a ReLU first, "scores are not negative": every rejected sample reads log 2
    return _bce(F.relu(fake_logits), torch.ones_like(fake_logits))


def _step_r1_penalty(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    real = real.detach().requires_grad_(True)
    d_real = D(real)
    # an R1 penalty (γ = 10) on the real images added to D's loss, as in StyleGAN's code
    grad, = torch.autograd.grad(d_real.sum(), real, create_graph=True)
    loss_D = _dcgan.d_loss(d_real, D(fake.detach())) + 5.0 * grad.pow(2).sum(dim=(1, 2, 3)).mean()
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


def _step_d_smoothed_inline(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    d_real, d_fake = D(real), D(fake.detach())
    # D's loss written inline with one-sided label smoothing, 0.9 for the real images
    loss_D = _bce(d_real, torch.full_like(d_real, 0.9)) + _bce(d_fake, torch.zeros_like(d_fake))
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


def _step_d_real_twice(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(real))  # copy slip: D(real) typed for D(fake.detach())
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


def _step_g_mirrors_d(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.requires_grad_(False)
    # G's loss as D's loss with the labels flipped: fakes called real and the real images called fake
    loss_G = _dcgan.d_loss(D(fake), D(real))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


# --------------------------------------------------------------------------------------------
# Notebook 02

def _gen_input_compare_no_axis(z, y):
    # y compared with arange(10) without an axis: (B,) against (10,) does not broadcast to (B, 10)
    return torch.cat([z, (y == torch.arange(10)).float()], dim=1)


def _gen_input_scatter_row_index(z, y):
    # the index unsqueezed on the wrong axis, y[None]: every label is written into the first row
    code = torch.zeros(len(y), 10).scatter_(1, y[None], 1.0)
    return torch.cat([z, code], dim=1)


def _gen_input_arange_from_one(z, y):
    # the labels compared with 1 … 10: class k lights column k − 1, and label 0 lights none
    return torch.cat([z, (y[:, None] == torch.arange(1, 11)).float()], dim=1)


def _gen_input_stacked(z, y):
    return torch.stack([z, F.one_hot(y, 10).float()], dim=1)  # torch.stack for torch.cat


def _disc_input_expand_without_axes(x, y):
    b, _, h, w = x.shape
    # expand straight from (B, 10): the two axes for the pixels were never added
    channels = F.one_hot(y, 10).float().expand(b, 10, h, w)
    return torch.cat([x, channels], dim=1)


def _disc_input_mask_without_axes(x, y):
    b, _, h, w = x.shape
    maps = torch.zeros(b, 10, h, w)
    for k in range(10):
        maps[:, k] = (y == k).float()  # the (B,) mask written into a (B, H, W) map without its pixel axes
    return torch.cat([x, maps], dim=1)


def _disc_input_counted_down(x, y):
    b, _, h, w = x.shape
    # the maps numbered from 9 down: label k lights map 9 − k
    channels = F.one_hot(9 - y, 10).float()[:, :, None, None].expand(b, 10, h, w)
    return torch.cat([x, channels], dim=1)


def _disc_input_extra_number_map(x, y):
    b, _, h, w = x.shape
    channels = F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)
    number = y.float()[:, None, None, None].expand(b, 1, h, w)  # the label's number appended as an 11th map
    return torch.cat([x, channels, number], dim=1)


def _cond_three_way_softmax(real_logits, fake_logits, mismatched_logits):
    # the three logits read as a three-way choice per sample, "which one is the real pair?"
    logits = torch.stack([real_logits, fake_logits, mismatched_logits], dim=1)
    return F.cross_entropy(logits, torch.zeros(len(real_logits), dtype=torch.long))


def _cond_long_targets(real_logits, fake_logits, mismatched_logits):
    # the targets built as integer labels, torch.zeros(B, dtype=torch.long), for the two fake kinds
    zeros = torch.zeros(len(fake_logits), dtype=torch.long)
    return (_bce(real_logits, torch.ones_like(real_logits)) + _bce(fake_logits, zeros)
            + _bce(mismatched_logits, zeros))


def _cond_mismatched_minus_g(real_logits, fake_logits, mismatched_logits):
    # the mismatched term written as minus "D is fooled": −BCE(m, 1) instead of BCE(m, 0)
    return (_bce(real_logits, torch.ones_like(real_logits))
            + _bce(fake_logits, torch.zeros_like(fake_logits))
            - _bce(mismatched_logits, torch.ones_like(mismatched_logits)))


def _cond_mismatched_ranked(real_logits, fake_logits, mismatched_logits):
    # the mismatched term as a ranking: the real pair should score above the mismatched one, BCE(r − m, 1)
    margin = real_logits - mismatched_logits
    return (_bce(real_logits, torch.ones_like(real_logits))
            + _bce(fake_logits, torch.zeros_like(fake_logits))
            + _bce(margin, torch.ones_like(margin)))


# --------------------------------------------------------------------------------------------
# Notebook 03

def _convs(module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]


def _rf_stride_squared(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r - 1) * conv.stride[0] ** 2 + conv.kernel_size[0]  # the stride squared, "as the image is 2-D"
    return r


def _rf_kernel_area(module):
    r = 1
    for conv in reversed(_convs(module)):
        # the kernel's area k·k (the product of kernel_size) instead of its side
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0] * conv.kernel_size[1]
    return r


def _rf_minus_centre(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0]
    return r - 1  # the output pixel itself taken off at the end


def _rf_output_size_formula(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r - conv.kernel_size[0]) // conv.stride[0] + 1  # the output-size formula, walked backwards
    return r


def _p2p_l1_downsampled(fake_logits, fake, target, lambda_L1):
    # the L1 taken after a 2× average pooling, "L1 only has to get the low frequencies right"
    l1 = F.l1_loss(F.avg_pool2d(fake, 2), F.avg_pool2d(target, 2))
    return _bce(fake_logits, torch.ones_like(fake_logits)) + lambda_L1 * l1


def _p2p_only_fake_to_unit(fake_logits, fake, target, lambda_L1):
    # G's photo mapped to [0, 1] for display before the L1, the target left in [−1, 1]
    return _bce(fake_logits, torch.ones_like(fake_logits)) + lambda_L1 * F.l1_loss((fake + 1) / 2, target)


def _p2p_gan_twice(fake_logits, fake, target, lambda_L1):
    gan = _bce(fake_logits, torch.ones_like(fake_logits))
    return gan + lambda_L1 * F.l1_loss(fake, target) + gan  # copy slip: the GAN term added twice


def _p2p_quantised(fake_logits, fake, target, lambda_L1):
    # G's photo rounded to 256 grey levels "as a saved image" before the L1
    saved = torch.round((fake + 1) * 127.5) / 127.5 - 1
    return _bce(fake_logits, torch.ones_like(fake_logits)) + lambda_L1 * F.l1_loss(saved, target)


def _unet_encode(G, x):
    skips = []
    for block in G.encoder:
        x = block(x)
        skips.append(x)
    skips.pop()
    return x, skips


def _unet_skips_reset(G, x):
    for block in G.encoder:
        skips = []  # indentation slip: the list is reset on every pass, so only the bottleneck is kept
        x = block(x)
        skips.append(x)
    skips.pop()
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return torch.tanh(G.to_image(x))


def _unet_last_block_left_out(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder[:-1]:  # off by one: the last decoder block left out
        x = torch.cat([block(x), skips.pop()], dim=1)
    return torch.tanh(G.to_image(x))


def _unet_cat_no_dim(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()])  # dim=1 forgotten: torch.cat joins along the batch
    return torch.tanh(G.to_image(x))


def _unet_input_to_unit(G, x):
    x = (x + 1) / 2  # the input map moved to [0, 1] "as images are"
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return torch.tanh(G.to_image(x))


# --------------------------------------------------------------------------------------------
# Notebook 04

def _cycle_total_from_one(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    loss = 1  # the running total started at 1, as for a product
    for rec, real in ((rec_a, real_a), (rec_b, real_b)):
        loss = loss + lambda_cycle * F.l1_loss(rec, real)
    return loss


def _cycle_detached(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # the reconstructions detached: the cycle loss trains neither generator
    return lambda_cycle * (F.l1_loss(rec_a.detach(), real_a) + F.l1_loss(rec_b.detach(), real_b))


def _cycle_floor_mean(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # the mean written as a sum over the count with // for /: it is floored
    a = (rec_a - real_a).abs().sum() // rec_a.numel()
    b = (rec_b - real_b).abs().sum() // rec_b.numel()
    return lambda_cycle * (a + b)


def _cycle_relative(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # each cycle's L1 divided by its real image's mean absolute value, a relative error
    a = F.l1_loss(rec_a, real_a) / real_a.abs().mean()
    b = F.l1_loss(rec_b, real_b) / real_b.abs().mean()
    return lambda_cycle * (a + b)


def _idt_plus_for_times(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # + typed for * before λ_idt: λ·(L_A + L_B) + λ_idt
    return lambda_cycle * (F.l1_loss(idt_a, real_a) + F.l1_loss(idt_b, real_b)) + lambda_identity


def _idt_real_with_itself(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # copy slip: the A term compares real_a with itself, so it is always 0
    return lambda_cycle * lambda_identity * (F.l1_loss(real_a, real_a) + F.l1_loss(idt_b, real_b))


def _idt_lambda_twice(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # copy slip: λ·λ instead of λ·λ_idt
    return lambda_cycle * lambda_cycle * (F.l1_loss(idt_a, real_a) + F.l1_loss(idt_b, real_b))


def _idt_worst_image(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # the worst image's L1 of each batch "so that no image is left unchanged"
    a = (idt_a - real_a).abs().mean(dim=(1, 2, 3)).max()
    b = (idt_b - real_b).abs().mean(dim=(1, 2, 3)).max()
    return lambda_cycle * lambda_identity * (a + b)


def _pool_stored_after_loop(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            out.append(image)  # the new images are stored only after the loop, "in one go"
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    pool.extend(images.detach().split(1))
    return torch.cat(out)


def _pool_coin_before_fill(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if torch.rand(()) < 0.5:  # the coin tested before the fill check: it also fires while the pool fills
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        elif len(pool) < size:
            pool.append(image)
            out.append(image)
        else:
            out.append(image)
    return torch.cat(out)


def _pool_stored_twice(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            pool.append(image)  # copy slip: each filling image stored twice
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_second_draw_keeps(pool, images, size=50):
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
            # "pick a stored one at random" read as the other branch too: a stored image, left in place
            out.append(pool[int(torch.randint(size, ()))])
    return torch.cat(out)


def _sem_int32_target(logits_translated, logits_source):
    # the classes cast to int32 "to save memory": cross_entropy wants int64 class indices
    return F.cross_entropy(logits_translated, logits_source.argmax(dim=1).int())


def _sem_translation_detached(logits_translated, logits_source):
    # the detach put on the wrong side: the translation's logits, so the loss trains nothing
    return F.cross_entropy(logits_translated.detach(), logits_source.argmax(dim=1))


def _sem_brier(logits_translated, logits_source):
    # the squared error between the translation's probabilities and the one-hot class (the Brier score)
    target = F.one_hot(logits_source.argmax(dim=1), logits_translated.shape[1]).float()
    return F.mse_loss(logits_translated.softmax(dim=1), target)


def _sem_largest_magnitude(logits_translated, logits_source):
    # the class read as the logit largest in size, .abs().argmax, "the most confident one"
    return F.cross_entropy(logits_translated, logits_source.abs().argmax(dim=1))


# --------------------------------------------------------------------------------------------
# Notebook 05

def _fade_softmax_weights(alpha, old, new):
    # the two weights passed through a softmax "so they add up to one"
    a = torch.softmax(torch.tensor([1 - alpha, alpha]), dim=0)
    return a[0] * old + a[1] * new


def _fade_stack_mean(alpha, old, new):
    # the two weighted outputs stacked and averaged with .mean(), dim forgotten: one number comes back
    return torch.stack([(1 - alpha) * old, alpha * new]).mean()


def _fade_pixel_normed(alpha, old, new):
    out = (1 - alpha) * old + alpha * new
    # the blend normalised with pixel norm, "as after every layer of ProGAN's G"
    return out / torch.sqrt(out.pow(2).mean(dim=1, keepdim=True) + 1e-8)


def _fade_geometric(alpha, old, new):
    # blended "in log space": old^(1 − α) · new^α, NaN wherever a fractional power meets a negative value
    return old ** (1 - alpha) * new ** alpha


def _pn_eps_outside(x):
    return x / (torch.sqrt(x.pow(2).mean(dim=1, keepdim=True)) + 1e-8)  # ε added outside the root


def _pn_norm_detached(x):
    # the root mean square detached, "a normalising constant"
    return x / torch.sqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8).detach()


def _pn_in_place(x):
    return x.div_(torch.sqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8))  # divided in place, on x itself


def _pn_channel_sum(x):
    # each pixel's features divided by their sum, "like a probability vector"
    return x / (x.sum(dim=1, keepdim=True) + 1e-8)


def _mbstd_batch_centred(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    # the deviations taken from the whole batch's mean instead of each group's
    var = (y - x.mean(dim=0)).pow(2).mean(dim=0)
    s = (var + 1e-8).sqrt().mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_centred_in_place(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    y -= y.mean(dim=0)  # centred in place through the view: x itself is changed
    s = (y.pow(2).mean(dim=0) + 1e-8).sqrt().mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_true_division(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n / g, c, h, w)  # n / g, a float, in view
    s = (y.var(dim=0, unbiased=False) + 1e-8).sqrt().mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_map_only(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    std = (x.view(g, n // g, c, h, w).var(dim=0, unbiased=False) + 1e-8).sqrt()
    s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return s.repeat(g, 1, h, w)  # the map returned alone, never joined to x


def _eq_bias_column(x, weight, bias, gain):
    # the bias added as a column (out, 1), as in the weight @ x form, to the (N, out) product
    return x @ (weight * (gain / weight.shape[1] ** 0.5)).T + bias[:, None]


def _eq_by_hand_mean(x, weight, bias, gain):
    # the layer written by hand with .mean over the inputs instead of .sum
    w = weight * (gain / weight.shape[1] ** 0.5)
    return (x[:, None, :] * w[None]).mean(dim=-1) + bias


def _eq_float64_input(x, weight, bias, gain):
    x = x.double()  # x made float64 "for precision"
    return F.linear(x, weight * (gain / weight.shape[1] ** 0.5), bias)


def _eq_pixel_norm_input(x, weight, bias, gain):
    # ProGAN's pixel norm applied to the input as well, "as the paper normalises everything"
    x = x * torch.rsqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    return F.linear(x, weight * (gain / weight.shape[1] ** 0.5), bias)


# --------------------------------------------------------------------------------------------
# Notebook 06

def _map_numel(net, z):
    # the sum of squares divided by z.numel(), every number of the batch, instead of z_dim
    x = z * torch.rsqrt(z.pow(2).sum(dim=1, keepdim=True) / z.numel() + 1e-8)
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _map_linear_only_check(net, z):
    x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    for layer in net.net[1:]:
        if isinstance(layer, torch.nn.Linear) or isinstance(layer, torch.nn.LeakyReLU):
            x = layer(x)  # the equalised layers are not torch.nn.Linear: they are skipped
    return x


def _map_bessel(net, z):
    # the mean square divided by z_dim − 1, "as for a sample variance"
    x = z * torch.rsqrt(z.pow(2).sum(dim=1, keepdim=True) / (z.shape[1] - 1) + 1e-8)
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _map_pow_half(net, z):
    x = z * torch.rsqrt(z.pow(0.5).mean(dim=1, keepdim=True) + 1e-8)  # pow(0.5) typed for pow(2)
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _adain_sigma_whole_image(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    # σ over dims (1, 2, 3), the channels included, while μ is over the pixels only
    sigma = (x.var(dim=(1, 2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    return style_scale[:, :, None, None] * (x - mu) / sigma + style_bias[:, :, None, None]


def _adain_statistics_detached(x, style_scale, style_bias):
    # μ and σ detached, "statistics are constants", as with a frozen batch norm
    mu = x.mean(dim=(2, 3), keepdim=True).detach()
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt().detach()
    return style_scale[:, :, None, None] * (x - mu) / sigma + style_bias[:, :, None, None]


def _adain_styles_roles_swapped(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    # the style scale added and the style bias multiplied: (x̂ + y_s)·y_b
    return ((x - mu) / sigma + style_scale[:, :, None, None]) * style_bias[:, :, None, None]


def _adain_in_place(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    x.sub_(mu).div_(sigma)  # normalised in place, on the features themselves
    return style_scale[:, :, None, None] * x + style_bias[:, :, None, None]


def _noise_previous_image(x, strength, noise):
    out = torch.empty_like(x)
    for i in range(len(x)):
        out[i] = x[i] + strength[0] * noise[i - 1]  # noise[i − 1]: each image gets the previous image's noise
    return out


def _noise_term_detached(x, strength, noise):
    return x + (strength * noise).detach()  # the noise term detached: the strengths never learn


def _noise_appended(x, strength, noise):
    return torch.cat([x, strength * noise], dim=1)  # "injected" as extra channels, joined instead of added


def _noise_strength_squared(x, strength, noise):
    return x + strength ** 2 * noise  # the strength squared "to keep it positive"


def _modconv_power_precedence(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    # ** -1 / 2 for the reciprocal root: (·)^−1 halved
    wts = wts * (wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8) ** -1 / 2
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _modconv_factor_detached(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    # the demodulation factor detached, "a normalising constant"
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8).detach()
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _modconv_reflect_padding(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    p = k // 2
    # padded by reflection, as for images, instead of the convolution's zeros
    xp = x.reshape(1, n * c_in, h, w)
    xp = F.pad(xp, (p, p, p, p), mode="reflect") if p else xp
    out = F.conv2d(xp, wts.reshape(n * c_out, c_in, k, k), groups=n)
    return out.view(n, c_out, h, w)


def _modconv_unit_style(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    # "demodulation" read as normalising each style vector to unit length; the weights are left as modulated
    style = style / style.norm(dim=1, keepdim=True)
    wts = weight[None] * style[:, None, :, None, None]
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _trunc_absolute_offset(w, w_avg, psi):
    return w_avg + psi * (w - w_avg).abs()  # the offset taken as a distance, its absolute value


def _trunc_psi_as_std(w, w_avg, psi):
    # ψ read as the spread of the truncated codes: the offsets rescaled to standard deviation ψ
    offset = w - w_avg
    return w_avg + psi * offset / offset.std()


def _trunc_loop_from_one(w, w_avg, psi):
    out = w.clone()
    for i in range(1, len(w)):  # the loop over the codes starts at 1: the first code is left as it was
        out[i] = w_avg + psi * (w[i] - w_avg)
    return out


def _trunc_addcmul(w, w_avg, psi):
    return torch.addcmul(w_avg, psi, w - w_avg)  # addcmul takes tensors to multiply, not the number ψ


# --------------------------------------------------------------------------------------------
# Notebook 07

def _inv_joined_channels(fake, target, features, weight):
    # both images through φ in one pass, joined along the channels (dim 1) instead of the batch
    f_fake, f_target = features(torch.cat([fake, target], dim=1)).chunk(2)
    return F.mse_loss(fake, target) + weight * F.mse_loss(f_fake, f_target)


def _inv_grey_pixels(fake, target, features, weight):
    # the pixel term on grey images (the channels averaged), "colour is the features' job"
    pixels = F.mse_loss(fake.mean(dim=1), target.mean(dim=1))
    return pixels + weight * F.mse_loss(features(fake), features(target))


def _inv_weighted_mean(fake, target, features, weight):
    # the weighted sum divided by 1 + λ_p, "so the weights add up to one"
    loss = F.mse_loss(fake, target) + weight * F.mse_loss(features(fake), features(target))
    return loss / (1 + weight)


def _inv_tuple(fake, target, features, weight):
    # the two terms returned side by side "to log them", never added
    return F.mse_loss(fake, target), weight * F.mse_loss(features(fake), features(target))


def _gs_lr_as_grad_outputs(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    loss = F.mse_loss(synthesize(code), target)
    grad, = torch.autograd.grad(loss, code, grad_outputs=torch.tensor(lr))  # lr passed as grad_outputs…
    return (code - lr * grad).detach()  # …and applied again in the step: lr²


def _gs_parentheses(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
    return ((code - grad) * lr).detach()  # the parentheses around the wrong pair: (c − ∇)·η


def _gs_unit_per_code(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
    grad = grad / grad.norm(dim=1, keepdim=True)  # each code's gradient scaled to unit length
    return (code - lr * grad).detach()


def _gs_log_loss(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    # the gradient of the log of the loss, "to keep the step's size steady"
    grad, = torch.autograd.grad(torch.log(F.mse_loss(synthesize(code), target)), code)
    return (code - lr * grad).detach()


def _po_cross_product(direction, other):
    # "perpendicular" read as the cross product of the two
    d = torch.linalg.cross(direction, other)
    return d / d.norm()


def _po_in_place_loop(direction, other):
    o = other / other.norm()
    d = direction.clone()
    for i in range(len(d)):
        d[i] = d[i] - (d @ o) * o[i]  # the coefficient recomputed from the d being changed, entry by entry
    return d / d.norm()


def _po_coefficient_clamped(direction, other):
    o = other / other.norm()
    # the projection removed only where the two agree: the coefficient clamped at 0
    d = direction - (direction @ o).clamp(min=0) * o
    return d / d.norm()


def _po_dot_loop_from_one(direction, other):
    o = other / other.norm()
    dot = 0.0
    for i in range(1, len(direction)):  # the dot product's loop starts at 1: entry 0 left out
        dot = dot + direction[i] * o[i]
    d = direction - dot * o
    return d / d.norm()


# --------------------------------------------------------------------------------------------
# Notebook 08

def _q_standardised(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    x_t = abar.sqrt() * x0 + (1 - abar).sqrt() * noise
    return (x_t - x_t.mean()) / x_t.std()  # x_t standardised "to keep it a unit Gaussian"


def _q_convex_weights(x0, t, noise, alphas_cumprod):
    s = (1 - alphas_cumprod[t].view(-1, 1, 1, 1)).sqrt()
    return (1 - s) * x0 + s * noise  # the two weights made to add up to one: (1 − s)·x_0 + s·ε


def _q_float64(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod.double()[t].view(-1, 1, 1, 1)  # the table in float64 "for precision": so is x_t
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def _q_precedence(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar ** 0.5 * x0 + 1 - abar ** 0.5 * noise  # √(1 − ᾱ_t) typed as 1 − ᾱ_t ** 0.5 * ε


def _dl_prediction_standardised(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    pred = model(x_t, t)
    pred = (pred - pred.mean()) / pred.std()  # the prediction standardised "as the noise has unit variance"
    return F.mse_loss(pred, noise)


def _dl_noised_one_step_later(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t + 1, noise, alphas_cumprod)  # noised to t + 1 (the lecture's count), told t
    return F.mse_loss(model(x_t, t), noise)


def _dl_plus_x0_error(model, x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    pred = model(x_t, t)
    x0_hat = (x_t - (1 - abar).sqrt() * pred) / abar.sqrt()
    return F.mse_loss(pred, noise) + F.mse_loss(x0_hat, x0)  # the x_0 estimate's error added as well


def _dl_input_rescaled(model, x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t / abar.sqrt(), t), noise)  # x_t divided by √ᾱ_t "back to the image's scale"


def _rs_sigma_previous_beta(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    return mean + betas[t - 1].sqrt() * z if t > 0 else mean  # σ_t read from β_{t−1}


def _rs_conditional_parentheses(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    return mean + (beta.sqrt() * z if t > 0 else mean)  # the parentheses take in the else: 2·mean at t = 0


def _rs_beta_as_one_minus_abar(eps, t, x_t, betas, alphas_cumprod, z):
    abar = alphas_cumprod[t]
    beta = 1 - abar  # β_t taken as 1 − ᾱ_t, the cumulative noise, everywhere in the step
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_alpha_as_previous_abar(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    # √α_t read as √ᾱ_{t−1}, "the previous step's α"
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / alphas_cumprod[t - 1].sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean


WRONG = {
    "to_model_range": [
        ("Types 225 for 255: x / 225 · 2 − 1, so white lands above +1.", _range_typo_225),
        ("Writes the inverse map, x·127.5 + 127.5, which takes the model's range back to grey levels.",
         _range_inverse_map),
        ("Counts the grey levels from 1 to 256: (x + 1) / 128 − 1.", _range_counted_from_one),
        ("Types 2 // 255 for 2 / 255, so the scale is 0 and every pixel maps to −1.", _range_integer_scale),
    ],
    "d_loss": [
        ("Divides the running total by B inside the loop, on every pass.", _d_loss_divided_in_loop),
        ("Forgets the minus on the real term: mean log D(x) + BCE(fake, 0).", _d_loss_real_sign_slip),
        ("Multiplies the two terms instead of adding them.", _d_loss_terms_multiplied),
        ("Forgets .mean() on the real term, so a (B,) vector comes back.", _d_loss_real_not_averaged),
    ],
    "g_loss": [
        ("Averages only over the samples D rejects (ℓ < 0).", _g_loss_rejected_only),
        ("Writes a running average as (mean + x) / 2, which weighs the later samples more.",
         _g_loss_running_average),
        ("Subtracts log 2 so that the loss reads 0 at D = ½.", _g_loss_minus_log2),
        ("Passes the logits through a ReLU first, so every rejected sample reads log 2.", _g_loss_relu_first),
    ],
    "train_step": [
        ("Adds an R1 gradient penalty (γ = 10) on the real images to D's loss.", _step_r1_penalty),
        ("Writes D's loss inline with one-sided label smoothing (0.9 for the real images).",
         _step_d_smoothed_inline),
        ("Copy slip: D's loss reads D(real) twice, so D never sees the fakes.", _step_d_real_twice),
        ("Takes G's loss as D's loss with the labels flipped, the real images' term included.",
         _step_g_mirrors_d),
    ],
    "generator_input": [
        ("Compares y with arange(10) without adding an axis, so (B,) meets (10,).",
         _gen_input_compare_no_axis),
        ("Scatters with y[None], the axis added in front, so every label is written into the first row.",
         _gen_input_scatter_row_index),
        ("Compares the labels with 1 … 10, so class k lights column k − 1 and label 0 none.",
         _gen_input_arange_from_one),
        ("Uses torch.stack instead of torch.cat, which needs equal sizes.", _gen_input_stacked),
    ],
    "discriminator_input": [
        ("Expands the (B, 10) one-hot to (B, 10, H, W) without first adding the two pixel axes.",
         _disc_input_expand_without_axes),
        ("Fills each map with the (B,) mask y == k without adding the pixel axes, so it lines up with the "
         "width.", _disc_input_mask_without_axes),
        ("Numbers the maps from 9 down, so label k lights map 9 − k.", _disc_input_counted_down),
        ("Appends an eleventh map holding the label's number after the ten one-hot maps.",
         _disc_input_extra_number_map),
    ],
    "conditional_d_loss": [
        ("Treats the three logits as a three-way choice per sample: cross-entropy with the real pair as the "
         "class.", _cond_three_way_softmax),
        ("Builds the fake and mismatched targets as integer (long) zeros.", _cond_long_targets),
        ("Writes the mismatched term as −BCE(m, 1) instead of BCE(m, 0).", _cond_mismatched_minus_g),
        ("Makes the mismatched term a ranking, BCE(real − mismatched, 1).", _cond_mismatched_ranked),
    ],
    "receptive_field": [
        ("Squares the stride, \"as the image is 2-D\": r ← (r − 1)·s² + k.", _rf_stride_squared),
        ("Adds the kernel's area k·k instead of its side.", _rf_kernel_area),
        ("Takes the output pixel itself off at the end: returns r − 1.", _rf_minus_centre),
        ("Walks back with the output-size formula, r ← (r − k) // s + 1.", _rf_output_size_formula),
    ],
    "pix2pix_g_loss": [
        ("Compares the photos after a 2× average pooling, as if the L1 need only see the low frequencies.",
         _p2p_l1_downsampled),
        ("Maps G's photo to [0, 1] before the L1 but leaves the target in [−1, 1].", _p2p_only_fake_to_unit),
        ("Copy slip: adds the GAN term twice.", _p2p_gan_twice),
        ("Rounds G's photo to 256 grey levels before the L1.", _p2p_quantised),
    ],
    "unet_forward": [
        ("Indentation slip: resets the skip list inside the encoder loop, so no skips are left for the "
         "decoder.", _unet_skips_reset),
        ("Off by one: runs G.decoder[:-1], leaving the last decoder block out.", _unet_last_block_left_out),
        ("Forgets dim=1 in torch.cat, which joins along the batch.", _unet_cat_no_dim),
        ("Maps the input to [0, 1] before the encoder.", _unet_input_to_unit),
    ],
    "cycle_loss": [
        ("Starts the running total at 1 instead of 0.", _cycle_total_from_one),
        ("Detaches the reconstructions, so the loss trains neither generator.", _cycle_detached),
        ("Writes the mean as sum // count, so each term is floored.", _cycle_floor_mean),
        ("Divides each cycle's L1 by its real image's mean absolute value (a relative error).",
         _cycle_relative),
    ],
    "identity_loss": [
        ("Types + for * before λ_idt: λ·(L_A + L_B) + λ_idt.", _idt_plus_for_times),
        ("Copy slip: the A term compares real_a with itself, so it is always zero.", _idt_real_with_itself),
        ("Copy slip: weighs by λ·λ instead of λ·λ_idt.", _idt_lambda_twice),
        ("Keeps only the worst image's L1 of each batch.", _idt_worst_image),
    ],
    "image_pool": [
        ("Stores the whole batch in the pool after the loop, in one go, so the pool grows past its size.",
         _pool_stored_after_loop),
        ("Tests the coin before the fill check, so swaps are tried while the pool is still filling.",
         _pool_coin_before_fill),
        ("Copy slip: stores each image twice while the pool fills.", _pool_stored_twice),
        ("When the coin says keep, answers with a random stored image too (left in place) instead of the new "
         "one.", _pool_second_draw_keeps),
    ],
    "semantic_loss": [
        ("Casts the target classes to int32, which cross_entropy does not take as class indices.",
         _sem_int32_target),
        ("Detaches the translation's logits instead of the source's, so the loss trains nothing.",
         _sem_translation_detached),
        ("Uses the squared error between the softmax and the one-hot class (the Brier score).", _sem_brier),
        ("Reads the class as the logit largest in size (abs().argmax).", _sem_largest_magnitude),
    ],
    "fade_in": [
        ("Passes the weights 1 − α and α through a softmax, so that they add up to one.",
         _fade_softmax_weights),
        ("Stacks the weighted outputs and calls .mean() without dim, returning one number.",
         _fade_stack_mean),
        ("Normalises the blend with pixel norm, as after every layer of ProGAN's G.", _fade_pixel_normed),
        ("Blends geometrically, old^(1 − α)·new^α, which gives NaN on negative values.", _fade_geometric),
    ],
    "pixel_norm": [
        ("Adds ε outside the square root.", _pn_eps_outside),
        ("Detaches the root mean square it divides by.", _pn_norm_detached),
        ("Divides in place (x.div_), changing the input.", _pn_in_place),
        ("Divides each pixel's features by their sum, like a probability vector.", _pn_channel_sum),
    ],
    "minibatch_std": [
        ("Takes the deviations from the whole batch's mean instead of each group's.", _mbstd_batch_centred),
        ("Centres the groups in place through the view, which changes x itself.", _mbstd_centred_in_place),
        ("Writes n / g, a float, in view.", _mbstd_true_division),
        ("Returns the statistic's map alone, never joined to x.", _mbstd_map_only),
    ],
    "equalized_linear": [
        ("Adds the bias as an (out, 1) column to the (N, out) product.", _eq_bias_column),
        ("Writes the layer by hand and averages over the inputs instead of summing.", _eq_by_hand_mean),
        ("Makes the input float64, which the float32 weights cannot take.", _eq_float64_input),
        ("Applies pixel norm to the input before the layer.", _eq_pixel_norm_input),
    ],
    "mapping_forward": [
        ("Divides the sum of squares by z.numel(), every number in the batch, instead of z_dim.", _map_numel),
        ("Runs only the layers that are torch.nn.Linear or LeakyReLU, which skips the equalised linear "
         "layers.", _map_linear_only_check),
        ("Divides the sum of squares by z_dim − 1, as for a sample variance.", _map_bessel),
        ("Types pow(0.5) for pow(2) in the mean square.", _map_pow_half),
    ],
    "adain": [
        ("Takes σ over the channels and the pixels (dims 1, 2, 3) while μ is over the pixels.",
         _adain_sigma_whole_image),
        ("Detaches μ and σ.", _adain_statistics_detached),
        ("Adds the style scale and multiplies by the style bias: (x̂ + y_s)·y_b.",
         _adain_styles_roles_swapped),
        ("Normalises x in place (sub_, div_), changing the input.", _adain_in_place),
    ],
    "noise_injection": [
        ("Indexes noise[i − 1] in a loop over the images, so each image gets the previous image's noise.",
         _noise_previous_image),
        ("Detaches the noise term, so the strengths never learn.", _noise_term_detached),
        ("Appends the scaled noise as extra channels instead of adding it.", _noise_appended),
        ("Squares the strength \"to keep it positive\".", _noise_strength_squared),
    ],
    "demodulation": [
        ("Writes the reciprocal root as ** -1 / 2, which halves the reciprocal instead.",
         _modconv_power_precedence),
        ("Detaches the demodulation factor.", _modconv_factor_detached),
        ("Pads by reflection instead of with zeros.", _modconv_reflect_padding),
        ("Normalises each style vector to unit length instead of demodulating the weights.",
         _modconv_unit_style),
    ],
    "truncation": [
        ("Takes the offset's absolute value, as a distance: w̄ + ψ·|w − w̄|.", _trunc_absolute_offset),
        ("Reads ψ as the spread of the truncated codes and rescales the offsets to standard deviation ψ.",
         _trunc_psi_as_std),
        ("Truncates the codes in a loop from 1, leaving the first code as it was.", _trunc_loop_from_one),
        ("Passes the number ψ to torch.addcmul, which multiplies tensors.", _trunc_addcmul),
    ],
    "inversion_loss": [
        ("Runs both images through φ in one pass joined along the channels, not the batch.",
         _inv_joined_channels),
        ("Compares grey images (the channels averaged) in the pixel term.", _inv_grey_pixels),
        ("Divides the weighted sum by 1 + λ_p.", _inv_weighted_mean),
        ("Returns the two terms as a tuple instead of their sum.", _inv_tuple),
    ],
    "gradient_step": [
        ("Passes lr as grad_outputs and applies it again in the step, so the step is lr²·∇.",
         _gs_lr_as_grad_outputs),
        ("Misplaces the parentheses: (code − ∇)·lr.", _gs_parentheses),
        ("Scales each code's gradient to unit length before the step.", _gs_unit_per_code),
        ("Takes the gradient of the log of the loss.", _gs_log_loss),
    ],
    "project_out": [
        ("Takes the cross product of the two directions as the perpendicular.", _po_cross_product),
        ("Subtracts the projection entry by entry in place, recomputing d·ô from the changing d.",
         _po_in_place_loop),
        ("Clamps the coefficient d·ô at 0, removing the projection only where the two agree.",
         _po_coefficient_clamped),
        ("Starts the dot product's loop at 1, leaving entry 0 out.", _po_dot_loop_from_one),
    ],
    "q_sample": [
        ("Standardises x_t over the batch afterwards.", _q_standardised),
        ("Makes the weights add up to one: (1 − s)·x_0 + s·ε with s = √(1 − ᾱ_t).", _q_convex_weights),
        ("Looks ᾱ_t up in float64, so x_t comes back in float64.", _q_float64),
        ("Precedence slip: writes √(1 − ᾱ_t)·ε as 1 − ᾱ_t ** 0.5 * ε.", _q_precedence),
    ],
    "diffusion_loss": [
        ("Standardises the model's prediction before the squared error.", _dl_prediction_standardised),
        ("Noises x_0 to t + 1 but tells the model t.", _dl_noised_one_step_later),
        ("Adds the x_0 estimate's squared error to the noise error.", _dl_plus_x0_error),
        ("Divides x_t by √ᾱ_t, back to the image's scale, before giving it to the model.",
         _dl_input_rescaled),
    ],
    "reverse_step": [
        ("Reads σ_t from β_{t−1}.", _rs_sigma_previous_beta),
        ("Puts the parentheses around the conditional, so t = 0 returns 2·mean.",
         _rs_conditional_parentheses),
        ("Takes β_t as 1 − ᾱ_t everywhere in the step.", _rs_beta_as_one_minus_abar),
        ("Divides by √ᾱ_{t−1} instead of √α_t.", _rs_alpha_as_previous_abar),
    ],
}
