"""`chatgw tools`: the tool definitions agents get (MCP, the LLM engine), for review in CI."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

import typer

from chatgw.cli import CONFIG_HELP, app
from chatgw.cli._common import DEFAULT_CONFIG, load_or_fail
from chatgw.compiler.tools import ToolDefinition, tool_definitions


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def tools(
    config: Path = typer.Option(DEFAULT_CONFIG, "--config", "-c", help=CONFIG_HELP),
    output: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """Print each action as the tool LLM agents see: inputs, output, hints; exit 2 if it does not compile."""
    definitions = tool_definitions(load_or_fail(config))
    if output is OutputFormat.json:
        document = {"tools": [tool.as_json() for tool in definitions]}
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return
    sys.stdout.write("".join(_text(tool) for tool in definitions))


def _text(tool: ToolDefinition) -> str:
    hints = ["read-only" if tool.read_only else "changes state"]
    hints += ["destructive"] * tool.destructive + ["idempotent"] * tool.idempotent
    hints += ["asks for confirmation"] * tool.confirm
    methods = "/".join(tool.methods) or "answer"
    lines = [f"{tool.name}  ({methods}; {', '.join(hints)})", f"  {tool.title}"]
    properties = tool.input_schema["properties"]
    required = set(tool.input_schema.get("required", ()))
    for name, schema in properties.items():
        lines.append(f"  in   {name}: {_shape(schema)}{'' if name in required else ' (optional)'}")
    for path in tool.output_fields:
        lines.append(f"  out  {'.'.join(path)}")
    return "\n".join(lines) + "\n\n"


def _shape(schema: dict) -> str:
    """`string ^proj_[a-z0-9]{5}$`, `integer 1..72`, `one of 25, 50, 100`."""
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    parts = [schema["type"]]
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    if low is not None or high is not None:
        parts.append(f"{'' if low is None else low}..{'' if high is None else high}")
    for key in ("format", "pattern"):
        if key in schema:
            parts.append(str(schema[key]))
    return " ".join(parts)
