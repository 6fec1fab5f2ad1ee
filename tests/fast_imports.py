"""A pytest plugin loaded first (``-p tests.fast_imports`` in pyproject.toml), before nbval imports nbformat.

jsonschema, which nbformat imports, builds an RFC 3987 grammar (rfc3987-syntax) for about 3 s at import,
in the main process and again in every pytest-xdist worker. Nothing in the tests checks URI formats (the
quiz validator uses no format checker), so the tests go without that module.
"""
import sys

sys.modules.setdefault("rfc3987_syntax", None)
