"""The `kan-np` command line (also `python -m kan_np`): demo, fit, plot, formula.

    kan-np demo [--out kan_demo] [--fast]          the paper's walk-through, figures in --out
    kan-np fit data.csv [--target y] [--width 2,5,1] [--prune] [--symbolic] [--out model.npz]
    kan-np fit data.csv --task classify            the target column holds class numbers
    kan-np predict model.npz data.csv [-o out.csv] predictions of a saved model
    kan-np plot model.npz [-o model.png]           the network drawing of a saved model
    kan-np formula model.npz                       the symbolic formula of a snapped model

`fit` reads a comma-separated file with a header row (the csv module, no pandas), splits
its rows at random into train and test sets, trains a KAN and saves it with its training
inputs, so `plot` (and pruning or snapping in Python) works on the saved model alone.

Exit status: 0 done; 1 the task cannot be done (a formula of a model with numeric edges,
a missing demo); 2 bad input (arguments, CSV file, model file). Errors are one line on
stderr, never a traceback.
"""

import argparse
import csv
import math
import os
import sys
import time

import numpy as np

MIN_ROWS = 10  # fewer rows cannot give a train set and a test set worth a number
EPILOG = "Exit status: 0 done, 1 the task cannot be done, 2 bad input (arguments or files)."


class InputError(ValueError):
    """A mistake in the user's input: reported as one line on stderr, exit status 2."""


class CannotDo(Exception):
    """A valid request the model cannot satisfy: one line on stderr, exit status 1."""


# -------------------------------------------------------------------------------- CSV
def read_csv(path):
    """Read a comma-separated file with one header row of column names.

    Returns:
        (names, data): the C column names and a float64 array (N, C). Blank lines are
        skipped. Raises InputError naming the line and column of the first empty,
        non-numeric, NaN or infinite cell, a row of the wrong length, or a bad header.
    """
    line = 0
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:  # -sig: Excel's BOM
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise InputError(f"{path} is empty: expected a header row, then data rows")
            names = [name.strip() for name in header]
            _check_header(path, names)
            rows = []
            for cells in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue  # a blank line, e.g. at the end of the file
                where = f"{path} line {line} (data row {len(rows) + 1})"
                if len(cells) != len(names):
                    raise InputError(f"{where} has {len(cells)} cells, not {len(names)}")
                rows.append([_number(c, where, name) for c, name in zip(cells, names, strict=True)])
    except UnicodeDecodeError:
        raise InputError(f"{path} is not a UTF-8 text file; expected a CSV file") from None
    except csv.Error as err:
        raise InputError(f"{path} line {line}: not a readable CSV file ({err})") from None
    data = np.array(rows, dtype=np.float64).reshape(len(rows), len(names))  # (N, C)
    return names, data


def _check_header(path, names):
    if len(names) == 1:
        sep = next((s for s in ";\t|" if s in names[0]), None)
        hint = f" (it looks {sep!r}-separated; kan-np reads commas)" if sep else ""
        raise InputError(
            f"{path} has a single column {names[0]!r}{hint}; expected input "
            "columns and a target column"
        )
    if not all(names):
        raise InputError(f"{path}: header column {names.index('') + 1} has no name")
    for name in names:
        if names.count(name) > 1:
            raise InputError(f"{path}: the header names column {name!r} twice")


def _number(cell, where, name):
    """One cell as a finite float, or an InputError naming the place."""
    text = cell.strip()
    if not text:
        raise InputError(f"{where}, column {name!r}: empty cell; every cell needs a number")
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}, column {name!r}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(
            f"{where}, column {name!r}: {text!r} is not a finite number; "
            "remove or fill rows with NaN or inf"
        )
    return value


