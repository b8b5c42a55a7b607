"""Chat-time execution of compiled plans: render a request, send it, map the answer to a reply.

    render_text              Jinja in a sandbox; customer values are data, never source
    prepare_request          render -> coerce to the spec's types -> validate -> URL, headers, body
    HttpSender               live: credentials added last, retries only where repeating is safe
    MockSender, DryRunSender answers from the spec's examples / nothing sent at all
    run_action               steps in order, `when:` tests, reply selection and handoff;
                             a SendGuard sees each request before and after it leaves
    run_key, idempotency_key deterministic names of a confirmed run and of its requests

runtime/ sees compiled plans and OpenAPI operation records only, never config/ models.
"""

from chatgw.runtime.mock import DryRunSender, MockSender
from chatgw.runtime.redact import redact_headers
from chatgw.runtime.render import render_text
from chatgw.runtime.request import PreparedRequest, prepare_request
from chatgw.runtime.keys import idempotency_key, request_digest, run_key
from chatgw.runtime.run import ActionOutcome, SendGuard, SendRefused, StepResult, run_action
from chatgw.runtime.send import HttpSender, Sender, UpstreamResult

__all__ = [
    "ActionOutcome",
    "DryRunSender",
    "HttpSender",
    "MockSender",
    "PreparedRequest",
    "SendGuard",
    "SendRefused",
    "Sender",
    "StepResult",
    "UpstreamResult",
    "idempotency_key",
    "prepare_request",
    "redact_headers",
    "render_text",
    "request_digest",
    "run_action",
    "run_key",
]
