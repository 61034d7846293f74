"""Typer's parameter conversion without pydantic for the values deskterm's commands take.

Typer 0.29 converts every parameter value with a pydantic ``TypeAdapter``, built the first
time a parameter is processed, even one left at its default: ``deskterm ticket --help``
imported pydantic (about 15 ms) for the root options' ``None``. The values deskterm's options
take are plain (``str``, ``int`` in a range, lists of ``str``), so :func:`install` puts a
converter in front of Typer's that answers those itself, exactly as pydantic would (a test
compares both on each kind), and hands everything else (a float, a value out of range, a
number written oddly, any other type) to Typer's own converter, built only then: an error
message is Typer's, word for word.

It replaces one private name, ``typer.core.build_runtime_param``, which
``tests/cli/test_typer_pin.py`` pins with the Typer versions it was checked against.
"""

from __future__ import annotations

from typing import Any


class LightParam:
    """A parameter's converter: plain values here, the rest by Typer's (made on first need)."""

    __slots__ = ("_descriptor", "_full", "_kind")

    def __init__(self, descriptor: Any) -> None:
        self._descriptor = descriptor
        self._full: Any = None
        self._kind = _kind(descriptor)

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        kind = self._kind
        multiple = param.multiple or param.nargs == -1
        if value is None:
            return () if multiple else None  # as RuntimeParam.coerce
        if kind == "str" and not multiple and type(value) is str:
            return value
        if kind == "list" and multiple and type(value) in (tuple, list) and _strings(value):
            return list(value)
        if kind == "int" and not multiple and type(value) is str and _plain_int(value):
            number = int(value)
            info = self._descriptor.parameter_info
            low = info.min is None or number >= info.min
            if low and (info.max is None or number <= info.max):
                return number
        return self._typer().coerce(value, param=param, ctx=ctx)

    def _typer(self) -> Any:
        if self._full is None:
            from typer._coercion import build_runtime_param  # pinned: test_typer_pin.py

            self._full = build_runtime_param(self._descriptor)
        return self._full


def _strings(values: Any) -> bool:
    return all(type(item) is str for item in values)


def _plain_int(text: str) -> bool:
    """Digits alone, no leading zero (``0`` itself aside): what pydantic reads as that int."""
    return text.isascii() and text.isdigit() and (text == "0" or not text.startswith("0"))


def _kind(descriptor: Any) -> str | None:
    """``str``, ``int`` or ``list`` (of str) when this converter may answer for the
    parameter, else None (Typer's converter does everything)."""
    info = descriptor.parameter_info
    if info.parser is not None or descriptor.file_annotation is not None:
        return None
    if descriptor.is_choice or descriptor.is_path or getattr(info, "clamp", False):
        return None
    annotation = descriptor.annotation
    if annotation is str:
        return "str"
    if annotation is int:
        return "int"
    if annotation == list[str]:
        return "list"
    return None


def install() -> None:
    """Make Typer build :class:`LightParam` converters (idempotent)."""
    import typer.core

    typer.core.build_runtime_param = LightParam  # type: ignore[attr-defined,assignment]  # pinned
