"""fungrad.numpy's readers beyond the value records (tests/records/buffers_files.py): the refused impure
readers name the fix, and read data is a constant inside transformed functions."""

from __future__ import annotations

import io

import numpy as np
import pytest

import fungrad
import fungrad.numpy as fnp


@pytest.mark.parametrize("name", ["fromfile", "fromiter"])
def test_impure_readers_are_refused_with_the_fix(name):
    with pytest.raises(NotImplementedError, match=rf"fnp.asarray\(np.{name}\(\.\.\.\)\)"):
        getattr(fnp, name)(iter([1.0, 2.0]), float)


def test_loaded_data_is_a_constant_to_grad_and_jit():
    buf = io.BytesIO()
    fnp.save(buf, np.array([1.0, 2.0, 3.0]))
    weights = fnp.load(io.BytesIO(buf.getvalue()))
    loss = fungrad.jit(lambda w: fnp.sum(weights * w**2))
    np.testing.assert_allclose(fungrad.grad(loss)(fnp.ones(3)), [2.0, 4.0, 6.0])


def test_load_leaves_archives_and_string_arrays_to_numpy():
    buf = io.BytesIO()
    np.savez(buf, a=np.arange(3))
    archive = fnp.load(io.BytesIO(buf.getvalue()))
    np.testing.assert_array_equal(archive["a"], [0, 1, 2])
    buf = io.BytesIO()
    np.save(buf, np.array(["x", "yz"]))
    assert fnp.load(io.BytesIO(buf.getvalue())).tolist() == ["x", "yz"]
