"""Seconds to draw a KAN with `kan_np.plotting.plot` (issue: a [4, 8, 8, 1] model < 2 s).

Two numbers per model, medians over the repeats:
    build   plot(model, x): the activations, the curves and the matplotlib artists;
    render  drawing the Figure to pixels with the Agg canvas (what savefig or a notebook
            does next), at 100 dpi, into memory (no file is written).

Run:  python benchmarks/plot_time.py [--repeats 5]
"""

import argparse
import io
import statistics
import time

import numpy as np

import kan_np as kn
from kan_np import plotting

WIDTHS = ([2, 5, 1], [4, 8, 8, 1], [8, 16, 16, 1])
N_SAMPLES = 1000


def time_plot(width, repeats, seed=0):
    """(median build seconds, median render seconds, number of edges drawn)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    model = kn.KAN(width, grid=5, k=3, seed=seed)
    x = np.random.default_rng(seed).uniform(-1, 1, (N_SAMPLES, width[0]))
    build, render = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        fig = plotting.plot(model, x, title=str(width))
        middle = time.perf_counter()
        FigureCanvasAgg(fig).print_png(io.BytesIO())
        end = time.perf_counter()
        build.append(middle - start)
        render.append(end - middle)
    edges = sum(layer.in_dim * layer.out_dim for layer in model.layers)
    return statistics.median(build), statistics.median(render), edges


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"{'width':>16} {'edges':>6} {'build s':>8} {'render s':>9} {'total s':>8}")
    for width in WIDTHS:
        build, render, edges = time_plot(width, args.repeats)
        print(f"{str(width):>16} {edges:>6} {build:8.3f} {render:9.3f} {build + render:8.3f}")


if __name__ == "__main__":
    main()
