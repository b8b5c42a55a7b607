"""Asking the endpoint: one chat completion per message, bounded in time, never retried."""

from __future__ import annotations

import asyncio
from typing import Any, Sequence

from chatgw.compiler.plans import NluPlan
from chatgw.compiler.tools import ToolDefinition
from chatgw.errors import ConfigError
from chatgw.nlu.llm._reading import Proposal, read_completion

_INSTRUCTIONS = """\
You read one message from a customer of a support chat and decide which tool, if any, it asks \
for. Call at most one tool, and only when the message asks for what the tool does. Give only \
the arguments the customer states, copied exactly as written; leave out any you would have to \
guess, look up or invent: the chat asks the customer for them. If no tool fits (a question, \
small talk, something else), answer with a short sentence and call no tool."""

# Local servers such as llama.cpp and Ollama need no key, but the SDK insists on one.
_NO_KEY = "unused"


class LlmEngine:
    """Proposes an action and its arguments for a message; see `chatgw.nlu.llm`."""

    def __init__(
        self, tools: Sequence[ToolDefinition], *, base_url: str, model: str, api_key: str, timeout: float
    ) -> None:
        import httpx
        import openai

        self._openai = openai
        # Loading the CA bundle takes ~35 ms; done once, a client per call costs ~0.2 ms.
        self._tls = httpx.create_ssl_context()
        self.tools = tuple(tools)
        self._offered = [_offered(tool) for tool in self.tools]
        self._base_url, self._model, self._api_key, self._timeout = base_url, model, api_key, timeout

    async def propose(self, message: str, *, action: str | None = None, expecting: str | None = None) -> Proposal:
        """The model's proposal for `message`, or one whose `failure` says why there is none.

        `action` names the action in progress and `expecting` the slot just asked for, so a
        bare answer ("proj_8f2k1") is read as an answer to that question.
        """
        openai = self._openai
        try:
            async with asyncio.timeout(self._timeout), self._session() as client:
                completion = await client.chat.completions.create(
                    model=self._model,
                    messages=self._messages(message, action, expecting),
                    tools=self._offered,
                    tool_choice="auto",
                    temperature=0,
                )
        except (TimeoutError, openai.APITimeoutError):
            return Proposal(failure="timeout")
        except openai.APIStatusError:
            return Proposal(failure="status")
        except openai.APIConnectionError:
            return Proposal(failure="unreachable")
        except (openai.OpenAIError, ValueError):  # an answer the SDK cannot read
            return Proposal(failure="malformed")
        return read_completion(completion, self.tools)

    def _messages(self, message: str, action: str | None, expecting: str | None) -> list[dict[str, str]]:
        messages = [{"role": "system", "content": _INSTRUCTIONS}]
        tool = next((tool for tool in self.tools if tool.action == action), None)
        if tool is not None:
            asked = f" and has just asked for {expecting}" if expecting else ""
            messages.append({
                "role": "system",
                "content": f"The chat is in the middle of {tool.name}{asked}; "
                "an answer to that question is a call of that tool with that argument.",
            })
        messages.append({"role": "user", "content": message})
        return messages

    def _session(self) -> Any:
        """An SDK client for one call. One per call, closed after it: an engine has no end of
        life to close a shared one at, and its connections would belong to one event loop
        (`chatgw try`, `chatgw test` and `chatgw serve` each run their own). The price is a new
        connection per turn, small beside the model's own latency (the SDK closes the HTTP
        client it is given when it closes)."""
        openai = self._openai
        return openai.AsyncOpenAI(
            base_url=self._base_url, api_key=self._api_key, timeout=self._timeout, max_retries=0,
            http_client=openai.DefaultAsyncHttpxClient(verify=self._tls, timeout=self._timeout),
        )


def build_llm_engine(nlu: NluPlan, tools: Sequence[ToolDefinition]) -> LlmEngine:
    """The engine `nlu` describes; ConfigError when a setting or the openai package is missing."""
    if nlu.model is None or nlu.base_url is None:
        raise ConfigError("nlu.engine llm needs nlu.model and nlu.base_url; run `chatgw validate`")
    try:
        import openai  # noqa: F401
    except ImportError:
        raise ConfigError("nlu.engine llm needs the openai package: pip install 'chatgw[llm]'") from None
    api_key = nlu.api_key.reveal() if nlu.api_key is not None else _NO_KEY
    return LlmEngine(tools, base_url=nlu.base_url, model=nlu.model, api_key=api_key, timeout=nlu.timeout)


def _offered(tool: ToolDefinition) -> dict[str, Any]:
    """A tool in the chat-completions `tools` format."""
    return {
        "type": "function",
        "function": {"name": tool.name, "description": tool.description, "parameters": dict(tool.input_schema)},
    }