# -------------------------------------------------------------------------------- fit
def make_dataset(names, data, target, test_fraction, seed):
    """Split the columns into inputs and target, and the rows at random into train/test.

    Returns:
        (dataset dict of (N_part, n_0) inputs and (N_part, 1) labels, input names).
        target must be one of names.
    """
    inputs = [name for name in names if name != target]
    x = data[:, [names.index(name) for name in inputs]]  # (N, n_0)
    y = data[:, [names.index(target)]]  # (N, 1)
    N = x.shape[0]
    if N < MIN_ROWS:
        raise InputError(f"only {N} data rows; kan-np fit needs at least {MIN_ROWS}")
    if not 0 <= test_fraction < 1:
        raise InputError(f"--test-fraction must be in [0, 1), got {test_fraction}")
    n_test = max(1, round(test_fraction * N)) if test_fraction > 0 else 0
    if N - n_test < 2:
        raise InputError(f"--test-fraction {test_fraction} leaves {N - n_test} training rows")
    order = np.random.default_rng(seed).permutation(N)  # (N,)
    test, train = order[:n_test], order[n_test:]
    if n_test == 0:  # no test set: "test" numbers are measured on the training rows
        test = train
    ds = {
        "train_input": x[train],
        "train_label": y[train],
        "test_input": x[test],
        "test_label": y[test],
    }
    return ds, inputs


def standardize(ds, names, kinds=("input", "label")):
    """Standardise ds in place with train statistics; returns the normalization dict."""
    norm = {}
    for kind, labels in (("input", names[:-1]), ("label", names[-1:])):
        if kind not in kinds:
            continue
        train = ds[f"train_{kind}"]  # (N, C)
        mean, std = train.mean(axis=0), train.std(axis=0)  # (C,), (C,)
        constant = np.ptp(train, axis=0) == 0  # (C,); std itself can round to 1e-17
        if constant.any():
            column = labels[int(np.flatnonzero(constant)[0])]
            raise InputError(
                f"column {column!r} is constant on the training rows: "
                "--normalize would divide by 0 (leave it out of the file)"
            )
        for part in ("train", "test"):
            ds[f"{part}_{kind}"] = (ds[f"{part}_{kind}"] - mean) / std  # (N, C)
        norm[f"mean_{kind}"], norm[f"std_{kind}"] = mean, std
    return norm


def _width_list(text):
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected integers like 2,5,1, got {text!r}") from None


def _rmse(model, x, y):
    """RMSE in the data's own units (`io.predict` undoes any normalisation)."""
    from kan_np.io import predict

    return float(np.sqrt(np.mean((predict(model, x) - y) ** 2)))


def _class_labels(ds, target):
    """The sorted class values of the target; the labels in ds become 0..C-1 in place."""
    values = np.concatenate([ds["train_label"], ds["test_label"]])[:, 0]  # (N [+ N_test],)
    if np.any(values != np.round(values)):
        raise InputError(f"--task classify needs whole class numbers in column {target!r}")
    classes = np.unique(values)
    if len(classes) < 2:
        raise InputError(f"column {target!r} holds a single class ({classes[0]:g})")
    for part in ("train", "test"):
        ds[f"{part}_label"] = np.searchsorted(classes, ds[f"{part}_label"])  # (N, 1) ints
    return [float(c) for c in classes]


def _accuracy(model, x, labels):
    """The share of rows whose largest output is the class `labels` (N, 1) names."""
    from kan_np.io import predict

    return float(np.mean(predict(model, x).argmax(axis=1) == labels[:, 0]))


