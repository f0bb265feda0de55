"""Every public class, function, method and property of ``meetergo`` has a docstring (``help()``, IDEs, pdoc)."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

import meetergo

# Dunder methods that are part of a class's documented behaviour (the rest are Python's own protocol).
DOCUMENTED_DUNDERS = {"__init__", "__enter__", "__exit__", "__aenter__", "__aexit__", "__call__", "__iter__"}


def _undocumented() -> list[str]:
    missing = []
    for name in meetergo.__all__:
        obj: Any = getattr(meetergo, name)
        if not (inspect.isclass(obj) or inspect.isroutine(obj)):
            continue  # constants, enums' members and typing aliases such as ``Event``
        if not (obj.__doc__ or "").strip():
            missing.append(name)
        if not inspect.isclass(obj):
            continue
        for attr, member in vars(obj).items():
            if attr.startswith("_") and attr not in DOCUMENTED_DUNDERS:
                continue
            if attr == "__init__" and dataclasses.is_dataclass(obj):
                continue  # written by dataclasses from the documented fields
            if isinstance(member, (staticmethod, classmethod)):
                member = member.__func__
            if not (callable(member) or inspect.isdatadescriptor(member)):
                continue  # class attributes: constants and enum members
            if not (getattr(member, "__doc__", None) or "").strip():
                missing.append(f"{name}.{attr}")
    return missing


def test_every_public_api_has_a_docstring() -> None:
    assert _undocumented() == []


def test_the_check_sees_native_properties() -> None:
    # A getter of the compiled module is a data descriptor with its Rust doc comment as ``__doc__``.
    start = vars(meetergo.BookingCreated)["start"]
    assert inspect.isdatadescriptor(start)
    assert "offset" in (start.__doc__ or "")
