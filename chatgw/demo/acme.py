"""The Acme Cloud API: a small stateful FastAPI app that serves exactly `schemas/acme.openapi.yaml`.

Every request goes through the same gate, in this order: the bearer token (401), then the
spec's request validation (422, or 415 for a body that is not JSON), then the operation, which
may refuse with 404 (no such project for this customer), 409 or 422. Every refusal is the
spec's `{"error": {"code", "message"}}`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from openapi_core import OpenAPI
from starlette.exceptions import HTTPException

from chatgw.demo import data
from chatgw.demo.errors import AcmeError
from chatgw.demo.spec import ACME_SPEC_PATH, Checked, check_request, load_spec
from chatgw.demo.state import AcmeState, Clock


def create_acme_app(
    token: str,
    *,
    seed: int | None = None,
    clock: Clock | None = None,
    spec_path: Path = ACME_SPEC_PATH,
) -> FastAPI:
    """The demo Acme API, answering callers that send `Authorization: Bearer <token>`.

    `seed` makes new ids (keys, credits, payment links) replay exactly; None draws fresh ones.
    `clock` returns the current time (aware, UTC); tests pass a fixed one.
    """
    if not token:
        raise ValueError("the Acme API needs a non-empty token")
    spec = load_spec(spec_path)
    spec_bytes = spec_path.read_bytes()
    state = AcmeState(seed=seed, clock=clock or _utc_now)
    app = FastAPI(title="Acme Cloud API (chatgw demo)", openapi_url=None, docs_url=None, redoc_url=None)
    app.state.acme = state
    app.state.acme_gate = _Gate(f"Bearer {token}".encode(), spec)
    app.add_exception_handler(AcmeError, _acme_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)

    @app.get("/openapi.yaml")
    async def openapi_yaml() -> Response:
        return Response(spec_bytes, media_type="application/yaml")

    @app.get("/projects/{project_id}", name="getProject")
    async def get_project(call: Call) -> JSONResponse:
        return _ok(state.get_project(call.customer_id, call.path["project_id"]))

    @app.post("/projects/{project_id}/keys/rotate", name="rotateProjectKey")
    async def rotate_project_key(call: Call) -> JSONResponse:
        return _ok(state.rotate_key(call.customer_id, call.path["project_id"], call.body["reason"]))

    @app.get("/projects/{project_id}/usage", name="getUsage")
    async def get_usage(call: Call) -> JSONResponse:
        return _ok(state.usage(call.customer_id, call.path["project_id"], call.query.get("period", "current")))

    @app.post("/projects/{project_id}/rate-limit/lift", name="liftRateLimit")
    async def lift_rate_limit(call: Call) -> JSONResponse:
        body = call.body
        return _ok(state.lift_rate_limit(call.customer_id, call.path["project_id"], body["hours"], body.get("percent", data.LIFT_PERCENT)))

    @app.put("/projects/{project_id}/plan", name="changePlan")
    async def change_plan(call: Call) -> JSONResponse:
        return _ok(state.change_plan(call.customer_id, call.path["project_id"], call.body["plan"]))

    @app.post("/billing/credits", name="applyCredit")
    async def apply_credit(call: Call) -> JSONResponse:
        body = call.body
        credit = state.apply_credit(
            call.customer_id, body["project_id"], body["amount"], body["reason"], body.get("note")
        )
        return _ok(credit, status=201)

    @app.patch("/projects/{project_id}/invoice-details", name="updateInvoiceDetails")
    async def update_invoice_details(call: Call) -> JSONResponse:
        return _ok(state.update_invoice_details(call.customer_id, call.path["project_id"], dict(call.body)))

    @app.post("/projects/{project_id}/payment-method/update-link", name="createPaymentMethodLink")
    async def create_payment_method_link(call: Call) -> JSONResponse:
        return _ok(state.payment_method_link(call.customer_id, call.path["project_id"]), status=201)

    @app.get("/projects/{project_id}/errors", name="listRecentErrors")
    async def list_recent_errors(call: Call) -> JSONResponse:
        hours, limit = call.query.get("hours", 24), call.query.get("limit", 5)
        return _ok(state.recent_errors(call.customer_id, call.path["project_id"], hours, limit))

    return app


@dataclass(frozen=True, slots=True)
class _Gate:
    authorization: bytes
    spec: OpenAPI


async def _checked(request: Request) -> Checked:
    """The bearer token, then the spec's request validation."""
    gate: _Gate = request.app.state.acme_gate
    sent = request.headers.get("authorization", "").encode()
    if not hmac.compare_digest(sent, gate.authorization):
        raise AcmeError.unauthorized()
    return await check_request(gate.spec, request)


Call = Annotated[Checked, Depends(_checked)]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _ok(body: Any, *, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status)


async def _acme_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, AcmeError)
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    """Routing refusals (unknown path, wrong method) in the spec's error shape."""
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        refusal = AcmeError(404, "not_found", f"No such endpoint: {request.url.path}")
    elif error.status_code == 405:
        refusal = AcmeError(405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path}")
    else:
        refusal = AcmeError(error.status_code, "http_error", str(error.detail))
    return JSONResponse(refusal.body(), status_code=refusal.status, headers=dict(error.headers or {}))


async def _internal_error(request: Request, error: Exception) -> JSONResponse:
    refusal = AcmeError(500, "internal_error", "The Acme API failed; the error is logged.")
    return JSONResponse(refusal.body(), status_code=500)
