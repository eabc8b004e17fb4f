"""Figure of chapter 00: the walk-through's three networks side by side.

Runs the full walk-through (`kan_np.demo.walkthrough`, seed 0: the same run as
`kan-np demo`), which draws the network after sparse training, after pruning and grid
extension, and after snapping; the three drawings are put side by side in one PNG.
"""

import pathlib
import tempfile

from kan_np import demo

PANELS = ["1_trained.png", "2_pruned.png", "3_symbolic.png"]  # titled by the demo


def make(outdir: pathlib.Path, quick: bool = False) -> list[pathlib.Path]:
    """Draw the figure into outdir; return the PNGs written (quick: few steps, for tests)."""
    import matplotlib.image
    import matplotlib.pyplot as plt

    with tempfile.TemporaryDirectory() as scratch:
        demo.walkthrough(out=scratch, fast=quick, seed=0, print=lambda line: None)
        images = [matplotlib.image.imread(pathlib.Path(scratch) / name) for name in PANELS]
    fig, axes = plt.subplots(1, 3, figsize=(12, 5), constrained_layout=True)
    for ax, image in zip(axes, images, strict=True):
        ax.imshow(image)
        ax.set_axis_off()
    path = pathlib.Path(outdir) / "chapter00_walkthrough.png"
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return [path]
