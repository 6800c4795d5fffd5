"""Elementary functions computed without overflow, shared by the kinds and the AD engine."""

from __future__ import annotations

import math

import numpy as np


def sigmoid(z) -> np.ndarray:
    """σ(z) = 1/(1 + e^(−z)) elementwise: e^(−|z|) never overflows, whatever the sign of z."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_scalar(z: float) -> float:
    """The same for one float, with `math` (numpy's call overhead dominates on scalars)."""
    e = math.exp(-abs(z))
    return 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)
