#!/usr/bin/env python3
"""Checks what pip and PyPI read from each built wheel and sdist, without installing anything:

- the wheel's name and its WHEEL tags agree: CPython 3.9+ stable ABI (`cp39-abi3`), a manylinux2014 or musllinux_1_2
  platform for the architecture in the name; the native module is the abi3 one;
- the metadata: name, version, the summary, the README as a Markdown description, `Requires-Python: >=3.9`, real
  project URLs, the classifiers (`Typing :: Typed` among them), the license;
- the typing files: `py.typed` and the `.pyi` stubs.

    python3 scripts/check-wheels.py dist/python/*.whl dist/python/*.tar.gz
"""

from __future__ import annotations

import email.parser
import re
import sys
import tarfile
import zipfile
from pathlib import Path

PLATFORMS = {
    "x86_64": {"manylinux_2_17_x86_64", "manylinux2014_x86_64", "musllinux_1_2_x86_64"},
    "aarch64": {"manylinux_2_17_aarch64", "manylinux2014_aarch64", "musllinux_1_2_aarch64"},
}
CLASSIFIERS = {
    "Typing :: Typed",
    "Programming Language :: Python :: 3.9",
    "Programming Language :: Rust",
    "License :: OSI Approved :: MIT License",
}


def check_metadata(where: str, text: str, problems: list[str]) -> None:
    meta = email.parser.Parser().parsestr(text)

    def need(ok: bool, what: str) -> None:
        if not ok:
            problems.append(f"{where}: {what}")

    need(meta["Name"] == "meetergo", f"Name is {meta['Name']!r}")
    need(bool(re.fullmatch(r"\d+\.\d+\.\d+.*", meta["Version"] or "")), f"Version is {meta['Version']!r}")
    need(len(meta["Summary"] or "") > 20, "no Summary")
    need(meta["Requires-Python"] == ">=3.9", f"Requires-Python is {meta['Requires-Python']!r}")
    content_type = meta["Description-Content-Type"] or ""
    need(content_type.startswith("text/markdown"), f"the description is {content_type!r}, not Markdown")
    payload = meta.get_payload()
    body = payload if isinstance(payload, str) and payload else meta["Description"] or ""
    need(body.lstrip().startswith("# meetergo"), "the description is not the package README")
    urls = meta.get_all("Project-URL") or []
    need(len(urls) >= 3, f"only {len(urls)} Project-URL entries")
    need(all("https://" in u and "example.invalid" not in u for u in urls), f"placeholder URLs: {urls}")
    missing = CLASSIFIERS - set(meta.get_all("Classifier") or [])
    need(not missing, f"classifiers missing: {sorted(missing)}")
    need(bool(meta["License"] or meta["License-Expression"]), "no license")


def check_wheel(path: Path, problems: list[str]) -> None:
    # name-version-python-abi-platform.whl; the platform part may hold several tags joined by `.`.
    parts = path.name[: -len(".whl")].split("-")
    if len(parts) != 5:
        problems.append(f"{path.name}: not a wheel name")
        return
    _, _, python, abi, platform = parts
    if (python, abi) != ("cp39", "abi3"):
        problems.append(f"{path.name}: tagged {python}-{abi}, not cp39-abi3")
    platforms = set(platform.split("."))
    arch = "aarch64" if platform.endswith("aarch64") else "x86_64"
    if not platforms or not platforms <= PLATFORMS[arch]:
        problems.append(f"{path.name}: platform tags {sorted(platforms)}")
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        info = next((n.split("/")[0] for n in names if n.endswith(".dist-info/WHEEL")), None)
        if info is None:
            problems.append(f"{path.name}: no .dist-info/WHEEL")
            return
        tags = {
            line.split(": ", 1)[1]
            for line in wheel.read(f"{info}/WHEEL").decode().splitlines()
            if line.startswith("Tag: ")
        }
        expected = {f"cp39-abi3-{p}" for p in platforms}
        if tags != expected:
            problems.append(f"{path.name}: WHEEL tags {sorted(tags)}, the name says {sorted(expected)}")
        check_metadata(path.name, wheel.read(f"{info}/METADATA").decode(), problems)
        for wanted in ("meetergo/py.typed", "meetergo/_native.pyi", "meetergo/__init__.py"):
            if wanted not in names:
                problems.append(f"{path.name}: {wanted} missing")
        native = [n for n in names if n.startswith("meetergo/_native.") and not n.endswith(".pyi")]
        if native != ["meetergo/_native.abi3.so"]:
            problems.append(f"{path.name}: native module {native}, not meetergo/_native.abi3.so")


def check_sdist(path: Path, problems: list[str]) -> None:
    with tarfile.open(path) as sdist:
        info = next(
            (m for m in sdist.getmembers() if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO")), None
        )
        if info is None:
            problems.append(f"{path.name}: no PKG-INFO")
            return
        extracted = sdist.extractfile(info)
        assert extracted is not None
        check_metadata(path.name, extracted.read().decode(), problems)


def main() -> int:
    paths = [Path(p) for p in sys.argv[1:]]
    if not paths:
        print("check-wheels: no wheels or sdists given", file=sys.stderr)
        return 2
    problems: list[str] = []
    for path in paths:
        if path.name.endswith(".whl"):
            check_wheel(path, problems)
        elif path.name.endswith(".tar.gz"):
            check_sdist(path, problems)
        else:
            problems.append(f"{path.name}: neither a wheel nor an sdist")
    for problem in problems:
        print(f"check-wheels: {problem}", file=sys.stderr)
    if not problems:
        print(f"check-wheels: {len(paths)} packages: tags, metadata and typing files as expected")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
