"""One well-formed call and one call the spec forbids, per operation of the Acme spec.

Keyed by operationId; tests parametrised over the spec's operations look calls up here, so an
operation added to the spec without calls here fails them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # the spec's path template; {project_id} is filled in when sent
    json: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def send(self, client: httpx.Client, project: str = "proj_8f2k1", **headers: str) -> httpx.Response:
        body = self.json
        if isinstance(body, dict):
            body = {name: project if value == "{project_id}" else value for name, value in body.items()}
        kwargs: dict[str, Any] = {} if body is None else {"json": body}
        return client.request(
            self.method,
            self.path.format(project_id=project),
            params=self.params,
            headers={**self.headers, **headers},
            **kwargs,
        )


HAPPY: dict[str, Call] = {
    "getProject": Call("GET", "/projects/{project_id}"),
    "rotateProjectKey": Call("POST", "/projects/{project_id}/keys/rotate", json={"reason": "key leaked"}),
    "getUsage": Call("GET", "/projects/{project_id}/usage", params={"period": "current"}),
    "liftRateLimit": Call("POST", "/projects/{project_id}/rate-limit/lift", json={"hours": 6, "reason": "launch"}),
    "changePlan": Call("PUT", "/projects/{project_id}/plan", json={"plan": "starter"}),
    "applyCredit": Call(
        "POST", "/billing/credits", json={"project_id": "{project_id}", "amount": 20, "reason": "outage"}
    ),
    "updateInvoiceDetails": Call(
        "PATCH", "/projects/{project_id}/invoice-details", json={"billing_email": "finance@demoshop.test"}
    ),
    "createPaymentMethodLink": Call("POST", "/projects/{project_id}/payment-method/update-link"),
    "listRecentErrors": Call("GET", "/projects/{project_id}/errors", params={"hours": 24, "limit": 5}),
}

# Each breaks one rule the spec states for that operation.
FORBIDDEN: dict[str, Call] = {
    "getProject": Call("GET", "/projects/{project_id}", headers={"X-Customer-Id": ""}),
    "rotateProjectKey": Call("POST", "/projects/{project_id}/keys/rotate", json={}),
    "getUsage": Call("GET", "/projects/{project_id}/usage", params={"period": "last-year"}),
    "liftRateLimit": Call("POST", "/projects/{project_id}/rate-limit/lift", json={"hours": 73}),
    "changePlan": Call("PUT", "/projects/{project_id}/plan", json={"plan": "platinum"}),
    "applyCredit": Call(
        "POST", "/billing/credits", json={"project_id": "{project_id}", "amount": 501, "reason": "outage"}
    ),
    "updateInvoiceDetails": Call("PATCH", "/projects/{project_id}/invoice-details", json={}),
    "createPaymentMethodLink": Call(
        "POST", "/projects/proj_BAD/payment-method/update-link"
    ),
    "listRecentErrors": Call("GET", "/projects/{project_id}/errors", params={"limit": 21}),
}
