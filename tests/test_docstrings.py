"""The Examples sections of the public docstrings are run and must hold."""
import doctest
import importlib

import pytest

MODULES = ["fastclust._linkage", "fastclust._linkage_vector", "fastclust._distance", "fastclust._tree",
           "fastclust._dendrogram", "fastclust._ordering", "fastclust.plot", "fastclust.datasets",
           "fastclust.cli", "fastclust._divisive", "fastclust.estimator",
           "fastclust.distributed", "fastclust._kdtree_single", "fastclust._connectivity",
           "fastclust._config"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    tests = [t for t in finder.find(module) if t.examples]
    assert tests, f"{name} has no docstring examples"
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
