"""fungrad: composable function transformations with backpropagation at the centre.

Public API (explicit re-exports only; the implementation lives in ``fungrad._src``).
"""

from fungrad import debug, lax, nn, numpy, random, scipy, testing  # noqa: E402  (numpy installs array methods on tracers)
from fungrad._src import primitives as _primitives  # noqa: F401  (registers every primitive's rules)
from fungrad._src.api import (
    TracedIR,
    clear_caches,
    grad,
    jvp,
    linear_transpose,
    linearize,
    make_ir,
    value_and_grad,
    vjp,
)
from fungrad._src.api_vmap import hessian, jacfwd, jacrev, vmap
from fungrad._src.checkpoint import (
    checkpoint,
    checkpoint_name,
    checkpoint_policies,
    print_saved_residuals,
    remat,
    saved_residuals,
)
from fungrad._src.config import config
from fungrad._src.core import (
    ConcretizationError,
    ForeignTracerError,
    FungradError,
    FungradTypeError,
    LeakedTracerError,
    ShapedArray,
)
from fungrad._src.custom_derivatives import SymbolicZero, custom_jvp, custom_vjp
from fungrad._src.jit import jit
from fungrad._src.shard_map import shard_map

__version__ = "0.1.0"

__all__ = [
    "ConcretizationError",
    "ForeignTracerError",
    "FungradError",
    "FungradTypeError",
    "LeakedTracerError",
    "ShapedArray",
    "TracedIR",
    "SymbolicZero",
    "checkpoint",
    "checkpoint_name",
    "checkpoint_policies",
    "config",
    "custom_jvp",
    "custom_vjp",
    "debug",
    "grad",
    "jit",
    "hessian",
    "jacfwd",
    "jacrev",
    "jvp",
    "linear_transpose",
    "linearize",
    "lax",
    "make_ir",
    "nn",
    "numpy",
    "print_saved_residuals",
    "random",
    "remat",
    "saved_residuals",
    "scipy",
    "shard_map",
    "testing",
    "value_and_grad",
    "vjp",
    "vmap",
]
