"""Op records for the fungrad.nn activations and normalisation added with issue 5."""

from __future__ import annotations

import jax.nn as jnn

import fungrad.nn as fnn
from tests.op_record import OpRecord

RECORDS: list[OpRecord] = []


def rec(name, fun, ref, shapes=((2, 3),), domain="real", **kw):
    RECORDS.append(OpRecord(name, fun, ref, tuple(shapes), domain, **kw))


rec("nn.gelu-tanh", fnn.gelu, jnn.gelu)
rec("nn.gelu-exact", lambda x: fnn.gelu(x, approximate=False), lambda x: jnn.gelu(x, approximate=False))
rec("nn.silu", fnn.silu, jnn.silu)
rec("nn.elu", fnn.elu, jnn.elu, domain="nonzero")
rec("nn.elu-alpha", lambda x: fnn.elu(x, 0.5), lambda x: jnn.elu(x, 0.5), domain="nonzero")
rec("nn.celu", fnn.celu, jnn.celu, domain="nonzero")
rec("nn.selu", fnn.selu, jnn.selu, domain="nonzero")
rec("nn.leaky_relu", fnn.leaky_relu, jnn.leaky_relu, domain="nonzero")
rec("nn.relu6", fnn.relu6, jnn.relu6, domain="nonzero")
rec("nn.soft_sign", fnn.soft_sign, jnn.soft_sign, domain="nonzero")
rec("nn.log_sigmoid", fnn.log_sigmoid, jnn.log_sigmoid)
rec("nn.standardize", fnn.standardize, jnn.standardize, shapes=((3, 4),))
rec(
    "nn.standardize-axis0", lambda x: fnn.standardize(x, axis=0), lambda x: jnn.standardize(x, axis=0), shapes=((3, 4),)
)
