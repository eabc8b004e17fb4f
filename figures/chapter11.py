"""Figure of chapter 11: a [2, 10, 1] KAN trained on the Poisson loss, and what it got wrong.

The chapter's small problem, with its settings and its own seeded points (u = sin(pi x)
sin(pi y), 200 interior and 60 boundary points, alpha = 0.01, G = 5, 80 L-BFGS iterations
of `derivatives.fit_poisson`, seed 0). Left: the KAN's solution on a 61 x 61 grid.
Middle: its error u_KAN - u. Right: along the line y = 0.5, the KAN's Laplacian (from
`derivatives.laplacian`) against the source f, the two sides of the equation the loss asks
to agree.
"""

import pathlib

import numpy as np

import kan_np as kn
from kan_np import derivatives


def exact(p):
    """u = sin(pi x) sin(pi y): (N, 2) -> (N, 1)."""
    return np.sin(np.pi * p[:, :1]) * np.sin(np.pi * p[:, 1:])


def trained_kan():
    """A KAN with the chapter's settings, trained on its own seeded points."""
    rng = np.random.default_rng(0)
    x_in = rng.uniform(-1, 1, (200, 2))  # (200, 2)
    t, one = rng.uniform(-1, 1, 15), np.ones(15)  # 15 points per side
    x_bd = np.concatenate([np.stack(s, axis=1) for s in ((-one, t), (one, t), (t, -one), (t, one))])
    kan = kn.KAN([2, 10, 1], grid=5, k=3, seed=0)
    f = -2 * np.pi**2 * exact(x_in)  # (200, 1)
    derivatives.fit_poisson(kan, x_in, f, x_bd, exact(x_bd), alpha=0.01, iterations=80)
    return kan


def make(outdir: pathlib.Path) -> list[pathlib.Path]:
    """Draw the figure into outdir; return the paths of the PNGs written."""
    import matplotlib.pyplot as plt

    kan = trained_kan()
    s = np.linspace(-1, 1, 61)  # (61,)
    X, Y = np.meshgrid(s, s, indexing="xy")  # (61, 61) each
    xy = np.stack([X.ravel(), Y.ravel()], axis=1)  # (3721, 2)
    u = kan(xy).reshape(X.shape)  # (61, 61)
    error = u - exact(xy).reshape(X.shape)  # (61, 61)
    line = np.stack([s, np.full_like(s, 0.5)], axis=1)  # (61, 2) along y = 0.5
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), constrained_layout=True)
    image = axes[0].imshow(u, origin="lower", extent=(-1, 1, -1, 1), cmap="viridis")
    fig.colorbar(image, ax=axes[0])
    axes[0].set_title("KAN solution $u_\\theta(x, y)$")
    bound = np.abs(error).max()
    image = axes[1].imshow(
        error, origin="lower", extent=(-1, 1, -1, 1), cmap="RdBu_r", vmin=-bound, vmax=bound
    )
    fig.colorbar(image, ax=axes[1])
    axes[1].set_title("error $u_\\theta - u$")
    for ax in axes[:2]:
        ax.set_xlabel("x")
        ax.set_ylabel("y")
    axes[2].plot(s, derivatives.laplacian(kan, line)[:, 0], label="$\\Delta u_\\theta$ (KAN)")
    axes[2].plot(s, -2 * np.pi**2 * exact(line)[:, 0], "--", label="f")
    axes[2].set_xlabel("x  (y = 0.5)")
    axes[2].set_title("the two sides of the equation")
    axes[2].legend()
    path = pathlib.Path(outdir) / "chapter11_poisson.png"
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)
    return [path]
