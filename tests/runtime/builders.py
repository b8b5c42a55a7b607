"""Small constructors for operations and plans, so tests need neither YAML nor the compiler."""

from __future__ import annotations

from typing import Any

from chatgw.compiler.plans import ActionPlan, AuthPlan, CallPlan, ReplyPlan, UpstreamPlan
from chatgw.openapi.model import Operation, Parameter, RequestBody, Response

STRING = {"type": "string"}
INTEGER = {"type": "integer"}


def operation(
    method: str = "GET",
    path: str = "/things",
    *,
    operation_id: str | None = None,
    parameters: tuple[Parameter, ...] = (),
    body: dict[str, Any] | None = None,
    media_type: str = "application/json",
    responses: dict[str, Response] | None = None,
    tags: tuple[str, ...] = (),
) -> Operation:
    return Operation(
        method=method,
        path=path,
        operation_id=operation_id,
        parameters=parameters,
        request_body=RequestBody(required=True, media_type=media_type, schema=body) if body is not None else None,
        responses=responses if responses is not None else {"200": Response("200", "ok", None)},
        tags=tags,
    )


def path_param(name: str, schema: dict[str, Any] | None = None) -> Parameter:
    return Parameter(name=name, location="path", required=True, schema=schema or STRING)


def query_param(name: str, schema: dict[str, Any] | None = None, *, required: bool = False, **style: Any) -> Parameter:
    return Parameter(name=name, location="query", required=required, schema=schema or STRING, **style)


def header_param(name: str, schema: dict[str, Any] | None = None, *, required: bool = False) -> Parameter:
    return Parameter(name=name, location="header", required=required, schema=schema or STRING)


def upstream_plan(url: str = "http://api.test/v1", *, retries: int = 0, timeout: float = 5.0, auth: AuthPlan | None = None) -> UpstreamPlan:
    return UpstreamPlan(base_url=url, auth=auth or AuthPlan(), timeout=timeout, retries=retries)


def action(*steps: CallPlan, reply: ReplyPlan | None = None, answer: str | None = None) -> ActionPlan:
    return ActionPlan(
        name="test_action",
        description="an action built by a test",
        source="actions/test_action.yaml",
        examples=("do the thing",),
        steps=steps,
        answer=answer,
        reply=reply or ReplyPlan(),
    )


def context(**slots: Any) -> dict[str, Any]:
    return {"slots": slots, "identity": {}, "steps": {}, "response": None}
