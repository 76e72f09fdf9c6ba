"""Arrays from buffers, strings, files and DLPack, and ``save``/``savez``, as in ``jax.numpy``.

These read concrete data, so they are constants to every transformation: nothing flows back to a
buffer or a file. Like JAX, ``fromfile`` and ``fromiter`` are refused (reading a file or consuming an
iterator inside a traced function happens once, at trace time, which silently freezes the data); the
error says to read with NumPy outside and pass the array in.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from fungrad.numpy._conversion import asarray

__all__ = ["from_dlpack", "frombuffer", "fromfile", "fromiter", "fromstring", "load", "save", "savez"]

# Saving needs a concrete array, which NumPy's own functions accept directly (as jax.numpy re-exports them).
save = np.save
savez = np.savez


def frombuffer(buffer, dtype=float, count: int = -1, offset: int = 0):
    """A 1-d array over the bytes of ``buffer`` (anything with the buffer protocol), as ``numpy.frombuffer``.

    >>> import array, fungrad.numpy as fnp
    >>> fnp.frombuffer(array.array("i", [1, 2, 3]), dtype=fnp.int32).tolist()
    [1, 2, 3]
    """
    return asarray(np.frombuffer(buffer, dtype=dtype, count=count, offset=offset))


def fromstring(string: str, dtype=float, count: int = -1, *, sep: str):
    """A 1-d array from numbers written in ``string``, separated by ``sep`` (required, as in JAX).

    >>> import fungrad.numpy as fnp
    >>> fnp.fromstring("1 2 3", dtype=fnp.int32, sep=" ").tolist()
    [1, 2, 3]
    """
    return asarray(np.fromstring(string, dtype=dtype, count=count, sep=sep))


def _impure(name: str):
    def refuse(*args, **kwargs):
        raise NotImplementedError(
            f"fnp.{name}() is not provided: it reads external state, which a traced function would read once "
            f"at trace time and then silently reuse. Read the data with NumPy outside the function and pass "
            f"it in: fnp.asarray(np.{name}(...))"
        )

    refuse.__name__ = refuse.__qualname__ = name
    refuse.__doc__ = (
        f"Refused, as in jax.numpy: use ``fnp.asarray(np.{name}(...))`` outside transformed code.\n\n"
        f">>> import fungrad.numpy as fnp\n>>> fnp.{name}('data.bin')  # doctest: +ELLIPSIS\n"
        "Traceback (most recent call last):\n...\n"
        f"NotImplementedError: fnp.{name}() is not provided: ..."
    )
    return refuse


fromfile = _impure("fromfile")
fromiter = _impure("fromiter")


def load(file, *args, **kwargs):
    """The array saved in an ``.npy`` file (path or file object), as ``numpy.load``.

    ``.npz`` archives come back as NumPy's lazy mapping of arrays, as in JAX; extra arguments go to
    ``numpy.load``. ``bfloat16`` arrays written by ``numpy.save`` are restored.

    >>> import io, fungrad.numpy as fnp
    >>> buf = io.BytesIO()
    >>> fnp.save(buf, fnp.arange(3.0))
    >>> _ = buf.seek(0)
    >>> fnp.load(buf).tolist()
    [0.0, 1.0, 2.0]
    """
    out = np.load(file, *args, **kwargs)
    if not isinstance(out, np.ndarray):
        return out
    if out.dtype == np.dtype("V2"):  # NumPy writes bfloat16 as two raw bytes
        out = out.view(jnp.bfloat16)
    try:
        return asarray(out)
    except TypeError:  # a dtype arrays cannot hold (strings, objects): NumPy's array as it is
        return out


def from_dlpack(x, /, *, device=None, copy=None):
    """An array sharing (or copying) the memory of a DLPack-capable object (a NumPy, PyTorch, CuPy array).

    >>> import numpy as np, fungrad.numpy as fnp
    >>> fnp.from_dlpack(np.arange(3.0)).tolist()
    [0.0, 1.0, 2.0]
    """
    return jnp.from_dlpack(x, device=device, copy=copy)
