"""The one checker for quiz files: the ``jsonschema`` library, with its findings worded by the course.

The schema lives once, in data/quizzes/quiz.schema.json. Lessons, ``python3 course.py validate`` and the
static site all check quiz files through ``iter_errors`` below, so a maintainer reads the same message
wherever a file is checked. ``jsonschema`` is imported only when a file is first checked, and without its
format checkers (the RFC 3987 grammar alone takes about a second to build; the course checks no formats).
bench/run.py measures what this costs a lesson.
"""
from __future__ import annotations

import sys
from typing import Any, Iterator

_TYPE_NAMES = {
    "object": "a mapping of fields", "array": "a list", "string": "text", "integer": "a whole number",
    "number": "a number", "boolean": "true or false", "null": "empty",
}

Path = tuple  # of str (field names) and int (list positions)
_validators: dict[int, Any] = {}


# Modules jsonschema imports only to check string formats (URIs, dates, colours...). The course's schemas check
# no format, and these cost a lesson about 20 ms at import (rfc3987_syntax alone about a second, building a grammar).
FORMAT_CHECKERS = ("rfc3987_syntax", "rfc3987", "rfc3986_validator", "rfc3339_validator", "isoduration",
                   "uri_template", "fqdn", "webcolors", "jsonpointer")


def skip_format_checkers() -> None:
    """Spare this process jsonschema's optional format checkers (nbformat imports jsonschema too): a module not yet
    imported is marked absent, which jsonschema takes as "this format is not checked"."""
    for name in FORMAT_CHECKERS:
        sys.modules.setdefault(name, None)


def _validator(schema: dict):
    key = id(schema)
    if key not in _validators:
        skip_format_checkers()
        from jsonschema import Draft202012Validator

        _validators.clear()
        _validators[key] = (schema, Draft202012Validator(schema))  # the schema is kept so its id stays its own
    return _validators[key][1]


def iter_errors(instance: Any, schema: dict) -> Iterator[tuple[Path, str]]:
    """Yield (path, message) for every way ``instance`` breaks ``schema``, each said once, in plain words."""
    errors = sorted(_validator(schema).iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    said, typed = set(), {}
    for error in errors:  # one type message per place: the narrowest of the types the schema asks for there
        if error.validator == "type":
            path, wanted = tuple(error.absolute_path), error.validator_value
            names = wanted if isinstance(wanted, list) else [wanted]
            if path not in typed or len(names) < len(typed[path]):
                typed[path] = names
    for error in errors:
        if error.validator == "type":
            names = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
            if names != typed[tuple(error.absolute_path)]:
                continue
        for found in _worded(error):
            if found not in said:
                said.add(found)
                yield found


def _worded(error) -> Iterator[tuple[Path, str]]:
    path, keyword, wanted, value = tuple(error.absolute_path), error.validator, error.validator_value, error.instance
    if keyword == "type":
        names = wanted if isinstance(wanted, list) else [wanted]
        yield path, f"should be {' or '.join(_TYPE_NAMES[n] for n in names)}, not {_describe(value)}"
    elif keyword == "enum":
        yield path, "should be one of " + ", ".join(repr(v) for v in wanted) + f", not {value!r}"
    elif keyword == "const":
        yield path, f"should be {wanted!r}"
    elif keyword == "required":
        for name in wanted:
            if name not in value:
                yield path + (name,), "is missing (it is required)"
    elif keyword == "additionalProperties":
        known = error.schema.get("properties", {})
        for name in value:
            if name not in known:
                yield path + (name,), f"is not a known field (known fields: {', '.join(sorted(known))})"
    elif keyword == "minItems":
        yield path, f"should have at least {wanted} item(s), not {len(value)}"
    elif keyword == "maxItems":
        yield path, f"should have at most {wanted} item(s), not {len(value)}"
    elif keyword == "uniqueItems":
        repeated = next((item for i, item in enumerate(value) if item in value[:i]), None)
        yield path, f"lists {repeated!r} more than once"
    elif keyword == "minLength":
        yield path, "should not be empty" if wanted == 1 else f"should be at least {wanted} characters long"
    elif keyword == "maxLength":
        yield path, f"should be at most {wanted} characters long, not {len(value)}"
    elif keyword == "pattern":
        yield path, f"{value!r} does not have the expected form ({wanted})"
    elif keyword == "minimum":
        yield path, f"should be at least {wanted}, not {value}"
    elif keyword == "maximum":
        yield path, f"should be at most {wanted}, not {value}"
    else:  # a keyword the schema may use one day: the library's own words, never silence
        yield path, error.message


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return _TYPE_NAMES["boolean"]
    if isinstance(value, int):
        return _TYPE_NAMES["integer"]
    if isinstance(value, float):
        return _TYPE_NAMES["number"]
    for name, kind in (("string", str), ("array", list), ("object", dict)):
        if isinstance(value, kind):
            return _TYPE_NAMES[name]
    return _TYPE_NAMES["null"] if value is None else type(value).__name__
