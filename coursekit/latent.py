"""Walking in latent space: interpolation between latent vectors."""

import torch


def lerp(z0, z1, t):
    """Linear interpolation (1 − t)·z0 + t·z1; ``t`` a number or a tensor (T,) giving (T, z_dim)."""
    t = torch.as_tensor(t, dtype=z0.dtype, device=z0.device)
    if t.dim() == 1:
        t = t[:, None]
    return (1 - t) * z0 + t * z1


def slerp(z0, z1, t, eps=1e-7):
    """Spherical interpolation along the great circle from z0 to z1 (White, 2016).

    slerp(z0, z1; t) = sin((1 − t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1,  cos Ω = ẑ0 · ẑ1.

    For Gaussian z in many dimensions almost all the mass lies near a sphere of
    radius √z_dim; the straight line between two samples dips inside it (at t = ½
    its norm is about √(z_dim/2)), where G saw no training inputs.  slerp keeps the
    norm, so every point on the path looks like a sample of z.
    """
    t = torch.as_tensor(t, dtype=z0.dtype, device=z0.device)
    if t.dim() == 1:
        t = t[:, None]
    cos = (z0 / z0.norm()).dot(z1 / z1.norm()).clamp(-1 + eps, 1 - eps)
    omega = torch.arccos(cos)
    return (torch.sin((1 - t) * omega) * z0 + torch.sin(t * omega) * z1) / torch.sin(omega)
