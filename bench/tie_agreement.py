"""How often do fastclust's paths return the very same Z on tied data?

All paths break ties by the same rules (see fastclust.linkage, Notes), so on
tied data they differ only where two distances that are equal in exact
arithmetic are rounded differently by the two computations (Lance-Williams
updates in another order, centroids instead of updates). This script counts,
per method and kind of data, the random cases whose Z is identical ("same"),
equal up to the last bits of the heights ("heights"), or another tree
("tree"; every Z is checked to be a valid, monotone linkage matrix; the test
suite checks that such trees merge at the current minimum):

    python bench/tie_agreement.py --trials 200

Pairs compared: fastclust.distributed.linkage against fastclust.linkage
(and, for ward, against fastclust.linkage_vector), and linkage_vector's ward
against linkage's.
"""
from __future__ import annotations

import argparse

import numpy as np

import fastclust
import fastclust.distributed as fd


def data(kind: str, rng, n: int) -> np.ndarray:
    if kind == "grid 5x5":
        return rng.integers(0, 5, (n, 2)).astype(float)
    if kind == "line 0..11":
        return rng.integers(0, 12, (n, 1)).astype(float)
    if kind == "duplicates":
        base = rng.standard_normal((max(2, n // 3), 3))
        return base[rng.integers(0, base.shape[0], n)]
    raise ValueError(kind)


def compare(Z, Z0) -> str:
    for z in (Z, Z0):
        if not (fastclust.is_valid_linkage(z) and fastclust.is_monotonic(z)):
            raise AssertionError("not a monotone linkage matrix")
    if np.array_equal(Z, Z0):
        return "same"
    if np.array_equal(Z[:, [0, 1, 3]], Z0[:, [0, 1, 3]]):
        return "heights"
    return "tree"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--max-n", type=int, default=120)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    kinds = ["grid 5x5", "line 0..11", "duplicates"]
    pairs = [("distributed vs linkage", m) for m in ("complete", "average", "weighted", "ward")]
    pairs += [("distributed vs linkage_vector", "ward"), ("linkage_vector vs linkage", "ward")]
    print(f"{args.trials} cases per cell, n uniform in [5, {args.max_n}); "
          "same / heights differ in the last bits / another valid tree")
    print(f"| pair | method | {' | '.join(kinds)} |")
    print("|---|---|" + "---|" * len(kinds))
    for pair, method in pairs:
        cells = []
        for kind in kinds:
            counts = {"same": 0, "heights": 0, "tree": 0}
            for _ in range(args.trials):
                X = data(kind, rng, int(rng.integers(5, args.max_n)))
                if pair == "linkage_vector vs linkage":
                    Z = fastclust.linkage_vector(X, method)
                else:
                    Z = fd.linkage(X, method, block_size=int(rng.integers(3, 40)), workers=1)
                ref = (fastclust.linkage_vector(X, method) if pair.endswith("linkage_vector")
                       else fastclust.linkage(X, method))
                counts[compare(Z, ref)] += 1
            cells.append(f"{counts['same']} / {counts['heights']} / {counts['tree']}")
        print(f"| {pair} | {method} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
