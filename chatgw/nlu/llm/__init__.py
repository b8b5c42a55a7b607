"""The LLM engine: an OpenAI-compatible chat-completions endpoint proposes which action a
message asks for, and the arguments it gives.

It only proposes (docs/llm.md). The tools it chooses among are the compiled actions
(`chatgw.compiler.tools`), so identity-bound slots are never among its arguments; the answer is
read strictly (`_reading`): a tool that is not an action, or arguments that are not a JSON
object, make the turn a failure, as do a timeout or an error status (`_endpoint`). A failed turn
is understood by the fallback engine instead, and the caller counts it. What the model proposes
is then checked by the dialogue like anything a customer types.

The `openai` package (the `chatgw[llm]` extra) is imported only when the engine is built.
"""

from __future__ import annotations

from chatgw.nlu.llm._endpoint import LlmEngine, build_llm_engine
from chatgw.nlu.llm._reading import FAILURES, Proposal

__all__ = ["FAILURES", "LlmEngine", "Proposal", "build_llm_engine"]
