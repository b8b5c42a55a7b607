"""A stand-in for an OpenAI-compatible chat-completions endpoint, on loopback.

The model service is outside the product and cannot run here (no network, no weights), so the
tests stand a real HTTP server (`tests/upstream.py`) in its place and script what "the model"
answers: tool calls (good, malformed, naming tools that do not exist), plain words, error
statuses and answers held back past the engine's timeout. Everything chatgw itself does (the
SDK call, reading the answer, checking the proposal) runs for real.

    with serve() as model:
        model.respond(tool_call("rotate_key", {"project_id": "proj_8f2k1"}))
        ... an engine with llm_config(model.url) ...
        asked(model.received[0])   # the chat request chatgw sent
"""

from __future__ import annotations

import json
from typing import Any

from tests.upstream import Received, Reply

MODEL = "stand-in-model"


def llm_config(url: str, *, timeout: str = "5s", fallback: str = "builtin", api_key: bool = False) -> str:
    """The `nlu:` block of a chatgw.yaml that uses the stand-in at `url`."""
    key = ", api_key: ${LLM_API_KEY}" if api_key else ""
    return f"nlu: {{engine: llm, base_url: '{url}/v1', model: {MODEL}, timeout: {timeout}, fallback: {fallback}{key}}}\n"


def tool_call(name: str, arguments: Any, *, raw: bool = False) -> Reply:
    """The model calls tool `name`; `arguments` is JSON-encoded unless `raw` (sent as given)."""
    encoded = arguments if raw else json.dumps(arguments)
    call = {"id": "call_1", "type": "function", "function": {"name": name, "arguments": encoded}}
    return completion({"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls")


def words(text: str) -> Reply:
    """The model answers in words and calls no tool."""
    return completion({"role": "assistant", "content": text}, "stop")


def completion(message: dict[str, Any], finish_reason: str) -> Reply:
    return Reply(
        200,
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": MODEL,
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        },
    )


def asked(request: Received) -> dict[str, Any]:
    """The chat-completions request chatgw sent."""
    assert request.method == "POST" and request.path == "/v1/chat/completions"
    return request.json()
