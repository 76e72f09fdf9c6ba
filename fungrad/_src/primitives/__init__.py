"""Primitive families. Importing this package registers every primitive's rules with the interpreters."""

from fungrad._src.primitives import (  # noqa: F401
    bessel,
    complex_parts,
    conv,
    dot,
    elementwise,
    fft,
    indexing,
    layout,
    linalg,
    linalg_eig,
    linalg_schur,
    lu,
    random,
    reductions,
    scans,
    shape,
    special,
    windows,
)
