"""The everyday phrases the dialogue listens for, and the words it answers with.

Detection is deliberately strict about *what the whole message is*: "cancel" cancels, while
"cancel my subscription" is a request for an action and must reach intent ranking untouched.
Small talk (greetings, thanks, "never mind") is read by chatgw.nlu.acts.builtin_intent.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Literal

from chatgw.compiler.plans import ActionPlan, SlotPlan
from chatgw.nlu.acts import builtin_intent

Answer = Literal["yes", "no"]

# Words that carry no meaning around a yes, a no or a cancel.
_LEAD = r"(?:(?:oh|ah|um+|uh+|hm+|well|ok|okay|actually|just|please|so|then|no)\s+)*"
_TAIL = r"(?:\s+(?:please|thanks|thank you|then|now|for now|already|instead|it|that|this|all))*"

_NOUN = (
    r"(?:humans?|person|people|agents?|representative|rep|operator|someone|somebody|staff"
    r"|support team|support agent|customer service|customer support|colleague)(?!')\b"
)
_ARTICLE = r"(?:\s+(?:a|an|the|some|your|one of your|real|live|actual|human|support))*"
_HUMAN = (
    re.compile(rf"\b(?:talk|speak|chat)\s+(?:to|with){_ARTICLE}\s+{_NOUN}"),
    re.compile(
        rf"\b(?:(?:connect|transfer|escalate|pass|hand)(?:\s+me)?|(?:put|get|give)\s+me)"
        rf"(?:\s+(?:through|over|back))?(?:\s+(?:to|with))?{_ARTICLE}\s+{_NOUN}"
    ),
    re.compile(rf"\b(?:want|need|like|prefer)(?:\s+to\s+(?:talk|speak)\s+(?:to|with))?{_ARTICLE}\s+{_NOUN}"),
    re.compile(r"\b(?:real|live|actual)\s+(?:person|human|agent|people)\b"),
    re.compile(
        rf"^{_LEAD}(?:a |an |the )?(?:human|agent|representative|operator|person|human agent"
        rf"|customer service|support|live chat){_TAIL}$"
    ),
)

_NO = re.compile(
    r"^(?:please\s+)?(?:no|nope|nah|nay|n|negative|not now|not yet|no way|never|nevermind"
    r"|don'?t|do not|i don'?t|i'?d rather not|rather not|wait|hold on|cancel|stop)\b"
)
_NOT_A_NO = re.compile(r"^no (?:problem|worries)\b")
_YES = re.compile(
    r"^(?:yes|y|yep|yeah|yea|ya|yup|yess+|sure|ok|okay|k|kk|alright|all right|fine|confirm"
    r"|confirmed|correct|right|absolutely|definitely|certainly|of course|go|go ahead|go for it"
    r"|do it|please do|please go ahead|please proceed|proceed|sounds good|affirmative"
    r"|that'?s right|that'?s correct|let'?s do it|lets do it|perfect|great|i confirm|i agree"
    r"|agreed|i do|no problem|no worries)\b"
)
_NEGATION = re.compile(r"\b(?:not|don'?t|do not|no|never|wait)\b")

_MAX_LISTED_ACTIONS = 10

WELCOME = "You're welcome! Is there anything else I can help with?"
GOODBYE = "Glad I could help. Goodbye!"
CANCELLED_GOODBYE = "OK, I've cancelled that. Nothing was changed. Goodbye!"
CORRECTED = "OK, I've changed that."

HANDOFF_NOW = (
    "I'm passing this conversation to a human colleague. They can see everything so far "
    "and will reply here."
)
HANDOFF_WAITING = "A human colleague has this conversation and will reply here shortly."
HANDOFF_AFTER_ATTEMPTS = (
    "I'm having trouble getting that right, so I'm passing you to a human colleague. "
    "They can see everything so far and will reply here."
)
HANDOFF_AFTER_OUT_OF_SCOPE = (
    "I don't seem to be able to help with this, so I'm passing you to a human colleague. "
    "They will reply here."
)
CANCELLED = "OK, I've cancelled that. Nothing was changed. Anything else I can help with?"
NOTHING_TO_CANCEL = "OK. Is there anything else I can help with?"
DECLINED = "OK, I won't do that. Nothing was changed. Anything else I can help with?"
HUMAN_DECLINED = "OK. What else can I help you with?"
ASK_YES_NO = "Please answer yes or no."
# A run whose outcome was lost (a crash, a timeout after sending): never repeated blindly.
OUTCOME_UNKNOWN = (
    "I sent your request, but I couldn't confirm whether it went through. I won't send it "
    "again on my own: a teammate is checking the outcome and will answer you here."
)
REQUEST_CHANGED = (
    "Something changed since you confirmed, so I haven't sent anything. A teammate will "
    "take it from here and answer you in this chat."
)
RECOVERED_DONE = "I've checked on your earlier request: it went through."
RECOVERED_FAILED = (
    "I've checked on your earlier request: it did not go through. You can ask me again, "
    "or ask to talk to a person."
)


def normalise(text: str) -> str:
    """Lower case, plain apostrophes, no punctuation, single spaces."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[^\w\s']", " ", text)
    return " ".join(text.split())