def fit(args):
    """`kan-np fit`: read, split, train (then prune / snap), report RMSE, save."""
    import kan_np as kn
    from kan_np import pruning
    from kan_np.io import save

    names, data = read_csv(args.csv)
    target = names[-1] if args.target is None else args.target
    if target not in names:
        raise InputError(f"{args.csv} has no column {target!r}; columns: {', '.join(names)}")
    if args.seed < 0:
        raise InputError(f"--seed must be >= 0, got {args.seed}")
    if not os.path.isdir(os.path.dirname(os.path.abspath(args.out))):  # before, not after, fit
        raise InputError(f"--out {args.out}: there is no such folder")
    ds, inputs = make_dataset(names, data, target, args.test_fraction, args.seed)
    classes = _class_labels(ds, target) if args.task == "classify" else None
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
    options = dict(opt=args.opt, steps=args.steps, lr=args.lr, seed=args.seed,
                   progress=not args.quiet, loss="cross_entropy" if classes else "mse")  # fmt: skip

    def train(label, lamb, **extra):
        """Fit with this stage's penalty, print its RMSEs and seconds."""
        start = time.perf_counter()
        model.fit(ds, lamb=lamb, **options, **extra)
        score, name, form = (_accuracy, "accuracy", ".4f") if classes else (_rmse, "RMSE", ".3e")
        train_score = score(model, raw["train_input"], raw["train_label"])
        test_score = score(model, raw["test_input"], raw["test_label"])
        print(
            f"{label:<9} {args.opt}, {args.steps} steps: train {name} {train_score:{form}}, "
            f"test {name} {test_score:{form}} ({time.perf_counter() - start:.1f} s)"
        )

    train("fit", args.lamb)
    if args.prune:
        before = model.width
        model = pruning.prune(model)
        print(f"prune     width {before} -> {model.width}")
        train("refit", 0.0)
    if args.symbolic:
        model.auto_symbolic(lib=args.lib)
        train("symbolic", 0.0, update_grid=False)  # tunes the affine a, b, c, d of each edge
        for name, expr in formulas(model):
            print(f"formula   {name} = {expr}")
    save(model, args.out)
    print(f"saved     {args.out}")
    return 0


# ------------------------------------------------------------------ plot, formula, demo
def plot(args):
    """`kan-np plot`: draw a saved model, activations over its stored training inputs."""
    from kan_np import plotting
    from kan_np.io import load

    model = load(args.model)
    if model.train_input is None:
        raise InputError(f"{args.model} holds no training inputs (never fitted, or saved with "
                         "include_train_input=False); the drawing needs them")  # fmt: skip
    out = args.output or os.path.splitext(args.model)[0] + ".png"
    names = {"in_vars": getattr(model, "input_names", None),
             "out_vars": getattr(model, "output_names", None)}  # fmt: skip
    fig = plotting.plot(model, beta=args.beta, title=args.title, **names)
    fig.savefig(out, dpi=args.dpi)
    print(f"saved     {out}")
    return 0


def formulas(model, digits=4):
    """[(output name, sympy expression)] of a snapped model, in the data's own units.

    A model trained with --normalize computes y' = KAN(x') on standardised variables; here
    x' = (x - mean) / std and y = y' std + mean are substituted back in. digits: significant
    digits of the printed numbers (None: all).
    """
    import sympy

    inputs = getattr(model, "input_names", None)
    exprs = model.symbolic_formula(var_names=inputs, digits=digits)
    norm = getattr(model, "normalization", None) or {}
    outputs = getattr(model, "output_names", None) or [f"y_{o + 1}" for o in range(len(exprs))]
    column = {name: j for j, name in enumerate(inputs or [])}
    named = []
    for o, expr in enumerate(exprs):
        if "mean_input" in norm:
            mean, std = norm["mean_input"], norm["std_input"]  # (n_0,)
            expr = expr.xreplace({v: (v - mean[column[v.name]]) / std[column[v.name]]
                                  for v in expr.free_symbols if v.name in column})  # fmt: skip
        if "mean_label" in norm:
            expr = expr * norm["std_label"][o] + norm["mean_label"][o]
        if norm and digits is not None:  # the substitution brought full-precision numbers
            expr = expr.xreplace({f: sympy.Float(f, digits) for f in expr.atoms(sympy.Float)})
        named.append((outputs[o], expr))
    return named


