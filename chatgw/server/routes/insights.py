"""`GET /v1/insights?since=7d` (operator only)."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Depends

from chatgw.server.errors import ApiError
from chatgw.server.gateway import Gateway
from chatgw.server.routes._deps import gateway, operator
from chatgw.store import insights as compute

router = APIRouter(dependencies=[Depends(operator)])


@router.get("/v1/insights")
async def insights(since: str = "7d", gw: Gateway = Depends(gateway)) -> dict[str, Any]:
    """Per action requests, successes, failures, handoffs and latency; deflection; tags; asks."""
    try:
        return await gw.store_calls.run(compute, gw.store, since=since, now=time.time())
    except ValueError as error:
        raise ApiError(400, "invalid_since", str(error)) from None
