"""The table of linkage methods: name -> kernel family, code, properties."""
from __future__ import annotations

from dataclasses import dataclass

# Codes shared with _common.pxd (METHOD_*).
SINGLE, COMPLETE, AVERAGE, WEIGHTED, WARD, CENTROID, MEDIAN = range(7)


@dataclass(frozen=True)
class MethodSpec:
    name: str
    code: int
    algorithm: str          # 'mst', 'nn_chain' or 'generic'
    writes_input: bool      # does the kernel use the condensed matrix as workspace?
    euclidean_only: bool    # defined only for Euclidean distances on observations
    squared: bool           # the kernel works on squared distances


METHODS: dict[str, MethodSpec] = {
    spec.name: spec
    for spec in (
        MethodSpec("single", SINGLE, "mst", False, False, False),
        MethodSpec("complete", COMPLETE, "nn_chain", True, False, False),
        MethodSpec("average", AVERAGE, "nn_chain", True, False, False),
        MethodSpec("weighted", WEIGHTED, "nn_chain", True, False, False),
        MethodSpec("ward", WARD, "nn_chain", True, True, True),
        MethodSpec("centroid", CENTROID, "generic", True, True, True),
        MethodSpec("median", MEDIAN, "generic", True, True, True),
    )
}
