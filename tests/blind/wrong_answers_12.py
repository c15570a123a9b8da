"""Wrong answers, twelfth blind set (issue 37): written without seeing the diagnosis, to measure it.

Four plausible wrong answers per short exercise, each with the exercise's exact signature, written as
other students would write them on a first try; none repeats a mistake of the first eleven blind sets
(``wrong_answers.py`` to ``wrong_answers_11.py``), and ``tests/blind/verify.py 12`` confirms that each one
fails its check and computes neither one of the check's named mistakes nor an earlier blind answer.
"""
import torch
import torch.nn.functional as F

from coursekit.models import dcgan as _dcgan
from coursekit.models import ddpm as _ddpm

_bce = F.binary_cross_entropy_with_logits


# --------------------------------------------------------------------------------------------
# Notebook 00

def _range_parentheses_after_shift(x):
    # 2x / 255 − 1 written as 2 * (x / 255 − 1): the shift inside the bracket, the range is [−2, 0]
    return 2 * (x.float() / 255 - 1)


def _range_shrunk_for_tanh(x):
    # shrunk by 0.99 "so that G's tanh never has to reach ±1 exactly"
    return (x.float() / 127.5 - 1) * 0.99


def _range_gamma_encoded(x):
    # the grey levels gamma-encoded first, (x / 255) ** (1 / 2.2), "to be perceptually even"
    return (x.float() / 255) ** (1 / 2.2) * 2 - 1


def _range_rounded(x):
    y = x.float() / 127.5 - 1
    return torch.round(y, decimals=2)  # rounded to two decimals "to keep the numbers tidy"


# --------------------------------------------------------------------------------------------
# Notebook 01

def _d_loss_temperature(real_logits, fake_logits):
    # the logits softened by a temperature of 2 "for stability" before the cross-entropy
    real, fake = real_logits / 2, fake_logits / 2
    return _bce(real, torch.ones_like(real)) + _bce(fake, torch.zeros_like(fake))


def _d_loss_softmax_over_batch(real_logits, fake_logits):
    # D's "probabilities" taken with a softmax over the batch instead of a sigmoid per sample
    p_real = torch.softmax(real_logits, dim=0)
    p_fake = torch.softmax(fake_logits, dim=0)
    return -(torch.log(p_real).mean() + torch.log(1 - p_fake).mean())


def _d_loss_clamped_as_probabilities(real_logits, fake_logits):
    # the logits clamped into [0, 1] "to make them probabilities" for F.binary_cross_entropy
    p_real, p_fake = real_logits.clamp(0, 1), fake_logits.clamp(0, 1)
    return (F.binary_cross_entropy(p_real, torch.ones_like(p_real))
            + F.binary_cross_entropy(p_fake, torch.zeros_like(p_fake)))


def _d_loss_log_of_sum(real_logits, fake_logits):
    # the two probabilities added inside one log: −log(D(x) + 1 − D(G(z))) per pair
    p_real, p_fake = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
    return -torch.log(p_real + 1 - p_fake).mean()


def _g_loss_perceptron(fake_logits):
    # a perceptron loss, relu(−ℓ): only the samples D rejects count, linearly
    return F.relu(-fake_logits).mean()


def _g_loss_target_half(fake_logits):
    # "G wants D unsure": the target ½ instead of 1
    return _bce(fake_logits, torch.full_like(fake_logits, 0.5))


def _g_loss_both_labels(fake_logits):
    # D's loss copied with the fakes in both places: BCE(ℓ, 1) + BCE(ℓ, 0)
    return _bce(fake_logits, torch.ones_like(fake_logits)) + _bce(fake_logits, torch.zeros_like(fake_logits))


def _g_loss_tanh_probability(fake_logits):
    # D's "probability" made with (tanh + 1) / 2, as images are mapped to [0, 1]
    d = (torch.tanh(fake_logits) + 1) / 2
    return -torch.log(d).mean()


