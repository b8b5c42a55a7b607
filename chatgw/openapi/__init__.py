"""The product API's OpenAPI spec: loading, operation lookup and schema helpers.

    spec = load_spec(Path("schemas/acme.openapi.yaml"))
    operation = spec.operation("rotateProjectKey") or spec.operation("POST /projects/{id}/keys")

Schemas inside an `Operation` are fully inlined and normalised to JSON Schema 2020-12; the
functions of `chatgw.openapi.schema` read them.
"""

from chatgw.openapi.loader import Spec, load_spec
from chatgw.openapi.model import Operation, Parameter, ParameterLocation, RequestBody, Response

__all__ = [
    "Operation",
    "Parameter",
    "ParameterLocation",
    "RequestBody",
    "Response",
    "Spec",
    "load_spec",
]
