"""What each Acme operation does to the demo's accounts, and its refusals."""

from __future__ import annotations

import re

from tests.demo.conftest import connect

STOREFRONT = "/projects/proj_8f2k1"
TOOLS = "/projects/proj_ab12c"


def test_get_project_shows_its_name_and_plan(client):
    response = client.get(STOREFRONT)
    assert response.json() == {
        "id": "proj_8f2k1",
        "name": "Storefront",
        "plan": {"name": "pro", "monthly_price": 49, "monthly_call_cap": 1_000_000},
    }


def test_get_project_shows_a_starter_project_as_free(client):
    assert client.get(TOOLS).json()["plan"] == {"name": "starter", "monthly_price": 0, "monthly_call_cap": 100_000}


def test_unknown_customer_has_no_projects(acme):
    with connect(acme, customer="cus_nobody") as client:
        assert client.get(STOREFRONT).status_code == 404


def test_missing_customer_header_is_a_422(acme):
    with connect(acme, customer=None) as client:
        response = client.get(STOREFRONT)
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "Missing required header parameter X-Customer-Id."


def test_malformed_project_id_is_a_422_naming_the_pattern(client):
    response = client.get("/projects/storefront")
    assert response.status_code == 422
    assert "project_id" in response.json()["error"]["message"]


def test_rotate_key_issues_a_new_key_id_and_a_four_character_suffix(client, clock):
    first = client.post(f"{STOREFRONT}/keys/rotate", json={"reason": "leaked"}).json()
    second = client.post(f"{STOREFRONT}/keys/rotate", json={"reason": "leaked again"}).json()
    assert re.fullmatch(r"key_[A-Za-z0-9]{4}", first["key_id"])
    assert re.fullmatch(r"[A-Za-z0-9]{4}", first["key_suffix"])
    assert first["key_id"] not in ("key_7Hq2", second["key_id"])
    assert first["rotated_at"] == "2025-03-14T09:30:00Z"


def test_rotate_key_revokes_the_previous_key(acme_app, client):
    client.post(f"{STOREFRONT}/keys/rotate", json={"reason": "support-chat"})
    keys = acme_app.state.acme.projects["proj_8f2k1"].keys
    assert [(key.key_id, key.revoke_reason) for key in keys[:1]] == [("key_7Hq2", "support-chat")]
    assert [key.revoked_at is None for key in keys] == [False, True]


def test_rotate_key_refuses_an_unknown_body_field(client):
    response = client.post(f"{STOREFRONT}/keys/rotate", json={"reason": "x", "force": True})
    assert response.status_code == 422
    assert "'force' was unexpected" in response.json()["error"]["message"]


def test_usage_reports_calls_against_the_plan_cap_this_month(client):
    assert client.get(f"{STOREFRONT}/usage").json() == {
        "calls": 812_345,
        "cap": 1_000_000,
        "percent": 81.2,
        "period_start": "2025-03-01",
        "period_end": "2025-03-31",
    }


def test_usage_of_the_previous_period_covers_last_month(client):
    usage = client.get(f"{STOREFRONT}/usage", params={"period": "previous"}).json()
    assert (usage["calls"], usage["period_start"], usage["period_end"]) == (954_120, "2025-02-01", "2025-02-28")


def test_usage_previous_period_of_january_is_last_december(client, clock):
    clock.now = clock.now.replace(month=1, day=9)
    usage = client.get(f"{STOREFRONT}/usage", params={"period": "previous"}).json()
    assert (usage["period_start"], usage["period_end"]) == ("2024-12-01", "2024-12-31")


def test_usage_cap_follows_a_plan_change_in_the_current_period_only(client):
    client.put(f"{TOOLS}/plan", json={"plan": "pro"})
    assert client.get(f"{TOOLS}/usage").json()["cap"] == 1_000_000
    assert client.get(f"{TOOLS}/usage", params={"period": "previous"}).json()["cap"] == 100_000


def test_usage_of_a_project_near_its_cap(client):
    assert client.get(f"{TOOLS}/usage").json()["percent"] == 97.4


def test_lift_doubles_the_plan_limit_until_now_plus_hours(client):
    response = client.post(f"{STOREFRONT}/rate-limit/lift", json={"hours": 6})
    assert response.status_code == 200
    assert response.json() == {"requests_per_minute": 6_000, "lifted_until": "2025-03-14T15:30:00Z"}