def _step_real_flipped(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    # the real batch flipped left-right "as data augmentation" before D sees it
    loss_D = _dcgan.d_loss(D(real.flip(-1)), D(fake.detach()))
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


def _step_d_update_steps_g(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_G.step()  # copy slip in D's update: opt_G.step() for opt_D.step(), so D never moves
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def _step_relativistic_generator(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.requires_grad_(False)
    # G's loss made relativistic (RSGAN): each fake judged against D's score on the real batch
    diff = D(fake) - D(real)
    loss_G = _bce(diff, torch.ones_like(diff))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def _step_tanh_again(G, D, opt_G, opt_D, real, z):
    fake = torch.tanh(G(z))  # G's images squashed with tanh again, "to be sure they are in [−1, 1]"
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
    return loss_D.detach(), loss_G.detach()


# --------------------------------------------------------------------------------------------
# Notebook 02

def _gen_input_pad_wrong_side(z, y):
    # z padded with F.pad(z, (10, 0)), whose first number pads the *left*, then the one-hot added at the end
    padded = F.pad(z, (10, 0))
    code = torch.cat([torch.zeros_like(z), F.one_hot(y, 10).float()], dim=1)
    return padded + code


def _gen_input_mask_viewed(z, y):
    # the one-hot built as a (10, B) mask, classes down the rows, then view()-ed to (B, 10)
    mask = (torch.arange(10)[:, None] == y[None, :]).float()
    return torch.cat([z, mask.view(len(y), 10)], dim=1)


def _gen_input_ones_typo(z, y):
    code = torch.ones(len(y), 10)  # torch.ones typed for torch.zeros: every class is lit
    code[torch.arange(len(y)), y] = 1.0
    return torch.cat([z, code], dim=1)


def _gen_input_return_in_loop(z, y):
    code = torch.zeros(len(y), 10)
    for i in range(len(y)):
        code[i, y[i]] = 1.0
        return torch.cat([z, code], dim=1)  # indentation slip: returns after labelling the first row


def _disc_input_ink_only(x, y):
    b, _, h, w = x.shape
    maps = F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)
    # the label painted only where the digit has ink (x > 0), "on the digit itself"
    return torch.cat([x, maps * (x > 0)], dim=1)


def _disc_input_binarised(x, y):
    b, _, h, w = x.shape
    maps = F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)
    # the image binarised first, "MNIST is black and white", to match the 0/1 label maps
    return torch.cat([(x > 0).float(), maps], dim=1)


def _disc_input_interpolated_strip(x, y):
    b, _, h, w = x.shape
    strip = F.one_hot(y, 10).float()[:, None, None, :]  # the label as a 1×10 image
    # the strip stretched over the image with F.interpolate: one map, the one-hot painted across the width
    maps = F.interpolate(strip, size=(h, w))
    return torch.cat([x, maps], dim=1)


def _disc_input_maps_twice(x, y):
    b, _, h, w = x.shape
    maps = F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)
    return torch.cat([x, maps, maps], dim=1)  # copy slip: the label maps joined twice


def _cond_pix2pix_halved(real_logits, fake_logits, mismatched_logits):
    # pix2pix's D loss copied for the first two terms, which halves them, then the mismatched term
    real = _bce(real_logits, torch.ones_like(real_logits))
    fake = _bce(fake_logits, torch.zeros_like(fake_logits))
    mismatched = _bce(mismatched_logits, torch.zeros_like(mismatched_logits))
    return 0.5 * (real + fake) + mismatched


def _cond_loop_assigns(real_logits, fake_logits, mismatched_logits):
    loss = 0.0
    for logits, target in ((real_logits, 1.0), (fake_logits, 0.0), (mismatched_logits, 0.0)):
        loss = _bce(logits, torch.full_like(logits, target))  # = for +=: only the last kind is kept
    return loss


def _cond_worst_pair(real_logits, fake_logits, mismatched_logits):
    # the three losses summed per pair, and only the worst pair of the batch kept
    per_pair = (F.softplus(-real_logits) + F.softplus(fake_logits) + F.softplus(mismatched_logits))
    return per_pair.max()


def _cond_worst_kind(real_logits, fake_logits, mismatched_logits):
    real = _bce(real_logits, torch.ones_like(real_logits))
    fake = _bce(fake_logits, torch.zeros_like(fake_logits))
    mismatched = _bce(mismatched_logits, torch.zeros_like(mismatched_logits))
    return torch.stack([real, fake, mismatched]).max()  # only the worst of the three kinds counts


# --------------------------------------------------------------------------------------------
# Notebook 03

def _convs(module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]


def _rf_start_zero_plus_one(module):
    r = 0  # "no pixel yet" ...
    for conv in reversed(_convs(module)):
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0]
    return r + 1  # ... and the output pixel added at the end


def _rf_total_stride(module):
    convs = _convs(module)
    total = 1
    for conv in convs:
        total *= conv.stride[0]
    r = 1
    for conv in reversed(convs):
        r = (r - 1) * total + conv.kernel_size[0]  # the stack's overall stride used at every layer
    return r


def _rf_running_stride_product(module):
    r, jump = 1, 1
    for conv in reversed(_convs(module)):
        jump *= conv.stride[0]
        r = (r - 1) * jump + conv.kernel_size[0]  # the running product of the strides for the layer's stride
    return r


def _rf_previous_layer_stride(module):
    convs = _convs(module)
    r = 1
    for i in reversed(range(len(convs))):
        # index slip: the stride of convs[i − 1], the layer before, for layer i
        r = (r - 1) * convs[i - 1].stride[0] + convs[i].kernel_size[0]
    return r


def _p2p_l1_loop_short(fake_logits, fake, target, lambda_L1):
    gan = _bce(fake_logits, torch.ones_like(fake_logits))
    l1 = 0.0
    for i in range(len(fake) - 1):  # off by one: the last photo is left out
        l1 = l1 + (fake[i] - target[i]).abs().mean()
    return gan + lambda_L1 * l1 / (len(fake) - 1)


def _p2p_worst_patch(fake_logits, fake, target, lambda_L1):
    # "fool D on every patch" read as: only the patch D is surest about, the smallest logit of each image
    worst = fake_logits.flatten(1).min(dim=1).values
    return _bce(worst, torch.ones_like(worst)) + lambda_L1 * F.l1_loss(fake, target)


def _p2p_gan_halved(fake_logits, fake, target, lambda_L1):
    # the GAN term halved, "as the paper halves the adversarial loss"
    gan = _bce(fake_logits, torch.ones_like(fake_logits))
    return 0.5 * gan + lambda_L1 * F.l1_loss(fake, target)


def _p2p_terms_multiplied(fake_logits, fake, target, lambda_L1):
    gan = _bce(fake_logits, torch.ones_like(fake_logits))
    l1 = F.l1_loss(fake, target)
    return gan * lambda_L1 * l1  # * typed for + between the two terms


