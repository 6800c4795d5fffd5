"""`sigmoid_tanh`: a 2-layer sigmoid network and the equivalent tanh network Θ'."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import VerificationError
from ..numeric.stable import sigmoid
from ..schema import Field, Int, ListOf, Number, Record, Vector
from .base import Check, Figure, Solution

NAME = "sigmoid_tanh"
SUMMARY = ("a 2-layer sigmoid network and the equivalent tanh network Θ' (derived from "
           "σ(a) = (1 + tanh(a/2))/2, checked on random inputs)")
MAX_SIZE = 10  # Θ and Θ' are printed as matrices: amsmath's bmatrix holds 10 columns
SIZE = Int(1, MAX_SIZE)
WEIGHT = Number(max_abs=1e6)
ROW = Vector(item=WEIGHT, max_len=MAX_SIZE)
FIELDS = {
    "sizes": Field(Record({"D": Field(SIZE, required=True, doc="the inputs"),
                           "M": Field(SIZE, required=True, doc="the hidden units"),
                           "K": Field(SIZE, required=True, doc="the outputs")}),
                   doc="inputs D, hidden units M, outputs K (inferred from weights if given)"),
    "seed": Field(Int(0, 2**63 - 1), default=0,
                  doc="numpy default_rng seed for Θ (when weights are absent) and the inputs"),
    "checks": Field(Int(1, 100_000), default=1000,
                    doc="random inputs the networks are compared on"),
    "weights": Field(Record({"w1": Field(ListOf(ROW, max_len=MAX_SIZE), required=True,
                                         doc="the first layer's weights, M rows of D"),
                             "b1": Field(ROW, required=True, doc="the hidden biases (M)"),
                             "w2": Field(ListOf(ROW, max_len=MAX_SIZE), required=True,
                                         doc="the second layer's weights, K rows of M"),
                             "b2": Field(ROW, required=True, doc="the output biases (K)")}),
                     doc="Θ given explicitly: w1 (M×D), b1 (M), w2 (K×M), b2 (K)"),
}


@dataclass(frozen=True)
class Network:
    """A network's parameters as shown: the weight matrices, and the biases as columns."""

    w1: list  # M rows of D
    b1: list  # M rows of one entry
    w2: list  # K rows of M
    b2: list  # K rows of one entry


@dataclass(frozen=True)
class BiasStep:
    """One output bias of Θ', b2_k + ½ Σ_j w2_kj, step by step."""

    k: int  # from 1
    b2: float
    w2: list  # the row w2_k, the terms of the sum
    row_sum: float
    half_sum: float
    b2_prime: float


@dataclass(frozen=True)
class SigmoidTanhWork:
    """What the key shows of the sigmoid-to-tanh mapping."""

    D: int
    M: int
    K: int
    drawn: bool  # Θ drawn from the seed (not given as weights)
    theta: Network
    theta_prime: Network
    bias_steps: list  # of BiasStep, one per output
    split_layer1: bool  # W1 wider than 5 columns: W1 and b1 each on a line of its own
    split_layer2: bool  # the same for W2 and b2
    terms_shown: bool  # M <= 5: each row sum of W2 written out term by term


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _rows_agree(rows: list, loc, ctx, name: str) -> bool:
    for i, row in enumerate(rows):
        if len(row) != len(rows[0]):
            ctx.error(loc.index(i), f"row {i} has {_count(len(row), 'entry', 'entries')} but "
                      f"row 0 has {len(rows[0])} ({name} must be a matrix)")
            return False
    return True


def shown_lines(params: dict) -> int:
    """About how many lines the key shows (the spec's display budget): the weight matrices."""
    return 60 + 6 * MAX_SIZE  # Θ and Θ': w1, b1 (M rows each), w2, b2 (K rows), the bias steps


