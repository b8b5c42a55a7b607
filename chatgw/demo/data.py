"""The seed of the demo's Acme Cloud: plans, customers, their projects and sample error logs.

Plain frozen records; `state.AcmeState` copies them into its mutable accounts at start-up.
Prices and limits match what the `plans_and_pricing` and `explain_rate_limits` answer actions
tell customers (a test keeps them in step).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Plan:
    name: str
    monthly_price: int  # US dollars
    monthly_call_cap: int
    requests_per_minute: int


@dataclass(frozen=True, slots=True)
class ErrorSample:
    """`count` occurrences of one error, spread evenly between `newest` and `oldest` minutes ago."""

    status: int
    endpoint: str
    message: str
    count: int
    newest: int
    oldest: int


@dataclass(frozen=True, slots=True)
class InvoiceSeed:
    company_name: str | None = None
    billing_email: str | None = None
    vat_id: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True)
class ProjectSeed:
    id: str
    customer_id: str
    name: str
    plan: str
    key_id: str
    key_suffix: str
    calls_current: int
    calls_previous: int
    invoice: InvoiceSeed
    errors: tuple[ErrorSample, ...] = ()


@dataclass(frozen=True, slots=True)
class CustomerSeed:
    id: str
    name: str
    credit_balance: float = 0


PLANS: dict[str, Plan] = {
    plan.name: plan
    for plan in (
        Plan("starter", 0, 100_000, 600),
        Plan("pro", 49, 1_000_000, 3_000),
        Plan("enterprise", 499, 20_000_000, 12_000),
    )
}

# A lift raises the plan's per-minute limit by this many percent unless the request says.
LIFT_PERCENT = 100

CUSTOMERS: tuple[CustomerSeed, ...] = (
    CustomerSeed("cus_demo", "Demo Shop Ltd"),
    CustomerSeed("cus_other", "Other Corp"),
)

PROJECTS: tuple[ProjectSeed, ...] = (
    ProjectSeed(
        id="proj_8f2k1",
        customer_id="cus_demo",
        name="Storefront",
        plan="pro",
        key_id="key_7Hq2",
        key_suffix="x9Qa",
        calls_current=812_345,
        calls_previous=954_120,
        invoice=InvoiceSeed(
            company_name="Demo Shop Ltd",
            billing_email="billing@demoshop.test",
            address="1 Market Street, Springfield",
        ),
        errors=(
            ErrorSample(429, "POST /v1/orders", "rate limit exceeded", 17, 4, 1_150),
            ErrorSample(500, "GET /v1/orders/{id}", "internal server error", 9, 38, 1_310),
            ErrorSample(401, "GET /v1/products", "invalid API key", 6, 95, 610),
            ErrorSample(422, "POST /v1/checkout", "invalid field: currency", 5, 180, 1_700),
            ErrorSample(404, "GET /v1/customers/{id}", "customer not found", 3, 420, 980),
            ErrorSample(504, "POST /v1/webhooks/deliver", "upstream timeout", 4, 2_900, 6_100),
        ),
    ),
    ProjectSeed(
        id="proj_ab12c",
        customer_id="cus_demo",
        name="Internal tools",
        plan="starter",
        key_id="key_3mPz",
        key_suffix="Lw4e",
        calls_current=97_412,
        calls_previous=88_930,
        invoice=InvoiceSeed(company_name="Demo Shop Ltd", billing_email="it@demoshop.test"),
        errors=(ErrorSample(502, "GET /v1/reports", "bad gateway", 3, 1_800, 2_400),),
    ),
    ProjectSeed(
        id="proj_zz999",
        customer_id="cus_other",
        name="Partner portal",
        plan="enterprise",
        key_id="key_Qq81",
        key_suffix="7tYb",
        calls_current=3_120_554,
        calls_previous=4_870_001,
        invoice=InvoiceSeed(company_name="Other Corp", billing_email="ap@other.test", vat_id="DE123456789"),
        errors=(ErrorSample(503, "GET /v1/search", "service unavailable", 11, 12, 700),),
    ),
)
