"""A pytest plugin loaded first (``-p tests.fast_imports`` in pyproject.toml), before nbval imports nbformat:
every pytest process, each xdist worker included, goes without jsonschema's slow format checkers."""
from twopowers.schema import skip_format_checkers

skip_format_checkers()
