"""Wrong answers written blind (issue 37): mistakes a student makes that the checks' registry does not name.
Each entry: (what the mistake is, in a sentence a teacher would write, the function).

Every function has the signature of its exercise's stub in the student notebook, so ``ck.check.<name>``
can call it; ``tests/blind/verify.py`` confirms that each one fails its check and that none computes what
one of the check's named mistakes (``Check.mistakes``) computes on the check's cases.
"""

import torch
import torch.nn.functional as F

from coursekit.models.dcgan import d_loss as _d_loss
from coursekit.models.dcgan import g_loss as _g_loss
from coursekit.models.ddpm import q_sample as _q_sample

_bce = F.binary_cross_entropy_with_logits


# ------------------------------------------------------------------------------------------------
# Notebook 00

def _to_model_range_overflow(x):
    return 2 * x / 255 - 1  # on uint8 pixels, 2 * x wraps around at 256 before the division


# ------------------------------------------------------------------------------------------------
# Notebook 01

def _d_loss_hand_written(real_logits, fake_logits):
    # −log D(x) − log(1 − D(G(z))) written by hand, with the second minus sign lost
    return -torch.log(torch.sigmoid(real_logits)).mean() + torch.log(1 - torch.sigmoid(fake_logits)).mean()


def _train_step_zero_grad_after_backward(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _d_loss(D(real), D(fake.detach()))
    loss_D.backward()
    opt_D.zero_grad()  # between backward and step: D's gradients are wiped before it steps
    opt_D.step()
    loss_G = _g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    return loss_D.detach(), loss_G.detach()


def _train_step_steps_at_the_end(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    loss_G = _g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()  # also adds G's loss's gradients to D's
    opt_G.step()
    opt_D.step()  # both steps at the end: D steps on the sum of its loss's and G's loss's gradients
    return loss_D.detach(), loss_G.detach()


def _train_step_d_left_frozen(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    loss_D = _d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    D.requires_grad_(False)  # frozen for G's update and never unfrozen: the next step's D loss has no gradient
    loss_G = _g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    return loss_D.detach(), loss_G.detach()


def _train_step_zero_once_no_detach(G, D, opt_G, opt_D, real, z):
    opt_D.zero_grad()
    opt_G.zero_grad()
    fake = G(z)
    loss_D = _d_loss(D(real), D(fake))  # no detach: D's loss also sends gradients into G
    loss_D.backward(retain_graph=True)
    opt_D.step()
    loss_G = _g_loss(D(fake))
    loss_G.backward()  # G's gradients = those of D's loss + those of its own
    opt_G.step()
    return loss_D.detach(), loss_G.detach()


def _train_step_fresh_z(G, D, opt_G, opt_D, real, z):
    fake = G(torch.randn_like(z))  # new noise instead of the z it was given
    loss_D = _d_loss(D(real), D(fake.detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    loss_G = _g_loss(D(fake))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    return loss_D.detach(), loss_G.detach()


def _train_step_reuse_d_fake(G, D, opt_G, opt_D, real, z):
    fake = G(z)
    d_fake = D(fake)  # one pass of D on the fakes, reused for both losses, never detached
    loss_D = _d_loss(D(real), d_fake)
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    loss_G = _g_loss(d_fake)
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    return loss_D.detach(), loss_G.detach()


# ------------------------------------------------------------------------------------------------
# Notebook 02

def _onehot_maps(x, y):
    b, _, h, w = x.shape
    return F.one_hot(y, 10).float()[:, :, None, None].expand(b, 10, h, w)


def _discriminator_input_repeat_view(x, y):
    b, _, h, w = x.shape
    channels = F.one_hot(y, 10).float().repeat(1, h * w).view(b, 10, h, w)  # repeat, then view: scrambled maps
    return torch.cat([x, channels], dim=1)


def _discriminator_input_first_label(x, y):
    b, _, h, w = x.shape
    channels = F.one_hot(y[0], 10).float()[None, :, None, None].expand(b, 10, h, w)  # y[0] for every image
    return torch.cat([x, channels], dim=1)


# ------------------------------------------------------------------------------------------------
# Notebook 03

def _convs(module):
    return [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)]


def _receptive_field_stride_after(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = r * conv.stride[0] + conv.kernel_size[0] - 1  # (r − 1)·s + k with the parentheses moved
    return r


def _receptive_field_own_stride(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = r + (conv.kernel_size[0] - 1) * conv.stride[0]  # each layer's own stride, not the strides before it
    return r


def _receptive_field_last_left_out(module):
    convs = _convs(module)
    r = 1
    for i in range(len(convs) - 2, -1, -1):  # off by one: starts at the second-to-last layer
        r = (r - 1) * convs[i].stride[0] + convs[i].kernel_size[0]
    return r


def _receptive_field_area(module):
    r = 1
    for conv in reversed(_convs(module)):
        r = (r - 1) * conv.stride[0] + conv.kernel_size[0]
    return r * r  # the number of pixels of the square instead of its side


def _unet_encode(G, x):
    skips = []
    for block in G.encoder:
        x = block(x)
        skips.append(x)
    skips.pop()
    return x, skips


def _unet_forward_sigmoid(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return torch.sigmoid(G.to_image(x))


def _unet_forward_display_range(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return (torch.tanh(G.to_image(x)) + 1) / 2  # mapped to [0, 1] as for display


def _unet_forward_tanh_first(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = torch.cat([block(x), skips.pop()], dim=1)
    return G.to_image(torch.tanh(x))


def _unet_forward_cat_before_block(G, x):
    x, skips = _unet_encode(G, x)
    for block in G.decoder:
        x = block(torch.cat([x, skips.pop()], dim=1))  # joins the skip before the block, not after
    return torch.tanh(G.to_image(x))


# ------------------------------------------------------------------------------------------------
# Notebook 04

def _pool_write_before_read(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            pool[i] = image
            out.append(pool[i])  # read after the write: answers with the new image, the old one is lost
        else:
            out.append(image)
    return torch.cat(out)


def _pool_index_over_batch(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(len(images), ()))  # an index into the batch, not into the pool
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_whole_batch_in(pool, images, size=50):
    if len(pool) < size:
        pool.extend(images.detach().split(1))  # the whole batch goes in, past the pool's size
        return images
    out = []
    for image in images.detach().split(1):
        if torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


def _pool_append_on_swap(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            pool.append(image)
            out.append(image)
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool.append(image)  # appended instead of put in the place of the one returned: the pool grows
        else:
            out.append(image)
    return torch.cat(out)


def _pool_never_stored(pool, images, size=50):
    out = []
    for image in images.detach().split(1):
        if len(pool) < size:
            out.append(image)  # forgets pool.append(image): the pool never fills
        elif torch.rand(()) < 0.5:
            i = int(torch.randint(size, ()))
            out.append(pool[i])
            pool[i] = image
        else:
            out.append(image)
    return torch.cat(out)


# ------------------------------------------------------------------------------------------------
# Notebook 05

def _minibatch_std(x, group_size, spread="interleave"):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.view(g, n // g, c, h, w)
    std = (y.var(dim=0, unbiased=False) + 1e-8).sqrt()
    s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    if spread == "interleave":
        s = s.repeat_interleave(g, dim=0).expand(n, 1, h, w)
    elif spread == "one number":
        s = std.mean().view(1, 1, 1, 1).expand(n, 1, h, w)
    return torch.cat([x, s], dim=1)


def _minibatch_std_over_channels(x, group_size):
    s = (x.var(dim=1, keepdim=True, unbiased=False) + 1e-8).sqrt()  # spread of each pixel over its channels
    return torch.cat([x, s], dim=1)


def _minibatch_std_groups_and_size_swapped(x, group_size):
    n, c, h, w = x.shape
    g = n // min(group_size, n)  # the number of groups used as the group size
    y = x.view(g, n // g, c, h, w)
    std = (y.var(dim=0, unbiased=False) + 1e-8).sqrt()
    s = std.mean(dim=(1, 2, 3)).view(n // g, 1, 1, 1)
    return torch.cat([x, s.repeat(g, 1, h, w)], dim=1)


# ------------------------------------------------------------------------------------------------
# Notebook 06

def _mapping_layers(net, x, layers=None):
    for layer in (net.net[1:] if layers is None else layers):
        x = layer(x)
    return x


def _rms_normalise(z):
    return z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + 1e-8)


def _mapping_relu(net, z):
    x = _rms_normalise(z)
    for layer in net.net[1:]:
        x = F.relu(x) if isinstance(layer, torch.nn.LeakyReLU) else layer(x)
    return x


def _adain_height_only(x, style_scale, style_bias):
    mu = x.mean(dim=2, keepdim=True)
    sigma = (x.var(dim=2, keepdim=True, unbiased=False) + 1e-8).sqrt()
    return style_scale[:, :, None, None] * (x - mu) / sigma + style_bias[:, :, None, None]


def _adain_norm(x):
    mu = x.mean(dim=(2, 3), keepdim=True)
    return (x - mu) / (x.var(dim=(2, 3), keepdim=True, unbiased=False) + 1e-8).sqrt()


def _modulated(x, weight, style, dims=(2, 3, 4), demod="rsqrt", fold="batch first"):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, None, :, None, None]
    if demod == "rsqrt":
        wts = wts * torch.rsqrt(wts.pow(2).sum(dim=dims, keepdim=True) + 1e-8)
    elif demod == "sqrt":
        wts = wts * torch.sqrt(wts.pow(2).sum(dim=dims, keepdim=True) + 1e-8)
    elif demod == "mean":
        wts = wts * torch.rsqrt(wts.pow(2).mean(dim=dims, keepdim=True) + 1e-8)
    if fold == "output channels first":
        wts = wts.transpose(0, 1)
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


def _modulated_style_on_outputs(x, weight, style):
    n, c_in, h, w = x.shape
    c_out, _, k, _ = weight.shape
    wts = weight[None] * style[:, :, None, None, None]  # the style scales the output channels' axis
    wts = wts * torch.rsqrt(wts.pow(2).sum(dim=(2, 3, 4), keepdim=True) + 1e-8)
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wts.reshape(n * c_out, c_in, k, k), padding=k // 2, groups=n)
    return out.view(n, c_out, h, w)


# ------------------------------------------------------------------------------------------------
# Notebook 07

def _gradient_step(code, target, synthesize, lr, loss="rmse", step="plain"):
    code = code.detach().requires_grad_(True)
    fake = synthesize(code)
    value = {"rmse": lambda: F.mse_loss(fake, target).sqrt(),
             "half": lambda: 0.5 * F.mse_loss(fake, target),
             "per image": lambda: F.mse_loss(fake, target, reduction="none").mean(dim=(1, 2, 3)).sum(),
             "mse": lambda: F.mse_loss(fake, target)}[loss]()
    grad, = torch.autograd.grad(value, code)
    if step == "divide":
        return (code - grad / lr).detach()
    return (code - lr * grad).detach()


def _gradient_step_adam(code, target, synthesize, lr):
    code = code.detach().requires_grad_(True)
    opt = torch.optim.Adam([code], lr=lr)  # one Adam step: about lr times the gradient's sign
    loss = F.mse_loss(synthesize(code), target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return code.detach()


def _project_half_normalised(direction, other):
    d = direction - (direction @ other) / other.norm() * other  # divides by ‖o‖ once, not twice
    return d / d.norm()


def _project_by_direction_norm(direction, other):
    o = other / other.norm()
    d = direction - (direction @ o) * o
    return d / direction.norm()  # divides by the length of the vector it started from


def _project_the_other(direction, other):
    d_hat = direction / direction.norm()
    o = other - (other @ d_hat) * d_hat  # removes the direction from the other, roles swapped
    return o / o.norm()


def _project_wrong_denominator(direction, other):
    d = direction - (direction @ other) / (direction @ direction) * other  # (d·o)/(d·d) instead of (d·o)/(o·o)
    return d / d.norm()


# ------------------------------------------------------------------------------------------------
# Notebook 08

def _q_sample_t_minus_one(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t - 1].view(-1, 1, 1, 1)  # the lecture's t = 1 … T read as the code's index
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def _q_sample_one_minus_sqrt(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t].view(-1, 1, 1, 1)
    return abar.sqrt() * x0 + (1 - abar.sqrt()) * noise


def _q_sample_not_reshaped(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod[t]  # (N,) broadcast against the images' last dimension
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def _q_sample_cumprod_again(x0, t, noise, alphas_cumprod):
    abar = alphas_cumprod.cumprod(dim=0)[t].view(-1, 1, 1, 1)  # the product taken again of what is already one
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


def _diffusion_loss(model, x0, t, noise, alphas_cumprod, form):
    if form == "swapped args":
        x_t = _q_sample(noise, t, x0, alphas_cumprod)
    else:
        x_t = _q_sample(x0, t, noise, alphas_cumprod)
    if form == "t + 1":
        return F.mse_loss(model(x_t, t + 1), noise)
    pred = model(x_t, t)
    if form == "l1":
        return F.l1_loss(pred, noise)
    if form == "scaled noise":
        return F.mse_loss(pred, (1 - alphas_cumprod[t]).sqrt().view(-1, 1, 1, 1) * noise)
    if form == "per image":
        return F.mse_loss(pred, noise, reduction="none").mean(dim=(1, 2, 3)).sum()
    return F.mse_loss(pred, noise)


def _reverse_step(eps, t, x_t, betas, alphas_cumprod, z, form):
    if form == "t - 1":
        beta, abar_t = betas[t - 1], alphas_cumprod[t - 1]
    else:
        beta, abar_t = betas[t], alphas_cumprod[t]
    if form == "x0 coefficient":
        mean = (x_t - (1 - abar_t).sqrt() * eps) / (1 - beta).sqrt()
    elif form == "no division":
        mean = x_t - beta / (1 - abar_t).sqrt() * eps
    else:
        mean = (x_t - beta / (1 - abar_t).sqrt() * eps) / (1 - beta).sqrt()
    sigma = (1 - abar_t).sqrt() if form == "sigma from abar" else beta.sqrt()
    last = 1 if form == "t > 1" else 0
    return mean + sigma * z if t > last else mean


# ------------------------------------------------------------------------------------------------

WRONG = {
    "to_model_range": [
        ("divides by 128 instead of 127.5", lambda x: x.float() / 128 - 1),
        ("a missing pair of parentheses: x − 127.5 / 127.5, which only subtracts 1", lambda x: x.float() - 127.5 / 127.5),
        ("computes 2x / 255 − 1 on the uint8 pixels, so 2x overflows before it becomes a float", _to_model_range_overflow),
        ("standardises with the batch's mean and standard deviation instead of mapping 0..255 to [−1, 1]",
         lambda x: (x.float() - x.float().mean()) / x.float().std()),
        ("subtracts 0.5 instead of 1 after dividing by 127.5", lambda x: x.float() / 127.5 - 0.5),
    ],
    "d_loss": [
        ("the whole loss negated", lambda r, f: -(_bce(r, torch.ones_like(r)) + _bce(f, torch.zeros_like(f)))),
        ("only the fake term: D is never told that real images are real", lambda r, f: _bce(f, torch.zeros_like(f))),
        ("written by hand with logs of sigmoids, the fake term's sign flipped", _d_loss_hand_written),
        ("one-sided label smoothing: real images labelled 0.9 instead of 1",
         lambda r, f: _bce(r, torch.full_like(r, 0.9)) + _bce(f, torch.zeros_like(f))),
        ("the hinge loss of a different GAN instead of the cross-entropy",
         lambda r, f: F.relu(1 - r).mean() + F.relu(1 + f).mean()),
        ("least squares (LSGAN) on the logits instead of the cross-entropy",
         lambda r, f: F.mse_loss(r, torch.ones_like(r)) + F.mse_loss(f, torch.zeros_like(f))),
    ],
    "g_loss": [
        ("least squares on the logits (LSGAN) instead of the cross-entropy", lambda f: F.mse_loss(f, torch.ones_like(f))),
        ("no reduction: one loss per sample returned instead of their mean",
         lambda f: _bce(f, torch.ones_like(f), reduction="none")),
        ("minimises minus D's mean probability, −mean σ(logits), instead of −log σ(logits)",
         lambda f: -torch.sigmoid(f).mean()),
        ("label smoothing on G's target: 0.9 instead of 1", lambda f: _bce(f, torch.full_like(f, 0.9))),
        ("the loss on probabilities with the log forgotten: mean(1 − σ(logits))", lambda f: (1 - torch.sigmoid(f)).mean()),
    ],
    "train_step": [
        ("opt_D.zero_grad() between D's backward and its step: D's gradients are wiped before it steps",
         _train_step_zero_grad_after_backward),
        ("both optimizers stepped at the end, after G's backward: D steps on its own and G's loss's gradients",
         _train_step_steps_at_the_end),
        ("D frozen (requires_grad_(False)) for G's update and never unfrozen", _train_step_d_left_frozen),
        (("both optimizers zeroed once at the top and D fed the fakes without detach (retain_graph): D's loss "
          "leaks into G's gradients"), _train_step_zero_once_no_detach),
        ("fresh noise drawn for the fakes instead of the z given", _train_step_fresh_z),
        ("one pass of D on the fakes reused for both losses, not detached for D", _train_step_reuse_d_fake),
    ],
    "generator_input": [
        ("the one-hot label scaled like pixels, to ±1",
         lambda z, y: torch.cat([z, F.one_hot(y, 10).float() * 2 - 1], dim=1)),
        ("the label added to every entry of z instead of joined as a one-hot vector",
         lambda z, y: z + y[:, None].float()),
        ("fresh noise drawn instead of the z given", lambda z, y: torch.cat([torch.randn_like(z), F.one_hot(y, 10).float()], 1)),
        ("the one-hot sized by z's length instead of the 10 classes",
         lambda z, y: torch.cat([z, F.one_hot(y, z.shape[1]).float()], dim=1)),
        ("joined along the batch dimension (dim 0) instead of the features",
         lambda z, y: torch.cat([z, F.one_hot(y, 10).float()], dim=0)),
    ],
    "discriminator_input": [
        ("the one-hot repeated h·w times and then viewed as maps: the label channels are scrambled",
         _discriminator_input_repeat_view),
        ("the label maps added to the image instead of concatenated as new channels",
         lambda x, y: x + _onehot_maps(x, y)),
        ("the first image's label used for the whole batch", _discriminator_input_first_label),
        ("joined along the width (dim 3) instead of the channels", lambda x, y: torch.cat([x, _onehot_maps(x, y)], dim=3)),
        ("each label map divided by its number of pixels, as if spreading one unit over the image",
         lambda x, y: torch.cat([x, _onehot_maps(x, y) / (x.shape[2] * x.shape[3])], dim=1)),
    ],
    "conditional_d_loss": [
        ("the GAN-CLS weighting: the fake and mismatched terms halved",
         lambda r, f, m: _bce(r, torch.ones_like(r)) + 0.5 * (_bce(f, torch.zeros_like(f)) + _bce(m, torch.zeros_like(m)))),
        ("the real and mismatched logits mixed up: the mismatched pairs labelled real, the real ones fake",
         lambda r, f, m: _bce(m, torch.ones_like(m)) + _bce(f, torch.zeros_like(f)) + _bce(r, torch.zeros_like(r))),
        ("the whole loss negated",
         lambda r, f, m: -(_bce(r, torch.ones_like(r)) + _bce(f, torch.zeros_like(f)) + _bce(m, torch.zeros_like(m)))),
        ("the fake term left out: only real and mismatched pairs",
         lambda r, f, m: _bce(r, torch.ones_like(r)) + _bce(m, torch.zeros_like(m))),
        ("the fakes labelled real: G's target written into D's loss",
         lambda r, f, m: _bce(r, torch.ones_like(r)) + _bce(f, torch.ones_like(f)) + _bce(m, torch.zeros_like(m))),
    ],
    "receptive_field": [
        ("r·stride + kernel − 1 instead of (r − 1)·stride + kernel", _receptive_field_stride_after),
        ("each layer widens by (kernel − 1) times its own stride, not the strides before it", _receptive_field_own_stride),
        ("an off-by-one loop that leaves the last convolution out", _receptive_field_last_left_out),
        ("returns the area r² of the region instead of its side r", _receptive_field_area),
    ],
    "pix2pix_g_loss": [
        ("λ forgotten: the L1 term not weighted",
         lambda lg, f, t, lam: _bce(lg, torch.ones_like(lg)) + F.l1_loss(f, t)),
        ("the absolute value forgotten: the mean signed difference instead of the L1 distance",
         lambda lg, f, t, lam: _bce(lg, torch.ones_like(lg)) + lam * (f - t).mean()),
        ("the L1 term summed over the pixels instead of averaged",
         lambda lg, f, t, lam: _bce(lg, torch.ones_like(lg)) + lam * F.l1_loss(f, t, reduction="sum")),
        ("the GAN term as minus D's fake term (the minimax form), −BCE(logits, 0)",
         lambda lg, f, t, lam: -_bce(lg, torch.zeros_like(lg)) + lam * F.l1_loss(f, t)),
        ("the two terms averaged instead of added",
         lambda lg, f, t, lam: 0.5 * (_bce(lg, torch.ones_like(lg)) + lam * F.l1_loss(f, t))),
    ],
    "unet_forward": [
        ("ends in a sigmoid instead of tanh: the photos lie in [0, 1]", _unet_forward_sigmoid),
        ("the tanh output mapped to [0, 1] as for display: (tanh + 1) / 2", _unet_forward_display_range),
        ("tanh applied to the features before the last layer instead of to its output", _unet_forward_tanh_first),
        ("the skip joined to the block's input instead of its output", _unet_forward_cat_before_block),
    ],
    "cycle_loss": [
        ("the two cycle terms averaged instead of added",
         lambda a, ra, b, rb, lam: lam * 0.5 * (F.l1_loss(ra, a) + F.l1_loss(rb, b))),
        ("λ on the first term only (missing parentheses)",
         lambda a, ra, b, rb, lam: lam * F.l1_loss(ra, a) + F.l1_loss(rb, b)),
        ("the absolute value forgotten: mean signed differences",
         lambda a, ra, b, rb, lam: lam * ((ra - a).mean() + (rb - b).mean())),
        ("the Euclidean norm of the difference instead of the mean absolute error",
         lambda a, ra, b, rb, lam: lam * ((ra - a).norm() + (rb - b).norm())),
        ("the whole loss negated", lambda a, ra, b, rb, lam: -lam * (F.l1_loss(ra, a) + F.l1_loss(rb, b))),
    ],
    "identity_loss": [
        ("λ_idt forgotten: weighted by λ alone",
         lambda a, ia, b, ib, lam, idt: lam * (F.l1_loss(ia, a) + F.l1_loss(ib, b))),
        ("the two terms averaged instead of added",
         lambda a, ia, b, ib, lam, idt: lam * idt * 0.5 * (F.l1_loss(ia, a) + F.l1_loss(ib, b))),
        ("the weight on the first term only (missing parentheses)",
         lambda a, ia, b, ib, lam, idt: lam * idt * F.l1_loss(ia, a) + F.l1_loss(ib, b)),
        ("the L1 terms summed over the pixels instead of averaged",
         lambda a, ia, b, ib, lam, idt: lam * idt * (F.l1_loss(ia, a, reduction="sum") + F.l1_loss(ib, b, reduction="sum"))),
        ("the weight λ / λ_idt instead of λ · λ_idt",
         lambda a, ia, b, ib, lam, idt: lam / idt * (F.l1_loss(ia, a) + F.l1_loss(ib, b))),
    ],
    "image_pool": [
        (("writes the new image into the pool before reading the stored one: answers with the new image, "
          "the old one is lost"), _pool_write_before_read),
        ("the stored image's index drawn over the batch (len(images)) instead of over the pool", _pool_index_over_batch),
        ("while the pool is not full, the whole batch goes in at once, past the pool's size", _pool_whole_batch_in),
        ("on a swap the new image is appended instead of put in the returned one's place: the pool grows",
         _pool_append_on_swap),
        ("never stores the new images while the pool is not full, so it never fills", _pool_never_stored),
    ],
    "semantic_loss": [
        ("the target taken from the translation's own prediction instead of the source's",
         lambda t, s: F.cross_entropy(t, t.argmax(dim=1))),
        ("softmax applied before F.cross_entropy", lambda t, s: F.cross_entropy(F.softmax(t, dim=1), s.argmax(dim=1))),
        ("log-softmax over the batch (dim 0) instead of the classes",
         lambda t, s: F.nll_loss(F.log_softmax(t, dim=0), s.argmax(dim=1))),
        ("argmax over the batch (dim 0) instead of the classes", lambda t, s: F.cross_entropy(t, s.argmax(dim=0))),
        ("the error rate (share of disagreeing classes) instead of the cross-entropy",
         lambda t, s: (t.argmax(dim=1) != s.argmax(dim=1)).float().mean()),
    ],
    "fade_in": [
        ("missing parentheses: 1 − α·old + α·new", lambda a, old, new: 1 - a * old + a * new),
        ("a sign slip in the interpolation: old + α·(new + old)", lambda a, old, new: old + a * (new + old)),
        ("the new block's output not weighted: (1 − α)·old + new", lambda a, old, new: (1 - a) * old + new),
        ("the blend halved, as if averaging: ((1 − α)·old + α·new) / 2", lambda a, old, new: ((1 - a) * old + a * new) / 2),
        ("the new output subtracted: (1 − α)·old − α·new", lambda a, old, new: (1 - a) * old - a * new),
    ],
    "pixel_norm": [
        ("divides by the standard deviation over the channels instead of the root-mean-square",
         lambda x: x / (x.std(dim=1, keepdim=True) + 1e-8)),
        ("normalises over the batch (dim 0) instead of the channels",
         lambda x: x / torch.sqrt(x.pow(2).mean(dim=0, keepdim=True) + 1e-8)),
        ("the square root taken twice", lambda x: x / torch.sqrt(torch.sqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8))),
        ("the mean absolute value instead of the root-mean-square",
         lambda x: x / (x.abs().mean(dim=1, keepdim=True) + 1e-8)),
        ("keepdim forgotten: the (N, H, W) norm broadcasts against the wrong dimensions",
         lambda x: x / torch.sqrt(x.pow(2).mean(dim=1) + 1e-8)),
    ],
    "minibatch_std": [
        ("the group's number spread with repeat_interleave instead of repeat: the images get other groups' numbers",
         lambda x, g: _minibatch_std(x, g, "interleave")),
        ("one number for the whole batch: the groups' standard deviations averaged together",
         lambda x, g: _minibatch_std(x, g, "one number")),
        ("the standard deviation of each pixel over its channels instead of over the group",
         _minibatch_std_over_channels),
        ("the number of groups used as the group size", _minibatch_std_groups_and_size_swapped),
    ],
    "equalized_linear": [
        ("the square root over gain / fan_in as well: sqrt(gain / fan_in)",
         lambda x, w, b, gain: F.linear(x, w * (gain / w.shape[1]) ** 0.5, b)),
        ("He's sqrt(2 / fan_in) multiplied by the gain as well: √2 counted twice",
         lambda x, w, b, gain: F.linear(x, w * gain * (2 / w.shape[1]) ** 0.5, b)),
        ("the fan-in taken as every weight, weight.numel()",
         lambda x, w, b, gain: F.linear(x, w * gain / w.numel() ** 0.5, b)),
        ("the bias forgotten", lambda x, w, b, gain: F.linear(x, w * gain / w.shape[1] ** 0.5)),
        ("the fan-in taken as the batch size, x.shape[0]",
         lambda x, w, b, gain: F.linear(x, w * gain / x.shape[0] ** 0.5, b)),
    ],
    "mapping_forward": [
        ("z standardised (mean subtracted, divided by its std) instead of divided by its root-mean-square",
         lambda net, z: _mapping_layers(net, (z - z.mean(dim=1, keepdim=True)) / z.std(dim=1, keepdim=True))),
        ("z divided by its Euclidean norm (unit length) instead of its root-mean-square",
         lambda net, z: _mapping_layers(net, z / z.norm(dim=1, keepdim=True))),
        ("off by one: net.net[2:] skips the first linear layer",
         lambda net, z: _mapping_layers(net, _rms_normalise(z), net.net[2:])),
        ("plain ReLU instead of the network's leaky ReLU", _mapping_relu),
        ("the normalisation applied after the layers instead of before",
         lambda net, z: _rms_normalise(_mapping_layers(net, z))),
    ],
    "adain": [
        ("statistics over the height only (dim 2) instead of both spatial dimensions", _adain_height_only),
        ("the bias added before scaling: y_s · (norm + y_b)",
         lambda x, ys, yb: ys[:, :, None, None] * (_adain_norm(x) + yb[:, :, None, None])),
        ("the scale applied as 1 + y_s", lambda x, ys, yb: (1 + ys[:, :, None, None]) * _adain_norm(x) + yb[:, :, None, None]),
        ("the style vectors unsqueezed on the wrong axes: (N, 1, 1, C) instead of (N, C, 1, 1)",
         lambda x, ys, yb: ys[:, None, None, :] * _adain_norm(x) + yb[:, None, None, :]),
        ("divided by the root-mean-square of x instead of centred and divided by its standard deviation",
         lambda x, ys, yb: ys[:, :, None, None] * x / (x.pow(2).mean(dim=(2, 3), keepdim=True) + 1e-8).sqrt()
         + yb[:, :, None, None]),
    ],
    "noise_injection": [
        ("the scaled noise subtracted instead of added", lambda x, s, n: x - s * n),
        ("the strength added, the noise forgotten", lambda x, s, n: x + s),
        ("the noise normalised by its standard deviation first", lambda x, s, n: x + s * n / n.std()),
        ("the noise image transposed (height and width swapped)", lambda x, s, n: x + s * n.transpose(2, 3)),
        ("misplaced parentheses: (x + strength) · noise", lambda x, s, n: (x + s) * n),
    ],
    "demodulation": [
        ("demodulated over the output channels and the kernel (dims 1, 3, 4) instead of the input channels",
         lambda x, w, s: _modulated(x, w, s, dims=(1, 3, 4))),
        ("multiplied by the square root of the sum of squares instead of divided by it (sqrt for rsqrt)",
         lambda x, w, s: _modulated(x, w, s, demod="sqrt")),
        ("the mean of the squares instead of their sum", lambda x, w, s: _modulated(x, w, s, demod="mean")),
        (("the batch folded into the channels in the wrong order (output channels first): each image gets "
          "another image's weights"), lambda x, w, s: _modulated(x, w, s, fold="output channels first")),
        ("the style multiplies the output channels' axis instead of the input channels'", _modulated_style_on_outputs),
    ],
    "truncation": [
        ("the sign flipped: w̄ − ψ (w − w̄)", lambda w, w_avg, psi: w_avg - psi * (w - w_avg)),
        ("the mean not added back: ψ (w − w̄)", lambda w, w_avg, psi: psi * (w - w_avg)),
        ("starts from w instead of w̄: w + ψ (w − w̄)", lambda w, w_avg, psi: w + psi * (w - w_avg)),
        ("w̄ averaged into one number", lambda w, w_avg, psi: w_avg.mean() + psi * (w - w_avg.mean())),
        ("the offset divided by ψ instead of multiplied: w̄ + (w − w̄) / ψ", lambda w, w_avg, psi: w_avg + (w - w_avg) / psi),
    ],
    "inversion_loss": [
        ("the weight as a convex mix: (1 − weight)·pixels + weight·features",
         lambda fake, target, features, weight: (1 - weight) * F.mse_loss(fake, target)
         + weight * F.mse_loss(features(fake), features(target))),
        ("the weight forgotten",
         lambda fake, target, features, weight: F.mse_loss(fake, target) + F.mse_loss(features(fake), features(target))),
        ("the pixel term left out",
         lambda fake, target, features, weight: weight * F.mse_loss(features(fake), features(target))),
        ("the pixel errors summed instead of averaged",
         lambda fake, target, features, weight: (fake - target).pow(2).sum()
         + weight * F.mse_loss(features(fake), features(target))),
        ("the pixel term's root taken (RMSE instead of MSE)",
         lambda fake, target, features, weight: F.mse_loss(fake, target).sqrt()
         + weight * F.mse_loss(features(fake), features(target))),
    ],
    "gradient_step": [
        ("the gradient divided by lr instead of multiplied", lambda c, t, s, lr: _gradient_step(c, t, s, lr, "mse", "divide")),
        ("the root of the mean squared error (RMSE) as the loss", lambda c, t, s, lr: _gradient_step(c, t, s, lr, "rmse")),
        ("half the mean squared error, ½·mse, as the loss", lambda c, t, s, lr: _gradient_step(c, t, s, lr, "half")),
        ("the loss averaged per image but summed over the batch",
         lambda c, t, s, lr: _gradient_step(c, t, s, lr, "per image")),
        ("one step of Adam instead of plain gradient descent", _gradient_step_adam),
    ],
    "project_out": [
        ("the other direction divided by its length once instead of twice: (d·o)/‖o‖ · o", _project_half_normalised),
        ("the result divided by the original direction's length instead of its own", _project_by_direction_norm),
        ("roles swapped: the direction projected out of the other one", _project_the_other),
        ("the Gram–Schmidt coefficient divided by d·d instead of o·o", _project_wrong_denominator),
    ],
    "q_sample": [
        ("off by one: alphas_cumprod[t − 1] (t read as 1 … T)", _q_sample_t_minus_one),
        ("the noise weight 1 − √ᾱ_t instead of √(1 − ᾱ_t)", _q_sample_one_minus_sqrt),
        ("ᾱ_t not reshaped to (N, 1, 1, 1): it broadcasts over the images' last dimension", _q_sample_not_reshaped),
        ("the cumulative product taken again of alphas_cumprod", _q_sample_cumprod_again),
    ],
    "diffusion_loss": [
        ("off by one: the model told t + 1", lambda m, x0, t, e, a: _diffusion_loss(m, x0, t, e, a, "t + 1")),
        ("the absolute error (L1) instead of the squared error", lambda m, x0, t, e, a: _diffusion_loss(m, x0, t, e, a, "l1")),
        ("the target is the noise as scaled in x_t, √(1 − ᾱ_t)·ε, instead of ε",
         lambda m, x0, t, e, a: _diffusion_loss(m, x0, t, e, a, "scaled noise")),
        ("the squared error averaged per image but summed over the batch",
         lambda m, x0, t, e, a: _diffusion_loss(m, x0, t, e, a, "per image")),
        ("x_0 and the noise passed to q_sample in the wrong order",
         lambda m, x0, t, e, a: _diffusion_loss(m, x0, t, e, a, "swapped args")),
    ],
    "reverse_step": [
        ("off by one: betas[t − 1] and alphas_cumprod[t − 1]",
         lambda e, t, x, b, a, z: _reverse_step(e, t, x, b, a, z, "t - 1")),
        ("the noise's coefficient √(1 − ᾱ_t) (from the x_0 estimate) instead of β_t / √(1 − ᾱ_t)",
         lambda e, t, x, b, a, z: _reverse_step(e, t, x, b, a, z, "x0 coefficient")),
        ("the division by √α_t forgotten", lambda e, t, x, b, a, z: _reverse_step(e, t, x, b, a, z, "no division")),
        ("σ_t = √(1 − ᾱ_t) instead of √β_t", lambda e, t, x, b, a, z: _reverse_step(e, t, x, b, a, z, "sigma from abar")),
        ("off by one at the end: no noise at t = 1 (t > 1 instead of t > 0)",
         lambda e, t, x, b, a, z: _reverse_step(e, t, x, b, a, z, "t > 1")),
    ],
}
