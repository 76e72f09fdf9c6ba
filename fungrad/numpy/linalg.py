"""``fungrad.numpy.linalg``: matrix decompositions and solvers with derivatives, as ``jax.numpy.linalg``.

Matrices live in the last two axes; leading axes are batch axes. Inputs are promoted to floating
point; real and complex dtypes are supported. The decompositions are in ``_linalg_decompositions``
(their derivative rules in ``fungrad/_src/primitives/linalg*.py``), the products, powers, tensor
solves, ``pinv`` and ``lstsq`` in ``_linalg_extra``, and the norms, ``cond`` and ``matrix_rank`` in
``_linalg_norms``.

>>> import fungrad, fungrad.numpy as fnp
>>> a = fnp.array([[2.0, 1.0], [1.0, 3.0]])
>>> round(float(fnp.linalg.det(a)), 6)
5.0
>>> (5 * fungrad.grad(lambda a: fnp.linalg.slogdet(a)[1])(a)).round().tolist()  # 5 inv(a).T
[[3.0, -1.0], [-1.0, 2.0]]
"""

from __future__ import annotations

from fungrad.numpy._linalg_decompositions import *  # noqa: F403
from fungrad.numpy._linalg_decompositions import __all__ as _decompositions_all
from fungrad.numpy._linalg_extra import *  # noqa: F403
from fungrad.numpy._linalg_extra import __all__ as _extra_all
from fungrad.numpy._linalg_norms import *  # noqa: F403
from fungrad.numpy._linalg_norms import __all__ as _norms_all

__all__ = _decompositions_all + _extra_all + _norms_all
