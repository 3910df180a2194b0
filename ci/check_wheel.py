"""Check what the wheel and the sdist hold, beyond twine and check-wheel-contents.

    python ci/check_wheel.py WHEEL SDIST

The wheel: a manylinux/musllinux tag on Linux; one compiled module for every
.pyx and every Python file of the package (as the sdist lists them); the
OpenMP runtime vendored when the build used OpenMP; PEP 639 license metadata
and every license file; nothing that belongs to the source or the build
(sources, objects, meson or ninja files, caches, tests). The sdist: the files
a build needs and no build output. Prints a summary; exits 1 listing every
problem found.
"""
from __future__ import annotations

import email.parser
import pathlib
import re
import sys
import tarfile
import zipfile

LICENSE_FILES = ["LICENSE", "LICENSES/bundled-runtimes.txt", "LICENSES/GPL-3.0.txt",
                 "LICENSES/GCC-exception-3.1.txt", "LICENSES/Apache-2.0.txt",
                 "LICENSES/LLVM-exception.txt"]
SOURCE_OR_BUILD = re.compile(
    r"(\.(pyx|pxd|c|h|o|obj|a|lib|in|ninja)$)|(^|/)(__pycache__|\.git|build|tests|meson-\w+)/"
    r"|(^|/)(meson\.build|meson\.options|build\.ninja)$")
OPENMP_RUNTIMES = re.compile(r"(libgomp|libomp|vcomp)[^/]*\.(so[.\d]*|dylib|dll)$")


def check_wheel(wheel: pathlib.Path, sdist_names: list[str]) -> list[str]:
    problems = []
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        build_config = zf.read("fastclust/_build_config.py").decode()
        dist_info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(zf.read(f"{dist_info}/METADATA").decode())

    tags = wheel.name.removesuffix(".whl").split("-")[-1]
    if "linux" in tags and not re.search(r"(manylinux|musllinux)_\d+_\d+", tags):
        problems.append(f"platform tag {tags!r} is not a manylinux/musllinux one (not repaired?)")

    package = "src/fastclust/"
    for src in sdist_names:
        if not src.startswith(package):
            continue
        rel = src[len("src/"):]
        if src.endswith(".pyx"):
            stem = rel.removesuffix(".pyx")
            if not any(re.fullmatch(re.escape(stem) + r"\..*(so|pyd)", n) for n in names):
                problems.append(f"no compiled module for {src}")
        elif src.endswith((".py", ".csv", ".typed")) or src.endswith("datasets/README.md"):
            if rel not in names:
                problems.append(f"{rel} is missing")

    uses_openmp = re.search(r'"openmp":\s*True', build_config) is not None
    runtimes = [n for n in names if OPENMP_RUNTIMES.search(n)]
    if uses_openmp and not runtimes:
        problems.append("built with OpenMP but no OpenMP runtime is vendored")
    if not uses_openmp and runtimes:
        problems.append(f"built without OpenMP but carries {runtimes}")

    if tuple(map(int, metadata["Metadata-Version"].split("."))) < (2, 4):
        problems.append(f"Metadata-Version {metadata['Metadata-Version']} predates PEP 639")
    if metadata["License-Expression"] != "BSD-3-Clause":
        problems.append(f"License-Expression is {metadata['License-Expression']!r}")
    declared = metadata.get_all("License-File") or []
    for lic in LICENSE_FILES:
        if lic not in declared:
            problems.append(f"License-File {lic} is not declared")
        if f"{dist_info}/licenses/{lic}" not in names:
            problems.append(f"{dist_info}/licenses/{lic} is missing")
    if any(c.startswith("License ::") for c in metadata.get_all("Classifier") or []):
        problems.append("a License classifier beside License-Expression (PEP 639 forbids)")

    junk = [n for n in names if SOURCE_OR_BUILD.search(n)]
    if junk:
        problems.append(f"source or build files inside: {junk}")

    print(f"wheel {wheel.name}: {len(names)} files, {wheel.stat().st_size // 1024} KiB; "
          f"OpenMP runtime: {', '.join(runtimes) or 'none'}; licenses: "
          f"{len(declared)} files, {metadata['License-Expression']}")
    return problems


def check_sdist(sdist: pathlib.Path) -> tuple[list[str], list[str]]:
    with tarfile.open(sdist) as tf:
        members = [m.name.split("/", 1)[1] for m in tf.getmembers()
                   if m.isfile() and "/" in m.name]
    problems = []
    for needed in ["pyproject.toml", "meson.build", "meson.options", "README.md",
                   "src/fastclust/meson.build", "src/fastclust/_build_config.py.in",
                   "tests/conftest.py", *LICENSE_FILES]:
        if needed not in members:
            problems.append(f"sdist lacks {needed}")
    built = [m for m in members
             if re.search(r"(\.(so|pyd|o|pyc)$)|(^|/)(__pycache__|build|\.venv)/", m)]
    if built:
        problems.append(f"sdist holds build output: {built}")
    print(f"sdist {sdist.name}: {len(members)} files, {sdist.stat().st_size // 1024} KiB")
    return members, problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    wheel, sdist = map(pathlib.Path, argv)
    sdist_names, problems = check_sdist(sdist)
    problems += check_wheel(wheel, sdist_names)
    for problem in problems:
        print(f"check_wheel: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
