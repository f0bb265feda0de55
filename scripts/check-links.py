#!/usr/bin/env python3
"""Checks the relative links of Markdown files: each must name a file or folder that exists, and a `#anchor` must be
a heading of the file it points to (GitHub's anchors). Absolute URLs are not fetched (CI has no network to them).

    scripts/check-links.py FILE_OR_FOLDER...
"""

from __future__ import annotations

import pathlib
import re
import sys

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def anchors(path: pathlib.Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    found = set()
    for title in HEADING.findall(text):
        slug = re.sub(r"[^\w\- ]", "", title.lower().replace("`", "")).replace(" ", "-")
        found.add(slug)
    return found


def check(path: pathlib.Path) -> list[str]:
    problems = []
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue  # https:, mailto:, ...
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            problems.append(f"{path}: {target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            problems.append(f"{path}: {target}: no heading #{anchor} in {linked.name}")
    return problems


def main() -> int:
    files: list[pathlib.Path] = []
    for arg in sys.argv[1:]:
        p = pathlib.Path(arg)
        files.extend(sorted(p.rglob("*.md")) if p.is_dir() else [p])
    problems = [problem for f in files for problem in check(f)]
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"check-links: {len(files)} files, {len(problems)} broken links")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
