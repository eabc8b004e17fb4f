"""One flat parameter vector for the optimisers, and back into the model's own arrays.

L-BFGS (`optim.lbfgs`) works on a single vector theta (P,). A model lists its trainable
arrays with `parameters()` -> [(l, name, array), ...] in a fixed order; this mixin lays
them end to end. `set_flat` writes into those same arrays, so nothing a user or an
optimiser holds is ever detached from the model. `KAN` and the baseline `MLP` share it.
"""

import numpy as np


class FlatParameters:
    """get_flat / set_flat / flatten_grads / snapshot / restore over `self.parameters()`."""

    def trainable_parameters(self):
        """The arrays an optimiser changes by default; here all of `parameters()`."""
        return self.parameters()

    def get_flat(self):
        """All trainable parameters as one new vector (P,)."""
        return np.concatenate([arr.ravel() for _, _, arr in self.parameters()])

    def set_flat(self, theta):
        """Write a vector (P,) into the parameters, in place."""
        theta = np.asarray(theta, dtype=float)
        if theta.shape != (self.num_parameters(),):
            raise ValueError(
                f"theta must have shape ({self.num_parameters()},), got {theta.shape} entries"
            )
        start = 0
        for _, _, arr in self.parameters():
            arr[...] = theta[start : start + arr.size].reshape(arr.shape)
            start += arr.size

    def flatten_grads(self, grads):
        """grads[l][name] -> one vector (P,) in the order of `parameters()`."""
        return np.concatenate([grads[l][name].ravel() for l, name, _ in self.parameters()])

    def snapshot(self):
        """Everything `restore` needs to bring the model back (here: a copy of theta)."""
        return self.get_flat()

    def restore(self, snapshot):
        """Write a `snapshot` back into the model's own arrays."""
        self.set_flat(snapshot)

    def num_parameters(self):
        """The number of trainable numbers P."""
        return sum(arr.size for _, _, arr in self.parameters())


class TrainedArrays:
    """The parameter arrays an optimiser changes (`fit(train=...)`), as one flat vector.

    train: None (all), or names such as "coef" (that array in every layer), or (l, name)
    pairs. The other arrays are never written, so they stay equal bit for bit.
    zero_free: with train None, leave out the arrays whose gradient is zero by
    construction (`trainable_parameters`; a KAN's affine arrays while no edge is symbolic).
    Adam would not change them: the same result, less work. (L-BFGS keeps them: its dot
    products over the whole vector round differently without them.)
    """

    def __init__(self, model, train=None, zero_free=False):
        items = model.trainable_parameters() if zero_free else model.parameters()
        if train is not None:
            items = model.parameters()  # [(l, name, array), ...]
            wanted = [train] if isinstance(train, str) else [_as_key(t) for t in train]
            known = {name for _, name, _ in items} | {(l, name) for l, name, _ in items}
            unknown = [t for t in wanted if t not in known]
            if unknown:
                names = sorted({name for _, name, _ in items})
                raise ValueError(
                    f"train must list parameter arrays among {names} or (l, name) "
                    f"pairs; got {unknown[0]!r}"
                )
            items = [(l, n, a) for l, n, a in items if n in wanted or (l, n) in wanted]
        if not items:
            raise ValueError(f"train={train!r} selects no parameter array: nothing would train")
        self.items, self.arrays = items, [arr for _, _, arr in items]
        layers = {l for l, _, _ in model.parameters()}
        self.all_coef = all((l, "coef") in {(m, n) for m, n, _ in items} for l in layers)

    def get_flat(self):
        """The trained parameters as one new vector (P,)."""
        return np.concatenate([arr.ravel() for arr in self.arrays])

    def set_flat(self, theta):
        """Write a vector (P,) into the trained arrays, in place."""
        start = 0
        for arr in self.arrays:
            arr[...] = theta[start : start + arr.size].reshape(arr.shape)
            start += arr.size

    def grads(self, grads):
        """The gradients of the trained arrays, in their order: a list of arrays."""
        return [grads[l][name] for l, name, _ in self.items]

    def flatten_grads(self, grads):
        """The gradients of the trained arrays as one vector (P,)."""
        return np.concatenate([g.ravel() for g in self.grads(grads)])


def _as_key(item):
    """A `train` entry: a name, or an (l, name) pair as a tuple."""
    return item if isinstance(item, str) else tuple(item)
