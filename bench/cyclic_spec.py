"""A generated OpenAPI 3.0 spec shaped like Stripe's: ~400 operations, ~4 MB as JSON.

    python bench/cyclic_spec.py out.json   # or out.yaml

Resources reference each other through expandable fields (`anyOf: [string id, $ref]`, as
Stripe writes `customer <-> subscription <-> invoice <-> charge`), through lists of other
resources (`{data: [$ref]}`), `allOf` wrappers with a description and nullable `$ref`s, so
every resource reaches every other one and most reach themselves. Deterministic: the same
arguments give the same bytes.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

_WORDS = (
    "customer subscription invoice charge payment_intent refund dispute payout balance "
    "transfer account plan price product coupon discount tax_rate quote credit_note "
    "source card bank_account mandate setup_intent checkout_session file event review "
    "order sku promotion_code shipping_rate invoice_item line_item usage_record topup "
    "application_fee person capability reader location terminal_config issuing_card "
    "cardholder authorization transaction treasury_account financial_connection report_run"
).split()


def cyclic_spec(resources: int = 84, seed: int = 7) -> dict[str, Any]:
    """The spec as a dict: `resources` schemas, five operations on each."""
    rng = random.Random(seed)
    names = [_WORDS[i % len(_WORDS)] + ("" if i < len(_WORDS) else f"_{i // len(_WORDS)}") for i in range(resources)]
    schemas: dict[str, Any] = {}
    for name in names:
        schemas[name] = _resource(name, names, rng)
        schemas[f"{name}_settings"] = _settings(names, rng)
    schemas["error"] = {
        "type": "object",
        "properties": {"type": {"type": "string"}, "message": {"type": "string", "maxLength": 5000}},
    }
    paths: dict[str, Any] = {}
    for name in names:
        paths.update(_paths(name, schemas[name], rng))
    return {
        "openapi": "3.0.0",
        "info": {"title": "Cyclic API (generated, Stripe-shaped)", "version": "1"},
        "servers": [{"url": "https://api.cyclic.test/"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def write(path: Path, resources: int = 84) -> Path:
    """Write the spec as JSON or YAML (by suffix) and return `path`."""
    spec = cyclic_spec(resources)
    if path.suffix in (".yaml", ".yml"):
        import yaml

        class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
            def ignore_aliases(self, data: Any) -> bool:
                return True  # written out in full, as real specs are

        path.write_text(yaml.dump(spec, Dumper=Dumper, sort_keys=False, width=100))
    else:
        path.write_text(json.dumps(spec, indent=2))
    return path


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS).replace("_", " ") for _ in range(words)).capitalize() + "."


def _resource(name: str, names: list[str], rng: random.Random) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "id": {"type": "string", "maxLength": 5000, "description": "Unique identifier for the object."},
        "object": {"type": "string", "enum": [name], "description": _text(rng, 12)},
        "created": {"type": "integer", "format": "unix-time", "description": _text(rng, 10)},
        "livemode": {"type": "boolean", "description": _text(rng, 14)},
        "metadata": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 500}, "nullable": True},
        "status": {"type": "string", "enum": ["active", "canceled", "draft", "open", "paid"], "nullable": True},
    }
    for index in range(rng.randint(16, 24)):
        properties[f"{rng.choice(_WORDS)}_{index}"] = rng.choice(
            [
                {"type": "string", "maxLength": 5000, "nullable": True, "description": _text(rng, 20)},
                {"type": "integer", "nullable": True, "description": _text(rng, 16)},
                {"type": "boolean", "description": _text(rng, 8)},
                {"type": "string", "enum": ["auto", "manual", "none"], "description": _text(rng, 10)},
            ]
        )
    for other in rng.sample(names, 8):  # expandable: an id, or the object when expanded
        properties[other] = {
            "anyOf": [{"type": "string", "maxLength": 5000}, _ref(other)],
            "nullable": rng.random() < 0.5,
            "description": _text(rng, 18),
            "x-expansionResources": {"oneOf": [_ref(other)]},
        }
    for other in rng.sample(names, 2):  # a list object of other resources
        properties[f"{other}_list"] = {
            "type": "object",
            "required": ["data", "has_more", "object", "url"],
            "properties": {
                "data": {"type": "array", "items": _ref(other)},
                "has_more": {"type": "boolean"},
                "object": {"type": "string", "enum": ["list"]},
                "url": {"type": "string", "maxLength": 5000},
            },
            "description": _text(rng, 10),
        }
    wrapped = rng.choice(names)  # Stripe's `allOf: [$ref]` with a description beside it
    properties[f"{wrapped}_details"] = {"allOf": [_ref(wrapped)], "nullable": True, "description": _text(rng, 20)}
    properties["settings"] = {**_ref(f"{name}_settings"), "nullable": True, "description": _text(rng, 12)}
    return {
        "type": "object",
        "title": name.replace("_", " ").title(),
        "description": _text(rng, 40),
        "required": ["id", "object", "created", "livemode"],
        "properties": properties,
        "x-expandableFields": [key for key, value in properties.items() if "anyOf" in value],
        "x-resourceId": name,
    }


def _settings(names: list[str], rng: random.Random) -> dict[str, Any]:
    """A named sub-schema with nested arrays, pointing back into the resources."""
    return {
        "type": "object",
        "description": _text(rng, 30),
        "properties": {
            "rules": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "conditions": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
                        "target": {"anyOf": [{"type": "string"}, _ref(rng.choice(names))]},
                        "weight": {"type": "number", "minimum": 0, "maximum": 1, "description": _text(rng, 12)},
                    },
                },
            },
            "owner": {**_ref(rng.choice(names)), "nullable": True},
            "mode": {"type": "string", "enum": ["strict", "lenient"], "description": _text(rng, 16)},
        },
    }


def _paths(name: str, schema: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    base, item = f"/v1/{name}s", f"/v1/{name}s/{{{name}}}"
    expand = {
        "name": "expand",
        "in": "query",
        "description": "Specifies which fields in the response should be expanded.",
        "style": "deepObject",
        "explode": True,
        "schema": {"type": "array", "items": {"type": "string", "maxLength": 5000}},
    }
    identifier = {"name": name, "in": "path", "required": True, "schema": {"type": "string", "maxLength": 5000}}
    one = _response(_ref(name))
    listed = _response(
        {
            "type": "object",
            "required": ["data", "has_more", "object", "url"],
            "properties": {
                "data": {"type": "array", "items": _ref(name)},
                "has_more": {"type": "boolean"},
                "object": {"type": "string", "enum": ["list"]},
                "url": {"type": "string", "maxLength": 5000, "pattern": f"^{base}"},
            },
        }
    )
    body = _body(schema, rng)
    title = name.replace("_", " ")
    return {
        base: {
            "get": _operation(f"Get{_camel(name)}s", f"List all {title}s", [expand, _limit()], listed, rng),
            "post": {**_operation(f"Post{_camel(name)}s", f"Create a {title}", [], one, rng), "requestBody": body},
        },
        item: {
            "get": _operation(f"Get{_camel(name)}", f"Retrieve a {title}", [expand, identifier], one, rng),
            "post": {**_operation(f"Post{_camel(name)}", f"Update a {title}", [identifier], one, rng), "requestBody": body},
            "delete": _operation(f"Delete{_camel(name)}", f"Delete a {title}", [identifier], one, rng),
        },
    }


def _operation(operation_id: str, summary: str, parameters: list[Any], ok: Any, rng: random.Random) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "summary": summary,
        "description": f"<p>{_text(rng, 60)}</p>",
        "parameters": parameters,
        "responses": {"200": ok, "default": _response(_ref("error"), "Error response.")},
    }


def _response(schema: Any, description: str = "Successful response.") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(schema: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A form body like Stripe's: inline, the resource's scalar fields plus nested objects."""
    fields = {
        key: {k: v for k, v in value.items() if k != "nullable"}
        for key, value in schema["properties"].items()
        if value.get("type") in ("string", "integer", "boolean") and key not in ("id", "object", "created")
    }
    fields["expand"] = {"type": "array", "items": {"type": "string", "maxLength": 5000}}
    fields["metadata"] = {"anyOf": [{"type": "object", "additionalProperties": {"type": "string"}}, {"type": "string", "enum": [""]}]}
    fields["settings"] = {
        "type": "object",
        "properties": {"rules": {"type": "array", "items": {"type": "object", "properties": {"target": {"type": "string"}}}}},
    }
    return {
        "required": False,
        "content": {
            "application/x-www-form-urlencoded": {
                "encoding": {"expand": {"explode": True, "style": "deepObject"}},
                "schema": {"type": "object", "additionalProperties": False, "properties": fields},
            }
        },
    }


def _limit() -> dict[str, Any]:
    return {"name": "limit", "in": "query", "schema": {"type": "integer"}, "description": "A limit on the number of objects."}


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


if __name__ == "__main__":
    out = write(Path(sys.argv[1]))
    print(f"{out}: {out.stat().st_size / 1e6:.1f} MB")
