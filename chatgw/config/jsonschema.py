"""The JSON Schema of our two file kinds, for editors (yaml-language-server) and `chatgw schema`."""

from __future__ import annotations

import json
from typing import Any

from chatgw.config.models import ActionConfig, ProjectConfig

SCHEMA_FILES = {"chatgw.schema.json": ProjectConfig, "action.schema.json": ActionConfig}


def file_schemas() -> dict[str, str]:
    """File name -> JSON text of that file kind's schema, stable byte for byte."""
    rendered = {}
    for name, model in SCHEMA_FILES.items():
        schema: dict[str, Any] = model.model_json_schema(by_alias=True)
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
        rendered[name] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return rendered