def test_lift_on_a_starter_project(client):
    assert client.post(f"{TOOLS}/rate-limit/lift", json={"hours": 1}).json()["requests_per_minute"] == 1_200


def test_second_lift_while_one_is_active_is_a_409(client, clock):
    client.post(f"{STOREFRONT}/rate-limit/lift", json={"hours": 2})
    clock.advance(hours=1, minutes=59)
    response = client.post(f"{STOREFRONT}/rate-limit/lift", json={"hours": 24})
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "lift_active",
        "message": "A rate-limit lift on proj_8f2k1 is active until 2025-03-14T11:30:00Z.",
    }


def test_lift_is_possible_again_once_the_previous_one_ended(client, clock):
    client.post(f"{STOREFRONT}/rate-limit/lift", json={"hours": 2})
    clock.advance(hours=2)
    response = client.post(f"{STOREFRONT}/rate-limit/lift", json={"hours": 1})
    assert response.status_code == 200
    assert response.json()["lifted_until"] == "2025-03-14T12:30:00Z"


def test_lift_on_one_project_leaves_the_other_alone(client):
    client.post(f"{STOREFRONT}/rate-limit/lift", json={"hours": 2})
    assert client.post(f"{TOOLS}/rate-limit/lift", json={"hours": 2}).status_code == 200


def test_lift_refuses_hours_outside_1_to_72(client):
    for hours in (0, 73):
        response = client.post(f"{STOREFRONT}/rate-limit/lift", json={"hours": hours})
        assert response.status_code == 422, hours
        assert response.json()["error"]["message"].startswith("body.hours: ")


def test_lift_refuses_hours_as_text(client):
    assert client.post(f"{STOREFRONT}/rate-limit/lift", json={"hours": "6"}).status_code == 422


def test_change_plan_moves_the_project_and_says_since_when(client):
    response = client.put(f"{STOREFRONT}/plan", json={"plan": "enterprise"})
    assert response.json() == {
        "name": "enterprise",
        "monthly_price": 499,
        "monthly_call_cap": 20_000_000,
        "effective_at": "2025-03-14T09:30:00Z",
    }
    assert client.get(STOREFRONT).json()["plan"]["name"] == "enterprise"


def test_change_plan_to_the_current_plan_is_a_422(client):
    response = client.put(f"{STOREFRONT}/plan", json={"plan": "pro"})
    assert response.status_code == 422
    assert response.json()["error"] == {"code": "same_plan", "message": "proj_8f2k1 is already on the pro plan."}


def test_change_plan_changes_the_lifted_limit(client):
    client.put(f"{TOOLS}/plan", json={"plan": "enterprise"})
    assert client.post(f"{TOOLS}/rate-limit/lift", json={"hours": 1}).json()["requests_per_minute"] == 24_000


def test_credit_is_created_and_the_balance_accumulates(client):
    first = client.post("/billing/credits", json={"project_id": "proj_8f2k1", "amount": 20, "reason": "outage"})
    second = client.post(
        "/billing/credits",
        json={"project_id": "proj_ab12c", "amount": 5.5, "reason": "goodwill", "note": "sorry"},
    )
    assert first.status_code == second.status_code == 201
    assert (first.json()["amount"], first.json()["balance"]) == (20, 20)
    assert (second.json()["amount"], second.json()["balance"]) == (5.5, 25.5)
    assert re.fullmatch(r"cr_[0-9a-f]{4}", first.json()["credit_id"])
    assert first.json()["credit_id"] != second.json()["credit_id"]


def test_credit_balance_is_per_customer(acme, client):
    client.post("/billing/credits", json={"project_id": "proj_8f2k1", "amount": 20, "reason": "outage"})
    with connect(acme, customer="cus_other") as other:
        response = other.post("/billing/credits", json={"project_id": "proj_zz999", "amount": 1, "reason": "outage"})
    assert response.json()["balance"] == 1


def test_credit_amounts_are_kept_to_the_cent(client):
    body = {"project_id": "proj_8f2k1", "amount": 7.256, "reason": "billing_error"}
    assert client.post("/billing/credits", json=body).json()["amount"] == 7.26


