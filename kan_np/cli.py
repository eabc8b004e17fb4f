"""The `kan-np` command line (also `python -m kan_np`): demo, fit, plot, formula.

    kan-np demo [--out kan_demo] [--fast]          the paper's walk-through, figures in --out
    kan-np fit data.csv [--target y] [--width 2,5,1] [--prune] [--symbolic] [--out model.npz]
    kan-np fit data.csv --task classify            the target column holds class numbers
    kan-np predict model.npz data.csv [-o out.csv] predictions of a saved model
    kan-np plot model.npz [-o model.png]           the network drawing of a saved model
    kan-np formula model.npz [--digits 4]          the symbolic formula of a snapped model

`fit` reads a comma-separated file with a header row (`table.py`), splits its rows at
random into train and test sets, trains a KAN and saves it with its training inputs, so
`plot` (and pruning or snapping in Python) works on the saved model alone.

Nothing is lost: every argument, the --lib names and the --out path are checked before
training; Ctrl-C in any stage, or a save that still fails, stores the model of the last
completed stage in a fallback file whose name is printed (<out>.rescued.npz beside --out,
else in the current or the temporary folder). A printed formula is checked against the
model on the training inputs, with more digits than --digits when rounding changed it.

Exit status: 0 done; 1 the task cannot be done (a formula of a model with numeric edges,
a missing demo, no training step succeeded, the model could not be saved); 2 bad input
(arguments, CSV file, model file, output path); 3 an internal error (a bug: please
report it); 130 interrupted (Ctrl-C). Errors and warnings are one line each on stderr,
never a traceback.
"""

import argparse
import os
import sys
import tempfile
import time
import warnings

import numpy as np

from kan_np import cli_predict
from kan_np.table import InputError, make_dataset, read_csv, standardize  # noqa: F401

EPILOG = (
    "Exit status: 0 done, 1 the task cannot be done, 2 bad input (arguments or files), "
    "3 internal error, 130 interrupted."
)


class CannotDo(Exception):
    """A valid request the model cannot satisfy: one line on stderr, exit status 1."""


class Interrupted(Exception):
    """Ctrl-C, after the model so far was rescued: one line on stderr, exit status 130."""


def _width_list(text):
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected integers like 2,5,1, got {text!r}") from None


def _rmse(model, x, y):
    """RMSE in the data's own units (`io.predict` undoes any normalisation)."""
    from kan_np.io import predict

    return float(np.sqrt(np.mean((predict(model, x) - y) ** 2)))


def _check_fit_args(args, names):
    """Everything about the request that can be checked before training: (target, lib)."""
    from kan_np import checks, files
    from kan_np.functions import get_function

    target = names[-1] if args.target is None else args.target
    if target not in names:
        raise InputError(f"{args.csv} has no column {target!r}; columns: {', '.join(names)}")
    checks.as_int(args.seed, "--seed", 0)
    checks.as_int(args.digits, "--digits", 1)
    lib = None if args.lib is None else [name.strip() for name in args.lib.split(",")]
    for name in lib or []:
        get_function(name)  # an unknown name fails now, not after the fit
    files.check_save_path(args.out, protect=[args.csv])  # before, not after, training
    return target, lib


def fit(args):
    """`kan-np fit`: read, split, train (then prune / snap), report RMSE, save.

    The model after each completed stage is kept: Ctrl-C or a failed save stores it in a
    fallback file (`_rescue`) instead of losing it.
    """
    import kan_np as kn

    names, data = read_csv(args.csv)
    target, lib = _check_fit_args(args, names)
    ds, inputs = make_dataset(names, data, target, args.test_fraction, args.seed)
    classes = cli_predict.class_labels(ds, target) if args.task == "classify" else None
    raw = dict(ds)  # unnormalised arrays, for RMSE in the data's units
    outputs = len(classes) if classes else 1
    width = args.width or [len(inputs), 5, outputs]
    if width[0] != len(inputs) or width[-1] != outputs:
        raise InputError(
            f"--width must start with {len(inputs)} (the input columns: "
            f"{', '.join(inputs)}) and end with {outputs} "
            f"({'one per class' if classes else 'the target'}), got {width}"
        )
    model = kn.KAN(width, grid=args.grid, k=args.k, seed=args.seed)
    if args.normalize:  # class numbers are labels, not values: never standardised
        kinds = ("input",) if classes else ("input", "label")
        model.normalization = standardize(ds, [*inputs, target], kinds)
    model.input_names, model.output_names = inputs, [target]
    if classes:
        model.classes, model.output_names = classes, [f"{target}={c:g}" for c in classes]
    n_train, n_test = len(raw["train_input"]), len(raw["test_input"])
    test_rows = f"{n_test} test" if args.test_fraction > 0 else "test = train"
    print(
        f"data      {args.csv}: {len(data)} rows ({n_train} train, {test_rows}); "
        f"inputs {', '.join(inputs)} -> target {target}"
    )
    print(f"model     KAN width {width}, G = {args.grid}, k = {args.k}")
    kept = Kept(args.out)
    try:
        _stages(args, model, ds, raw, lib, kept)
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted during {kept.running}; " + kept.rescue()) from None
    try:
        save(kept.model, args.out)
    except (OSError, ValueError) as err:
        raise CannotDo(f"could not save {args.out} ({err}); " + kept.rescue()) from None
    except KeyboardInterrupt:  # the old --out file is intact: saves are atomic
        raise Interrupted(f"interrupted while saving {args.out}; " + kept.rescue()) from None
    print(f"saved     {args.out}")
    return 0