def _unet_encode(G, x):
    skips = []
    for block in G.encoder:
        x = block(x)
        skips.append(x)
    skips.pop()
    return x, skips


def _unet_output_centred(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    out = torch.tanh(G.to_image(x))
    return out - out.mean(dim=(1, 2, 3), keepdim=True)  # each output centred on zero, "zero-mean images"


def _unet_added_and_joined(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        skip = skips.pop()
        x = torch.cat([block(x) + skip, skip], dim=1)  # the skip added (as in a ResNet) and joined as well
    return torch.tanh(G.to_image(x))


def _unet_input_standardised(G, x):
    # each input image standardised first (zero mean, unit spread), "networks like that"
    x = (x - x.mean(dim=(1, 2, 3), keepdim=True)) / x.std(dim=(1, 2, 3), keepdim=True)
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return torch.tanh(G.to_image(x))


def _unet_output_stretched(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    out = torch.tanh(G.to_image(x))
    # each output image stretched to the full range [−1, 1] by its own minimum and maximum
    lo = out.amin(dim=(1, 2, 3), keepdim=True)
    hi = out.amax(dim=(1, 2, 3), keepdim=True)
    return (out - lo) / (hi - lo) * 2 - 1


# --------------------------------------------------------------------------------------------
# Notebook 04

def _cycle_l1_plus_l2(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # the squared error added to the L1 "for smoother gradients" (an elastic-net style loss)
    a = F.l1_loss(rec_a, real_a) + F.mse_loss(rec_a, real_a)
    b = F.l1_loss(rec_b, real_b) + F.mse_loss(rec_b, real_b)
    return lambda_cycle * (a + b)


def _cycle_truncated(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # each pixel's error clipped at 1, "a robust L1"
    a = (rec_a - real_a).abs().clamp(max=1).mean()
    b = (rec_b - real_b).abs().clamp(max=1).mean()
    return lambda_cycle * (a + b)


def _cycle_rooted_terms(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # the square root of each mean absolute error taken, "to put it on the images' scale"
    return lambda_cycle * (F.l1_loss(rec_a, real_a).sqrt() + F.l1_loss(rec_b, real_b).sqrt())


def _cycle_one_sided(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # clamp(min=0) typed for abs(): only the pixels the reconstruction makes too bright count
    a = (rec_a - real_a).clamp(min=0).mean()
    b = (rec_b - real_b).clamp(min=0).mean()
    return lambda_cycle * (a + b)


def _idt_border_cropped(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # the border pixels cropped off, "where the padding leaves artefacts"
    a = F.l1_loss(idt_a[..., 1:-1, 1:-1], real_a[..., 1:-1, 1:-1])
    b = F.l1_loss(idt_b[..., 1:-1, 1:-1], real_b[..., 1:-1, 1:-1])
    return lambda_cycle * lambda_identity * (a + b)


def _idt_tolerance(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # errors below 0.1 ignored, "a tolerance", like an ε-insensitive loss
    a = (idt_a - real_a).abs().sub(0.1).clamp(min=0).mean()
    b = (idt_b - real_b).abs().sub(0.1).clamp(min=0).mean()
    return lambda_cycle * lambda_identity * (a + b)


def _idt_lambda_dropped_on_b(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # the weights written out per term, λ forgotten on the second: λ·λ_idt·L_A + λ_idt·L_B
    return (lambda_cycle * lambda_identity * F.l1_loss(idt_a, real_a)
            + lambda_identity * F.l1_loss(idt_b, real_b))


def _idt_weight_inside(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    weight = lambda_cycle * lambda_identity
    # the weight slipped inside each L1, onto the generated image only
    return F.l1_loss(weight * idt_a, real_a) + F.l1_loss(weight * idt_b, real_b)


def _pool_fifo_buffer(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        # a replay buffer: every image goes in, the oldest drops out, half the time a random one comes back
        pool.append(image)
        if len(pool) > size:
            pool.pop(0)
        if torch.rand(()) < 0.5:
            out.append(pool[int(torch.randint(len(pool), ()))])
        else:
            out.append(image)
    return torch.cat(out)


def _pool_or_idiom(pool, images, size=50):
    pool = pool or []  # the idiom rebinds an empty pool to a new list: the caller's empty pool never fills
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


def _pool_fill_answer_doubled(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
            out.append(image)  # copy slip: the answer line repeated while the pool fills
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_newest_first(pool, images, size=50):
    out = []
    for image in reversed(images.detach().split(1)):  # the batch walked newest first
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


def _sem_gather_row(logits_translated, logits_source):
    log_p = F.log_softmax(logits_translated, dim=1)
    target = logits_source.detach().argmax(dim=1)
    # target[None] for target[:, None]: gather reads every class from the first row only
    return -log_p.gather(1, target[None]).mean()


def _sem_source_logit_picked(logits_translated, logits_source):
    target = logits_source.detach().argmax(dim=1)
    rows = torch.arange(len(target))
    # the cross-entropy by hand, with a copy slip: the picked logit taken from the source's logits
    return (torch.logsumexp(logits_translated, dim=1) - logits_source[rows, target]).mean()


def _sem_unit_logits(logits_translated, logits_source):
    target = logits_source.detach().argmax(dim=1)
    # the logits scaled to unit length first, "to compare directions, not sizes"
    return F.cross_entropy(F.normalize(logits_translated, dim=1), target)


def _sem_confident_only(logits_translated, logits_source):
    # pseudo-labels as in self-training: only the sources f reads with probability above ½ count
    confidence, target = logits_source.detach().softmax(dim=1).max(dim=1)
    keep = confidence > 0.5
    return F.cross_entropy(logits_translated[keep], target[keep])


# --------------------------------------------------------------------------------------------
# Notebook 05

def _fade_ease_out(alpha, old, new):
    a = alpha ** 0.5  # an ease-out, √α, "so that the new block takes over quickly"
    return (1 - a) * old + a * new


def _fade_joined(alpha, old, new):
    # the two weighted paths joined along the channels, as a U-Net joins its skips
    return torch.cat([(1 - alpha) * old, alpha * new], dim=1)


def _fade_weights_squared(alpha, old, new):
    # both weights squared, "as for variances"
    return (1 - alpha) ** 2 * old + alpha ** 2 * new


def _fade_new_scaled_twice(alpha, old, new):
    new = alpha * new  # the new output weighted here ...
    return (1 - alpha) * old + alpha * new  # ... and once more in the blend


def _pn_median(x):
    # the median of the squares over the channels, "robust to one large feature"
    ms = x.pow(2).median(dim=1, keepdim=True).values
    return x * torch.rsqrt(ms + 1e-8)


def _pn_eps_subtracted(x):
    return x / torch.sqrt(x.pow(2).mean(dim=1, keepdim=True) - 1e-8)  # − typed for + before ε


def _pn_normalize_times_c(x):
    # F.normalize over the channels times C instead of √C
    return F.normalize(x, dim=1) * x.shape[1]


def _pn_loop_assigns(x):
    c = x.shape[1]
    sum_sq = 0.0
    for i in range(c):
        sum_sq = x[:, i:i + 1] ** 2  # = for +=: only the last channel's square is kept
    return x / torch.sqrt(sum_sq / c + 1e-8)


def _mbstd_eps_after_root(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    std = y.var(dim=0, unbiased=False).sqrt() + 1e-8  # ε added after the square root
    s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_from_first_member(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    var = (y - y[0]).pow(2).mean(dim=0)  # deviations from the group's first image, y[0], not its mean
    s = (var + 1e-8).sqrt().mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_loop_step_g(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    stats = []
    for k in range(n // g):
        group = x[k::g]  # slicing step g instead of n // g: the groups hold the wrong images
        stats.append((group.var(dim=0, unbiased=False) + 1e-8).sqrt().mean())
    s = torch.stack(stats).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_statistic_detached(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    std = (y.var(dim=0, unbiased=False) + 1e-8).sqrt()
    s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1).detach()  # detached, "it is only a measurement"
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _eq_output_divided_by_gain(x, weight, bias, gain):
    c = gain / weight.shape[1] ** 0.5
    # the output divided by the gain at the end, "the activation multiplies it back"
    return F.linear(x, weight * c, bias) / gain


def _eq_gain_on_bias(x, weight, bias, gain):
    # 1 / √fan_in on the weights and the gain put on the bias
    return F.linear(x, weight / weight.shape[1] ** 0.5, bias * gain)


def _eq_paper_fan_in(x, weight, bias, gain):
    fan_in = 512  # the paper's layer width typed in instead of the weight's fan-in
    return F.linear(x, weight * (gain / fan_in ** 0.5), bias)


def _eq_power_typo(x, weight, bias, gain):
    fan_in = weight.shape[1]
    return F.linear(x, weight * (gain / fan_in ** 5), bias)  # ** .5 typed ** 5


# --------------------------------------------------------------------------------------------
# Notebook 06

def _map_leaky_constant(net, z):
    x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    for layer in net.net[1:]:
        if isinstance(layer, torch.nn.LeakyReLU):
            x = torch.where(x > 0, x, torch.tensor(0.2))  # leaky ReLU by hand: 0.2 for 0.2·x
        else:
            x = layer(x)
    return x


def _map_leaky_slip(net, z):
    x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    for layer in net.net[1:]:
        if isinstance(layer, torch.nn.LeakyReLU):
            x = F.relu(x) + 0.2 * x  # leaky ReLU by hand, relu(x) + 0.2·x: the positive side gets 1.2·x
        else:
            x = layer(x)
    return x


def _map_last_layer_again(net, z):
    x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    for layer in net.net[1:]:
        x = layer(x)
    return layer(x)  # the loop's last layer applied once more in the return line


def _map_gain_on_z(net, z):
    # the normalised z multiplied by the leaky ReLU gain √2, "to match the layers' scale"
    x = 2 ** 0.5 * z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _adain_precedence(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    x_hat = x / sigma - mu  # (x − μ) / σ typed x / σ − μ
    return style_scale[:, :, None, None] * x_hat + style_bias[:, :, None, None]


def _adain_two_step_variance(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    # the variance taken along each column (dim 2) and then averaged over the columns
    var = x.var(dim=2, keepdim=True, unbiased=False).mean(dim=3, keepdim=True)
    return style_scale[:, :, None, None] * (x - mu) / (var + 1e-8).sqrt() + style_bias[:, :, None, None]


def _adain_sigma_shared(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    sigma = sigma.mean(dim=1, keepdim=True)  # one spread per image, averaged over the channels
    return style_scale[:, :, None, None] * (x - mu) / sigma + style_bias[:, :, None, None]


def _adain_scale_for_bias(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    # copy slip: the scale added where the bias belongs
    return style_scale[:, :, None, None] * (x - mu) / sigma + style_scale[:, :, None, None]


def _noise_max_normalised(x, strength, noise):
    # the noise divided by its largest absolute value, "to keep it in [−1, 1]"
    return x + strength * noise / noise.abs().max()


def _noise_uniform_remap(x, strength, noise):
    # the noise taken to be uniform in [0, 1] and mapped to [−1, 1] first
    return x + strength * (noise * 2 - 1)


def _noise_tanh_bounded(x, strength, noise):
    return x + strength * torch.tanh(noise)  # the noise squashed with tanh "to keep it bounded"


def _noise_f_normalize(x, strength, noise):
    # the noise "normalised" with F.normalize, whose default dim=1 is the single channel: ±1 everywhere
    return x + strength * F.normalize(noise)


def _modconv_style_squared(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style.pow(2)[:, None, :, None, None]  # the style read as a variance: s²
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _modconv_output_padded(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), groups=n)
    out = F.pad(out, [k // 2] * 4)  # the output padded back to size instead of the input
    return out.view(n, c_out, h, w)


def _modconv_normalize_dim1(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    # F.normalize with dim=1 on the (N, C_out, C_in·k·k) weights: normalised over the output channels
    wts = F.normalize(wts.flatten(2), dim=1).view(n, c_out, c_in, k, k)
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _modconv_in_out_layout(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    # the kernels built as (N, C_in, C_out, k, k), the style on dim 1, demodulated over dims 1, 3, 4 ...
    wts = weight.transpose(0, 1)[None] * style[:, :, None, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(1, 3, 4), keepdim=True) + 1e-8)
    # ... and reshaped to (N·C_out, C_in, k, k) without transposing back
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _trunc_outliers_only(w, w_avg, psi):
    # only the codes far from w̄ (offset longer than 1 per √dim) truncated, the others left alone
    offset = w - w_avg
    far = offset.pow(2).mean(dim=1, keepdim=True).sqrt() > 1
    return torch.where(far, w_avg + psi * offset, w)


def _trunc_mean_reassigned(w, w_avg, psi):
    w_avg = w_avg + psi * (w - w_avg)  # the name w_avg reused for the truncated codes ...
    return w_avg + psi * (w - w_avg)  # ... and the formula applied again from them


def _trunc_decay_rate(w, w_avg, psi):
    # ψ read as a decay rate: the offset shrunk by e^(−ψ)
    return w_avg + torch.exp(torch.tensor(-psi)) * (w - w_avg)


def _trunc_offset_averaged(w, w_avg, psi):
    # mean(dim=1, keepdim=True) left on the offset: each code moved by its average offset only
    return w_avg + psi * (w - w_avg).mean(dim=1, keepdim=True)


# --------------------------------------------------------------------------------------------
# Notebook 07

def _inv_pixel_term_on_features(fake, target, features, weight):
    # copy slip: the "pixel" term computed on the features as well
    pixel = F.mse_loss(features(fake), features(target))
    return pixel + weight * F.mse_loss(features(fake), features(target))


def _inv_feature_squared(fake, target, features, weight):
    feature = F.mse_loss(features(fake), features(target))
    return F.mse_loss(fake, target) + weight * feature ** 2  # the feature MSE squared


def _inv_plus_for_times(fake, target, features, weight):
    pixel = F.mse_loss(fake, target)
    feature = F.mse_loss(features(fake), features(target))
    return pixel + weight + feature  # + typed for * after the weight


def _inv_rooted_total(fake, target, features, weight):
    # the root of the whole loss taken, "a distance"
    return (F.mse_loss(fake, target) + weight * F.mse_loss(features(fake), features(target))).sqrt()


def _gs_polyak_step(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    loss = F.mse_loss(synthesize(code), target)
    grad, = torch.autograd.grad(loss, code)
    step = loss / grad.pow(2).sum()  # Polyak's step size, loss / ‖∇‖², used instead of lr
    return (code - step * grad).detach()


def _gs_image_squashed(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    # the drawing squashed with tanh first, "as G's last layer does", though synthesize already returns images
    drawn = torch.tanh(synthesize(code))
    grad, = torch.autograd.grad(F.mse_loss(drawn, target), code)
    return (code - lr * grad).detach()


def _gs_two_half_steps(code, target, synthesize, lr):
    # the step split in two halves, the gradient taken again in between, "for stability"
    for _ in range(2):
        code = code.detach().requires_grad_(True)
        grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
        code = code - lr / 2 * grad
    return code.detach()


def _gs_code_normalised(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    # the code normalised to unit root mean square before it is drawn, as the mapping normalises z
    drawn = synthesize(code * torch.rsqrt(code.pow(2).mean(dim=1, keepdim=True) + 1e-8))
    grad, = torch.autograd.grad(F.mse_loss(drawn, target), code)
    return (code - lr * grad).detach()


def _po_mixed_formulas(direction, other):
    o = other / other.norm()
    # the raw-other formula (d·o) / (o·o) mixed with the unit ô
    d = direction - (direction @ other) / (other @ other) * o
    return d / d.norm()


def _po_ones_for_eye(direction, other):
    o = other / other.norm()
    projector = torch.ones(len(o), len(o)) - torch.outer(o, o)  # torch.ones typed for torch.eye
    d = projector @ direction
    return d / d.norm()


def _po_minus_for_divide(direction, other):
    o = other - other.norm()  # − typed for /
    d = direction - (direction @ o) * o
    return d / d.norm()


def _po_sine_as_one_minus_cosine(direction, other):
    o = other / other.norm()
    cos = direction @ o / direction.norm()
    d = direction - (direction @ o) * o
    return d / (direction.norm() * (1 - cos))  # the result's length ‖d‖·sin θ written with 1 − cos θ


# --------------------------------------------------------------------------------------------
# Notebook 08

def _q_step_zero_skipped(x0, t, noise, alphas_cumprod):
    t = t.clamp(min=1)  # "step 0 does not exist": t raised to 1
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def _q_noise_weight_on_both(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return (1 - abar).sqrt() * x0 + (1 - abar).sqrt() * noise  # copy slip: √(1 − ᾱ_t) on x_0 as well


def _q_first_noise(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise[:1]  # noise[:1]: every image gets the first noise


def _q_noise_standardised(x0, t, noise, alphas_cumprod):
    # each image's noise standardised first, "to be sure it is unit Gaussian"
    noise = (noise - noise.mean(dim=(1, 2, 3), keepdim=True)) / noise.std(dim=(1, 2, 3), keepdim=True)
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def _dl_prediction_scaled(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    # the prediction scaled by √(1 − ᾱ_t), "as the noise sits in x_t", and compared with ε
    return F.mse_loss((1 - abar).sqrt() * model(x_t, t), noise)


def _dl_weighted_by_time(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    # each image's squared error weighted by t / T, "the later steps are harder"
    per_image = (model(x_t, t) - noise).pow(2).mean(dim=(1, 2, 3))
    return (per_image * t / len(alphas_cumprod)).mean()


def _dl_time_rescaled(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    steps = 1000 // len(alphas_cumprod)  # t rescaled to a 1000-step count, "the model was built for T = 1000"
    return F.mse_loss(model(x_t, t * steps), noise)


def _dl_l1_added(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    pred = model(x_t, t)
    return F.mse_loss(pred, noise) + F.l1_loss(pred, noise)  # a "hybrid" loss: the L1 added to the MSE


def _rs_last_step_skipped(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * z if t > 0 else x_t  # at t = 0 x_t returned as it is, the last step skipped


def _rs_tables_reversed(eps, t, x_t, betas, alphas_cumprod, z):
    T = len(betas)
    # the tables read from the end, "the sampler counts down": index T − 1 − t
    beta, abar = betas[T - 1 - t], alphas_cumprod[T - 1 - t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_abar_as_power(eps, t, x_t, betas, alphas_cumprod, z):
    beta = betas[t]
    abar = (1 - beta) ** (t + 1)  # ᾱ_t worked out as α_t^(t+1), as if every step had the same β
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_division_precedence(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    # / (1 − β_t) ** 0.5 typed without its parentheses: / 1 − β_t ** 0.5
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / 1 - beta ** 0.5
    return mean + beta.sqrt() * z if t > 0 else mean


WRONG = {
    "to_model_range": [
        ("Writes 2·(x / 255 − 1) for 2x / 255 − 1, so the range is [−2, 0].",
         _range_parentheses_after_shift),
        ("Shrinks the result by 0.99 so that tanh never has to reach ±1.", _range_shrunk_for_tanh),
        ("Gamma-encodes the levels first: (x / 255)^(1 / 2.2) · 2 − 1.", _range_gamma_encoded),
        ("Rounds the mapped values to two decimals.", _range_rounded),
    ],
    "d_loss": [
        ("Divides the logits by a temperature of 2 before the cross-entropy.", _d_loss_temperature),
        ("Takes D's probabilities with a softmax over the batch instead of a sigmoid.",
         _d_loss_softmax_over_batch),
        ("Clamps the logits into [0, 1] as probabilities for F.binary_cross_entropy.",
         _d_loss_clamped_as_probabilities),
        ("Adds the two probabilities inside one log: −log(D(x) + 1 − D(G(z))).", _d_loss_log_of_sum),
    ],
    "g_loss": [
        ("Uses the perceptron loss relu(−ℓ).", _g_loss_perceptron),
        ("Uses the target ½, \"D should be unsure\", instead of 1.", _g_loss_target_half),
        ("Copies D's loss with the fakes in both places: BCE(ℓ, 1) + BCE(ℓ, 0).", _g_loss_both_labels),
        ("Makes D's probability with (tanh + 1) / 2.", _g_loss_tanh_probability),
    ],
    "train_step": [
        ("Flips the real batch left-right (augmentation) before D sees it.", _step_real_flipped),
        ("Copy slip in D's update: calls opt_G.step() instead of opt_D.step().", _step_d_update_steps_g),
        ("Uses the relativistic generator loss, BCE(D(G(z)) − D(x), 1).", _step_relativistic_generator),
        ("Squashes G's images with tanh again before D sees them.", _step_tanh_again),
    ],
    "generator_input": [
        ("Pads z on the wrong side with F.pad(z, (10, 0)) and adds the one-hot into the last ten slots.",
         _gen_input_pad_wrong_side),
        ("Builds the one-hot as a (10, B) mask and views it as (B, 10) instead of transposing.",
         _gen_input_mask_viewed),
        ("Starts the one-hot from torch.ones instead of torch.zeros, so every class is lit.",
         _gen_input_ones_typo),
        ("Indentation slip: returns inside the labelling loop, after the first row.",
         _gen_input_return_in_loop),
    ],
    "discriminator_input": [
        ("Paints the label maps only where the image has ink (x > 0).", _disc_input_ink_only),
        ("Binarises the image (x > 0) to match the 0/1 label maps.", _disc_input_binarised),
        ("Stretches the one-hot, as a 1×10 image, over the image with F.interpolate: one map.",
         _disc_input_interpolated_strip),
        ("Copy slip: joins the label maps twice.", _disc_input_maps_twice),
    ],
    "conditional_d_loss": [
        ("Copies pix2pix's halved D loss for the real and fake terms, then adds the mismatched one.",
         _cond_pix2pix_halved),
        ("Writes = for += in a loop over the kinds, so only the mismatched term is kept.",
         _cond_loop_assigns),
        ("Sums the three losses per pair and keeps only the worst pair.", _cond_worst_pair),
        ("Keeps only the largest of the three terms.", _cond_worst_kind),
    ],
    "receptive_field": [
        ("Starts the recursion at r = 0 and adds the output pixel at the end.", _rf_start_zero_plus_one),
        ("Uses the stack's overall stride at every layer of the recursion.", _rf_total_stride),
        ("Multiplies by the running product of the strides instead of each layer's own stride.",
         _rf_running_stride_product),
        ("Index slip: uses the stride of convs[i − 1] for layer i.", _rf_previous_layer_stride),
    ],
    "pix2pix_g_loss": [
        ("Loops over the photos with range(N − 1) for the L1, leaving the last one out.",
         _p2p_l1_loop_short),
        ("Takes the GAN term on each image's worst patch (its smallest logit) only.", _p2p_worst_patch),
        ("Halves the GAN term.", _p2p_gan_halved),
        ("Types * for + between the two terms: GAN·λ·L1.", _p2p_terms_multiplied),
    ],
    "unet_forward": [
        ("Centres each output image on zero after the tanh.", _unet_output_centred),
        ("Adds each skip to the decoder output and joins the skip as well.", _unet_added_and_joined),
        ("Standardises each input image before the encoder.", _unet_input_standardised),
        ("Stretches each output image to [−1, 1] by its own minimum and maximum.", _unet_output_stretched),
    ],
    "cycle_loss": [
        ("Adds the squared error to the L1 in each cycle term.", _cycle_l1_plus_l2),
        ("Clips each pixel's absolute error at 1 (a truncated L1).", _cycle_truncated),
        ("Takes the square root of each cycle's mean absolute error.", _cycle_rooted_terms),
        ("Types clamp(min=0) for abs(), so only the too-bright pixels count.", _cycle_one_sided),
    ],
    "identity_loss": [
        ("Crops a one-pixel border off the images before the L1.", _idt_border_cropped),
        ("Ignores pixel errors below 0.1 (an ε-insensitive L1).", _idt_tolerance),
        ("Writes the weights per term and forgets λ on the B term: λ·λ_idt·L_A + λ_idt·L_B.",
         _idt_lambda_dropped_on_b),
        ("Slips the weight inside each L1, onto the generated image only.", _idt_weight_inside),
    ],
    "image_pool": [
        ("Writes a FIFO replay buffer: stores every image, drops the oldest, answers a random one half the "
         "time, even while filling.", _pool_fifo_buffer),
        ("Starts with pool = pool or [], which leaves the caller's empty pool unfilled.", _pool_or_idiom),
        ("Copy slip: answers each image twice while the pool fills.", _pool_fill_answer_doubled),
        ("Walks the batch in reverse (newest first), so the answers come back reversed.", _pool_newest_first),
    ],
    "semantic_loss": [
        ("Gathers with target[None] for target[:, None], so every class is read from the first row.",
         _sem_gather_row),
        ("Writes the cross-entropy by hand and picks the target's logit from the source's logits.",
         _sem_source_logit_picked),
        ("Scales the translation's logits to unit length before the cross-entropy.", _sem_unit_logits),
        ("Keeps only the sources f reads with probability above ½ (pseudo-label thresholding).",
         _sem_confident_only),
    ],
    "fade_in": [
        ("Eases α out with √α before blending.", _fade_ease_out),
        ("Joins the two weighted outputs along the channels instead of adding them.", _fade_joined),
        ("Squares both weights: (1 − α)²·old + α²·new.", _fade_weights_squared),
        ("Weighs the new output by α on one line and again in the blend.", _fade_new_scaled_twice),
    ],
    "pixel_norm": [
        ("Uses the median of the squares over the channels instead of their mean.", _pn_median),
        ("Subtracts ε inside the root instead of adding it.", _pn_eps_subtracted),
        ("Uses F.normalize over the channels times C instead of √C.", _pn_normalize_times_c),
        ("Writes = for += in a loop over the channels, so only the last channel's square is kept.",
         _pn_loop_assigns),
    ],
    "minibatch_std": [
        ("Adds ε after the square root instead of before it.", _mbstd_eps_after_root),
        ("Takes the deviations from the group's first image instead of its mean.", _mbstd_from_first_member),
        ("Slices the groups with step g instead of N / g, so they hold the wrong images.",
         _mbstd_loop_step_g),
        ("Detaches the statistic, so no gradient flows through it.", _mbstd_statistic_detached),
    ],
    "equalized_linear": [
        ("Divides the layer's output by the gain at the end.", _eq_output_divided_by_gain),
        ("Puts 1 / √fan_in on the weights and the gain on the bias.", _eq_gain_on_bias),
        ("Hard-codes the paper's fan-in of 512.", _eq_paper_fan_in),
        ("Types ** 5 for ** .5 in the fan-in's root.", _eq_power_typo),
    ],
    "mapping_forward": [
        ("Writes the leaky ReLU by hand as where(x > 0, x, 0.2), a constant for the negatives.",
         _map_leaky_constant),
        ("Writes the leaky ReLU by hand as relu(x) + 0.2·x.", _map_leaky_slip),
        ("Applies the loop's last layer once more in the return line.", _map_last_layer_again),
        ("Multiplies the normalised z by the gain √2.", _map_gain_on_z),
    ],
    "adain": [
        ("Types x / σ − μ for (x − μ) / σ.", _adain_precedence),
        ("Takes the variance along each column and averages it over the columns.", _adain_two_step_variance),
        ("Averages σ over the channels, one spread per image.", _adain_sigma_shared),
        ("Copy slip: adds the style scale where the style bias belongs.", _adain_scale_for_bias),
    ],
    "noise_injection": [
        ("Divides the noise by its largest absolute value first.", _noise_max_normalised),
        ("Takes the noise to be uniform in [0, 1] and maps it to [−1, 1] first.", _noise_uniform_remap),
        ("Squashes the noise with tanh before scaling it.", _noise_tanh_bounded),
        ("Normalises the noise with F.normalize, whose dim=1 is its single channel, leaving ±1.",
         _noise_f_normalize),
    ],
    "demodulation": [
        ("Modulates by s², reading the style as a variance.", _modconv_style_squared),
        ("Convolves without padding and pads the output back to size instead of padding the input.",
         _modconv_output_padded),
        ("Uses F.normalize with dim=1, which normalises over the output channels.", _modconv_normalize_dim1),
        ("Builds the kernels as (N, C_in, C_out, k, k) and reshapes them without transposing back.",
         _modconv_in_out_layout),
    ],
    "truncation": [
        ("Truncates only the codes whose offset from w̄ is large, leaving the others alone.",
         _trunc_outliers_only),
        ("Reuses the name w_avg for the result and applies the formula a second time.",
         _trunc_mean_reassigned),
        ("Reads ψ as a decay rate and shrinks the offset by e^(−ψ).", _trunc_decay_rate),
        ("Averages each code's offset over its entries before scaling it.", _trunc_offset_averaged),
    ],
    "inversion_loss": [
        ("Copy slip: computes the pixel term on the features as well.", _inv_pixel_term_on_features),
        ("Squares the feature MSE.", _inv_feature_squared),
        ("Types + for * after the weight: pixels + λ_p + features.", _inv_plus_for_times),
        ("Takes the square root of the whole loss.", _inv_rooted_total),
    ],
    "gradient_step": [
        ("Uses Polyak's step size, loss / ‖∇‖², instead of lr.", _gs_polyak_step),
        ("Squashes the drawn image with tanh before the loss.", _gs_image_squashed),
        ("Splits the step into two half steps, taking the gradient again in between.", _gs_two_half_steps),
        ("Normalises the code to unit root mean square before drawing it.", _gs_code_normalised),
    ],
    "project_out": [
        ("Mixes the two formulas: subtracts (d·o) / (o·o) times the unit ô.", _po_mixed_formulas),
        ("Builds the projector with torch.ones instead of torch.eye.", _po_ones_for_eye),
        ("Types − for / when normalising other: other − ‖other‖.", _po_minus_for_divide),
        ("Works out the result's length as ‖d‖·(1 − cos θ) instead of ‖d‖·sin θ.",
         _po_sine_as_one_minus_cosine),
    ],
    "q_sample": [
        ("Clamps t to at least 1, as if step 0 did not exist.", _q_step_zero_skipped),
        ("Copy slip: √(1 − ᾱ_t) on x_0 as well as on the noise.", _q_noise_weight_on_both),
        ("Uses the first image's noise, noise[:1], for every image.", _q_first_noise),
        ("Standardises each image's noise before adding it.", _q_noise_standardised),
    ],
    "diffusion_loss": [
        ("Scales the prediction by √(1 − ᾱ_t) before comparing it with ε.", _dl_prediction_scaled),
        ("Weights each image's squared error by t / T.", _dl_weighted_by_time),
        ("Rescales t to a 1000-step count before giving it to the model.", _dl_time_rescaled),
        ("Adds the L1 error to the squared error (a hybrid loss).", _dl_l1_added),
    ],
    "reverse_step": [
        ("Returns x_t unchanged at t = 0, skipping the last step.", _rs_last_step_skipped),
        ("Reads the schedule from its end, index T − 1 − t.", _rs_tables_reversed),
        ("Works out ᾱ_t as α_t^(t+1), as if every step had the same β.", _rs_abar_as_power),
        ("Precedence slip: / √(1 − β_t) typed as / 1 − β_t ** 0.5.", _rs_division_precedence),
    ],
}
