"""Chat-time execution of compiled plans: render a request, send it, map the answer to a reply.

    render_text              Jinja in a sandbox; customer values are data, never source
    prepare_request          render -> coerce to the spec's types -> validate -> URL, headers, body
    HttpSender               live: credentials added last, retries only where repeating is safe
    MockSender, DryRunSender answers from the spec's examples / nothing sent at all
    run_action               steps in order, `when:` tests, reply selection and handoff

runtime/ sees compiled plans and OpenAPI operation records only, never config/ models.
"""

from chatgw.runtime.mock import DryRunSender, MockSender
from chatgw.runtime.redact import redact_headers
from chatgw.runtime.render import render_text
from chatgw.runtime.request import PreparedRequest, prepare_request
from chatgw.runtime.run import ActionOutcome, StepResult, run_action
from chatgw.runtime.send import HttpSender, Sender, UpstreamResult

__all__ = [
    "ActionOutcome",
    "DryRunSender",
    "HttpSender",
    "MockSender",
    "PreparedRequest",
    "Sender",
    "StepResult",
    "UpstreamResult",
    "prepare_request",
    "redact_headers",
    "render_text",
    "run_action",
]
