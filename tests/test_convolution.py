"""convolution: oracle values (the reference sheet, hand-checked, numpy) and its verification."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import VerificationError
from generator.kinds import convolution
from generator.kinds.base import Solution


def solve(x, w, modes=("full", "valid", "same"), flip=True):
    return convolution.solve({"input": x, "kernel": w, "modes": list(modes), "flip": flip})


def test_reference_values():
    a = solve([1, 2, 3, 4], [1, 0, 2]).answers
    assert a["flipped_kernel"] == [2, 0, 1]
    assert a["full"] == [1, 2, 5, 8, 6, 8]
    assert a["valid"] == [5, 8]
    assert a["same"] == [2, 5, 8, 6]


def test_padded_input_and_products_are_shown():
    work = solve([1, 2, 3, 4], [1, 0, 2]).work
    full = work.modes[0]
    assert full.padded == [0, 0, 1, 2, 3, 4, 0, 0]
    assert full.windows[2].pairs == [(1, 2), (2, 0), (3, 1)]  # y2 = 1*2 + 2*0 + 3*1 = 5
    same = work.modes[2]
    assert (same.left, same.right) == (1, 1)


def test_even_kernel_same_follows_numpy():
    # hand-checked: full([3,1,4,1,5,9] * [2,7]) = [6, 23, 15, 30, 17, 53, 63]
    a = solve([3, 1, 4, 1, 5, 9], [2, 7]).answers
    assert a["full"] == [6, 23, 15, 30, 17, 53, 63]
    assert a["same"] == [6, 23, 15, 30, 17, 53] == np.convolve([3, 1, 4, 1, 5, 9], [2, 7],
                                                               "same").tolist()
    assert a["valid"] == [23, 15, 30, 17, 53]


def test_cross_correlation_does_not_flip():
    a = solve([1, 2, 3, 4], [1, 0, 2], flip=False).answers
    assert a["flipped_kernel"] == [1, 0, 2]
    # hand-checked: valid windows [1,2,3]·[1,0,2] = 7, [2,3,4]·[1,0,2] = 10
    assert a["valid"] == [7, 10]
    assert a["full"] == np.correlate([1, 2, 3, 4], [1, 0, 2], "full").tolist()


def test_kernel_longer_than_input():
    a = solve([1, 2], [1, 2, 3, 4, 5]).answers
    assert a["valid"] == []
    assert a["full"] == [1, 4, 7, 10, 13, 10]
    assert a["same"] == [7, 10]  # full[(5-1)//2 : 2 + 2]


@given(st.lists(st.integers(-50, 50), min_size=1, max_size=12),
       st.lists(st.integers(-50, 50), min_size=1, max_size=7), st.booleans())
def test_matches_numpy_everywhere(x, w, flip):
    a = solve(x, w, flip=flip).answers
    used = w[::-1] if flip else w
    full = np.convolve(x, used[::-1], "full")
    assert a["full"] == full.tolist()
    k = len(w)
    assert a["same"] == full[(k - 1) // 2 : (k - 1) // 2 + len(x)].tolist()
    assert a["valid"] == (full[k - 1 : len(x)].tolist() if k <= len(x) else [])
    params = {"input": x, "kernel": w, "modes": ["full", "valid", "same"], "flip": flip}
    assert len(convolution.verify(params, solve(x, w, flip=flip))) == 3


def test_verification_catches_a_wrong_answer():
    params = {"input": [1, 2, 3, 4], "kernel": [1, 0, 2], "modes": ["full"], "flip": True}
    bad = Solution({"flipped_kernel": [2, 0, 1], "full": [1, 2, 5, 8, 6, 9]})
    with pytest.raises(VerificationError, match="full convolution"):
        convolution.verify(params, bad)
