"""chatgw's tools for LLM agents over MCP, with chatgw's guarantees in front of every call.

    ToolCalls      a tool call through the runtime a confirmed chat action takes (calls.py):
                   typed argument checks, identity from verified claims only, confirmation
                   tokens for state-changing tools (tokens.py), the write-ahead record, the store
    build_server   the low-level MCP server over ToolCalls, with elicitation where the client can
    McpEndpoint    streamable HTTP (stateless), mounted by the gateway at /mcp (bearer verified)
    serve_stdio    stdio, for `chatgw mcp --as claim=value`

mcp/ is an entry-point layer like server/: it uses engine/, runtime/, compiler/ and store/,
and is given what it needs of the server (identity verification, the journal) by whoever
mounts it; it never imports server/ or cli/.
"""

from chatgw.mcp.calls import Caller, ToolCallError, ToolCalls, ToolResult
from chatgw.mcp.http import McpEndpoint, http_caller
from chatgw.mcp.server import build_server
from chatgw.mcp.stdio import serve_stdio
from chatgw.mcp.tokens import TokenKeys

__all__ = [
    "Caller",
    "McpEndpoint",
    "TokenKeys",
    "ToolCallError",
    "ToolCalls",
    "ToolResult",
    "build_server",
    "http_caller",
    "serve_stdio",
]
