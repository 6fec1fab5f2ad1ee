"""A small JSON Schema checker for the quiz files, fast enough to run inside a learner's kernel.

The schema itself lives once, in data/quizzes/quiz.schema.json. The tests and the maintainers'
``validate`` command check files with the full ``jsonschema`` library; a lesson checks them with
this module instead, because importing ``jsonschema`` in this stack can take seconds. Only the
keywords listed in SUPPORTED are understood, and a test makes sure the schema uses no others and
that both checkers agree.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

SUPPORTED = {
    "$schema", "$id", "$defs", "$ref", "title", "description", "type", "enum", "const", "required",
    "properties", "additionalProperties", "items", "minItems", "maxItems", "uniqueItems", "minLength",
    "maxLength", "pattern", "minimum", "maximum", "allOf", "if", "then", "else",
}

_TYPE_NAMES = {
    "object": "a mapping of fields", "array": "a list", "string": "text", "integer": "a whole number",
    "number": "a number", "boolean": "true or false", "null": "empty",
}

Path = tuple  # of str (field names) and int (list positions)


def _is_type(value: Any, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool) or (
            isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "null":
        return value is None
    raise ValueError(f"unsupported type {name!r}")


def iter_errors(instance: Any, schema: dict, root: dict | None = None, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Yield (path, message) for every way ``instance`` breaks ``schema``."""
    root = schema if root is None else root
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref is supported, not {ref!r}")
        target = root
        for part in ref[2:].split("/"):
            target = target[part]
        yield from iter_errors(instance, target, root, path)
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(instance, n) for n in names):
            wanted = " or ".join(_TYPE_NAMES[n] for n in names)
            yield path, f"should be {wanted}, not {_describe(instance)}"
            return  # further checks would only repeat the same problem
    if "enum" in schema and instance not in schema["enum"]:
        yield path, "should be one of " + ", ".join(repr(v) for v in schema["enum"]) + f", not {instance!r}"
    if "const" in schema and instance != schema["const"]:
        yield path, f"should be {schema['const']!r}"
    if isinstance(instance, dict):
        for name in schema.get("required", []):
            if name not in instance:
                yield path + (name,), "is missing (it is required)"
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name, value in instance.items():
            if name in properties:
                yield from iter_errors(value, properties[name], root, path + (name,))
            elif extra is False:
                allowed = ", ".join(sorted(properties))
                yield path + (name,), f"is not a known field (known fields: {allowed})"
            elif isinstance(extra, dict):
                yield from iter_errors(value, extra, root, path + (name,))
    if isinstance(instance, list):
        if "minItems" in schema and len(instance) < schema["minItems"]:
            yield path, f"should have at least {schema['minItems']} item(s), not {len(instance)}"
        if "maxItems" in schema and len(instance) > schema["maxItems"]:
            yield path, f"should have at most {schema['maxItems']} item(s), not {len(instance)}"
        if schema.get("uniqueItems"):
            seen = []
            for item in instance:
                if item in seen:
                    yield path, f"lists {item!r} more than once"
                    break
                seen.append(item)
        if "items" in schema:
            for i, item in enumerate(instance):
                yield from iter_errors(item, schema["items"], root, path + (i,))
    if isinstance(instance, str):
        if "minLength" in schema and len(instance) < schema["minLength"]:
            yield path, "should not be empty" if schema["minLength"] == 1 else \
                f"should be at least {schema['minLength']} characters long"
        if "maxLength" in schema and len(instance) > schema["maxLength"]:
            yield path, f"should be at most {schema['maxLength']} characters long, not {len(instance)}"
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            yield path, f"{instance!r} does not have the expected form ({schema['pattern']})"
    if _is_type(instance, "number"):
        if "minimum" in schema and instance < schema["minimum"]:
            yield path, f"should be at least {schema['minimum']}, not {instance}"
        if "maximum" in schema and instance > schema["maximum"]:
            yield path, f"should be at most {schema['maximum']}, not {instance}"
    for sub in schema.get("allOf", []):
        yield from iter_errors(instance, sub, root, path)
    if "if" in schema:
        matched = not any(True for _ in iter_errors(instance, schema["if"], root, path))
        branch = schema.get("then") if matched else schema.get("else")
        if branch is not None:
            yield from iter_errors(instance, branch, root, path)


def unsupported_keywords(schema: Any) -> set[str]:
    """Keywords in a schema that this module does not understand (the tests keep this empty)."""
    found: set[str] = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key not in SUPPORTED:
                found.add(key)
            if key in ("properties", "$defs"):
                for sub in value.values():
                    found |= unsupported_keywords(sub)
            elif key in ("items", "if", "then", "else", "additionalProperties"):
                found |= unsupported_keywords(value)
            elif key == "allOf":
                for sub in value:
                    found |= unsupported_keywords(sub)
    return found


def _describe(value: Any) -> str:
    for name in ("boolean", "integer", "number", "string", "array", "object", "null"):
        if _is_type(value, name):
            return _TYPE_NAMES[name]
    return type(value).__name__
