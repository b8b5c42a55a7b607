"""The MCP server: chatgw's tools on the official SDK's low-level `Server`.

The low-level server, not MCPServer (FastMCP): our tools are data (JSON Schemas compiled
from the spec), not Python functions whose signatures would have to be generated; the low-level
API lists and calls them as they are, and lets a call answer with an elicitation round.

Confirmation is enforced here, whatever the client does: a state-changing tool runs only with
a token for its exact request. A client that can elicit is asked through elicitation (the
2026-07-28 input-required round, whose request state is the token, or a form request on an
older session); any other client gets the token in the result, to repeat the call with.
"""

from __future__ import annotations

from typing import Any, Callable

import mcp_types as types
from mcp.server import Server, ServerRequestContext
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from chatgw.compiler.tools import ToolDefinition
from chatgw.mcp.arguments import CONFIRMATION
from chatgw.mcp.calls import Caller, ToolCallError, ToolCalls, ToolResult

# caller(ctx): the verified caller of one request; raises ToolCallError when there is none
CallerOf = Callable[[ServerRequestContext[Any]], Caller]

_ASK = "confirm"  # the key of the elicitation round
_CONFIRM_SCHEMA = {
    "type": "object",
    "properties": {"confirm": {"type": "boolean", "title": "Go ahead?", "description": "Yes: send exactly this request once"}},
    "required": ["confirm"],
}
DECLINED = "The customer did not confirm. Nothing was sent."


def build_server(calls: Callable[[], ToolCalls], caller_of: CallerOf, *, name: str, instructions: str) -> Server[Any]:
    """A low-level MCP server over `calls()` (read per request, so a reload takes effect)."""

    async def list_tools(ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[mcp_tool(tool) for tool in calls().tools])

    async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult | types.InputRequiredResult:
        try:
            caller = caller_of(ctx)
            toolbox = calls()
            tool = toolbox.tool(params.name)
            arguments = dict(params.arguments or {})
            if tool.confirm and CONFIRMATION not in arguments and _can_elicit(ctx):
                return await _elicit(ctx, toolbox, tool, arguments, caller, params)
            return _answer(await toolbox.call(params.name, arguments, caller))
        except ToolCallError as error:
            return _refusal(str(error))

    return Server(name, instructions=instructions, on_list_tools=list_tools, on_call_tool=call_tool)


def mcp_tool(tool: ToolDefinition) -> types.Tool:
    """A tool definition as MCP lists it: hints on top of the server's own enforcement."""
    schema = dict(tool.input_schema)
    if tool.confirm:
        properties = dict(schema["properties"])
        properties[CONFIRMATION] = {
            "type": "string",
            "description": "Leave out at first: the result then says what would be done, for the customer to "
            "confirm, and gives this token. Repeat the call with the same arguments and the token to do it.",
        }
        schema["properties"] = properties
    return types.Tool(
        name=tool.name,
        title=tool.title,
        description=tool.description,
        input_schema=schema,
        output_schema=result_schema(tool),
        annotations=types.ToolAnnotations(
            title=tool.title, read_only_hint=tool.read_only, destructive_hint=tool.destructive,
            idempotent_hint=tool.idempotent, open_world_hint=True,
        ),
    )


def result_schema(tool: ToolDefinition) -> dict[str, Any]:
    """The structured result of every call: how it went, what to say, and the answer fields."""
    properties: dict[str, Any] = {
        "status": {"enum": ["confirmation_required", "done", "failed", "handed_off"]},
        "reply": {"type": "string", "description": "what to tell the customer"},
        "http_status": {"type": ["integer", "null"]},
    }
    if tool.confirm:
        properties |= {
            "confirm": {"type": "string", "description": "the question to put to the customer"},
            "request": {"type": "object", "description": "the request that would be sent, credentials redacted"},
            CONFIRMATION: {"type": "string"},
            "expires_at": {"type": "number", "description": "unix time"},
        }
    properties |= tool.output_schema.get("properties", {})
    return {"type": "object", "properties": properties, "required": ["status", "reply"]}


async def _elicit(
    ctx: ServerRequestContext[Any], toolbox: ToolCalls, tool: ToolDefinition, arguments: dict[str, Any],
    caller: Caller, params: types.CallToolRequestParams,
) -> types.CallToolResult | types.InputRequiredResult:
    if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS:
        answer = (params.input_responses or {}).get(_ASK)
        if params.request_state is None or answer is None:
            proposal = toolbox.propose(tool, arguments, caller)
            ask = types.ElicitRequest(params=types.ElicitRequestFormParams(message=proposal.confirm, requested_schema=_CONFIRM_SCHEMA))
            return types.InputRequiredResult(input_requests={_ASK: ask}, request_state=proposal.token)
        if not _accepted(answer):
            return _answer(ToolResult(DECLINED, {"status": "failed", "reply": DECLINED, "http_status": None}))
        # The token in the request state binds the run to the request the customer was shown.
        return _answer(await toolbox.run(tool, arguments, caller, params.request_state))
    proposal = toolbox.propose(tool, arguments, caller)
    answer = await ctx.session.elicit_form(proposal.confirm, _CONFIRM_SCHEMA, related_request_id=ctx.request_id)
    if not _accepted(answer):
        return _answer(ToolResult(DECLINED, {"status": "failed", "reply": DECLINED, "http_status": None}))
    return _answer(await toolbox.run(tool, arguments, caller, proposal.token))


def _can_elicit(ctx: ServerRequestContext[Any]) -> bool:
    capabilities = ctx.session.client_capabilities
    elicitation = capabilities.elicitation if capabilities is not None else None
    if elicitation is None:
        return False
    # Clients of 2025-06-18 declare `elicitation: {}`: form mode is implied.
    form = elicitation.form is not None or elicitation.url is None
    return form and (ctx.protocol_version in MODERN_PROTOCOL_VERSIONS or ctx.session.can_send_request)


def _accepted(answer: Any) -> bool:
    return isinstance(answer, types.ElicitResult) and answer.action == "accept" and (answer.content or {}).get("confirm") is True


def _answer(result: ToolResult) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=result.text)], structured_content=result.data)


def _refusal(reason: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=reason)], is_error=True)
