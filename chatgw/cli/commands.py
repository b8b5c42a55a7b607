"""Imports every command module so each registers itself on the typer app."""

from chatgw.cli import schema, validate  # noqa: F401
from chatgw.cli import try_  # noqa: F401
from chatgw.cli import inbox, insights, serve, store_cmd  # noqa: F401
from chatgw.cli import init, test_cmd  # noqa: F401
from chatgw.cli import demo  # noqa: F401
from chatgw.cli import tools  # noqa: F401
