"""Wrong answers, ninth blind set (issue 37): written without seeing the diagnosis, to measure it.

Four plausible wrong answers per short exercise, each with the exercise's exact signature, written as
other students would write them on a first try; none repeats a mistake of the first eight blind sets
(``wrong_answers.py`` to ``wrong_answers_8.py``), and ``tests/blind/verify.py 9`` confirms that each one
fails its check and computes neither one of the check's named mistakes nor an earlier blind answer.
"""
import torch
import torch.nn.functional as F

from coursekit.models import dcgan as _dcgan
from coursekit.models import ddpm as _ddpm

_bce = F.binary_cross_entropy_with_logits


# --------------------------------------------------------------------------------------------
# Notebook 00

def _range_log_scale(x):
    # a logarithmic scale "as for intensities": log(1 + x) / log 256, then stretched to [−1, 1]
    return torch.log1p(x.float()) / torch.log(torch.tensor(256.0)) * 2 - 1


def _range_times_for_divide(x):
    return x.float() * 127.5 - 1  # * typed for /


def _range_through_numpy(x):
    return x.numpy().astype("float32") / 127.5 - 1  # done in numpy: an ndarray comes back, not a tensor


def _range_table_off_by_one(x):
    # a lookup table of 255 entries for the 256 grey levels 0 … 255: grey level 255 has no entry
    return torch.linspace(-1, 1, 255)[x.long()]


# --------------------------------------------------------------------------------------------
# Notebook 01

def _d_loss_drift_penalty(real_logits, fake_logits):
    # ProGAN's drift penalty added "to keep the logits from drifting": 0.001 · mean(real²)
    loss = _bce(real_logits, torch.ones_like(real_logits)) + _bce(fake_logits, torch.zeros_like(fake_logits))
    return loss + 0.001 * real_logits.pow(2).mean()


def _d_loss_tanh_squashed(real_logits, fake_logits):
    # the logits squashed with tanh first, "so they cannot explode"
    real_logits, fake_logits = torch.tanh(real_logits), torch.tanh(fake_logits)
    return _bce(real_logits, torch.ones_like(real_logits)) + _bce(fake_logits, torch.zeros_like(fake_logits))


def _d_loss_loop_off_by_one(real_logits, fake_logits):
    # a loop over the pairs that stops one short: the last pair is never counted
    n = len(real_logits)
    total = 0.0
    for i in range(n - 1):
        total = total - F.logsigmoid(real_logits[i]) - F.logsigmoid(-fake_logits[i])
    return total / n


def _d_loss_squared_probabilities(real_logits, fake_logits):
    # squared errors on D's probabilities, (σ − 1)² and σ², instead of the cross-entropy
    return (torch.sigmoid(real_logits) - 1).pow(2).mean() + torch.sigmoid(fake_logits).pow(2).mean()


def _g_loss_float64_target(fake_logits):
    # the target built as float64 ones "for precision": the loss comes back in float64
    return _bce(fake_logits, torch.ones_like(fake_logits, dtype=torch.float64))


def _g_loss_bessel(fake_logits):
    # the summed loss divided by B − 1, "as for an unbiased estimate"
    return -F.logsigmoid(fake_logits).sum() / (len(fake_logits) - 1)


def _g_loss_mean_not_called(fake_logits):
    # .mean without its parentheses: the method itself comes back, not a number
    return _bce(fake_logits, torch.ones_like(fake_logits), reduction="none").mean


def _g_loss_median(fake_logits):
    return -F.logsigmoid(fake_logits).median()  # the median sample's loss, "robust to outliers"


def _step_d_logits_detached(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake).detach())  # D's output detached instead of its input
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


def _step_g_eval_for_d(G, D, opt_G, opt_D, real, z):
    G.eval()  # G put in eval mode "while it is not training": D's fakes use batch norm's running statistics
    with torch.no_grad():
        fake_for_d = G(z)
    G.train()
    loss_D = _dcgan.d_loss(D(real), D(fake_for_d))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    fake = G(z)
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def _step_d_ascends(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    (-loss_D).backward()  # negated "because D maximises V", though L_D is already −V
    opt_D.step()
    D.requires_grad_(False)
    loss_G = _dcgan.g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


def _step_g_halved(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _dcgan.d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.requires_grad_(False)
    loss_G = 0.5 * _dcgan.g_loss(D(fake))  # G's loss halved "to balance it against D's two terms"
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    D.requires_grad_(True)
    return loss_D.detach(), loss_G.detach()


# --------------------------------------------------------------------------------------------
# Notebook 02

def _gen_input_one_hot_twice(z, y):
    one_hot = F.one_hot(y, 10).float()
    return torch.cat([z, one_hot, one_hot], dim=1)  # copy slip: the one-hot joined twice


def _gen_input_scatter_label(z, y):
    # scatter_ writes the label itself instead of a 1: label 0 gives an all-zero vector
    code = torch.zeros(len(y), 10).scatter_(1, y[:, None], y[:, None].float())
    return torch.cat([z, code], dim=1)


def _gen_input_nine_classes(z, y):
    return torch.cat([z, F.one_hot(y, 9).float()], dim=1)  # "0 to 9" counted as nine classes


def _gen_input_batch_histogram(z, y):
    # the one-hots averaged over the batch: every row gets the batch's class histogram
    return torch.cat([z, F.one_hot(y, 10).float().mean(dim=0, keepdim=True).expand(len(y), 10)], dim=1)


def _disc_input_one_hot_transposed(x, y):
    b, _, h, w = x.shape
    # the one-hot transposed to (10, B) "to put the classes first" before adding the two axes
    channels = F.one_hot(y, 10).float().T[:, :, None, None].expand(b, 10, h, w)
    return torch.cat([x, channels], dim=1)


def _disc_input_image_detached(x, y):
    b, _, h, w = x.shape
    channels = F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)
    return torch.cat([x.detach(), channels], dim=1)  # the image detached: no gradient reaches G through D


def _disc_input_half_grey(x, y):
    b, _, h, w = x.shape
    # the label's map painted mid-grey, 0.5, instead of 1
    channels = 0.5 * F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)
    return torch.cat([x, channels], dim=1)


