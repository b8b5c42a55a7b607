"""When to ask "Did you mean ...?" instead of acting on a guess, and how to read the answer.

The bot must never start a form on a guess, and must not drop a customer who was almost
understood either. Between the two sits a band where it asks, with the actions as buttons:

* a near miss: the best intent fell short of the threshold, but not by much;
* a tie: two intents both clear the threshold and are close to each other;
* a question or a fragment ("where can I find my api key?", "key") that matches an action
  which changes something: information questions and single words are not requests, so the
  bot asks "Do you want me to ...?" unless the action's `intent.questions` is `act`.
"""

from __future__ import annotations

import re
from typing import Literal

from chatgw.compiler.plans import ActionPlan, ProjectPlan
from chatgw.engine import phrases
from chatgw.engine.state import ConversationState
from chatgw.nlu.acts import is_fragment, is_question
from chatgw.nlu.intents import IntentMatch

# A best intent at this fraction of the threshold or more is offered rather than refused.
# On CLINC150 10-shot it lifts the right action reached from 83.5% to 87.2% of in-scope
# messages, and asks about 5.2% of out-of-scope ones (bench/clarify.py measures the trade).
NEAR_MISS = 0.6
# Two intents above the threshold within this much confidence of each other are a tie.
TIE_MARGIN = 0.1
MAX_CHOICES = 2

SOMETHING_ELSE = "Something else"
YES, NO = "Yes", "No"
YES_NO = (YES, NO)  # the buttons of every yes-or-no question: confirmations, offers, one choice

Picked = int | Literal["none", "again"] | None

_ORDINALS = {
    "1": 0, "one": 0, "first": 0, "the first": 0, "the first one": 0, "first one": 0, "a": 0,
    "2": 1, "two": 1, "second": 1, "the second": 1, "the second one": 1, "second one": 1, "b": 1,
    "the other one": 1, "the other": 1, "last": -1, "the last": -1, "the last one": -1,
}
_NEITHER = re.compile(r"^(?:neither|none|none of (?:them|those|these)|something else|other|nothing|no(?:pe)?)\b")


def offer(project: ProjectPlan, match: IntentMatch, message: str) -> tuple[str, ...]:
    """The actions to ask about instead of acting on `match`; () to act on it as it is."""
    unsure = band(match)
    if unsure or match.name is None:
        return unsure
    action = project.action(match.name)
    if action is not None and _not_a_request(action, message):
        return (match.name,)
    return ()


def band(match: IntentMatch) -> tuple[str, ...]:
    """The intents to offer when `match` is a near miss or a tie; () when it is clear either
    way (confidently one intent, or far from all of them)."""
    candidates = match.candidates
    if not candidates:
        return ()
    if match.name is None:
        return tuple(c.name for c in candidates[:MAX_CHOICES] if c.confidence >= match.threshold * NEAR_MISS)
    best, runner = candidates[0], candidates[1] if len(candidates) > 1 else None
    if runner is not None and runner.confidence >= match.threshold and best.confidence - runner.confidence < TIE_MARGIN:
        return (best.name, runner.name)
    return ()


def question(project: ProjectPlan, choices: tuple[str, ...]) -> str:
    """ "Do you want me to reset ...?" for one choice; "... A, or B?" for two."""
    described = [phrases.describe(action) for action in _actions(project, choices)]
    if len(described) == 1:
        return f"Do you want me to {described[0]}?"
    return f"I'm not sure I understood. Do you want me to {', or '.join(described)}?"


def labels(project: ProjectPlan, choices: tuple[str, ...]) -> tuple[str, ...]:
    """The buttons under the question; sending a label's text picks it."""
    if len(choices) == 1:
        return YES_NO
    return (*(phrases.summary(action) for action in _actions(project, choices)), SOMETHING_ELSE)


def pick(project: ProjectPlan, choices: tuple[str, ...], message: str, match: IntentMatch | None) -> Picked:
    """Which offered choice `message` takes (an index), "none" for none of them, "again" when
    it answers without choosing, or None when the message is not an answer to the question
    (it is then read as a new message)."""
    words = phrases.normalise(message)
    for index, label in enumerate(labels(project, choices)):
        if words == phrases.normalise(label):
            return index if index < len(choices) else "none"
    if len(choices) == 1:
        answer = phrases.yes_or_no(message)
        if answer is not None:
            return 0 if answer == "yes" else "none"
    elif words in _ORDINALS:
        return _ORDINALS[words] % len(choices)
    elif phrases.yes_or_no(message) == "yes":
        return "again"  # "yes" to "A, or B?" says neither: ask once more
    if _NEITHER.match(words):
        return "none"
    if match is not None and match.name in choices and match.confidence >= match.threshold:
        return choices.index(match.name)
    return None


def standing(project: ProjectPlan, state: ConversationState) -> tuple[str, ...]:
    """The buttons the last reply left standing, read from the state alone: what a page that
    reloads shows again under the transcript (the turn that offered them gave the same)."""
    if state.status == "confirming" or (state.status == "collecting" and state.offered is not None):
        return YES_NO
    if state.status == "idle" and state.choices:
        return labels(project, state.choices)
    return ()


def _not_a_request(action: ActionPlan, message: str) -> bool:
    if not action.changes_state or action.questions == "act":
        return False
    return is_question(message) or is_fragment(message)


def _actions(project: ProjectPlan, choices: tuple[str, ...]) -> list[ActionPlan]:
    return [action for name in choices if (action := project.action(name)) is not None]
