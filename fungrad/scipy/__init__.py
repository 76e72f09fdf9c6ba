"""``fungrad.scipy``: the parts of ``jax.scipy`` fungrad provides (``special``, ``linalg``)."""

from fungrad.scipy import linalg, special

__all__ = ["linalg", "special"]
