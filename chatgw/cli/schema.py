"""`chatgw schema`: write the JSON Schema of chatgw.yaml and action files."""

from __future__ import annotations

from pathlib import Path

import typer

from chatgw.cli import app
from chatgw.cli._common import EXIT_FINDINGS, EXIT_OK, fail, stderr
from chatgw.config.jsonschema import file_schemas


@app.command()
def schema(
    out: Path = typer.Option(Path("schemas"), "--out", "-o", help="Folder to write the schemas to."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 when a file is missing or stale."),
) -> None:
    """Write schemas/chatgw.schema.json and schemas/action.schema.json, for editors and CI."""
    stale = []
    for name, text in file_schemas().items():
        target = out / name
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            continue
        stale.append(target)
        if not check:
            try:
                out.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            except OSError as error:
                fail(f"cannot write {target} ({error.strerror}); pass --out a folder you can write to")
            typer.echo(f"wrote {target}")
    if check and stale:
        for target in stale:
            stderr.print(f"{target} is stale; run `chatgw schema` and commit it", markup=False)
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)