def check(params, loc, ctx) -> None:
    """Θ or sizes must be given; the shapes of w1, b1, w2, b2 (and sizes) must agree."""
    weights, sizes = params["weights"], params["sizes"]
    if weights is None:
        if sizes is None:
            ctx.error(loc, "give either sizes {D, M, K} (Θ drawn from seed) or weights "
                      "{w1, b1, w2, b2}")
        return
    at = loc.key("weights")
    w1, b1, w2, b2 = (weights[k] for k in ("w1", "b1", "w2", "b2"))
    if not (_rows_agree(w1, at.key("w1"), ctx, "w1") and _rows_agree(w2, at.key("w2"), ctx,
                                                                       "w2")):
        return
    M, D, K = len(w1), len(w1[0]), len(w2)
    shape_errors = [
        (len(b1) != M, "b1", f"has {_count(len(b1), 'entry', 'entries')} but w1 has "
                             f"{_count(M, 'row', 'rows')} (b1 needs M = {M})"),
        (len(w2[0]) != M, "w2", f"has {_count(len(w2[0]), 'column', 'columns')} but w1 has "
                                f"{_count(M, 'row', 'rows')} (w2 is K×M with M = {M})"),
        (len(b2) != K, "b2", f"has {_count(len(b2), 'entry', 'entries')} but w2 has "
                             f"{_count(K, 'row', 'rows')} (b2 needs K = {K})"),
    ]
    for bad, key, message in shape_errors:
        if bad:
            ctx.error(at.key(key), message)
    for key, inferred in (("D", D), ("M", M), ("K", K)) if sizes else ():
        if sizes[key] != inferred:
            ctx.error(loc.key("sizes").key(key), f"{key} = {sizes[key]} disagrees with the "
                      f"weights, which give {key} = {inferred}")


def draw_theta(params: dict) -> tuple[dict, np.random.Generator]:
    """Θ from the spec, or w1, b1, w2, b2 drawn in that order (standard normal) from the seed;
    the generator is returned to draw the inputs next."""
    rng = np.random.default_rng(params["seed"])
    if params["weights"] is not None:
        return {k: np.asarray(params["weights"][k], dtype=np.float64)
                for k in ("w1", "b1", "w2", "b2")}, rng
    D, M, K = (params["sizes"][k] for k in ("D", "M", "K"))
    shapes = {"w1": (M, D), "b1": (M,), "w2": (K, M), "b2": (K,)}
    return {k: rng.standard_normal(shape) for k, shape in shapes.items()}, rng


def network(x, theta: dict, activation):
    """y(x, Θ, h)_k = Σ_j w2_kj h(Σ_i w1_ji x_i + b1_j) + b2_k for each row of x.
    Summed by einsum, not `@`: BLAS sums in an order that depends on its thread count, so
    the reported error (and answers.json) would depend on the environment."""
    hidden = activation(np.einsum("ni,ji->nj", x, theta["w1"]) + theta["b1"])
    return np.einsum("nj,kj->nk", hidden, theta["w2"]) + theta["b2"]


def solve(params: dict) -> Solution:
    """Θ' = (w1/2, b1/2, w2/2, b2 + ½ Σ_j w2_kj), and the largest output gap on random x."""
    theta, rng = draw_theta(params)
    prime = {"w1": theta["w1"] / 2, "b1": theta["b1"] / 2, "w2": theta["w2"] / 2,
             "b2": theta["b2"] + 0.5 * theta["w2"].sum(axis=1)}
    x = rng.standard_normal((params["checks"], theta["w1"].shape[1]))
    y_sigma, y_tanh = network(x, theta, sigmoid), network(x, prime, np.tanh)
    gap = float(np.max(np.abs(y_sigma - y_tanh)))
    M, D = theta["w1"].shape
    K = theta["w2"].shape[0]
    listed = {name: {k: v.tolist() for k, v in t.items()} for name, t in
              (("theta", theta), ("theta_prime", prime))}
    given = params["weights"]
    if given is not None:  # shown as the user wrote them (numbers.Given), not as floats
        listed["theta"] = {k: [list(row) if isinstance(row, list) else row for row in given[k]]
                           for k in ("w1", "b1", "w2", "b2")}
    answers = {**listed, "max_abs_error": gap, "checks": params["checks"],
               "sizes": {"D": D, "M": M, "K": K},
               "example": {"x": x[0].tolist(), "y_sigma": y_sigma[0].tolist(),
                           "y_tanh": y_tanh[0].tolist()}}
    bias_steps = [BiasStep(k + 1, listed["theta"]["b2"][k], listed["theta"]["w2"][k],
                           float(theta["w2"][k].sum()), float(0.5 * theta["w2"][k].sum()),
                           float(prime["b2"][k])) for k in range(K)]
    shown = {name: Network(t["w1"], [[v] for v in t["b1"]], t["w2"], [[v] for v in t["b2"]])
             for name, t in listed.items()}
    work = SigmoidTanhWork(D, M, K, params["weights"] is None, shown["theta"],
                           shown["theta_prime"], bias_steps, split_layer1=D > 5,
                           split_layer2=M > 5, terms_shown=M <= 5)
    return Solution(answers, work, [Figure("identity", _draw_identity, 5.0, 2.3)])


