"""Helpers shared by command modules: the exit codes, how a fatal error is printed, and opening
the store a project names."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from chatgw.errors import ChatgwError

if TYPE_CHECKING:
    from rich.console import Console

    from chatgw.compiler.plans import ProjectPlan
    from chatgw.store import Store

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_CANNOT_RUN = 2

DEFAULT_CONFIG = Path("chatgw.yaml")


@cache
def _stderr() -> Console:
    # rich costs ~20 ms to import; `validate --format json` that passes never prints through it.
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def __getattr__(name: str) -> Any:
    """`stderr`, the console for errors and progress, made on first use."""
    if name == "stderr":
        return _stderr()
    raise AttributeError(name)


def fail(error: ChatgwError | str) -> NoReturn:
    """Print a one-line reason and exit 2: the command could not run."""
    _stderr().print(f"chatgw: error: {error}", markup=False)
    raise typer.Exit(EXIT_CANNOT_RUN)


def load_or_fail(config: Path) -> ProjectPlan:
    """The compiled project at `config`; exits 2 with the reason when it does not compile."""
    from chatgw.compiler import load_project

    try:
        return load_project(config)
    except ChatgwError as error:
        fail(error)


def open_project_store(config: Path) -> Store:
    """The store named in the project at `config`; exits 2 with the reason when either cannot be opened."""
    return open_store_of(load_or_fail(config), config)


def open_store_of(project: ProjectPlan, config: Path) -> Store:
    """The store `project` names; exits 2 with the reason when it cannot be opened."""
    # Heavy (SQLAlchemy): imported only once the project is known to be good.
    from sqlalchemy.exc import SQLAlchemyError

    from chatgw.store import open_store

    try:
        return open_store(project.store, root=project.root)
    except ChatgwError as error:
        fail(error)
    except ImportError as error:
        fail(f"the store's database driver is not installed ({error}); install it, or use a sqlite:/// store")
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or type(error).__name__).splitlines()[0]
        fail(f"the store cannot be opened ({reason}); check `store:` in {config}")