def _disc_input_loop_short(x, y):
    b, _, h, w = x.shape
    maps = torch.zeros(b, 10, h, w)
    for i in range(b - 1):  # one image short: the last image's label map is never lit
        maps[i, y[i]] = 1
    return torch.cat([x, maps], dim=1)


def _cond_mismatched_swapped(real_logits, fake_logits, mismatched_logits):
    # the third term with its arguments swapped (target first): it is the constant log 2
    return (_bce(real_logits, torch.ones_like(real_logits))
            + _bce(fake_logits, torch.zeros_like(fake_logits))
            + _bce(torch.zeros_like(mismatched_logits), mismatched_logits))


def _cond_mismatched_sigmoid(real_logits, fake_logits, mismatched_logits):
    # the mismatched logits passed through a sigmoid first, in the third term only
    return (_bce(real_logits, torch.ones_like(real_logits))
            + _bce(fake_logits, torch.zeros_like(fake_logits))
            + _bce(torch.sigmoid(mismatched_logits), torch.zeros_like(mismatched_logits)))


def _cond_mismatched_summed(real_logits, fake_logits, mismatched_logits):
    # reduction="sum" left on the third term, copied from elsewhere
    return (_bce(real_logits, torch.ones_like(real_logits))
            + _bce(fake_logits, torch.zeros_like(fake_logits))
            + _bce(mismatched_logits, torch.zeros_like(mismatched_logits), reduction="sum"))


def _cond_stacked_column(real_logits, fake_logits, mismatched_logits):
    # the three stacked as rows (3, B) and labelled with a (3, 1) column, expected to broadcast
    logits = torch.stack([real_logits, fake_logits, mismatched_logits])
    return 3 * _bce(logits, torch.tensor([[1.0], [0.0], [0.0]]))


# --------------------------------------------------------------------------------------------
# Notebook 03

def _convs(module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]


def _rf_strided_only(module):
    r = 1
    for conv in reversed(_convs(module)):
        if conv.stride[0] > 1:  # only the strided layers counted, "the others keep the size"
            r = (r - 1) * conv.stride[0] + conv.kernel_size[0]
    return r


def _rf_list_reverse(module):
    convs = _convs(module)
    r = 1
    for conv in convs.reverse():  # list.reverse() reverses in place and returns None
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0]
    return r


def _rf_slice_typo(module):
    r = 1
    for conv in _convs(module)[1::-1]:  # [1::-1] typed for [::-1]: only the first two layers, reversed
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0]
    return r


def _rf_precedence(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = r - 1 * conv.stride[0] + conv.kernel_size[0]  # (r − 1)·s written r − 1 * s
    return r


def _p2p_gan_on_photo(fake_logits, fake, target, lambda_L1):
    # the GAN term computed on G's photo instead of D's logits
    return _bce(fake, torch.ones_like(fake)) + lambda_L1 * F.l1_loss(fake, target)


def _p2p_parentheses(fake_logits, fake, target, lambda_L1):
    # (GAN + λ)·L1: the parentheses around the wrong pair
    return (_bce(fake_logits, torch.ones_like(fake_logits)) + lambda_L1) * F.l1_loss(fake, target)


def _p2p_gan_arguments_swapped(fake_logits, fake, target, lambda_L1):
    # the GAN term's arguments swapped: the ones as the input, the logits as the target
    return _bce(torch.ones_like(fake_logits), fake_logits) + lambda_L1 * F.l1_loss(fake, target)


def _p2p_pairwise_distance(fake_logits, fake, target, lambda_L1):
    # F.pairwise_distance(p=1) for the L1: it sums over the last dimension (the width) only
    l1 = F.pairwise_distance(fake, target, p=1).mean()
    return _bce(fake_logits, torch.ones_like(fake_logits)) + lambda_L1 * l1


def _unet_encode(G, x):
    skips = []
    for block in G.encoder:
        x = block(x)
        skips.append(x)
    skips.pop()
    return x, skips


def _unet_half_output(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return torch.tanh(G.to_image(x).half())  # the output cast to half "as images need no more precision"


def _unet_encoder_called(G, x):
    # G.encoder and G.decoder called as if they were nn.Sequential: they are lists of blocks
    x = G.encoder(x)
    return torch.tanh(G.to_image(G.decoder(x)))


def _unet_decoder_reversed(G, x):
    x, skips = _unet_encode(G, x)
    for block in reversed(G.decoder):  # reversed "to mirror the encoder", though it is already in order
        x = torch.cat([block(x), skips.pop()], dim=1)
    return torch.tanh(G.to_image(x))


def _unet_tanh_on_skips(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), torch.tanh(skips.pop())], dim=1)  # each skip squashed with tanh as well
    return torch.tanh(G.to_image(x))