def _draw_identity(fig) -> None:
    """σ(a), tanh(a) and (1 + tanh(a/2))/2 on [−6, 6]."""
    a = np.linspace(-6.0, 6.0, 601)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(a, sigmoid(a), color="black", lw=3.0, alpha=0.35, label=r"$\sigma(a)$")
    ax.plot(a, 0.5 * (1 + np.tanh(a / 2)), color="tab:red", lw=1.4, ls="--",
            label=r"$\frac{1}{2}(1 + \tanh(a/2))$")
    ax.plot(a, np.tanh(a), color="tab:blue", lw=1.2, ls=":", label=r"$\tanh(a)$")
    ax.set_xlabel("$a$")
    ax.set_ylabel("activation")
    ax.set_xlim(-6, 6)
    ax.legend(loc="upper left", fontsize=8)


def _prime_by_hand(theta: dict) -> dict:
    """Θ' entry by entry with Python floats (fsum for the bias sums)."""
    half = [[v / 2 for v in row] for row in theta["w1"]]
    w2 = theta["w2"]
    return {"w1": half, "b1": [v / 2 for v in theta["b1"]], "w2": [[v / 2 for v in row]
                                                                   for row in w2],
            "b2": [b + math.fsum(v / 2 for v in row) for b, row in zip(theta["b2"], w2)]}


def verify(params: dict, solution: Solution) -> list[Check]:
    """Θ' entry by entry; σ through log-add-exp against tanh through Θ' on the same inputs."""
    a = solution.answers
    theta, rng = draw_theta(params)
    if any(not np.array_equal(theta[k], np.asarray(a["theta"][k])) for k in theta):
        raise VerificationError("Θ in the answer is not the Θ of the spec / seed")
    by_hand = _prime_by_hand(a["theta"])
    for k, value in by_hand.items():
        if not np.allclose(value, a["theta_prime"][k], rtol=1e-14, atol=1e-14):
            raise VerificationError(f"Θ' {k}: {a['theta_prime'][k]} by numpy, {value} by hand")
    x = rng.standard_normal((params["checks"], theta["w1"].shape[1]))
    pre = np.einsum("ji,ni->nj", theta["w1"], x) + theta["b1"]
    y_sigma = np.einsum("kj,nj->nk", theta["w2"], np.exp(-np.logaddexp(0.0, -pre))) + theta["b2"]
    pre_t = np.einsum("ji,ni->nj", np.asarray(by_hand["w1"]), x) + np.asarray(by_hand["b1"])
    y_tanh = np.einsum("kj,nj->nk", np.asarray(by_hand["w2"]), np.tanh(pre_t)) + by_hand["b2"]
    gap = float(np.max(np.abs(y_sigma - y_tanh)))
    scale = 1.0 + float(np.max(np.abs(theta["w2"]).sum(axis=1) + np.abs(theta["b2"])))
    tol = 1e-12 * scale
    if gap > tol or a["max_abs_error"] > tol:
        raise VerificationError(f"y(x, Θ, σ) and y(x, Θ', tanh) differ by {gap:.3g} "
                                f"(solver: {a['max_abs_error']:.3g}); allowed {tol:.3g}")
    grid = np.linspace(-40.0, 40.0, 8001)
    sigma = np.exp(-np.logaddexp(0.0, -grid))
    identity = float(np.max(np.abs(sigma - (1 + np.tanh(grid / 2)) / 2)))
    if identity > 1e-15:
        raise VerificationError(f"σ(a) = (1 + tanh(a/2))/2 fails by {identity:.3g}")
    return [
        Check("the identity $\\sigma(a) = \\frac{1}{2}(1 + \\tanh(a/2))$",
              "8001 points of $[-40, 40]$, $\\sigma$ through log-add-exp",
              f"largest difference {identity:.1e}"),
        Check("$\\Theta'$", "entry by entry in Python floats (fsum for the biases)", "equal"),
        Check(f"$y(x, \\Theta', \\tanh) = y(x, \\Theta, \\sigma)$ on {params['checks']} inputs",
              "einsum, $\\sigma$ through log-add-exp, $\\Theta'$ from the entry-by-entry check",
              f"largest difference {gap:.1e}"),
    ]


def part_labels(params: dict) -> list[str]:
    """One part, the question itself (no visible label)."""
    return [""]
