"""``fungrad.scipy``: the parts of ``jax.scipy`` fungrad provides (``special``, ``stats``, ``signal``, ``linalg``)."""

from fungrad.scipy import linalg, signal, special, stats

__all__ = ["linalg", "signal", "special", "stats"]
