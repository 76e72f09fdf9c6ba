"""``fungrad.nn``: activation functions, layers and initializers for neural networks.

Everything here is a composite of primitives (no rules of its own), implemented in
``fungrad/_src/nn_extra.py`` (functions) and ``fungrad/_src/nn_initializers.py`` (``initializers``).

>>> import fungrad.nn as fnn, fungrad.numpy as fnp
>>> fnn.relu(fnp.array([-1.0, 2.0])).tolist()
[0.0, 2.0]
"""

from fungrad._src import nn_initializers as initializers
from fungrad._src.nn_extra import (
    avg_pool2d,
    celu,
    conv2d,
    dropout,
    elu,
    gelu,
    leaky_relu,
    log_sigmoid,
    log_softmax,
    logsumexp,
    max_pool2d,
    one_hot,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_sign,
    softmax,
    softplus,
    standardize,
    swish,
)

__all__ = [
    "avg_pool2d",
    "celu",
    "conv2d",
    "dropout",
    "elu",
    "gelu",
    "initializers",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "max_pool2d",
    "one_hot",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "soft_sign",
    "softmax",
    "softplus",
    "standardize",
    "swish",
]
