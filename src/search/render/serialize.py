"""A JSON object declared once: a `Shape` lists its `Prop`s, each with its name, the JSON Schema
of its value and how the value is read from the engine's object. From that one declaration
`Shape.dump` makes the JSON-ready dict (the JSON API and the CLI's `--json`) and `Shape.schema`
its JSON Schema (the OpenAPI description), so the two cannot drift apart.

A property holding another declared object (`one`, `many`, `optional`, `inline`) is a `$ref` to
that object's schema, or an array of them, and its dumped dict, or a list of them. The
declarations themselves are in `search.render.shapes`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from search.render.urls import Urls

# Reads a property's value from the engine's object, given the site's links.
Getter = Callable[[Any, Urls], Any]
# Links made without a base URL: relative.
_RELATIVE = Urls()


@dataclass(frozen=True)
class Prop:
    """One property of a JSON object: its name, the JSON Schema of its value, and how the value
    is read (None: the object's attribute of the same name)."""

    name: str
    schema: dict
    get: Getter | None = None

    def value(self, obj: Any, urls: Urls) -> Any:
        """This property's value for `obj`."""
        return getattr(obj, self.name) if self.get is None else self.get(obj, urls)


class Shape:
    """A JSON object: its name in the OpenAPI description, and its properties in order."""

    def __init__(self, name: str, *props: Prop) -> None:
        self.name = name
        self.props = props

    @property
    def ref(self) -> dict:
        """A reference to this object's schema among the OpenAPI description's components."""
        return {"$ref": f"#/components/schemas/{self.name}"}

    def schema(self) -> dict:
        """This object's JSON Schema: every property required, no other allowed."""
        return object_schema({prop.name: prop.schema for prop in self.props})

    def dump(self, obj: Any, urls: Urls = _RELATIVE) -> dict:
        """`obj` as this JSON object, its links made by `urls`."""
        return {prop.name: prop.value(obj, urls) for prop in self.props}

    def props_of(self, part: Callable[[Any], Any], **schemas: dict) -> tuple[Prop, ...]:
        """This object's properties as another object holds them, read from `part(obj)`; those
        named in `schemas` with that schema instead."""
        return tuple(
            replace(
                prop,
                schema=schemas.get(prop.name, prop.schema),
                get=lambda obj, urls, prop=prop: prop.value(part(obj), urls),
            )
            for prop in self.props
        )


def object_schema(properties: dict) -> dict:
    """The JSON Schema of an object with exactly these properties."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def one(name: str, shape: Shape, get: Getter | None = None, **keywords: Any) -> Prop:
    """A property holding one object of `shape`; `keywords` (a description) go beside its
    `$ref`."""
    return Prop(name, {**shape.ref, **keywords}, _dumped(shape, _reader(name, get)))


def optional(name: str, shape: Shape, get: Getter | None = None, **keywords: Any) -> Prop:
    """A property holding one object of `shape`, or null."""
    read = _reader(name, get)

    def value(obj: Any, urls: Urls) -> dict | None:
        found = read(obj, urls)
        return None if found is None else shape.dump(found, urls)

    return Prop(name, {"anyOf": [shape.ref, {"type": "null"}], **keywords}, value)


def many(name: str, shape: Shape, get: Getter | None = None, **keywords: Any) -> Prop:
    """A property holding a list of objects of `shape`; `keywords` (maxItems, a description)
    go beside its items."""
    read = _reader(name, get)
    return Prop(
        name,
        {"type": "array", "items": shape.ref, **keywords},
        lambda obj, urls: [shape.dump(item, urls) for item in read(obj, urls)],
    )


def inline(name: str, shape: Shape, get: Getter | None = None) -> Prop:
    """A property holding one object of `shape`, its schema written out in place rather than
    referenced (an object that is part of this one only)."""
    return Prop(name, shape.schema(), _dumped(shape, _reader(name, get)))


def _reader(name: str, get: Getter | None) -> Getter:
    return get if get is not None else lambda obj, _: getattr(obj, name)


def _dumped(shape: Shape, read: Getter) -> Getter:
    return lambda obj, urls: shape.dump(read(obj, urls), urls)
