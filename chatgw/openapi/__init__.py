"""The product API's OpenAPI spec: loading, operation lookup and schema helpers.

    spec = load_spec(Path("schemas/acme.openapi.yaml"))
    operation = spec.operation("rotateProjectKey") or spec.operation("POST /projects/{id}/keys")

Schemas inside an `Operation` have their `$ref`s resolved into a graph of shared dicts (a
recursive schema is a cycle) and are normalised to JSON Schema 2020-12; the functions of
`chatgw.openapi.schema` read them. Problems of the spec are `Spec.findings` (`SpecProblem`s).
"""

from chatgw.openapi.loader import Spec, load_spec
from chatgw.openapi.model import Operation, Parameter, ParameterLocation, RequestBody, Response
from chatgw.openapi.problems import SpecProblem

__all__ = [
    "Operation",
    "Parameter",
    "ParameterLocation",
    "RequestBody",
    "Response",
    "Spec",
    "SpecProblem",
    "load_spec",
]
