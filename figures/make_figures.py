"""Make every figure the tutorials and the README show.

    python figures/make_figures.py                      # all chapters, into figures/
    python figures/make_figures.py --out /tmp/figs      # somewhere else
    python figures/make_figures.py --only chapter02,chapter03

Each `figures/chapterNN.py` module has one function, `make(outdir: pathlib.Path) ->
list[pathlib.Path]`, which draws that chapter's figures with fixed seeds and returns the PNG
paths it wrote. Modules that train take `quick=True` too (`--quick`): the same drawing code
on a few training steps, so that the test suite can run every module fast; the committed
figures come from the full runs. This script finds those modules in its own folder,
sorted by name, and runs them with matplotlib's Agg backend (no display needed).
Re-running it gives the same pictures.
"""

import argparse
import importlib.util
import inspect
import os
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent


def chapter_names(folder=HERE):
    """The names of the chapter modules in folder: ['chapter02', 'chapter03', ...]."""
    return sorted(path.stem for path in pathlib.Path(folder).glob("chapter[0-9]*.py"))


def load(name, folder=HERE):
    """Import figures/<name>.py by its path (the folder is not a package)."""
    path = pathlib.Path(folder) / f"{name}.py"
    if not path.is_file():
        raise ValueError(f"no figure module {path}; known: {chapter_names(folder)}")
    spec = importlib.util.spec_from_file_location(f"kan_np_figures_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(outdir=HERE, only=None, quick=False):
    """Run the chapter modules (all, or the names in only) and return every PNG written."""
    os.environ["MPLBACKEND"] = "Agg"
    import matplotlib

    matplotlib.use("Agg")
    # a checkout runs this script without installing kan_np, so make the package importable
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    outdir = pathlib.Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    names = chapter_names() if only is None else list(only)
    written = []
    for name in names:
        make = load(name).make
        options = {"quick": True} if quick and "quick" in inspect.signature(make).parameters else {}
        written += [pathlib.Path(p) for p in make(outdir, **options)]
    return written


def main(argv=None):
    """Command line entry point; prints the files written."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(HERE), help="output folder (default: figures/)")
    parser.add_argument("--only", default=None,
                        help="comma-separated module names, e.g. chapter02,chapter03")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="few training steps (tests)")
    args = parser.parse_args(argv)
    only = None if args.only is None else [s.strip() for s in args.only.split(",") if s.strip()]
    for path in run(args.out, only, quick=args.quick):
        print(path)


if __name__ == "__main__":
    main()
