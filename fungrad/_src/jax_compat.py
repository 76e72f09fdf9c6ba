"""The one place fungrad reaches into JAX's private modules (``jax._src``).

JAX's public API cannot express everything fungrad's lowerings need; each such use is imported here,
once, and nowhere else (``tests/test_imports.py`` checks that no other module mentions ``jax._src``).
Private modules change without notice, so importing this module checks that the installed JAX is in
the range the code below was written against, and fails with a clear message otherwise.

* :func:`convert_element_type`: ``jax.lax.convert_element_type`` always returns a strongly typed
  result, but JAX's promotion needs weakly typed ones too (``1 + 2.0`` is a weak float), so fungrad's
  ``convert_element_type`` primitive lowers to lax's internal converter, which takes ``weak_type``.
"""

from __future__ import annotations

import re

import jax
from jax import lax
from jax import numpy as jnp

SUPPORTED_JAX = ((0, 10, 0), (0, 11, 0))  # [lowest, highest): jax 0.10.x
_version = tuple(int(part) for part in re.findall(r"\d+", jax.__version__)[:3])
if not SUPPORTED_JAX[0] <= _version < SUPPORTED_JAX[1]:
    raise ImportError(
        f"fungrad was written for jax 0.10.x (>= 0.10.0, < 0.11.0) and uses one of its private "
        f"functions (fungrad/_src/jax_compat.py), but jax {jax.__version__} is installed: install "
        "jax==0.10.2 (the version fungrad pins), or port fungrad/_src/jax_compat.py to the new jax"
    )

from jax._src.lax.lax import _convert_element_type  # noqa: E402  (only after the version check)


def convert_element_type(x, new_dtype, weak_type: bool):
    """``x`` cast to ``new_dtype`` with JAX's weak-type flag set to ``weak_type``.

    >>> import numpy as np
    >>> convert_element_type(np.float32(1.0), np.float32, True).weak_type
    True
    """
    if jnp.iscomplexobj(x) and not jnp.issubdtype(new_dtype, jnp.complexfloating):
        # The primitive keeps the real part (as JAX's own convert_element_type primitive does, e.g. in
        # the transpose of a real-to-complex cast); lax's wrapper would warn about it.
        x = lax.real(x)
    return _convert_element_type(x, jnp.dtype(new_dtype), weak_type)
