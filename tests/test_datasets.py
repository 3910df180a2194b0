"""fastclust.datasets: the packaged USArrests data and its loader.

Expected values come from R 4.2.2 (`datasets::USArrests`, printed with
`print(..., digits = 17)`), not from the CSV file under test.
"""
import csv
import dataclasses
import hashlib
import io
from importlib import resources

import numpy as np
import pytest

from fastclust.datasets import Dataset, load_usarrests

# sha256 of src/fastclust/datasets/usarrests.csv as exported from R; see README.md.
USARRESTS_SHA256 = "6182f0ad295ba57783f2fe94df899466fed97e5d92ad865b86dfc49bc222ead4"

# R: USArrests[c("Alabama", "Alaska", "Florida", "Maryland", "North Dakota", "Vermont",
#                "Wyoming"), ]
KNOWN_ROWS = {
    "Alabama": [13.2, 236, 58, 21.2],
    "Alaska": [10.0, 263, 48, 44.5],
    "Florida": [15.4, 335, 80, 31.9],
    "Maryland": [11.3, 300, 67, 27.8],       # 67: the transcription error R documents
    "North Dakota": [0.8, 45, 44, 7.3],
    "Vermont": [2.2, 48, 32, 11.2],
    "Wyoming": [6.8, 161, 60, 15.6],
}
# R: colMeans(USArrests); sapply(USArrests, sd)
COLUMN_MEANS = [7.788, 170.76, 65.54, 21.232]
COLUMN_SDS = [4.3555097642092884, 83.3376608400170653, 14.4747634008367854, 9.3663845310596479]


@pytest.fixture(scope="module")
def usarrests():
    return load_usarrests()


def test_shape_and_dtype(usarrests):
    assert isinstance(usarrests, Dataset)
    assert usarrests.data.shape == (50, 4)
    assert usarrests.data.dtype == np.float64
    assert np.isfinite(usarrests.data).all()


def test_names(usarrests):
    assert usarrests.feature_names == ("murder", "assault", "urbanpop", "rape")
    names = usarrests.sample_names
    assert isinstance(names, tuple) and len(names) == 50 and len(set(names)) == 50
    assert names[0] == "Alabama" and names[-1] == "Wyoming"
    assert list(names) == sorted(names)
    assert "New Hampshire" in names and "West Virginia" in names


@pytest.mark.parametrize("state", sorted(KNOWN_ROWS))
def test_known_rows(usarrests, state):
    row = usarrests.data[usarrests.sample_names.index(state)]
    np.testing.assert_array_equal(row, KNOWN_ROWS[state])


def test_column_statistics(usarrests):
    np.testing.assert_allclose(usarrests.data.mean(axis=0), COLUMN_MEANS, rtol=1e-13)
    np.testing.assert_allclose(usarrests.data.std(axis=0, ddof=1), COLUMN_SDS, rtol=1e-13)


def test_description(usarrests):
    text = usarrests.description
    assert "1973" in text and "McNeil" in text and "public domain" in text
    assert "Maryland" in text


def test_csv_file_is_the_exported_one():
    raw = resources.files("fastclust.datasets").joinpath("usarrests.csv").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == USARRESTS_SHA256
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert rows[0] == ["state", "murder", "assault", "urbanpop", "rape"]
    assert rows[1] == ["Alabama", "13.2", "236", "58", "21.2"]
    assert len(rows) == 51


def test_loader_matches_csv(usarrests):
    text = resources.files("fastclust.datasets").joinpath("usarrests.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert tuple(r[0] for r in rows) == usarrests.sample_names
    np.testing.assert_array_equal(usarrests.data, [[float(v) for v in r[1:]] for r in rows])


def test_readme_and_licence_ship_with_the_data():
    readme = resources.files("fastclust.datasets").joinpath("README.md").read_text("utf-8")
    assert "usarrests.csv" in readme and "Public domain" in readme


def test_every_call_returns_a_fresh_writable_array():
    a, b = load_usarrests(), load_usarrests()
    assert a.data is not b.data and a.data.flags.writeable
    a.data[0, 0] = -1.0
    assert b.data[0, 0] == 13.2 and load_usarrests().data[0, 0] == 13.2


def test_dataset_is_frozen(usarrests):
    with pytest.raises(dataclasses.FrozenInstanceError):
        usarrests.data = None


# ---------------------------------------------------------------- state.x77

STATE_X77_SHA256 = "ee4df251160752fde94865bf88b9c30f1f329dfb9516ff50c6f2a796311729fc"


def test_state_x77_file_and_loader():
    from fastclust.datasets import load_state_x77
    raw = resources.files("fastclust.datasets").joinpath("state_x77.csv").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == STATE_X77_SHA256
    ds = load_state_x77()
    assert ds.data.shape == (50, 8) and ds.data.dtype == np.float64
    assert ds.feature_names == ("population", "income", "illiteracy", "life_exp", "murder",
                                "hs_grad", "frost", "area")
    assert ds.sample_names == load_usarrests().sample_names     # same 50 states, same order
    # column means printed by R 4.2.2: colMeans(state.x77)
    np.testing.assert_allclose(ds.data.mean(axis=0),
                               [4246.42, 4435.8, 1.17, 70.8786, 7.378, 53.108, 104.46,
                                70735.88], rtol=1e-12)
    assert "public domain" in ds.description and "Census" in ds.description
    readme = resources.files("fastclust.datasets").joinpath("README.md").read_text("utf-8")
    assert "state_x77.csv" in readme and STATE_X77_SHA256 in readme
