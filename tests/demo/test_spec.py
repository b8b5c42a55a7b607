"""The running Acme API serves exactly `schemas/acme.openapi.yaml`: its file, its operations,
and for each operation its success, its 404, 401 and 422 (every response checked by
`conformance.check`)."""

from __future__ import annotations

import httpx
import pytest
from fastapi.routing import APIRoute

from chatgw.demo import ACME_SPEC_PATH, create_acme_app
from tests.demo import conformance
from tests.demo.calls import FORBIDDEN, HAPPY
from tests.demo.conftest import TOKEN, connect

OPERATION_IDS = [operation_id for operation_id, _, _ in conformance.operations()]


def test_acme_serves_its_spec_file_byte_for_byte(acme):
    with connect(acme, token=None, customer=None) as client:
        response = client.get("/openapi.yaml")
    assert response.status_code == 200
    assert response.content == conformance.SPEC_PATH.read_bytes()
    assert response.headers["content-type"].startswith("application/yaml")


def test_acme_spec_path_is_the_repository_spec():
    assert ACME_SPEC_PATH == conformance.SPEC_PATH


@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc"])
def test_acme_serves_no_second_spec(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_acme_routes_are_exactly_the_spec_operations():
    app = create_acme_app(TOKEN)
    routes = {
        (route.name, method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute) and route.path != "/openapi.yaml"
        for method in route.methods
    }
    assert routes == set(conformance.operations())


def test_every_spec_operation_has_calls_in_these_tests():
    assert set(HAPPY) == set(OPERATION_IDS)
    assert set(FORBIDDEN) == set(OPERATION_IDS)
    for operation_id, method, template in conformance.operations():
        assert (HAPPY[operation_id].method, HAPPY[operation_id].path) == (method, template), operation_id


@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_operation_answers_its_happy_path_with_its_documented_success(client, operation_id):
    response = HAPPY[operation_id].send(client)
    success = [int(status) for status in conformance.operation(operation_id)["responses"] if status.startswith("2")]
    assert response.status_code in success, response.text


@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_operation_hides_projects_of_other_customers(client, operation_id):
    response = HAPPY[operation_id].send(client, project="proj_zz999")
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": "No project proj_zz999 on this account."}


@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_operation_answers_404_for_a_project_nobody_has(client, operation_id):
    response = HAPPY[operation_id].send(client, project="proj_00000")
    assert response.status_code == 404


@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_operation_refuses_a_wrong_token(acme, operation_id):
    with connect(acme, token="not-the-token") as client:
        response = HAPPY[operation_id].send(client)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_operation_rejects_a_request_the_spec_forbids(client, operation_id):
    response = FORBIDDEN[operation_id].send(client)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_operation_acts_for_the_customer_in_the_header(acme, operation_id):
    with connect(acme, customer="cus_other") as client:
        response = HAPPY[operation_id].send(client, project="proj_zz999")
    assert response.status_code < 300, response.text


def test_unknown_path_is_a_404_in_the_error_shape(client):
    response = client.get("/projects")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_wrong_method_is_a_405_in_the_error_shape(client):
    response = client.delete("/projects/proj_8f2k1")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["allow"]


def _answer(status: int, body: object, method: str = "GET", path: str = "/projects/proj_8f2k1") -> httpx.Response:
    request = httpx.Request(method, f"http://127.0.0.1:1{path}")
    return httpx.Response(status, json=body, request=request)


def test_conformance_check_catches_a_missing_property():
    with pytest.raises(AssertionError, match="monthly_call_cap"):
        conformance.check(_answer(200, {"id": "proj_8f2k1", "name": "x", "plan": {"name": "pro", "monthly_price": 49}}))


def test_conformance_check_catches_an_undocumented_property():
    plan = {"name": "pro", "monthly_price": 49, "monthly_call_cap": 1, "secret": "x"}
    with pytest.raises(AssertionError, match=r"body\.plan\.secret"):
        conformance.check(_answer(200, {"id": "proj_8f2k1", "name": "x", "plan": plan}))


def test_conformance_check_catches_an_undeclared_status():
    with pytest.raises(AssertionError, match="declares no such status"):
        conformance.check(_answer(409, {"error": {"code": "x", "message": "y"}}))


def test_conformance_check_catches_an_error_in_another_shape():
    with pytest.raises(AssertionError, match="Error shape"):
        conformance.check(_answer(401, {"detail": "Not authenticated"}))


def test_a_failing_operation_is_a_500_in_the_error_shape_not_a_traceback(acme_app, acme):
    def fail(*args: object) -> None:
        raise RuntimeError("planted failure")

    acme_app.state.acme.get_project = fail
    # A plain client: a 500 is in no spec, so the conformance hook would (rightly) refuse it.
    response = httpx.get(
        f"{acme}/projects/proj_8f2k1", headers={"Authorization": f"Bearer {TOKEN}", "X-Customer-Id": "cus_demo"}
    )
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "internal_error", "message": "The Acme API failed; the error is logged."}
    }