def _stages(args, model, ds, raw, lib, kept):
    """fit, then optionally prune + refit and snap + tune; `kept` follows the stages."""
    from kan_np import pruning

    def train(label, lamb, **extra):
        """Fit with this stage's penalty, print its steps, RMSEs and seconds."""
        kept.running, start = label, time.perf_counter()
        classify = getattr(model, "classes", None) is not None  # set by --task classify
        options = dict(
            opt=args.opt, steps=args.steps, lr=args.lr, seed=args.seed, progress=not args.quiet
        )
        options["loss"] = "cross_entropy" if classify else "mse"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            history = model.fit(ds, lamb=lamb, **options, **extra)
        for warning in caught:  # shown as kan-np's own lines (see `main`)
            warnings.warn(str(warning.message), warning.category, stacklevel=1)
        done = len(history["loss"])  # recorded steps, fewer than asked if fit stopped early
        score, name, form = (
            (cli_predict.accuracy, "accuracy", ".4f") if classify else (_rmse, "RMSE", ".3e")
        )
        print(
            f"{label:<9} {args.opt}, {done} steps: "
            f"train {name} {score(model, raw['train_input'], raw['train_label']):{form}}, "
            f"test {name} {score(model, raw['test_input'], raw['test_label']):{form}} "
            f"({time.perf_counter() - start:.1f} s)"
        )
        if done or label != "fit" or args.steps == 0:  # an untrained first model is no result
            kept.done(label, model)
        if any("interrupted" in str(warning.message) for warning in caught):
            raise KeyboardInterrupt  # fit kept its progress; stop here like Ctrl-C elsewhere
        if kept.model is None:
            raise CannotDo("no training step succeeded (see the warning above); nothing is saved")

    train("fit", args.lamb)
    if args.prune:
        before, kept.running = model.width, "prune"
        model = pruning.prune(model)
        print(f"prune     width {before} -> {model.width}")
        train("refit", 0.0)
    if args.symbolic:
        kept.running = "symbolic"
        model.auto_symbolic(lib=lib)
        train("symbolic", 0.0, update_grid=False)  # tunes the affine a, b, c, d of each edge
        _print_formula(model, args.digits, "formula   ")


class Kept:
    """The model after the last completed stage, and where to put it if all else fails."""

    def __init__(self, out):
        self.out, self.model, self.stage, self.running = out, None, None, "start"

    def done(self, stage, model):
        """Stage `stage` completed: keep an independent copy of its model."""
        self.stage, self.model = stage, model.copy()

    def rescue(self):
        """Save the kept model to a fallback file; a sentence saying where (or why not)."""
        if self.model is None:
            return "no stage was completed, so there is no model to save"
        folder, name = os.path.split(os.path.abspath(self.out))
        stem = os.path.splitext(name)[0]
        for place in (folder, os.getcwd(), tempfile.gettempdir()):
            path, n = os.path.join(place, f"{stem}.rescued.npz"), 1
            while os.path.lexists(path):
                path, n = os.path.join(place, f"{stem}.rescued{n}.npz"), n + 1
            try:
                save(self.model, path)
            except (OSError, ValueError):
                continue
            return f"the model after stage {self.stage!r} is saved to {path}"
        return "the model could not be saved anywhere"


