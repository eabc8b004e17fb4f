"""benchmarks/paper/poisson.py runs end to end in its --smoke mode (plumbing, not accuracy),
and its exact solutions satisfy their PDE (the source term f is the Laplacian of u)."""

import math
import re

import numpy as np
import pytest

from benchmarks.paper import poisson

LINE = re.compile(
    r"poisson: KAN \[2,10,1\] L2 error (\S+), best MLP L2 error (\S+), (\d+) parameters vs (\d+)"
)


def test_smoke_run_prints_the_table_and_the_final_line(capsys):
    out = poisson.main(["--smoke"])
    text = capsys.readouterr().out
    assert text.rstrip().splitlines()[-1] == out["line"]
    match = LINE.fullmatch(out["line"])
    assert match, out["line"]
    assert all(math.isfinite(float(match.group(j))) for j in (1, 2))
    kan_rows = [r for r in out["rows"] if r[0] == "KAN [2,10,1]"]
    assert [r[2] for r in kan_rows] == ["G=3", "G=5"]  # grid extension, one row per stage
    assert int(match.group(3)) == kan_rows[-1][1]
    assert "MLP [2, 8, 1]" in text


@pytest.mark.parametrize("name", ["sinsin", "paper"])
def test_solutions_solve_their_pde(name):
    """f = u_xx + u_yy and grad u by centred differences; u = 0 on the boundary."""
    u, grad, f = poisson.solution(name)
    x = np.random.default_rng(0).uniform(-0.9, 0.9, (20, 2))  # (20, 2)
    h = 1e-4
    lap = np.zeros((20, 1))
    for d in range(2):
        e = np.zeros(2)
        e[d] = h
        lap += (u(x + e) - 2 * u(x) + u(x - e)) / h**2
        assert np.allclose(grad(x)[:, d : d + 1], (u(x + e) - u(x - e)) / (2 * h), atol=1e-6)
    assert np.allclose(lap, f(x), atol=1e-5)
    _, x_bd = poisson.points(10, 40)
    assert np.allclose(u(x_bd), 0.0, atol=1e-12)
