"""`/healthz` (the process answers), `/readyz` (plans loaded, store reachable), `/metrics`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response
from sqlalchemy.exc import SQLAlchemyError

from chatgw.server.errors import ApiError
from chatgw.server.gateway import Gateway
from chatgw.server.routes._deps import gateway

router = APIRouter()


@router.get("/healthz")
async def healthz() -> dict[str, Any]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    try:
        await gw.store_calls.run(gw.store.ping)
    except SQLAlchemyError:
        raise ApiError(503, "store_unavailable", "the store cannot be reached") from None
    return {"status": "ready", "project": gw.plans.project.name, "actions": len(gw.plans.project.actions)}


@router.get("/metrics")
async def metrics(gw: Gateway = Depends(gateway)) -> Response:
    return Response(gw.metrics.render(), media_type=gw.metrics.content_type)
