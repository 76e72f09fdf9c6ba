"""Op records for ``fungrad.numpy.fft`` (complex inputs use the ``"complex"`` domain).

Shapes are tiny and each transform family appears once per distinct code path: default and explicit
``n``/``s`` (crop and zero-pad), odd and even real lengths (the irfft transpose's Nyquist bin), every
``norm``, ``axes`` that move, and a 4-axis ``fftn`` (split into XLA-sized steps).
"""

from __future__ import annotations

import jax.numpy as jnp

import fungrad.numpy as fnp
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, fun, ref, shapes, domain="complex", **kw):
    RECORDS.append(OpRecord(name, fun, ref, tuple(shapes), domain, **kw))


def both(name, shapes, domain="complex", **options):
    """A record calling ``fnp.fft.<name>`` and ``jnp.fft.<name>`` with the same static options."""
    suffix = "".join(f"-{k}={v}" for k, v in options.items())
    rec(
        f"fft.{name}{suffix}",
        lambda a: getattr(fnp.fft, name)(a, **options),
        lambda a: getattr(jnp.fft, name)(a, **options),
        shapes,
        domain,
    )


both("fft", [(4,)])
both("fft", [(3, 5)], domain="real", n=4, axis=0, norm="ortho")
both("ifft", [(2, 5)], n=6)
both("rfft", [(2, 6)], domain="real")
both("rfft", [(7,)], domain="real", n=5, norm="forward")
both("irfft", [(2, 4)])
both("irfft", [(4,)], n=5, norm="ortho")
both("fft2", [(2, 3, 4)], s=(3, 5))
both("ifft2", [(3, 4)], norm="forward")
both("rfft2", [(3, 4)], domain="real")
both("irfft2", [(3, 3)], s=(3, 5))
both("fftn", [(2, 2, 1, 3)])
both("ifftn", [(2, 3)], axes=(0,))
both("rfftn", [(2, 3, 4)], domain="real", axes=(0, 2))
both("irfftn", [(2, 3, 3)])
both("hfft", [(5,)])
both("ihfft", [(6,)], domain="real")
both("fftshift", [(2, 5)], domain="real")
both("ifftshift", [(2, 5)], axes=1)
rec("fft.fftfreq", lambda: fnp.fft.fftfreq(5, 0.1), lambda: jnp.fft.fftfreq(5, 0.1), [], grad=False)
rec("fft.rfftfreq", lambda: fnp.fft.rfftfreq(6), lambda: jnp.fft.rfftfreq(6), [], grad=False)
