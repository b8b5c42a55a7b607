"""The public surface of the package: small, sorted, and every name really there."""

from __future__ import annotations

import subprocess
import sys

import chatgw
from tests.projects import HOURS, write_shop


def test_public_names_are_sorted_and_all_resolve():
    assert chatgw.__all__ == sorted(chatgw.__all__)
    for name in chatgw.__all__:
        assert getattr(chatgw, name) is not None, name


def test_unknown_name_is_an_attribute_error():
    try:
        chatgw.no_such_thing  # noqa: B018
    except AttributeError as error:
        assert "no_such_thing" in str(error)
    else:
        raise AssertionError("expected AttributeError")


def test_importing_the_package_and_the_cli_does_not_load_the_server_or_the_nlu():
    # Start-up speed of `chatgw validate` depends on this (see bench/validate.py).
    probe = (
        "import sys, chatgw, chatgw.cli.commands; "
        "heavy = [m for m in ('sklearn', 'fastapi', 'sqlalchemy', 'uvicorn', 'onnxruntime', 'tokenizers') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_a_passing_validate_loads_no_value_checker_and_no_console(tmp_path):
    # jsonschema (~50 ms) loads only when a literal value is checked, rich (~20 ms) only when
    # something is printed through it: a project without literals validates without either.
    config = write_shop(tmp_path, {"actions/hours.yaml": HOURS})
    probe = (
        "import sys, atexit; "
        "atexit.register(lambda: print('LOADED=' + ','.join(m for m in ('jsonschema', 'rich') if m in sys.modules), file=sys.stderr)); "
        "from chatgw.cli import main; sys.argv = ['chatgw', 'validate', '--config', sys.argv[1], '--format', 'json']; main()"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(config)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "LOADED=\n" in done.stderr or done.stderr.rstrip().endswith("LOADED="), done.stderr
