"""Wrong answers, eleventh blind set (issue 37): written without seeing the diagnosis, to measure it.

Four plausible wrong answers per short exercise, each with the exercise's exact signature, written as
other students would write them on a first try; none repeats a mistake of the first ten blind sets
(``wrong_answers.py`` to ``wrong_answers_10.py``), and ``tests/blind/verify.py 11`` confirms that each one
fails its check and computes neither one of the check's named mistakes nor an earlier blind answer.
"""
import torch
import torch.nn.functional as F

from coursekit.models import dcgan as _dcgan
from coursekit.models import ddpm as _ddpm

_bce = F.binary_cross_entropy_with_logits


# --------------------------------------------------------------------------------------------
# Notebook 00

def _range_middle_floored(x):
    # the middle grey written 255 // 2 (= 127) for 255 / 2: every level lands half a level too high
    return (x.float() - 255 // 2) / (255 / 2)


def _range_uniform_std(x):
    # "standardised" with the mean and standard deviation of uniform grey levels, 127.5 and 255 / √12
    return (x.float() - 127.5) / (255 / 12 ** 0.5)


def _range_flattened(x):
    # each image flattened to a vector, view(len(x), −1), as for an MLP on MNIST
    return (x.float() / 127.5 - 1).view(len(x), -1)


def _range_mnist_statistics(x):
    # the MNIST mean and std copied from PyTorch's example: (x / 255 − 0.1307) / 0.3081
    return (x.float() / 255 - 0.1307) / 0.3081


# --------------------------------------------------------------------------------------------
# Notebook 01

def _d_loss_raw_logs(real_logits, fake_logits):
    # the logits read as D's probabilities: −log ℓ_real − log(1 − ℓ_fake), the sigmoid forgotten
    return -(torch.log(real_logits) + torch.log(1 - fake_logits)).mean()


def _d_loss_two_class(real_logits, fake_logits):
    # each logit made into two-class logits (−ℓ, ℓ) for F.cross_entropy: the logit counts twice
    real = F.cross_entropy(torch.stack([-real_logits, real_logits], dim=1),
                           torch.ones(len(real_logits), dtype=torch.long))
    fake = F.cross_entropy(torch.stack([-fake_logits, fake_logits], dim=1),
                           torch.zeros(len(fake_logits), dtype=torch.long))
    return real + fake


def _d_loss_only_mistakes(real_logits, fake_logits):
    # only the samples D judges wrong are penalised; those it already gets right count 0
    real_term = F.softplus(-real_logits) * (real_logits < 0)
    fake_term = F.softplus(fake_logits) * (fake_logits > 0)
    return real_term.mean() + fake_term.mean()


def _d_loss_margin_ranking(real_logits, fake_logits):
    # a ranking loss: each real score should beat its fake one, F.margin_ranking_loss(r, f, 1)
    return F.margin_ranking_loss(real_logits, fake_logits, torch.ones_like(real_logits))


def _g_loss_first_sample(fake_logits):
    # D's output unwrapped with [0] "from its (1, B) shape": only the first sample is left
    first = fake_logits[0]
    return _bce(first, torch.ones_like(first))


def _g_loss_top_half(fake_logits):
    # top-k training: only the half of the samples D scores highest count
    best = fake_logits.topk(max(1, len(fake_logits) // 2)).values
    return _bce(best, torch.ones_like(best))


def _g_loss_max_shifted(fake_logits):
    # the largest logit subtracted first "for numerical stability", as for a softmax
    shifted = fake_logits - fake_logits.max()
    return _bce(shifted, torch.ones_like(shifted))


def _g_loss_standardised(fake_logits):
    # D's scores standardised over the batch first, "so that the loss keeps a steady scale"
    scores = (fake_logits - fake_logits.mean()) / fake_logits.std()
    return _bce(scores, torch.ones_like(scores))


def _step_real_logits_detached(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    # D's logits on the real batch detached, "the real images need no gradient"
    loss_D = _dcgan.d_loss(D(real).detach(), D(fake.detach()))
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


def _step_real_to_unit(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    # the real batch mapped to [0, 1] "as images are" before D sees it
    loss_D = _dcgan.d_loss(D((real + 1) / 2), D(fake.detach()))
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


def _step_wgan_generator(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.requires_grad_(False)
    loss_G = -D(fake).mean()  # WGAN's generator loss, −mean D(G(z)), against a cross-entropy D
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def _step_g_loss_summed(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.requires_grad_(False)
    d_fake = D(fake)
    # G's loss written inline with reduction="sum": summed over the batch, not averaged
    loss_G = _bce(d_fake, torch.ones_like(d_fake), reduction="sum")
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


# --------------------------------------------------------------------------------------------
# Notebook 02

def _gen_input_loop_from_one(z, y):
    code = torch.zeros(len(y), 10)
    for i in range(1, len(y)):  # the loop over the rows starts at 1: the first row gets no label
        code[i, y[i]] = 1.0
    return torch.cat([z, code], dim=1)


def _gen_input_scaled_to_z(z, y):
    # each one-hot scaled by its z's length "so that both halves of the input weigh the same"
    return torch.cat([z, F.one_hot(y, 10).float() * z.norm(dim=1, keepdim=True)], dim=1)


def _gen_input_prior_weighted(z, y):
    # the one-hot divided by 10, "weighted by the class prior 1/10"
    return torch.cat([z, F.one_hot(y, 10).float() / 10], dim=1)


def _gen_input_int32_labels(z, y):
    # the labels cast to int32 first, "labels are small integers": F.one_hot takes only int64
    return torch.cat([z, F.one_hot(y.int(), 10).float()], dim=1)


def _disc_input_bias_map(x, y):
    b, _, h, w = x.shape
    maps = F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)
    # an all-ones map appended as well, "a bias channel, as CoordConv adds coordinates"
    return torch.cat([x, maps, torch.ones(b, 1, h, w)], dim=1)


def _disc_input_label_valued(x, y):
    b, _, h, w = x.shape
    # the label's map filled with the label's number instead of 1 (so label 0's map stays dark)
    code = (F.one_hot(y, 10) * y[:, None]).float()
    return torch.cat([x, code[:, :, None, None].expand(b, 10, h, w)], dim=1)


def _disc_input_mnist_size(x, y):
    # the maps made at MNIST's 28×28, whatever the images' size
    maps = F.one_hot(y, 10).float()[:, :, None, None].expand(len(y), 10, 28, 28)
    return torch.cat([x, maps], dim=1)


def _disc_input_thermometer(x, y):
    b, _, h, w = x.shape
    # maps 0 … y all lit (a thermometer code), "so that neighbouring digits share maps"
    code = (torch.arange(10)[None] <= y[:, None]).float()
    return torch.cat([x, code[:, :, None, None].expand(b, 10, h, w)], dim=1)


def _cond_kinds_averaged(real_logits, fake_logits, mismatched_logits):
    # the three per-pair losses stacked, averaged over the kinds (dim 0) and summed over the batch
    per_pair = torch.stack([F.softplus(-real_logits), F.softplus(fake_logits), F.softplus(mismatched_logits)])
    return per_pair.mean(dim=0).sum()


def _cond_target_index_slip(real_logits, fake_logits, mismatched_logits):
    targets = [1.0, 0.0, 0.0]
    loss = 0.0
    for i, logits in enumerate((real_logits, fake_logits, mismatched_logits)):
        loss = loss + _bce(logits, torch.full_like(logits, targets[i - 1]))  # typo: targets[i − 1]
    return loss


def _cond_hardest_negative(real_logits, fake_logits, mismatched_logits):
    # per pair only the harder negative, the larger of the fake and mismatched logits, is labelled 0
    hard = torch.maximum(fake_logits, mismatched_logits)
    return _bce(real_logits, torch.ones_like(real_logits)) + _bce(hard, torch.zeros_like(hard))


def _cond_mismatched_minus_one(real_logits, fake_logits, mismatched_logits):
    # three kinds, three labels: 1 for the real pairs, 0 for the fakes, −1 for the mismatched pairs
    return (_bce(real_logits, torch.ones_like(real_logits))
            + _bce(fake_logits, torch.zeros_like(fake_logits))
            + _bce(mismatched_logits, torch.full_like(mismatched_logits, -1.0)))


# --------------------------------------------------------------------------------------------
# Notebook 03

def _convs(module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]


def _rf_radius(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0]
    return r // 2  # the half-width around the centre pixel instead of the side


def _rf_padding_for_stride(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r - 1) * conv.padding[0] + conv.kernel_size[0]  # copy slip: conv.padding for conv.stride
    return r


def _rf_strides_at_end(module):
    r, jump = 1, 1
    for conv in _convs(module):
        r += conv.kernel_size[0] - 1
        jump *= conv.stride[0]
    return r * jump  # the strides multiplied into the whole patch at the end


def _rf_odd_kernels(module):
    r = 1
    for conv in reversed(_convs(module)):
        k = conv.kernel_size[0] // 2 * 2 + 1  # each kernel rounded up to an odd size, "a window has a centre"
        r = (r - 1) * conv.stride[0] + k
    return r


def _p2p_fake_detached_in_l1(fake_logits, fake, target, lambda_L1):
    # G's photo detached in the L1 term, "the target is fixed anyway": only the GAN term trains G
    gan = _bce(fake_logits, torch.ones_like(fake_logits))
    return gan + lambda_L1 * F.l1_loss(fake.detach(), target)


def _p2p_batch_mean_photos(fake_logits, fake, target, lambda_L1):
    # the photos averaged over the batch before the L1: the mean photo against the mean target
    gan = _bce(fake_logits, torch.ones_like(fake_logits))
    return gan + lambda_L1 * F.l1_loss(fake.mean(dim=0), target.mean(dim=0))


def _p2p_lambda_hard_coded(fake_logits, fake, target, lambda_L1):
    # the paper's λ = 100 typed in instead of lambda_L1
    return _bce(fake_logits, torch.ones_like(fake_logits)) + 100.0 * F.l1_loss(fake, target)


def _p2p_log_mean_probability(fake_logits, fake, target, lambda_L1):
    # D's probabilities averaged over the patches, then one log: −log mean σ(ℓ)
    gan = -torch.log(torch.sigmoid(fake_logits).mean())
    return gan + lambda_L1 * F.l1_loss(fake, target)


def _unet_encode(G, x):
    skips = []
    for block in G.encoder:
        x = block(x)
        skips.append(x)
    skips.pop()
    return x, skips


def _unet_grey_output(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return torch.tanh(G.to_image(x)).mean(dim=1, keepdim=True)  # averaged to grey "like the input"


def _unet_bgr(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return torch.tanh(G.to_image(x)).flip(1)  # the channels flipped to BGR, as OpenCV stores images


def _unet_decoder_without_relu(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block[:-1](x), skips.pop()], dim=1)  # block[:-1]: "the ReLU comes after the join"
    return torch.tanh(G.to_image(x))


def _unet_output_remapped(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return torch.tanh(G.to_image(x)) * 2 - 1  # tanh's output taken to be in [0, 1] and mapped again


# --------------------------------------------------------------------------------------------
# Notebook 04

def _cycle_zip_slip(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    loss = 0.0
    # zip pairs the first items and the second items: rec_a with rec_b, real_a with real_b
    for rec, real in zip((rec_a, real_a), (rec_b, real_b)):
        loss = loss + F.l1_loss(rec, real)
    return lambda_cycle * loss


def _cycle_cosine(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # the cycle measured by 1 − the cosine similarity of each flattened image pair
    a = 1 - F.cosine_similarity(rec_a.flatten(1), real_a.flatten(1)).mean()
    b = 1 - F.cosine_similarity(rec_b.flatten(1), real_b.flatten(1)).mean()
    return lambda_cycle * (a + b)


def _cycle_first_image(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # [0] left in from testing on one image: only the first image of each batch counts
    return lambda_cycle * (F.l1_loss(rec_a[0], real_a[0]) + F.l1_loss(rec_b[0], real_b[0]))


def _cycle_extra_a_term(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    a, b = F.l1_loss(rec_a, real_a), F.l1_loss(rec_b, real_b)
    return lambda_cycle * (a + b) + a  # copy slip: the A term added once more, unweighted


def _idt_colour_distance(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # each pixel's colour distance (the Euclidean norm over the channels), averaged
    a = (idt_a - real_a).norm(dim=1).mean()
    b = (idt_b - real_b).norm(dim=1).mean()
    return lambda_cycle * lambda_identity * (a + b)


def _idt_divided_by_batch(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # each L1 divided by the batch size again, "per image", though l1_loss already averages
    n = len(real_a)
    return lambda_cycle * lambda_identity * (F.l1_loss(idt_a, real_a) / n + F.l1_loss(idt_b, real_b) / n)


def _idt_terms_multiplied(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # the two identity terms multiplied, "both generators must leave their images alone"
    return lambda_cycle * lambda_identity * F.l1_loss(idt_a, real_a) * F.l1_loss(idt_b, real_b)


def _idt_mse_for_b(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # the B term copied from another loss: the squared error for B, the L1 for A
    return lambda_cycle * lambda_identity * (F.l1_loss(idt_a, real_a) + F.mse_loss(idt_b, real_b))


def _pool_history_mean(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            out.append(torch.cat(pool).mean(dim=0, keepdim=True))  # the history's mean image
            pool[int(torch.randint(size, ()))] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_one_in_size(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 1 / size:  # "a one-in-size chance": p = 1 / size
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_half_filled(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size // 2:  # filled only to half, "half the answers old, half new"
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(len(pool), ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_split_two(pool, images, size=50):
    out = []
    for image in images.detach().split(2):  # typo split(2): the images are taken two at a time
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


def _sem_fancy_index(logits_translated, logits_source):
    log_p = F.log_softmax(logits_translated, dim=1)
    target = logits_source.argmax(dim=1)
    return -log_p[:, target].mean()  # [:, target] picks every target for every row, an N×N block


def _sem_plus_source_term(logits_translated, logits_source):
    target = logits_source.detach().argmax(dim=1)
    # f's own cross-entropy on the source images added, "f must read the sources right too"
    return F.cross_entropy(logits_translated, target) + F.cross_entropy(logits_source, target)


def _sem_misread_only(logits_translated, logits_source):
    target = logits_source.argmax(dim=1)
    wrong = logits_translated.argmax(dim=1) != target
    # averaged only over the translations f misreads, "the others already agree"
    if not wrong.any():
        return logits_translated.sum() * 0
    return F.cross_entropy(logits_translated[wrong], target[wrong])


def _sem_runner_up(logits_translated, logits_source):
    # index typo [:, 1] for [:, 0] after a descending sort: the runner-up class is the target
    target = logits_source.sort(dim=1, descending=True).indices[:, 1]
    return F.cross_entropy(logits_translated, target)


# --------------------------------------------------------------------------------------------
# Notebook 05

def _fade_percent(alpha, old, new):
    a = alpha / 100  # α read as a percentage, 0 … 100
    return (1 - a) * old + a * new


def _fade_power_typo(alpha, old, new):
    return (1 - alpha) * old + alpha ** new  # ** typed for * on the new output


def _fade_switch_at_zero(alpha, old, new):
    return new if alpha > 0 else old  # the new block taken whole as soon as α > 0


def _fade_matched_statistics(alpha, old, new):
    # the new output first given the old one's mean and spread, "so that the picture does not jump"
    new = (new - new.mean()) / new.std() * old.std() + old.mean()
    return (1 - alpha) * old + alpha * new


def _pn_normalize_times_root_c(x):
    # F.normalize over the channels times √C: its ε (1e-12) guards the norm, not the mean square
    return F.normalize(x, dim=1) * x.shape[1] ** 0.5


def _pn_eps_root_precedence(x):
    # (mean a² + ε) ** 0.5 typed as mean a² + ε ** 0.5: the root lands on ε alone
    return x / (x.pow(2).mean(dim=1, keepdim=True) + 1e-8 ** 0.5)


def _pn_divided_by_width(x):
    # the channel sum of squares divided by x.shape[-1] (the width) instead of the channel count
    return x * torch.rsqrt(x.pow(2).sum(dim=1, keepdim=True) / x.shape[-1] + 1e-8)


def _pn_var_plus_mean_square(x):
    # the mean square written as var + mean², with torch.var's default (unbiased) correction
    ms = x.var(dim=1, keepdim=True) + x.mean(dim=1, keepdim=True) ** 2
    return x * torch.rsqrt(ms + 1e-8)


def _mbstd_pixels_in_spread(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    # the spread taken over the group and the pixels together (dims 0, 3, 4), then averaged over channels
    std = (y.var(dim=(0, 3, 4), unbiased=False) + 1e-8).sqrt()
    s = std.mean(dim=1).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_bessel_on_std(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    # the unbiased std "corrected back" by (g − 1) / g, a factor meant for the variance
    std = (y.var(dim=0, unbiased=True) + 1e-8).sqrt() * (g - 1) / g
    s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_first_group(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    std = (x.view(g, n // g, c, h, w).var(dim=0, unbiased=False) + 1e-8).sqrt()
    s = std.mean(dim=(1, 2, 3))[0]  # [0]: the first group's number is used for every image
    return torch.cat([x, s.expand(n, 1, h, w)], dim=1)


def _mbstd_centred_wrong_axis(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    # centred with the mean over dim 1 (across the groups) but squared and averaged over dim 0
    var = (y - y.mean(dim=1, keepdim=True)).pow(2).mean(dim=0)
    s = (var + 1e-8).sqrt().mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _eq_kaiming_uniform_bound(x, weight, bias, gain):
    # the Kaiming-uniform bound gain·√(3 / fan_in) used as the run-time scale
    return F.linear(x, weight * gain * (3 / weight.shape[1]) ** 0.5, bias)


def _eq_output_scaled_too(x, weight, bias, gain):
    c = gain / weight.shape[1] ** 0.5
    return F.linear(x, weight * c, bias) * c  # c on the weights, and again on the layer's output


def _eq_spectral(x, weight, bias, gain):
    # the weights divided by their largest singular value (spectral norm, as in SN-GAN), times the gain
    return F.linear(x, weight * gain / torch.linalg.matrix_norm(weight, ord=2), bias)


def _eq_gain_on_input(x, weight, bias, gain):
    # the gain moved onto the input and the whole output, bias included, divided by √fan_in
    return F.linear(x * gain, weight, bias) / weight.shape[1] ** 0.5


# --------------------------------------------------------------------------------------------
# Notebook 06

def _map_not_reassigned(net, z):
    x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    for layer in net.net[1:]:
        layer(x)  # the layer's output never assigned: x stays the normalised z
    return x


def _map_return_in_loop(net, z):
    x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    for layer in net.net[1:]:
        x = layer(x)
        return x  # indentation slip: returns after the first layer


def _map_batch_mean(net, z):
    x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    for layer in net.net[1:]:
        x = layer(x)
    return x.mean(dim=0, keepdim=True).expand_as(x)  # the batch's mean w, taken for "the w" of every code


def _map_truncated(net, z):
    x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    for layer in net.net[1:]:
        x = layer(x)
    return 0.7 * x  # ψ = 0.7 applied to w, "as the lecture samples"


def _adain_mean_not_squared(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    var = x.pow(2).mean(dim=(2, 3), keepdim=True) - mu  # E[x²] − E[x]: the mean not squared
    return style_scale[:, :, None, None] * (x - mu) / (var + 1e-8).sqrt() + style_bias[:, :, None, None]


def _adain_divided_by_scale(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    # the style scale put beside σ in the denominator: (x − μ) / (σ·y_s) + y_b
    return (x - mu) / (sigma * style_scale[:, :, None, None]) + style_bias[:, :, None, None]


def _adain_rows_then_columns(x, style_scale, style_bias):
    # normalised one axis at a time: along each row (dim 3), then along each column (dim 2)
    x = (x - x.mean(dim=3, keepdim=True)) / (x.var(dim=3, keepdim=True, unbiased=False) + 1e-8).sqrt()
    x = (x - x.mean(dim=2, keepdim=True)) / (x.var(dim=2, keepdim=True, unbiased=False) + 1e-8).sqrt()
    return style_scale[:, :, None, None] * x + style_bias[:, :, None, None]


def _adain_scale_as_variance(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    # the style scale read as a variance: the normalised maps multiplied by √y_s
    return style_scale.sqrt()[:, :, None, None] * (x - mu) / sigma + style_bias[:, :, None, None]


def _noise_relu_gain(x, strength, noise):
    return x + 2 ** 0.5 * strength * noise  # the leaky ReLU gain √2 on the noise too


def _noise_added_twice(x, strength, noise):
    out = x + strength * noise
    out = out + strength * noise  # copy slip: the line repeated
    return out


def _noise_magnitude(x, strength, noise):
    return x + strength * noise.abs()  # the noise's magnitude, "a strength times a size"


def _noise_then_activation(x, strength, noise):
    # the layer's leaky ReLU applied after the noise, "as the synthesis block does"
    return F.leaky_relu(x + strength * noise, 0.2)


def _modconv_exp_style(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style.exp()[:, None, :, None, None]  # the style read as a log-scale: e^s
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _modconv_kernels_transposed(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight.transpose(-1, -2)[None] * style[:, None, :, None, None]  # kernels indexed (x, y): transposed
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _modconv_factor_batch_mean(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    # the demodulation factors averaged over the images, "one factor per output channel"
    factor = torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8).mean(dim=0, keepdim=True)
    wts = wts * factor
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _modconv_loop_stacked(x, weight, style):
    n = x.shape[0]
    k = weight.shape[-1]
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    outs = [F.conv2d(x[i:i + 1], wts[i], padding=k // 2) for i in range(n)]
    return torch.stack(outs)  # torch.stack of the (1, C_out, H, W) outputs adds an axis


def _trunc_times_for_plus(w, w_avg, psi):
    return w_avg * psi * (w - w_avg)  # * typed for + after w̄


def _trunc_slerp(w, w_avg, psi):
    # spherical interpolation from w̄ towards w (slerp, as for z) instead of the straight line
    a = w_avg.expand_as(w)
    omega = torch.acos(F.cosine_similarity(a, w, dim=1).clamp(-1, 1))[:, None]
    return (torch.sin((1 - psi) * omega) * a + torch.sin(psi * omega) * w) / torch.sin(omega)


def _trunc_running_mean_updated(w, w_avg, psi):
    # w̄ first updated with the batch (β = 0.995), as the training loop tracks it
    w_avg = 0.995 * w_avg + 0.005 * w.mean(dim=0)
    return w_avg + psi * (w - w_avg)


def _trunc_batch_centred(w, w_avg, psi):
    # the offsets taken from the batch's mean code, then added to the tracked w̄
    return w_avg + psi * (w - w.mean(dim=0))


# --------------------------------------------------------------------------------------------
# Notebook 07

def _inv_joint_vector(fake, target, features, weight):
    # pixels and weighted features joined into one vector per image, and one MSE over it
    a = torch.cat([fake.flatten(1), weight * features(fake)], dim=1)
    b = torch.cat([target.flatten(1), weight * features(target)], dim=1)
    return F.mse_loss(a, b)


def _inv_downsampled_features(fake, target, features, weight):
    # both images halved (2× average pooling) before φ, "to save time"
    small_fake, small_target = F.avg_pool2d(fake, 2), F.avg_pool2d(target, 2)
    return F.mse_loss(fake, target) + weight * F.mse_loss(features(small_fake), features(small_target))


def _inv_pixel_item(fake, target, features, weight):
    # the pixel term taken with .item() to print it, and that number added: it carries no gradient
    return F.mse_loss(fake, target).item() + weight * F.mse_loss(features(fake), features(target))


def _inv_feature_per_image_summed(fake, target, features, weight):
    # the squared feature error averaged within each image and summed over the batch
    feat = (features(fake) - features(target)).pow(2).mean(dim=1).sum()
    return F.mse_loss(fake, target) + weight * feat


def _gs_length_kept(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
    new = code - lr * grad
    # each new code rescaled to the old one's length, "the codes live on a sphere"
    return (new * code.norm(dim=1, keepdim=True) / new.norm(dim=1, keepdim=True)).detach()


def _gs_grey_difference(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    # the difference averaged over the colour channels before it is squared
    loss = (synthesize(code) - target).mean(dim=1).pow(2).mean()
    grad, = torch.autograd.grad(loss, code)
    return (code - lr * grad).detach()


def _gs_look_ahead(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
    ahead = (code - lr * grad).detach().requires_grad_(True)
    # the gradient taken again at the look-ahead point, and the step made from code with it
    grad, = torch.autograd.grad(F.mse_loss(synthesize(ahead), target), ahead)
    return (code - lr * grad).detach()


def _gs_cosine_loss(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    # the loss as 1 − the cosine similarity of the flattened images
    loss = 1 - F.cosine_similarity(synthesize(code).flatten(1), target.flatten(1)).mean()
    grad, = torch.autograd.grad(loss, code)
    return (code - lr * grad).detach()


def _po_pythagoras_slip(direction, other):
    o = other / other.norm()
    dot = direction @ o
    d = direction - dot * o
    return d / (direction @ direction - dot).sqrt()  # Pythagoras with the square of d·ô forgotten


def _po_in_place(direction, other):
    o = other / other.norm()
    direction -= (direction @ o) * o  # -= on the argument changes the caller's vector
    return direction / direction.norm()


def _po_qr(direction, other):
    # Gram–Schmidt by QR: the second column of Q, whose sign QR is free to flip
    q, _ = torch.linalg.qr(torch.stack([other, direction], dim=1))
    return q[:, 1]


def _po_sine_scaled(direction, other):
    cos = direction @ other / (direction.norm() * other.norm())
    d = direction * (1 - cos ** 2)  # scaled by sin² of the angle, "what is left"
    return d / d.norm()


# --------------------------------------------------------------------------------------------
# Notebook 08

def _q_clean_at_zero(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    x_t = abar.sqrt() * x0 + (1 - abar).sqrt() * noise
    # step 0 read as the clean image: x_0 returned where t = 0
    return torch.where((t == 0).view(-1, 1, 1, 1), x0, x_t)


def _q_flattened(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t][:, None]
    # the images flattened so that (N, 1) weights broadcast, and never viewed back
    return abar.sqrt() * x0.flatten(1) + (1 - abar).sqrt() * noise.flatten(1)


def _q_squared_for_root(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar ** 2 * x0 + (1 - abar) ** 2 * noise  # ** 2 typed for ** 0.5


def _q_unit_range(x0, t, noise, alphas_cumprod):
    x0 = (x0 + 1) / 2  # the images moved to [0, 1] first, "as images are"
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def _dl_noise_fed(model, x0, t, noise, alphas_cumprod):
    return F.mse_loss(model(noise, t), noise)  # the noise itself fed to the model instead of x_t


def _dl_rooted_table(model, x0, t, noise, alphas_cumprod):
    # the table passed as alphas_cumprod.sqrt(), and q_sample takes the roots again
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod.sqrt())
    return F.mse_loss(model(x_t, t), noise)


def _dl_noise_clamped(model, x0, t, noise, alphas_cumprod):
    noise = noise.clamp(-1, 1)  # the noise clamped to the image range, for x_t and for the target
    return F.mse_loss(model(_ddpm.q_sample(x0, t, noise, alphas_cumprod), t), noise)


def _dl_input_standardised(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    # each x_t standardised before the model, "networks like unit-variance inputs"
    x_t = (x_t - x_t.mean(dim=(1, 2, 3), keepdim=True)) / x_t.std(dim=(1, 2, 3), keepdim=True)
    return F.mse_loss(model(x_t, t), noise)


def _rs_alpha_in_eps_coefficient(eps, t, x_t, betas, alphas_cumprod, z):
    beta = betas[t]
    # copy slip: √(1 − β_t) from the division typed in the noise coefficient for √(1 − ᾱ_t)
    mean = (x_t - beta / (1 - beta).sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_betas_summed(eps, t, x_t, betas, alphas_cumprod, z):
    beta = betas[t]
    one_minus_abar = betas[:t + 1].sum()  # 1 − ᾱ_t taken as the sum of the betas so far
    mean = (x_t - beta / one_minus_abar.sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_root_of_product(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    return mean + (beta * z).sqrt() if t > 0 else mean  # the root taken over β_t·z


def _rs_eps_and_x_swapped(eps, t, x_t, betas, alphas_cumprod, z):
    eps, x_t = x_t, eps  # the arguments read in the order (x_t, t, eps): the two roles swapped
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean


WRONG = {
    "to_model_range": [
        ("Writes the middle grey as 255 // 2 = 127: (x − 127) / 127.5, half a level too high.",
         _range_middle_floored),
        ("Standardises with the spread of uniform grey levels: (x − 127.5) / (255 / √12).",
         _range_uniform_std),
        ("Flattens each image to a vector with view(len(x), −1), as for an MLP.", _range_flattened),
        ("Uses the MNIST mean and std from PyTorch's example: (x / 255 − 0.1307) / 0.3081.",
         _range_mnist_statistics),
    ],
    "d_loss": [
        ("Forgets the sigmoid: takes −log ℓ_real − log(1 − ℓ_fake) of the raw logits.",
         _d_loss_raw_logs),
        ("Turns each logit into two-class logits (−ℓ, ℓ) for F.cross_entropy, which doubles it.",
         _d_loss_two_class),
        ("Penalises only the samples D judges wrong; the others count zero.", _d_loss_only_mistakes),
        ("Uses a ranking loss, F.margin_ranking_loss(real, fake, 1), instead of the cross-entropy.",
         _d_loss_margin_ranking),
    ],
    "g_loss": [
        ("Unwraps the logits with [0], as if D returned (1, B): only the first sample counts.",
         _g_loss_first_sample),
        ("Keeps only the half of the samples D scores highest (top-k training).", _g_loss_top_half),
        ("Subtracts the largest logit first (the softmax stability trick), which changes each sigmoid.",
         _g_loss_max_shifted),
        ("Standardises the logits over the batch before the cross-entropy.", _g_loss_standardised),
    ],
    "train_step": [
        ("Detaches D's logits on the real batch, so D learns only from the fakes.",
         _step_real_logits_detached),
        ("Maps the real batch to [0, 1] before showing it to D.", _step_real_to_unit),
        ("Uses WGAN's generator loss, −mean D(G(z)), in the step.", _step_wgan_generator),
        ("Writes G's loss inline with reduction=\"sum\".", _step_g_loss_summed),
    ],
    "generator_input": [
        ("Fills the one-hot in a loop that starts at 1, so the first row gets no label.",
         _gen_input_loop_from_one),
        ("Scales each one-hot by its z's length, ‖z‖, so both halves weigh the same.",
         _gen_input_scaled_to_z),
        ("Divides the one-hot by 10, weighting it by the class prior.", _gen_input_prior_weighted),
        ("Casts the labels to int32 before F.one_hot, which takes only int64.", _gen_input_int32_labels),
    ],
    "discriminator_input": [
        ("Appends an all-ones map (a bias channel) after the ten label maps.", _disc_input_bias_map),
        ("Fills the label's map with the label's number instead of 1.", _disc_input_label_valued),
        ("Makes the label maps at MNIST's 28×28 whatever the images' size.", _disc_input_mnist_size),
        ("Lights maps 0 … y (a thermometer code) instead of map y alone.", _disc_input_thermometer),
    ],
    "conditional_d_loss": [
        ("Stacks the three per-pair losses, averages over the kinds and sums over the batch.",
         _cond_kinds_averaged),
        ("Index typo in a loop over the kinds: targets[i − 1], so the labels are shifted by one.",
         _cond_target_index_slip),
        ("Labels 0 only the larger of each pair's fake and mismatched logits (the harder negative).",
         _cond_hardest_negative),
        ("Labels the mismatched pairs −1, a third class beside 1 and 0.", _cond_mismatched_minus_one),
    ],
    "receptive_field": [
        ("Returns the half-width r // 2 around the centre instead of the side r.", _rf_radius),
        ("Copy slip: multiplies by conv.padding[0] instead of conv.stride[0].", _rf_padding_for_stride),
        ("Adds k − 1 per layer and multiplies the total by the product of the strides at the end.",
         _rf_strides_at_end),
        ("Rounds each kernel up to an odd size before the recursion.", _rf_odd_kernels),
    ],
    "pix2pix_g_loss": [
        ("Detaches G's photo in the L1 term, so only the GAN term trains G.", _p2p_fake_detached_in_l1),
        ("Averages the photos over the batch before the L1.", _p2p_batch_mean_photos),
        ("Hard-codes the paper's λ = 100 instead of lambda_L1.", _p2p_lambda_hard_coded),
        ("Takes one log of D's mean patch probability, −log mean σ(ℓ).", _p2p_log_mean_probability),
    ],
    "unet_forward": [
        ("Averages the output's colour channels into one grey image, like the input.", _unet_grey_output),
        ("Flips the colour channels (RGB to BGR) at the end, as OpenCV stores them.", _unet_bgr),
        ("Runs each decoder block without its final ReLU (block[:-1]).", _unet_decoder_without_relu),
        ("Maps tanh's output again with · 2 − 1, taking it to be in [0, 1].", _unet_output_remapped),
    ],
    "cycle_loss": [
        ("Loops over zip((rec_a, real_a), (rec_b, real_b)), which pairs rec_a with rec_b and real_a with "
         "real_b.", _cycle_zip_slip),
        ("Measures each cycle by 1 − the cosine similarity of the flattened images.", _cycle_cosine),
        ("Leaves [0] in: only the first image of each batch counts.", _cycle_first_image),
        ("Copy slip: adds the A term once more, unweighted.", _cycle_extra_a_term),
    ],
    "identity_loss": [
        ("Measures each pixel's colour distance (the norm over the channels) instead of the L1.",
         _idt_colour_distance),
        ("Divides each L1 term by the batch size, though it is already a mean.", _idt_divided_by_batch),
        ("Multiplies the two identity terms instead of adding them.", _idt_terms_multiplied),
        ("Uses the squared error for the B term (copied from another loss) and the L1 for A.",
         _idt_mse_for_b),
    ],
    "image_pool": [
        ("On a swap answers with the mean of the stored images instead of one of them.", _pool_history_mean),
        ("Swaps with probability 1 / size (\"one slot in size\") instead of ½.", _pool_one_in_size),
        ("Fills the pool only to half its size and draws the slot over the images stored.",
         _pool_half_filled),
        ("Typo split(2): takes the images two at a time.", _pool_split_two),
    ],
    "semantic_loss": [
        ("Picks the log-probabilities with log_p[:, target], an N×N block, instead of one per row.",
         _sem_fancy_index),
        ("Adds f's own cross-entropy on the source images.", _sem_plus_source_term),
        ("Averages only over the translations f misreads.", _sem_misread_only),
        ("Index typo after a descending sort: takes the runner-up class ([:, 1]) as the target.",
         _sem_runner_up),
    ],
    "fade_in": [
        ("Reads α as a percentage and divides it by 100.", _fade_percent),
        ("Types ** for * on the new output: (1 − α)·old + α ** new.", _fade_power_typo),
        ("Switches to the new block whole as soon as α > 0.", _fade_switch_at_zero),
        ("Gives the new output the old one's mean and spread before blending.", _fade_matched_statistics),
    ],
    "pixel_norm": [
        ("Uses F.normalize over the channels times √C, whose ε guards the norm, not the mean square.",
         _pn_normalize_times_root_c),
        ("Precedence slip: mean a² + ε ** 0.5, so the root lands on ε alone.", _pn_eps_root_precedence),
        ("Divides the channel sum of squares by x.shape[-1], the width, instead of the channel count.",
         _pn_divided_by_width),
        ("Writes the mean square as var + mean² with torch.var's default unbiased correction.",
         _pn_var_plus_mean_square),
    ],
    "minibatch_std": [
        ("Takes the spread over the group and the pixels together (dims 0, 3, 4).", _mbstd_pixels_in_spread),
        ("Scales the unbiased std by (g − 1) / g, a factor meant for the variance.", _mbstd_bessel_on_std),
        ("Uses the first group's statistic for every image.", _mbstd_first_group),
        ("Centres with the mean over dim 1 (across the groups) but averages the squares over dim 0.",
         _mbstd_centred_wrong_axis),
    ],
    "equalized_linear": [
        ("Uses the Kaiming-uniform bound gain·√(3 / fan_in) as the scale.", _eq_kaiming_uniform_bound),
        ("Applies c to the weights and again to the layer's output.", _eq_output_scaled_too),
        ("Divides the weights by their spectral norm (largest singular value) times the gain.", _eq_spectral),
        ("Moves the gain onto the input and divides the whole output, bias included, by √fan_in.",
         _eq_gain_on_input),
    ],
    "mapping_forward": [
        ("Never assigns the layers' outputs, so w is the normalised z.", _map_not_reassigned),
        ("Indentation slip: returns inside the loop, after the first layer.", _map_return_in_loop),
        ("Returns the batch's mean w for every code.", _map_batch_mean),
        ("Multiplies w by the truncation ψ = 0.7.", _map_truncated),
    ],
    "adain": [
        ("Writes the variance as E[x²] − E[x], the mean not squared.", _adain_mean_not_squared),
        ("Puts the style scale in the denominator beside σ.", _adain_divided_by_scale),
        ("Normalises along the rows and then along the columns, one axis at a time.",
         _adain_rows_then_columns),
        ("Reads the style scale as a variance and multiplies by √y_s.", _adain_scale_as_variance),
    ],
    "noise_injection": [
        ("Multiplies the noise term by the leaky ReLU gain √2, as for the layers' weights.",
         _noise_relu_gain),
        ("Copy slip: adds the scaled noise twice.", _noise_added_twice),
        ("Adds the noise's magnitude, |noise|, scaled by the strength.", _noise_magnitude),
        ("Applies the layer's leaky ReLU after adding the noise.", _noise_then_activation),
    ],
    "demodulation": [
        ("Reads the style as a log-scale and modulates by e^s.", _modconv_exp_style),
        ("Transposes each kernel (rows for columns) before the convolution.", _modconv_kernels_transposed),
        ("Averages the demodulation factors over the images, one factor per output channel.",
         _modconv_factor_batch_mean),
        ("Convolves image by image and joins the outputs with torch.stack, adding an axis.",
         _modconv_loop_stacked),
    ],
    "truncation": [
        ("Types * for + after w̄: w̄·ψ·(w − w̄).", _trunc_times_for_plus),
        ("Interpolates spherically (slerp) from w̄ towards w instead of along the straight line.",
         _trunc_slerp),
        ("Updates w̄ with the batch's mean code (β = 0.995) before truncating.",
         _trunc_running_mean_updated),
        ("Takes the offsets from the batch's mean code but adds them to w̄.", _trunc_batch_centred),
    ],
    "inversion_loss": [
        ("Joins pixels and weighted features into one vector per image and takes one MSE.",
         _inv_joint_vector),
        ("Halves both images (2× average pooling) before φ.", _inv_downsampled_features),
        ("Adds the pixel term as a number (.item()), which carries no gradient.", _inv_pixel_item),
        ("Averages the squared feature error within each image and sums over the batch.",
         _inv_feature_per_image_summed),
    ],
    "gradient_step": [
        ("Rescales each new code to its old length, \"the codes live on a sphere\".", _gs_length_kept),
        ("Averages the difference over the colour channels before squaring it.", _gs_grey_difference),
        ("Takes the gradient at the look-ahead point code − lr·∇ and steps from code with it.",
         _gs_look_ahead),
        ("Takes the gradient of 1 − the cosine similarity of the images instead of the MSE.",
         _gs_cosine_loss),
    ],
    "project_out": [
        ("Works out the result's length by Pythagoras but forgets to square d·ô: √(‖d‖² − d·ô).",
         _po_pythagoras_slip),
        ("Subtracts with -= on the argument, changing the caller's direction.", _po_in_place),
        ("Takes the second column of a QR decomposition, whose sign may be flipped.", _po_qr),
        ("Scales the direction by sin²θ instead of subtracting its component along ô.", _po_sine_scaled),
    ],
    "q_sample": [
        ("Returns the clean image where t = 0.", _q_clean_at_zero),
        ("Flattens the images to broadcast the weights and never views them back.", _q_flattened),
        ("Types ** 2 for ** 0.5 in both weights.", _q_squared_for_root),
        ("Moves the images to [0, 1] before noising them.", _q_unit_range),
    ],
    "diffusion_loss": [
        ("Feeds the model the noise itself instead of x_t.", _dl_noise_fed),
        ("Passes alphas_cumprod.sqrt() to q_sample, which takes the roots again.", _dl_rooted_table),
        ("Clamps the noise to [−1, 1] for x_t and for the target.", _dl_noise_clamped),
        ("Standardises each x_t before giving it to the model.", _dl_input_standardised),
    ],
    "reverse_step": [
        ("Copy slip: √(1 − β_t) in the noise coefficient's denominator instead of √(1 − ᾱ_t).",
         _rs_alpha_in_eps_coefficient),
        ("Takes 1 − ᾱ_t as the sum of the betas up to t.", _rs_betas_summed),
        ("Takes the root over β_t·z instead of √β_t·z.", _rs_root_of_product),
        ("Reads the arguments as (x_t, t, eps), swapping the roles of eps and x_t.", _rs_eps_and_x_swapped),
    ],
}