def save(model, path):
    """io.save (imported when first needed: `import kan_np.cli` stays light)."""
    from kan_np.io import save as save_model

    save_model(model, path)


# ------------------------------------------------------------------ plot, formula, demo
def plot(args):
    """`kan-np plot`: draw a saved model, activations over its stored training inputs."""
    from kan_np import files, plotting
    from kan_np.io import load

    model = load(args.model)
    if model.train_input is None:
        raise InputError(
            f"{args.model} holds no training inputs (never fitted, or saved with "
            "include_train_input=False); the drawing needs them"
        )
    out = args.output or os.path.splitext(args.model)[0] + ".png"
    stem, suffix = os.path.splitext(out)
    if not suffix:
        out += ".png"  # what matplotlib would write anyway; now the name printed is true
    elif suffix[1:].lower() not in _image_formats():
        raise InputError(
            f"-o {out}: unknown image type {suffix!r}; use one of "
            f"{', '.join(sorted(_image_formats()))}"
        )
    files.check_save_path(out, protect=[args.model])
    escape = [
        None if names is None else [name.replace("$", r"\$") for name in names]
        for names in (model.input_names, model.output_names)
    ]  # no math text
    fig = plotting.plot(
        model, beta=args.beta, title=args.title, in_vars=escape[0], out_vars=escape[1]
    )
    files.write_atomic(
        out, lambda f: fig.savefig(f, dpi=args.dpi, format=out.rsplit(".", 1)[1]), private=False
    )
    print(f"saved     {out}")
    return 0


def _image_formats():
    """The file types matplotlib can write (png, pdf, svg, ...)."""
    from matplotlib.figure import Figure

    return set(Figure().canvas.get_supported_filetypes())


def _print_formula(model, digits, prefix=""):
    """Print each output's formula in the data's units and how well it matches the model."""
    from kan_np import formula

    named, check = formula.in_data_units(model, digits)
    for name, expr in named:
        print(f"{prefix}{name} = {expr}")
    shown = "all digits" if check.digits is None else f"{check.digits} significant digits"
    undefined = f", undefined at {check.undefined}" if check.undefined else ""
    print(
        f"{'check':<{len(prefix) or 6}}formula vs model on {check.points} training inputs: "
        f"max relative error {check.error:.1e}{undefined} ({shown})"
    )


def formula(args):
    """`kan-np formula`: print the formula of a model whose every edge is symbolic."""
    from kan_np import checks
    from kan_np.io import load

    checks.as_int(args.digits, "--digits", 1)
    model = load(args.model)
    numeric = [
        (l, int(i), int(o))
        for l, layer in enumerate(model.layers)
        for i, o in zip(*np.nonzero(layer.mask), strict=True)
    ]
    if numeric:
        l, i, o = numeric[0]
        total = sum(layer.mask.size for layer in model.layers)
        raise CannotDo(
            f"{args.model} has {len(numeric)} numeric (spline) edges of {total} "
            f"(first: layer {l}, input {i} -> output {o}); a formula needs every "
            "edge snapped: train with `kan-np fit ... --symbolic`"
        )
    _print_formula(model, args.digits)
    return 0


def demo(args):
    """`kan-np demo`: the paper's walk-through (kan_np.demo.run)."""
    try:
        from kan_np import demo as walkthrough
    except ImportError as err:
        raise CannotDo(f"the demo is not available in this installation ({err})") from None
    return walkthrough.run(out=args.out, fast=args.fast, seed=args.seed)


# ------------------------------------------------------------------------------- main
def _command(sub, name, run, summary, description):
    """A subparser with the shared epilog; `run(args)` does the work."""
    p = sub.add_parser(name, help=summary, description=description, epilog=EPILOG)
    p.set_defaults(run=run)
    return p