def formula(args):
    """`kan-np formula`: print the formula of a model whose every edge is symbolic."""
    from kan_np.io import load

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
    for name, expr in formulas(model):
        print(f"{name} = {expr}")
    return 0


def predict(args):
    """`kan-np predict`: a saved model's predictions for the rows of a CSV file.

    Input columns are found by the model's input names (a pruned model's kept ones, or
    all it was trained on), else the file's first n_0 columns are used; the stored
    normalisation is undone. A classifier writes its class, others one column per output.
    """
    from kan_np.io import load
    from kan_np.io import predict as predict_rows

    model = load(args.model)
    names, data = read_csv(args.csv)
    wanted = getattr(model, "input_names", None)
    if wanted is not None:
        missing = [name for name in wanted if name not in names]
        if missing:
            raise InputError(f"{args.csv} has no column {missing[0]!r}; the model reads "
                             f"{', '.join(wanted)}")  # fmt: skip
        x = data[:, [names.index(name) for name in wanted]]  # (N, n_0)
    else:
        x = data
    y = predict_rows(model, x)  # (N, n_L)
    classes = getattr(model, "classes", None)
    outputs = getattr(model, "output_names", None) or [f"y_{o + 1}" for o in range(y.shape[1])]
    if classes is not None:
        header, y = [outputs[0].split("=")[0]], np.asarray(classes)[y.argmax(axis=1)][:, None]
    else:
        header = outputs
    out = open(args.output, "w", newline="") if args.output else sys.stdout  # noqa: SIM115
    try:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([[f"{v:.10g}" for v in row] for row in y])
    finally:
        if args.output:
            out.close()
            print(f"saved     {args.output} ({len(y)} rows)", file=sys.stderr)
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
    p.add_argument("--lib", type=lambda text: text.split(","), metavar="F1,F2,...",
                   help="candidate functions for --symbolic, e.g. x,x^2,sin,exp (default: all)")
    p.add_argument("--normalize", action="store_true", help="standardise with train mean, std")
    p.add_argument("--task", choices=["regress", "classify"], default="regress",
                   help="classify: the target holds class numbers; cross-entropy, accuracy")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--out", default="model.npz", help="model file (default: model.npz)")

    p = _command(sub, "plot", plot, "draw a saved model to an image",
                 "Draw a saved model: each edge's activation over the stored training inputs, "
                 "with opacity tanh(beta |phi|_1) (paper section 2.5.2).")
    p.add_argument("model", help="a .npz written by `kan-np fit` or kan_np.save")
    p.add_argument("-o", "--output", help="image file (default: the model's name, .png)")
    p.add_argument("--beta", type=float, default=3.0, help="opacity scale (default: 3)")
    p.add_argument("--title", help="figure title")
    p.add_argument("--dpi", type=int, default=150, help="resolution (default: 150)")

    p = _command(sub, "predict", predict, "predict the rows of a CSV file with a saved model",
                 "Apply a saved model (its normalisation and input selection) to the rows of "
                 "a CSV file; a classifier writes its class. CSV to stdout or -o.")
    p.add_argument("model", help="a .npz written by `kan-np fit` or kan_np.save")
    p.add_argument("csv", help="comma-separated file with a header row naming the inputs")
    p.add_argument("-o", "--output", help="CSV file for the predictions (default: stdout)")

    p = _command(sub, "formula", formula, "print the formula of a snapped model",
                 "Print the sympy formula of a saved model whose edges are all symbolic "
                 "(see `kan-np fit --symbolic`).")
    p.add_argument("model", help="a .npz written by `kan-np fit` or kan_np.save")
    return parser
# fmt: on


def main(argv=None):
    """Entry point of `kan-np`; returns the exit status (module docstring)."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except CannotDo as err:
        print(f"kan-np {args.command}: {err}", file=sys.stderr)
        return 1
    except (ValueError, TypeError, OSError) as err:  # the library's messages for bad input
        print(f"kan-np {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"kan-np {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