# --------------------------------------------------------------------------------------------
# Notebook 04

def _cycle_median(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # the median absolute error of each cycle instead of the mean
    return lambda_cycle * ((rec_a - real_a).abs().median() + (rec_b - real_b).abs().median())


def _cycle_loop_assigns(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    loss = 0
    for rec, real in ((rec_a, real_a), (rec_b, real_b)):
        loss = lambda_cycle * F.l1_loss(rec, real)  # = for +=: only the last cycle's term is kept
    return loss


def _cycle_charbonnier(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # the Charbonnier loss √(d² + ε²), ε = 1e-3, from super-resolution code, instead of the L1
    a = ((rec_a - real_a).pow(2) + 1e-6).sqrt().mean()
    b = ((rec_b - real_b).pow(2) + 1e-6).sqrt().mean()
    return lambda_cycle * (a + b)


def _cycle_b_against_real_a(real_a, rec_a, real_b, rec_b, lambda_cycle=10.0):
    # copy slip: the B term's first argument changed, its second left at real_a
    return lambda_cycle * (F.l1_loss(rec_a, real_a) + F.l1_loss(rec_b, real_a))


def _idt_per_channel(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # averaged over the batch and the pixels (dims 0, 2, 3): one number per colour channel
    a = (idt_a - real_a).abs().mean(dim=(0, 2, 3))
    b = (idt_b - real_b).abs().mean(dim=(0, 2, 3))
    return lambda_cycle * lambda_identity * (a + b)


def _idt_log_cosh(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # the log-cosh loss from regression code instead of the L1
    a = torch.log(torch.cosh(idt_a - real_a)).mean()
    b = torch.log(torch.cosh(idt_b - real_b)).mean()
    return lambda_cycle * lambda_identity * (a + b)


def _idt_one_image_numel(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    # torch.dist(…, 1) sums over the batch; divided by one image's number of values only
    a = torch.dist(idt_a, real_a, 1) / real_a[0].numel()
    b = torch.dist(idt_b, real_b, 1) / real_b[0].numel()
    return lambda_cycle * lambda_identity * (a + b)


def _idt_weight_in_loop(real_a, idt_a, real_b, idt_b, lambda_cycle=10.0, lambda_identity=0.5):
    loss, weight = 0, lambda_cycle
    for idt, real in ((idt_a, real_a), (idt_b, real_b)):
        weight *= lambda_identity  # indentation slip: λ_idt applied again on every pass
        loss = loss + weight * F.l1_loss(idt, real)
    return loss


def _pool_cleared(pool, images, size=50):
    pool.clear()  # cleared first "to start from a clean history": the stored images are lost
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


def _pool_answers_first_stored(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(pool[0])  # pool[0] for image: while filling, the answer is the first stored image
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_fill_condition_inverted(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) >= size:  # >= for <: a full pool keeps growing and an unfilled one is drawn from
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_if_for_elif(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        if torch.rand(()) < 0.5:  # if for elif: the coin is flipped for the images just stored too
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _sem_softmax_over_batch(logits_translated, logits_source):
    # the source's logits softmaxed over dim 0 (the batch) before the arg max over the classes
    return F.cross_entropy(logits_translated, F.softmax(logits_source, dim=0).argmax(dim=1))


def _sem_classes_from_one(logits_translated, logits_source):
    # the classes counted from 1: arg max + 1
    return F.cross_entropy(logits_translated, logits_source.argmax(dim=1) + 1)


def _sem_logsumexp_whole_batch(logits_translated, logits_source):
    # the cross-entropy by hand, the sum in the log-sum-exp taken over the whole batch (dim forgotten)
    target = logits_source.argmax(dim=1)
    picked = logits_translated.gather(1, target[:, None]).squeeze(1)
    return (torch.log(torch.exp(logits_translated).sum()) - picked).mean()


def _sem_first_image_class(logits_translated, logits_source):
    # logits_source[0].argmax(): the first image's class used for the whole batch
    return F.cross_entropy(logits_translated, logits_source[0].argmax().expand(len(logits_source)))


# --------------------------------------------------------------------------------------------
# Notebook 05

def _fade_add_positional(alpha, old, new):
    # torch.add's alpha passed positionally: it is keyword-only
    return torch.add((1 - alpha) * old, new, alpha)


def _fade_half(alpha, old, new):
    return (1 - alpha) * old.half() + alpha * new.half()  # blended in half precision "to save memory"


def _fade_divided(alpha, old, new):
    return (1 - alpha) / old + alpha * new  # / typed for * on the old output


def _fade_sigmoid_alpha(alpha, old, new):
    a = torch.sigmoid(torch.tensor(alpha))  # α squashed with sigmoid "to keep it in (0, 1)"
    return (1 - a) * old + a * new


def _pn_channel_loop(x):
    c = x.shape[1]
    total = torch.zeros_like(x[:, :1])
    for j in range(1, c):  # the loop over the channels starts at 1: channel 0 is left out
        total = total + x[:, j:j + 1] ** 2
    return x / torch.sqrt(total / c + 1e-8)


def _pn_xor(x):
    return x / torch.sqrt((x ^ 2).mean(dim=1, keepdim=True) + 1e-8)  # ^ (xor) typed for ** 2


def _pn_epsilon_typo(x):
    return x / torch.sqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-4)  # 1e-4 typed for ε = 1e-8


def _pn_clamped(x):
    # the mean square clamped at ε instead of ε added to it
    return x / torch.sqrt(x.pow(2).mean(dim=1, keepdim=True).clamp(min=1e-8))


def _mbstd_precedence(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    # ** 1 / 2 for the root: halved, not rooted
    std = (x.view(g, n // g, c, h, w).var(dim=0, unbiased=False) + 1e-8) ** 1 / 2
    s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_mean_not_squared(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    var = y.pow(2).mean(dim=0) - y.mean(dim=0)  # E[y²] − E[y]: the mean's square forgotten
    s = (var + 1e-8).sqrt().mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_width_left(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    std = (x.view(g, n // g, c, h, w).var(dim=0, unbiased=False) + 1e-8).sqrt()
    s = std.mean(dim=(1, 2)).view(n // g, 1, 1, 1)  # dims (1, 2): the width left out of the average
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


def _mbstd_divided_by_c(x, group_size):
    n, c, h, w = x.shape
    g = min(group_size, n)
    std = (x.view(g, n // g, c, h, w).var(dim=0, unbiased=False) + 1e-8).sqrt()
    s = std.mean(dim=(1, 2, 3)) / c  # divided by C again after the mean, "per channel"
    return torch.cat([x, s.view(n // g, 1, 1, 1).repeat(g, 1, h, w)], dim=1)


def _eq_output_transposed(x, weight, bias, gain):
    # weight @ x.T, the (out, N) product, never transposed back
    return (weight * (gain / weight.shape[1] ** 0.5)) @ x.T + bias[:, None]


def _eq_weight_data(x, weight, bias, gain):
    # weight.data "to scale the values only": the scaled weights are cut off from the gradient
    return F.linear(x, weight.data * (gain / weight.shape[1] ** 0.5), bias)


def _eq_fan_in_minus_one(x, weight, bias, gain):
    # fan_in − 1 "as the last index", off by one
    return F.linear(x, weight * (gain / (weight.shape[1] - 1) ** 0.5), bias)


def _eq_root_over_product(x, weight, bias, gain):
    # the root put over the whole product: (w·gain / fan_in) ** 0.5
    return F.linear(x, (weight * gain / weight.shape[1]) ** 0.5, bias)


# --------------------------------------------------------------------------------------------
# Notebook 06

def _map_activation_first(net, z):
    x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    for linear, activation in zip(net.net[1::2], net.net[2::2]):
        x = linear(activation(x))  # each leaky ReLU applied before its layer instead of after
    return x


def _map_float64(net, z):
    z = z.double()  # z made float64 "for a precise normalisation"; the layers are float32
    x = z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _map_first_code(net, z):
    x = z * torch.rsqrt(z[:1].pow(2).mean(dim=1, keepdim=True) + 1e-8)  # z[:1]: the first code's mean square
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _map_square_of_mean(net, z):
    x = z * torch.rsqrt(z.mean(dim=1, keepdim=True) ** 2 + 1e-8)  # the mean's square, not the mean square
    for layer in net.net[1:]:
        x = layer(x)
    return x


def _adain_precedence(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    return (style_scale[:, :, None, None] * x - mu) / sigma + style_bias[:, :, None, None]  # (y_s·x − μ) / σ


def _adain_styles_flattened(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    # the styles reshaped with view(-1, 1, 1, 1): N·C rows along the batch axis
    return style_scale.view(-1, 1, 1, 1) * (x - mu) / sigma + style_bias.view(-1, 1, 1, 1)


def _adain_first_channel_statistics(x, style_scale, style_bias):
    # x[:, :1]: every channel normalised with the first channel's μ and σ
    mu = x[:, :1].mean(dim=(2, 3), keepdim=True)
    sigma = (x[:, :1].var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    return style_scale[:, :, None, None] * (x - mu) / sigma + style_bias[:, :, None, None]


def _adain_styles_transposed(x, style_scale, style_bias):
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()
    # the styles transposed to (C, N) before their two trailing axes
    return style_scale.T[:, :, None, None] * (x - mu) / sigma + style_bias.T[:, :, None, None]


def _noise_first_strength(x, strength, noise):
    return x + strength[:, 0] * noise  # strength[:, 0]: the first channel's strength for every channel


def _noise_channel_loop(x, strength, noise):
    out = x.clone()
    for c in range(1, x.shape[1]):  # the loop over the channels starts at 1: channel 0 gets no noise
        out[:, c:c + 1] = x[:, c:c + 1] + strength[:, c:c + 1] * noise
    return out


def _noise_x_for_noise(x, strength, noise):
    return x + strength * x  # copy slip: x typed where the noise goes


def _noise_min_max(x, strength, noise):
    noise = (noise - noise.min()) / (noise.max() - noise.min())  # the noise stretched to [0, 1] like an image
    return x + strength * noise


def _modconv_dims_short(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3), keepdim=True) + 1e-8)  # dims (2, 3): dim 4 forgotten
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _modconv_padding_as_bias(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    # k // 2 passed positionally: conv2d's third argument is the bias, not the padding
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _modconv_loop_short(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    outs = [F.conv2d(x[i:i + 1], wts[i], padding=k // 2) for i in range(n - 1)]  # one image short
    return torch.cat(outs)


def _modconv_std(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    # divided by the weights' standard deviation instead of the root of their sum of squares
    wts = wts / (wts.std(dim=(2, 3, 4), keepdim=True) + 1e-8)
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _trunc_no_grad(w, w_avg, psi):
    with torch.no_grad():  # "truncation is a sampling trick": but no gradient reaches w
        return w_avg + psi * (w - w_avg)


def _trunc_one_plus_psi(w, w_avg, psi):
    return psi * w + (1 + psi) * w_avg  # 1 + ψ typed for 1 − ψ


def _trunc_mean_twice(w, w_avg, psi):
    return (1 - psi) * w_avg + psi * w_avg  # copy slip: w̄ in both places, so w is never used


def _trunc_psi_int(w, w_avg, psi):
    return w_avg + int(psi) * (w - w_avg)  # ψ cast to int "as a step count": 0.7 becomes 0


# --------------------------------------------------------------------------------------------
# Notebook 07

def _inv_feature_softmax(fake, target, features, weight):
    # the features passed through softmax, "as probabilities", before their distance
    return F.mse_loss(fake, target) + weight * F.mse_loss(features(fake).softmax(dim=1),
                                                          features(target).softmax(dim=1))


def _inv_chunk_wrong_dim(fake, target, features, weight):
    # both images in one pass, split back along dim 1 (the features) instead of dim 0 (the batch)
    f_fake, f_target = features(torch.cat([fake, target])).chunk(2, dim=1)
    return F.mse_loss(fake, target) + weight * F.mse_loss(f_fake, f_target)


def _inv_parentheses(fake, target, features, weight):
    # (pixels + λ_p)·features: the parentheses around the wrong pair
    return (F.mse_loss(fake, target) + weight) * F.mse_loss(features(fake), features(target))


def _inv_per_feature(fake, target, features, weight):
    # the feature MSE divided by the number of features again, "per feature"
    f_fake = features(fake)
    return F.mse_loss(fake, target) + weight * F.mse_loss(f_fake, features(target)) / f_fake.shape[1]


def _gs_grad_arguments_swapped(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    loss = F.mse_loss(synthesize(code), target)
    grad, = torch.autograd.grad(code, loss)  # the arguments swapped: inputs first
    return (code - lr * grad).detach()


def _gs_loop_short(code, target, synthesize, lr):
    new = code.detach().clone()
    for i in range(len(code) - 1):  # one code at a time, one short: the last code never moves
        c = code[i:i + 1].detach().requires_grad_(True)
        grad, = torch.autograd.grad(F.mse_loss(synthesize(c), target[i:i + 1]), c)
        new[i] = (c - lr * grad).detach()[0]
    return new


def _gs_loss_squared(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target) ** 2, code)  # the loss squared
    return (code - lr * grad).detach()


def _gs_float64_code(code, target, synthesize, lr):
    code = code.detach().double().requires_grad_(True)  # the code made float64 "for a precise step"
    grad, = torch.autograd.grad(F.mse_loss(synthesize(code), target), code)
    return (code - lr * grad).detach()


def _po_mean_coefficient(direction, other):
    o = other / other.norm()
    d = direction - (direction * o).mean() * o  # the dot product written with .mean() for .sum()
    return d / d.norm()


def _po_from_other(direction, other):
    o = other / other.norm()
    d = other - (direction @ o) * o  # copy slip: the projection subtracted from other
    return d / d.norm()


def _po_coefficient_squared(direction, other):
    o = other / other.norm()
    d = direction - (direction @ o) ** 2 * o  # the coefficient squared, as in a squared length
    return d / d.norm()


def _po_root_of_norm(direction, other):
    o = other / other.norm()
    d = direction - (direction @ o) * o
    return d / d.norm() ** 0.5  # divided by the root of the length


# --------------------------------------------------------------------------------------------
# Notebook 08

def _q_table_sliced(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[:len(t)].view(-1, 1, 1, 1)  # the table's first N entries, not the entries t
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def _q_root_reused(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1).sqrt()  # already rooted, then used as ᾱ_t in the noise's root
    return abar * x0 + (1 - abar).sqrt() * noise


def _q_lerp(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return torch.lerp(x0, noise, abar)  # torch.lerp for the blend: (1 − ᾱ_t)·x_0 + ᾱ_t·ε


def _q_loop_short(x0, t, noise, alphas_cumprod):
    x_t = x0.clone()
    for i in range(len(t) - 1):  # one image short: the last image is left clean
        abar = alphas_cumprod[t[i]]
        x_t[i] = abar.sqrt() * x0[i] + (1 - abar).sqrt() * noise[i]
    return x_t


def _dl_prediction_detached(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, t).detach(), noise)  # the prediction detached: the model gets no gradient


def _dl_tanh_prediction(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(torch.tanh(model(x_t, t)), noise)  # the predicted noise squashed with tanh


def _dl_first_step_for_all(model, x0, t, noise, alphas_cumprod):
    x_t = _ddpm.q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, t[0].expand(len(t))), noise)  # the model told the first image's t for all


def _dl_unscaled_sum(model, x0, t, noise, alphas_cumprod):
    return F.mse_loss(model(x0 + noise, t), noise)  # x_t written as x_0 + ε, both scales forgotten


def _rs_root_abar_in_coefficient(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / abar.sqrt() * eps) / (1 - beta).sqrt()  # √ᾱ_t for √(1 − ᾱ_t) in the coefficient
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_only_noise_divided(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = x_t - beta / (1 - abar).sqrt() * eps / (1 - beta).sqrt()  # parentheses lost: x_t not divided
    return mean + beta.sqrt() * z if t > 0 else mean


def _rs_clamped(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t], alphas_cumprod[t]
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    out = mean + beta.sqrt() * z if t > 0 else mean
    return out.clamp(-1, 1)  # every x_{t−1} clamped to the image range


def _rs_beta_shifted(eps, t, x_t, betas, alphas_cumprod, z):
    beta, abar = betas[t - 1], alphas_cumprod[t]  # t − 1 on β only, ᾱ left at t
    mean = (x_t - beta / (1 - abar).sqrt() * eps) / (1 - beta).sqrt()
    return mean + beta.sqrt() * z if t > 0 else mean


WRONG = {
    "to_model_range": [
        ("Uses a logarithmic scale, log(1 + x) / log 256, stretched to [−1, 1].", _range_log_scale),
        ("Types * for /: x·127.5 − 1.", _range_times_for_divide),
        ("Computes in numpy and returns an ndarray instead of a tensor.", _range_through_numpy),
        ("Builds a lookup table of 255 entries (linspace(−1, 1, 255)), one short for grey level 255.",
         _range_table_off_by_one),
    ],
    "d_loss": [
        ("Adds ProGAN's drift penalty 0.001·mean(real²) to the loss.", _d_loss_drift_penalty),
        ("Squashes the logits with tanh before the cross-entropy.", _d_loss_tanh_squashed),
        ("Loops over the pairs with range(B − 1), leaving the last pair out.", _d_loss_loop_off_by_one),
        ("Uses squared errors on D's probabilities, (σ − 1)² and σ², instead of the cross-entropy.",
         _d_loss_squared_probabilities),
    ],
    "g_loss": [
        ("Builds the target as float64 ones, so the loss comes back in float64.", _g_loss_float64_target),
        ("Divides the summed loss by B − 1 instead of B.", _g_loss_bessel),
        ("Writes .mean without parentheses, returning the method instead of the loss.",
         _g_loss_mean_not_called),
        ("Takes the median of the per-sample losses instead of their mean.", _g_loss_median),
    ],
    "train_step": [
        ("Detaches D's output on the fakes instead of the fakes, so the fake term gives D no gradient.",
         _step_d_logits_detached),
        ("Makes D's fakes with G in eval mode, so G's batch norm uses its running statistics for them.",
         _step_g_eval_for_d),
        ("Negates D's loss before its backward, \"since D maximises V\".", _step_d_ascends),
        ("Halves G's loss before its backward.", _step_g_halved),
    ],
    "generator_input": [
        ("Copy slip: joins the one-hot twice.", _gen_input_one_hot_twice),
        ("Scatters the label itself instead of a 1, so label 0 gives an all-zero vector.",
         _gen_input_scatter_label),
        ("Counts nine classes: F.one_hot(y, 9).", _gen_input_nine_classes),
        ("Averages the one-hots over the batch, so every row gets the batch's class histogram.",
         _gen_input_batch_histogram),
    ],
    "discriminator_input": [
        ("Transposes the one-hot to (10, B) before adding the two axes.", _disc_input_one_hot_transposed),
        ("Detaches the image before concatenating, so no gradient reaches it.", _disc_input_image_detached),
        ("Paints the label's map mid-grey, 0.5, instead of 1.", _disc_input_half_grey),
        ("Lights the label maps in a loop over range(B − 1), leaving the last image's maps off.",
         _disc_input_loop_short),
    ],
    "conditional_d_loss": [
        ("Swaps the arguments of the mismatched term (target first), which makes it the constant log 2.",
         _cond_mismatched_swapped),
        ("Passes the mismatched logits through a sigmoid first, in the third term only.",
         _cond_mismatched_sigmoid),
        ("Leaves reduction=\"sum\" on the mismatched term.", _cond_mismatched_summed),
        ("Stacks the three as rows and labels them with a (3, 1) column, which does not match.",
         _cond_stacked_column),
    ],
    "receptive_field": [
        ("Counts only the strided layers, as if the others kept the patch's size.", _rf_strided_only),
        ("Loops over convs.reverse(), which reverses in place and returns None.", _rf_list_reverse),
        ("Slicing typo: [1::-1] for [::-1], so only the first two layers are walked.", _rf_slice_typo),
        ("Precedence slip: writes (r − 1)·s as r − 1 * s.", _rf_precedence),
    ],
    "pix2pix_g_loss": [
        ("Computes the GAN term on G's photo instead of D's logits.", _p2p_gan_on_photo),
        ("Misplaces the parentheses: (GAN + λ)·L1.", _p2p_parentheses),
        ("Swaps the GAN term's arguments: the ones as the input, the logits as the target.",
         _p2p_gan_arguments_swapped),
        ("Uses F.pairwise_distance(p=1), which sums over the width only, for the L1.",
         _p2p_pairwise_distance),
    ],
    "unet_forward": [
        ("Casts the output to half precision before the tanh.", _unet_half_output),
        ("Calls G.encoder and G.decoder as if they were nn.Sequential; they are lists of blocks.",
         _unet_encoder_called),
        ("Runs the decoder blocks in reverse order.", _unet_decoder_reversed),
        ("Squashes each skip with tanh before concatenating it.", _unet_tanh_on_skips),
    ],
    "cycle_loss": [
        ("Takes the median absolute error of each cycle instead of the mean.", _cycle_median),
        ("Writes = for += in a loop over the cycles, so only the B cycle's term is kept.",
         _cycle_loop_assigns),
        ("Uses the Charbonnier loss √(d² + 10⁻⁶) instead of the L1.", _cycle_charbonnier),
        ("Copy slip: the B term compares rec_b with real_a.", _cycle_b_against_real_a),
    ],
    "identity_loss": [
        ("Averages over the batch and the pixels only, leaving one number per colour channel.",
         _idt_per_channel),
        ("Uses the log-cosh loss instead of the L1.", _idt_log_cosh),
        ("Sums with torch.dist(…, 1) and divides by one image's number of values only.",
         _idt_one_image_numel),
        ("Multiplies the weight by λ_idt inside the loop, so the B term gets λ·λ_idt².", _idt_weight_in_loop),
    ],
    "image_pool": [
        ("Clears the pool first, losing the stored images.", _pool_cleared),
        ("While filling, answers with pool[0], the first stored image, instead of the new one.",
         _pool_answers_first_stored),
        ("Inverts the fill condition (>= for <): a full pool grows, an unfilled one is drawn from.",
         _pool_fill_condition_inverted),
        ("Writes if for elif, so the coin is flipped for the images just stored too.", _pool_if_for_elif),
    ],
    "semantic_loss": [
        ("Softmaxes the source's logits over the batch (dim 0) before the arg max.", _sem_softmax_over_batch),
        ("Counts the classes from 1: arg max + 1.", _sem_classes_from_one),
        ("Writes the cross-entropy by hand and sums the log-sum-exp over the whole batch.",
         _sem_logsumexp_whole_batch),
        ("Uses the first image's class for the whole batch.", _sem_first_image_class),
    ],
    "fade_in": [
        ("Passes α to torch.add positionally, where it is keyword-only.", _fade_add_positional),
        ("Blends in half precision, so the result is float16.", _fade_half),
        ("Types / for * on the old output: (1 − α) / old + α·new.", _fade_divided),
        ("Squashes α with a sigmoid first, so α = 0 blends half and half.", _fade_sigmoid_alpha),
    ],
    "pixel_norm": [
        ("Loops over the channels from 1, leaving channel 0 out of the mean square.", _pn_channel_loop),
        ("Types ^ (xor) for ** in the square.", _pn_xor),
        ("Types 1e-4 for ε = 1e-8.", _pn_epsilon_typo),
        ("Clamps the mean square at ε instead of adding ε.", _pn_clamped),
    ],
    "minibatch_std": [
        ("Writes the root as ** 1 / 2, which halves the variance instead.", _mbstd_precedence),
        ("Writes the variance as E[y²] − E[y], forgetting to square the mean.", _mbstd_mean_not_squared),
        ("Averages over dims (1, 2) only, leaving the width out.", _mbstd_width_left),
        ("Divides the averaged standard deviation by C again.", _mbstd_divided_by_c),
    ],
    "equalized_linear": [
        ("Computes weight @ x.T and never transposes the (out, N) result back.", _eq_output_transposed),
        ("Scales weight.data, so the scaled weights are cut off from the gradient.", _eq_weight_data),
        ("Off by one: takes the fan-in as weight.shape[1] − 1.", _eq_fan_in_minus_one),
        ("Puts the root over the whole product: (w·gain / fan_in) ** 0.5.", _eq_root_over_product),
    ],
    "mapping_forward": [
        ("Applies each leaky ReLU before its linear layer instead of after it.", _map_activation_first),
        ("Makes z float64, which the float32 layers cannot take.", _map_float64),
        ("Normalises every code by the first code's mean square.", _map_first_code),
        ("Takes the square of the mean instead of the mean of the squares.", _map_square_of_mean),
    ],
    "adain": [
        ("Misplaces the parentheses: (y_s·x − μ) / σ + y_b.", _adain_precedence),
        ("Reshapes the styles with view(−1, 1, 1, 1), along the batch axis.", _adain_styles_flattened),
        ("Normalises every channel with the first channel's μ and σ.", _adain_first_channel_statistics),
        ("Transposes the styles to (C, N) before adding their two trailing axes.", _adain_styles_transposed),
    ],
    "noise_injection": [
        ("Indexes strength[:, 0], so every channel gets the first channel's strength.",
         _noise_first_strength),
        ("Loops over the channels from 1, so channel 0 gets no noise.", _noise_channel_loop),
        ("Copy slip: scales x instead of the noise: x + strength·x.", _noise_x_for_noise),
        ("Stretches the noise to [0, 1] like an image before scaling it.", _noise_min_max),
    ],
    "demodulation": [
        ("Demodulates over dims (2, 3), forgetting dim 4.", _modconv_dims_short),
        ("Passes k // 2 positionally to F.conv2d, where the third argument is the bias.",
         _modconv_padding_as_bias),
        ("Convolves image by image in a loop over range(N − 1), one image short.", _modconv_loop_short),
        ("Divides the modulated weights by their standard deviation instead of their root sum of squares.",
         _modconv_std),
    ],
    "truncation": [
        ("Computes the truncation under torch.no_grad().", _trunc_no_grad),
        ("Types 1 + ψ for 1 − ψ: ψ·w + (1 + ψ)·w̄.", _trunc_one_plus_psi),
        ("Copy slip: (1 − ψ)·w̄ + ψ·w̄, so w is never used.", _trunc_mean_twice),
        ("Casts ψ to int, so 0.7 becomes 0.", _trunc_psi_int),
    ],
    "inversion_loss": [
        ("Passes the features through softmax before their distance.", _inv_feature_softmax),
        ("Runs both images in one pass and splits the features along dim 1 instead of the batch.",
         _inv_chunk_wrong_dim),
        ("Misplaces the parentheses: (pixels + λ_p)·features.", _inv_parentheses),
        ("Divides the feature MSE by the number of features again.", _inv_per_feature),
    ],
    "gradient_step": [
        ("Swaps the arguments of torch.autograd.grad: the code first, then the loss.",
         _gs_grad_arguments_swapped),
        ("Steps one code at a time in a loop over range(N − 1), so the last code never moves.",
         _gs_loop_short),
        ("Takes the gradient of the squared loss.", _gs_loss_squared),
        ("Makes the code a float64 leaf, which the float32 generator cannot take.", _gs_float64_code),
    ],
    "project_out": [
        ("Writes the dot product with .mean() instead of .sum().", _po_mean_coefficient),
        ("Copy slip: subtracts the projection from other instead of from the direction.", _po_from_other),
        ("Squares the coefficient d·ô.", _po_coefficient_squared),
        ("Divides the result by the root of its length.", _po_root_of_norm),
    ],
    "q_sample": [
        ("Slices the first N entries of the table instead of indexing it with t.", _q_table_sliced),
        ("Reuses the already-rooted √ᾱ_t inside the noise's root: √(1 − √ᾱ_t).", _q_root_reused),
        ("Uses torch.lerp(x_0, ε, ᾱ_t), which weighs x_0 by 1 − ᾱ_t and ε by ᾱ_t.", _q_lerp),
        ("Noises the images in a loop over range(N − 1), leaving the last image clean.", _q_loop_short),
    ],
    "diffusion_loss": [
        ("Detaches the model's prediction, so the model gets no gradient.", _dl_prediction_detached),
        ("Squashes the predicted noise with tanh.", _dl_tanh_prediction),
        ("Tells the model the first image's t for the whole batch.", _dl_first_step_for_all),
        ("Writes x_t as x_0 + ε, forgetting both scales.", _dl_unscaled_sum),
    ],
    "reverse_step": [
        ("Writes √ᾱ_t for √(1 − ᾱ_t) in the noise's coefficient.", _rs_root_abar_in_coefficient),
        ("Precedence slip: divides only the noise term by √α_t, not x_t.", _rs_only_noise_divided),
        ("Clamps x_{t−1} to [−1, 1] at every step.", _rs_clamped),
        ("Shifts β to t − 1 but leaves ᾱ at t.", _rs_beta_shifted),
    ],
}
