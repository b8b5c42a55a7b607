"""The Acme API's in-memory accounts and every operation on them, free of HTTP.

Each operation takes already validated input (the spec's request validation ran first) and
returns the JSON-able body of its answer, or raises `AcmeError`. New ids come from one
`random.Random`, so a given seed replays the same ids; times come from the injected clock.
"""

from __future__ import annotations

import calendar
import random
import string
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Callable

from chatgw.demo import data
from chatgw.demo.errors import AcmeError

Clock = Callable[[], datetime]

PAYMENT_LINK_LIFETIME = timedelta(hours=24)
_ALNUM = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"


@dataclass(slots=True)
class ApiKey:
    key_id: str
    suffix: str
    created_at: datetime | None = None
    revoked_at: datetime | None = None
    revoke_reason: str | None = None


@dataclass(slots=True)
class Project:
    id: str
    customer_id: str
    name: str
    plan: data.Plan
    previous_cap: int
    calls_current: int
    calls_previous: int
    invoice: dict[str, str | None]
    errors: tuple[data.ErrorSample, ...]
    keys: list[ApiKey] = field(default_factory=list)
    lifted_until: datetime | None = None
    payment_links: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Customer:
    id: str
    name: str
    credit_balance: float
    credits: list[dict[str, Any]] = field(default_factory=list)


class AcmeState:
    """Customers and projects of one running demo API."""

    def __init__(self, *, seed: int | None, clock: Clock) -> None:
        self._random = random.Random(seed)
        self._clock = clock
        self._issued: set[str] = set()
        self.customers = {c.id: Customer(c.id, c.name, c.credit_balance) for c in data.CUSTOMERS}
        self.projects = {p.id: _project(p) for p in data.PROJECTS}
        self._issued.update(key.key_id for project in self.projects.values() for key in project.keys)

    def get_project(self, customer_id: str, project_id: str) -> dict[str, Any]:
        project = self._project(customer_id, project_id)
        return {"id": project.id, "name": project.name, "plan": _plan(project.plan)}

    def rotate_key(self, customer_id: str, project_id: str, reason: str) -> dict[str, Any]:
        project = self._project(customer_id, project_id)
        now = self._now()
        for key in project.keys:
            if key.revoked_at is None:
                key.revoked_at, key.revoke_reason = now, reason
        key = ApiKey(self._fresh_id("key_", _ALNUM, 4), self._token(_ALNUM, 4), created_at=now)
        project.keys.append(key)
        return {"key_id": key.key_id, "key_suffix": key.suffix, "rotated_at": _timestamp(now)}

    def usage(self, customer_id: str, project_id: str, period: str) -> dict[str, Any]:
        project = self._project(customer_id, project_id)
        start, end = _month(self._now().date(), back=1 if period == "previous" else 0)
        if period == "previous":
            calls, cap = project.calls_previous, project.previous_cap
        else:
            calls, cap = project.calls_current, project.plan.monthly_call_cap
        return {
            "calls": calls,
            "cap": cap,
            "percent": round(calls * 100 / cap, 1),
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
        }

    def lift_rate_limit(
        self, customer_id: str, project_id: str, hours: int, percent: int = data.LIFT_PERCENT
    ) -> dict[str, Any]:
        project = self._project(customer_id, project_id)
        now = self._now()
        if project.lifted_until is not None and project.lifted_until > now:
            until = _timestamp(project.lifted_until)
            raise AcmeError(409, "lift_active", f"A rate-limit lift on {project.id} is active until {until}.")
        project.lifted_until = now + timedelta(hours=hours)
        return {
            "requests_per_minute": project.plan.requests_per_minute * (100 + percent) // 100,
            "lifted_until": _timestamp(project.lifted_until),
        }

    def change_plan(self, customer_id: str, project_id: str, plan_name: str) -> dict[str, Any]:
        project = self._project(customer_id, project_id)
        if project.plan.name == plan_name:
            raise AcmeError(422, "same_plan", f"{project.id} is already on the {plan_name} plan.")
        project.plan = data.PLANS[plan_name]
        return {**_plan(project.plan), "effective_at": _timestamp(self._now())}

    def apply_credit(self, customer_id: str, project_id: str, amount: float, reason: str, note: str | None) -> dict[str, Any]:
        project = self._project(customer_id, project_id)
        customer = self.customers[project.customer_id]
        amount = _money(amount)
        customer.credit_balance = _money(customer.credit_balance + amount)
        credit = {
            "credit_id": self._fresh_id("cr_", _HEX, 4),
            "amount": amount,
            "balance": customer.credit_balance,
        }
        customer.credits.append({**credit, "project_id": project.id, "reason": reason, "note": note})
        return credit

    def update_invoice_details(self, customer_id: str, project_id: str, changes: dict[str, str]) -> dict[str, Any]:
        project = self._project(customer_id, project_id)
        project.invoice.update(changes)
        return dict(project.invoice)

    def payment_method_link(self, customer_id: str, project_id: str) -> dict[str, Any]:
        project = self._project(customer_id, project_id)
        url = f"https://pay.acme.test/update/{self._fresh_id('', _HEX, 12)}"
        project.payment_links.append(url)
        return {"url": url, "expires_at": _timestamp(self._now() + PAYMENT_LINK_LIFETIME)}

    def recent_errors(self, customer_id: str, project_id: str, hours: int, limit: int) -> dict[str, Any]:
        project = self._project(customer_id, project_id)
        now = self._now()
        groups = []
        for sample in project.errors:
            ages = [age for age in _ages(sample) if age <= hours * 60]
            if ages:
                groups.append((sample, len(ages), min(ages)))
        groups.sort(key=lambda group: (-group[1], group[2], group[0].endpoint))
        return {
            "total": sum(count for _, count, _ in groups),
            "errors": [
                {
                    "status": sample.status,
                    "endpoint": sample.endpoint,
                    "count": count,
                    "last_seen": _timestamp(now - timedelta(minutes=newest)),
                    "message": sample.message,
                }
                for sample, count, newest in groups[:limit]
            ],
        }

    def _project(self, customer_id: str, project_id: str) -> Project:
        project = self.projects.get(project_id)
        if project is None or project.customer_id != customer_id:
            raise AcmeError.not_found(project_id)
        return project

    def _now(self) -> datetime:
        return self._clock()

    def _token(self, alphabet: str, length: int) -> str:
        return "".join(self._random.choice(alphabet) for _ in range(length))

    def _fresh_id(self, prefix: str, alphabet: str, length: int) -> str:
        while (candidate := prefix + self._token(alphabet, length)) in self._issued:
            pass
        self._issued.add(candidate)
        return candidate