def test_credit_refuses_an_unknown_reason(client):
    body = {"project_id": "proj_8f2k1", "amount": 20, "reason": "because"}
    response = client.post("/billing/credits", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith("body.reason: ")


def test_credit_for_another_customers_project_changes_no_balance(acme_app, client):
    client.post("/billing/credits", json={"project_id": "proj_zz999", "amount": 20, "reason": "outage"})
    customers = acme_app.state.acme.customers
    assert (customers["cus_demo"].credit_balance, customers["cus_other"].credit_balance) == (0, 0)


def test_invoice_details_change_only_the_fields_sent(client):
    response = client.patch(f"{STOREFRONT}/invoice-details", json={"billing_email": "finance@demoshop.test"})
    assert response.json() == {
        "company_name": "Demo Shop Ltd",
        "billing_email": "finance@demoshop.test",
        "vat_id": None,
        "address": "1 Market Street, Springfield",
    }
    second = client.patch(f"{STOREFRONT}/invoice-details", json={"vat_id": "GB123456789"})
    assert second.json()["billing_email"] == "finance@demoshop.test"
    assert second.json()["vat_id"] == "GB123456789"


def test_invoice_details_refuse_a_bad_email_and_vat_id(client):
    response = client.patch(f"{STOREFRONT}/invoice-details", json={"billing_email": "nope", "vat_id": "123"})
    assert response.status_code == 422
    message = response.json()["error"]["message"]
    assert "body.billing_email: 'nope' is not a 'email'" in message
    assert "body.vat_id: " in message


def test_payment_link_is_a_one_time_https_url_valid_for_a_day(client):
    first = client.post(f"{STOREFRONT}/payment-method/update-link")
    second = client.post(f"{STOREFRONT}/payment-method/update-link")
    assert first.status_code == 201
    assert re.fullmatch(r"https://pay\.acme\.test/update/[0-9a-f]{12}", first.json()["url"])
    assert first.json()["url"] != second.json()["url"]
    assert first.json()["expires_at"] == "2025-03-15T09:30:00Z"


def test_recent_errors_list_the_most_frequent_first(client):
    body = client.get(f"{STOREFRONT}/errors").json()
    assert body["total"] == 17 + 9 + 6 + 4 + 3
    assert [(group["status"], group["count"]) for group in body["errors"]] == [
        (429, 17), (500, 9), (401, 6), (422, 4), (404, 3)
    ]
    assert body["errors"][0] == {
        "status": 429,
        "endpoint": "POST /v1/orders",
        "count": 17,
        "last_seen": "2025-03-14T09:26:00Z",
        "message": "rate limit exceeded",
    }


def test_recent_errors_honour_the_window(client):
    body = client.get(f"{STOREFRONT}/errors", params={"hours": 1}).json()
    assert [(group["status"], group["count"]) for group in body["errors"]] == [(429, 1), (500, 1)]
    assert body["total"] == 2
    week = client.get(f"{STOREFRONT}/errors", params={"hours": 168, "limit": 20}).json()
    assert week["total"] == 17 + 9 + 6 + 5 + 3 + 4
    assert len(week["errors"]) == 6


def test_recent_errors_limit_cuts_the_list_but_not_the_total(client):
    body = client.get(f"{STOREFRONT}/errors", params={"limit": 2}).json()
    assert len(body["errors"]) == 2
    assert body["total"] == 39


def test_recent_errors_of_a_quiet_project_are_empty(client):
    assert client.get(f"{TOOLS}/errors").json() == {"total": 0, "errors": []}
    assert client.get(f"{TOOLS}/errors", params={"hours": 48}).json()["total"] == 3


def test_recent_errors_refuse_a_window_over_a_week(client):
    assert client.get(f"{STOREFRONT}/errors", params={"hours": 169}).status_code == 422


def test_body_that_is_not_json_is_a_422(client):
    response = client.post(
        f"{STOREFRONT}/rate-limit/lift", content=b"{hours: 6", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "The request body is not valid JSON."


def test_body_of_another_media_type_is_a_415(client):
    response = client.post(f"{STOREFRONT}/rate-limit/lift", content=b"hours=6", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_missing_body_is_a_422(client):
    response = client.post(f"{STOREFRONT}/rate-limit/lift")
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "The request needs a JSON body."

