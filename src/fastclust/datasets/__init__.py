"""Small example data sets shipped with fastclust, and their loaders.

Every data set is a plain CSV file next to this module, read with
:mod:`importlib.resources` and :mod:`csv` (no pandas). Sources and licences are
listed in ``README.md`` in this folder.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

import numpy as np
from numpy.typing import NDArray

__all__ = ["Dataset", "load_state_x77", "load_usarrests"]


@dataclass(frozen=True)
class Dataset:
    """A small labelled data matrix.

    Attributes
    ----------
    data : ndarray of shape (n_samples, n_features)
        The values, float64, one row per sample.
    feature_names : tuple of str
        Column names, in the order of the columns of `data`.
    sample_names : tuple of str
        Row names, in the order of the rows of `data`.
    description : str
        What the data are, their units and where they come from.
    """

    data: NDArray[np.float64]
    feature_names: tuple[str, ...]
    sample_names: tuple[str, ...]
    description: str


_USARRESTS_DESCRIPTION = """\
USArrests: violent crime rates by US state, 1973.

Arrests per 100,000 residents for murder, assault and rape in each of the 50
US states in 1973, and the percentage of the population living in urban areas.
The values are R's ``datasets::USArrests`` (R 4.2.2), as in McNeil (1977).

Features
    murder    Murder arrests (per 100,000)
    assault   Assault arrests (per 100,000)
    urbanpop  Percent urban population
    rape      Rape arrests (per 100,000)

Note (from R's documentation): UrbanPop has a transcription error for
Maryland (67; the Statistical Abstracts give 76.6), and McNeil rounded the
<n>.5 percentages to even. The values are kept as R ships them.

Sources: World Almanac and Book of Facts 1975 (crime rates); Statistical
Abstracts of the United States 1975, p. 20 (urban rates). US-government
statistics, public domain.

Reference: D. R. McNeil, "Interactive Data Analysis", Wiley, New York, 1977.
"""


def _read_csv_resource(filename: str) -> tuple[list[str], list[str], NDArray[np.float64]]:
    """Read a packaged CSV file: first row = header, first column = sample names.

    Returns the header (without the first cell), the sample names and the
    float64 values. The files ship with the package and are trusted: no
    validation beyond what ``float`` does.
    """
    text = resources.files(__name__).joinpath(filename).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], [row for row in rows[1:] if row]
    names = [row[0] for row in body]
    values = np.array([[float(cell) for cell in row[1:]] for row in body], dtype=np.float64)
    return header[1:], names, values


def load_usarrests() -> Dataset:
    """Violent crime rates in the 50 US states in 1973 (R's ``USArrests``).

    Returns
    -------
    dataset : Dataset
        ``data`` has shape (50, 4): arrests per 100,000 residents for
        murder and assault, the percentage of urban population, and arrests
        per 100,000 for rape. ``sample_names`` are the states in alphabetical
        order; ``feature_names`` are ``('murder', 'assault', 'urbanpop',
        'rape')``. Every call reads the file again and returns a new,
        writable array.

    Notes
    -----
    The values were exported from R 4.2.2 with
    ``write.csv(USArrests, ...)`` and are stored in ``usarrests.csv`` next to
    this module. They are as in McNeil (1977), including the transcription
    error in Maryland's urban population (67 instead of 76.6) that R
    documents. The variables have very different scales: standardise the
    columns before clustering with Euclidean distances.

    Source: World Almanac and Book of Facts 1975; Statistical Abstracts of the
    United States 1975. US-government statistics, in the public domain.

    References
    ----------
    .. [1] D. R. McNeil, "Interactive Data Analysis", Wiley, New York, 1977.

    Examples
    --------
    >>> from fastclust.datasets import load_usarrests
    >>> ds = load_usarrests()
    >>> ds.data.shape
    (50, 4)
    >>> ds.feature_names
    ('murder', 'assault', 'urbanpop', 'rape')
    >>> ds.sample_names[0], ds.data[0].tolist()
    ('Alabama', [13.2, 236.0, 58.0, 21.2])

    Standardised columns and average linkage:

    >>> import fastclust
    >>> X = (ds.data - ds.data.mean(axis=0)) / ds.data.std(axis=0, ddof=1)
    >>> fastclust.linkage(X, "average").shape
    (49, 4)
    """
    features, names, values = _read_csv_resource("usarrests.csv")
    return Dataset(
        data=values,
        feature_names=tuple(features),
        sample_names=tuple(names),
        description=_USARRESTS_DESCRIPTION,
    )


_STATE_X77_DESCRIPTION = """\
state.x77: eight statistics of the 50 US states, around 1975-1977.

Features
    population  Population estimate as of 1 July 1975, in thousands
    income      Per-capita income, 1974, in dollars
    illiteracy  Illiteracy, 1970, percent of the population
    life_exp    Life expectancy in years, 1969-71
    murder      Murder and non-negligent manslaughter rate per 100,000, 1976
    hs_grad     Percent high-school graduates, 1970
    frost       Mean number of days with minimum temperature below freezing,
                1931-1960, in the capital or a large city
    area        Land area in square miles

Source: U.S. Department of Commerce, Bureau of the Census (1977), Statistical
Abstract of the United States, and County and City Data Book (1977). US
government statistics, public domain. As distributed with R
(``datasets::state.x77``).

Reference: R. A. Becker, J. M. Chambers and A. R. Wilks, "The New S
Language", Wadsworth & Brooks/Cole, 1988.
"""


def load_state_x77() -> Dataset:
    """Eight statistics of the 50 US states in the 1970s (R's ``state.x77``).

    A wider matrix than USArrests, with variables on very different scales
    (dollars, percentages, square miles): standardise the columns (for
    example ``clustermap(..., z_score=1)``) and both the states and the
    variables cluster into readable groups.

    Returns
    -------
    dataset : Dataset
        ``data`` has shape (50, 8); ``feature_names`` are ``('population',
        'income', 'illiteracy', 'life_exp', 'murder', 'hs_grad', 'frost',
        'area')``; ``sample_names`` are the states in alphabetical order.
        Every call returns a new, writable array.

    Notes
    -----
    Exported from R 4.2.2 with ``write.csv`` on ``state.x77`` (file
    ``state_x77.csv`` next to this module; see README.md there). Source: US
    Bureau of the Census, Statistical Abstract of the United States (1977)
    and County and City Data Book (1977); public domain.

    Examples
    --------
    >>> from fastclust.datasets import load_state_x77
    >>> ds = load_state_x77()
    >>> ds.data.shape
    (50, 8)
    >>> ds.sample_names[42], ds.data[42, :2].tolist()
    ('Texas', [12237.0, 4188.0])
    """
    features, names, values = _read_csv_resource("state_x77.csv")
    return Dataset(
        data=values,
        feature_names=tuple(features),
        sample_names=tuple(names),
        description=_STATE_X77_DESCRIPTION,
    )