def _project(seed: data.ProjectSeed) -> Project:
    plan = data.PLANS[seed.plan]
    invoice = seed.invoice
    return Project(
        id=seed.id,
        customer_id=seed.customer_id,
        name=seed.name,
        plan=plan,
        previous_cap=plan.monthly_call_cap,
        calls_current=seed.calls_current,
        calls_previous=seed.calls_previous,
        invoice={
            "company_name": invoice.company_name,
            "billing_email": invoice.billing_email,
            "vat_id": invoice.vat_id,
            "address": invoice.address,
        },
        errors=seed.errors,
        keys=[ApiKey(seed.key_id, seed.key_suffix)],
    )


def _plan(plan: data.Plan) -> dict[str, Any]:
    return {"name": plan.name, "monthly_price": plan.monthly_price, "monthly_call_cap": plan.monthly_call_cap}


def _ages(sample: data.ErrorSample) -> list[int]:
    """Minutes since each occurrence of a sample error, newest first."""
    if sample.count == 1:
        return [sample.newest]
    step = (sample.oldest - sample.newest) / (sample.count - 1)
    return [round(sample.newest + i * step) for i in range(sample.count)]


def _month(today: date, *, back: int) -> tuple[date, date]:
    """First and last day of the calendar month `back` months before today's."""
    year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
    month += 1
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _money(amount: float) -> float:
    """Dollars to the cent; whole amounts as ints, so `20` reads as 20, not 20.0."""
    cents = round(amount * 100)
    return cents // 100 if cents % 100 == 0 else cents / 100


def _timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC, to the second: 2025-03-14T09:26:53Z."""
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