def yes_or_no(text: str) -> Answer | None:
    """"yes" for "yep", "sure, go ahead"; "no" for "no thanks", "don't"; None when unclear."""
    words = normalise(text)
    if not words:
        return None
    if _NO.match(words) and not _NOT_A_NO.match(words):
        return "no"
    if _YES.match(words):
        rest = _YES.sub("", words, count=1)
        return None if _NEGATION.search(rest) else "yes"
    return None


def wants_human(text: str) -> bool:
    """The message asks for a person ("talk to a human", "agent", "a real person please")."""
    words = normalise(text)
    return any(pattern.search(words) for pattern in _HUMAN)


def is_thanks(text: str) -> bool:
    """The whole message is thanks or a goodbye ("thanks!", "ok bye")."""
    return builtin_intent(text) in ("thanks", "goodbye")


def slot_prompt(slot: SlotPlan) -> str:
    """The question for a slot. The compiler always writes one; hand-built plans may not."""
    return slot.prompt or f"What is the {slot.name.replace('_', ' ')}?"


def greeting_reply(actions: Iterable[ActionPlan]) -> str:
    """Hello back, and what the bot can help with."""
    return "Hi! " + _capabilities(actions) + "\nWhat can I do for you?"


def out_of_scope_reply(actions: Iterable[ActionPlan]) -> str:
    """What the bot can help with, briefly, and the offer of a human."""
    return (
        "Sorry, I can't help with that here. "
        + _capabilities(actions)
        + "\nOr I can pass you to a human colleague. Would you like that?"
    )


def capabilities(actions: Iterable[ActionPlan]) -> str:
    """The answer to "what can you do?": the actions' descriptions, and how to ask."""
    return _capabilities(actions) + "\nJust tell me what you need, in your own words."


def offer_again(value: Any) -> str:
    """The question offering a value the customer gave earlier in the conversation."""
    return f"For {value} again?"


def several_requests(actions: list[ActionPlan]) -> str:
    """ "I'll reset ... first, then show ..." for a message that asked for several things;
    "I'll take them one at a time" when it asked for one thing several times."""
    if len({action.name for action in actions}) == 1 and len(actions) > 1:
        return f"I'll do this for each of the {len(actions)}, one at a time: {describe(actions[0])}."
    first, *rest = [describe(action) for action in actions]
    return f"I'll {first} first, then {', then '.join(rest)}."


def next_request(action: ActionPlan) -> str:
    """Said when the next queued request starts."""
    return f"Next: {describe(action)}."


def summary(action: ActionPlan) -> str:
    """The first sentence of an action's description (its name when it has none)."""
    return _first_sentence(action.description) or action.name.replace("_", " ")


def describe(action: ActionPlan) -> str:
    """`summary` as a phrase to go inside a sentence: "I can't <describe> here"."""
    return _lower_first(summary(action))


def _capabilities(actions: Iterable[ActionPlan]) -> str:
    lines = [_first_sentence(action.description) for action in actions if action.description]
    listed = lines[:_MAX_LISTED_ACTIONS]
    text = "Here is what I can help with:\n" + "\n".join(f"- {line}" for line in listed)
    if len(lines) > len(listed):
        text += f"\n- ...and {len(lines) - len(listed)} more things"
    return text


def _first_sentence(text: str | None) -> str:
    if not text:
        return ""
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return first.rstrip(".").strip()


def _lower_first(text: str) -> str:
    if text[1:2].isupper():  # an acronym: "URL of ..."
        return text
    return text[:1].lower() + text[1:]