# fmt: off
def build_parser():
    """The argparse parser of `kan-np`, one subparser per command."""
    parser = argparse.ArgumentParser(prog="kan-np", epilog=EPILOG,
                                     description="Kolmogorov-Arnold Networks in NumPy.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = _command(sub, "demo", demo, "the paper's walk-through, with figures",
                 "Train, sparsify, prune, snap to symbols and print the formula of the "
                 "paper's example (Liu et al. 2024, section 2.5.4); figures go to --out.")
    p.add_argument("--out", default="kan_demo", help="folder for the figures (default: kan_demo)")
    p.add_argument("--fast", action="store_true", help="fewer steps, for a quick look")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")

    p = _command(sub, "fit", fit, "train a KAN on a CSV file and save it",
                 "Train a KAN on the columns of a CSV file (header row, numbers only) and save "
                 "it with its training inputs. Prints train and test RMSE in the data's units.")
    p.add_argument("csv", help="comma-separated file with a header row")
    p.add_argument("--target", help="the column to predict (default: the last)")
    p.add_argument("--test-fraction", type=float, default=0.2, metavar="F",
                   help="share of rows held out; 0: test on the train rows (default: 0.2)")
    p.add_argument("--seed", type=int, default=0, help="seed of split, init and batches")
    p.add_argument("--width", type=_width_list, metavar="N0,...,1",
                   help="layer widths, first = number of inputs (default: inputs,5,1)")
    p.add_argument("--grid", type=int, default=5, help="grid intervals G (default: 5)")
    p.add_argument("--k", type=int, default=3, help="spline order (default: 3)")
    p.add_argument("--opt", choices=["lbfgs", "adam"], default="lbfgs", help="optimiser")
    p.add_argument("--steps", type=int, default=100, help="training steps (default: 100)")
    p.add_argument("--lr", type=float, help="Adam's step size (default: 1e-2)")
    p.add_argument("--lamb", type=float, default=0.0, help="sparsity penalty weight (default: 0)")
    p.add_argument("--prune", action="store_true", help="prune weak nodes, then train again")
    p.add_argument("--symbolic", action="store_true", help="snap edges to symbols, print formula")
    p.add_argument("--lib", metavar="F1,F2,...",
                   help="candidate functions for --symbolic, e.g. x,x^2,sin,exp (default: all)")
    p.add_argument("--digits", type=int, default=4,
                   help="significant digits of the formula; more are kept if needed (default: 4)")
    p.add_argument("--normalize", action="store_true", help="standardise with train mean, std")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--out", default="model.npz", help="model file (default: model.npz)")

    cli_predict.add_commands(sub, p, _command)  # fit --task, and the predict command

    p = _command(sub, "plot", plot, "draw a saved model to an image",
                 "Draw a saved model: each edge's activation over the stored training inputs, "
                 "with opacity tanh(beta |phi|_1) (paper section 2.5.2).")
    p.add_argument("model", help="a .npz written by `kan-np fit` or kan_np.save")
    p.add_argument("-o", "--output", help="image file (default: the model's name, .png)")
    p.add_argument("--beta", type=float, default=3.0, help="opacity scale (default: 3)")
    p.add_argument("--title", help="figure title")
    p.add_argument("--dpi", type=int, default=150, help="resolution (default: 150)")

    p = _command(sub, "formula", formula, "print the formula of a snapped model",
                 "Print the sympy formula of a saved model whose edges are all symbolic "
                 "(see `kan-np fit --symbolic`).")
    p.add_argument("model", help="a .npz written by `kan-np fit` or kan_np.save")
    p.add_argument("--digits", type=int, default=4,
                   help="significant digits; more are kept if needed (default: 4)")
    return parser
# fmt: on


def main(argv=None):
    """Entry point of `kan-np`; returns the exit status (module docstring)."""
    args = build_parser().parse_args(argv)
    prefix = f"kan-np {args.command}"
    with warnings.catch_warnings():  # warnings as one line of ours, not Python's format
        warnings.simplefilter("default")
        warnings.showwarning = lambda message, *_, **__: print(
            f"{prefix}: warning: {' '.join(str(message).split())}", file=sys.stderr
        )
        try:
            return args.run(args)
        except CannotDo as err:
            print(f"{prefix}: {err}", file=sys.stderr)
            return 1
        except (ValueError, TypeError, OSError) as err:  # the library's messages for bad input
            print(f"{prefix}: error: {' '.join(str(err).split())}", file=sys.stderr)
            return 2
        except Interrupted as err:
            print(f"{prefix}: {err}", file=sys.stderr)
            return 130
        except KeyboardInterrupt:
            print(f"{prefix}: interrupted", file=sys.stderr)
            return 130
        except Exception as err:  # a bug in kan_np: still one line, saying what to report
            print(
                f"{prefix}: internal error, please report it: {type(err).__name__}: "
                f"{' '.join(str(err).split())}",
                file=sys.stderr,
            )
            return 3


if __name__ == "__main__":
    sys.exit(main())
