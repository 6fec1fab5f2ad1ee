"""A pytest plugin loaded first (``-p tests.fast_imports`` in pyproject.toml), before nbval imports nbformat:
every pytest process, each xdist worker included, goes without jsonschema's slow URI grammar."""
from twopowers.schema import skip_uri_grammar

skip_uri_grammar()
