"""Dialogue acts: small talk, questions, fragments, and messages that ask for several things."""

from __future__ import annotations

import pytest

from chatgw.nlu.acts import MAX_CLAUSES, MAX_TEXT, builtin_intent, is_fragment, is_question, split_requests

SMALL_TALK = [
    ("hi", "greeting"),
    ("Hello there!", "greeting"),
    ("good morning", "greeting"),
    ("hey!", "greeting"),
    ("Hiii 👋", "greeting"),
    ("hi, how are you?", "greeting"),
    ("thanks", "thanks"),
    ("Thank you so much!!", "thanks"),
    ("cheers", "thanks"),
    ("great, thanks", "thanks"),
    ("ok thanks", "thanks"),
    ("perfect thank you", "thanks"),
    ("thx 🙏", "thanks"),
    ("Thanks a lot for your help", "thanks"),
    ("thanks for resetting my key", "thanks"),
    ("thanks for the reset!", "thanks"),
    ("hi and thanks", "thanks"),
    ("bye", "goodbye"),
    ("ok thanks bye", "goodbye"),
    ("That's all, thanks", "goodbye"),
    ("see you", "goodbye"),
    ("have a nice day", "goodbye"),
    ("nothing else", "goodbye"),
    ("no that's it", "goodbye"),
    ("No thanks, I'm all set.", "goodbye"),
    ("thats all for now, thank you!", "goodbye"),
    ("what can you do?", "capabilities"),
    ("What can you help me with", "capabilities"),
    ("help", "capabilities"),
    ("HELP!", "capabilities"),
    ("what are my options", "capabilities"),
    ("what do you do", "capabilities"),
    ("how can you help", "capabilities"),
    ("what can I ask you?", "capabilities"),
    ("menu", "capabilities"),
    ("hi there, what can you do?", "capabilities"),
    ("never mind", "never_mind"),
    ("nevermind", "never_mind"),
    ("Forget it.", "never_mind"),
    ("scratch that", "never_mind"),
    ("cancel", "never_mind"),
    ("stop!", "never_mind"),
    ("ignore that", "never_mind"),
    ("no, cancel it please", "never_mind"),
    ("never mind, bye", "goodbye"),
]

NOT_SMALL_TALK = [
    "hi, reset my api key",
    "thanks, now show my usage",
    "thanks for resetting my key, now show my usage",
    "cancel my subscription",
    "stop my subscription",
    "help me reset my key",
    "help with billing",
    "what can you do about my bill",
    "good morning, I was charged twice",
    "don't cancel",
    "ok",
    "yes please",
    "no",
    "great",
    "",
    "   ",
    "!!!",
    "hi " * 200,
]

QUESTIONS = [
    "where can I find my api key?",
    "Where can I find my API key",
    "is my api key still valid",
    "Is my API key still valid?",
    "how do I reset my key?",
    "what is my api key",
    "What's my api key?",
    "does my key expire",
    "why was I charged twice?",
    "when does my plan renew",
    "do I need a new key?",
    "Quick question: does my key expire?",
    "ok, and how much have I used this month?",
    "my key doesn't work?",
    "I was charged twice, why?",
    "can you tell me why I was charged twice?",
    "I'd like to know when my plan renews",
    "do you know where my key is",
    "is there a way to reset my key",
    "what's my usage please?",
    "has my payment gone through",
    "am I on the pro plan",
    "show me how to rotate my key",
]

NOT_QUESTIONS = [
    "can you reset my api key?",
    "Could you lift the rate limit",
    "would you please upgrade me",
    "can I get a credit",
    "Can I have a refund?",
    "I need a new key",
    "I'd like a new key please?",
    "reset my key",
    "Reset my key?",
    "please show my usage",
    "I was charged twice last month, can you check?",
    "I was charged twice last month can you check",
    "will you refund me?",
    "can u reset my key",
    "I was wondering if you could reset my key",
    "is it possible for you to refund me?",
    "would it be possible to lift the limit?",
    "are you able to upgrade me to pro?",
    "when I log in it fails",
    "my key doesn't work",
    "don't reset my key",
    "hi",
    "?",
    "",
]

FRAGMENTS = [
    "key",
    "api key",
    "usage?",
    "billing",
    "My API key",
    "the invoice",
    "refunds?",
    "rate limit",
    "api key please",
    "hi, billing",
    "proj_8f2k1",
    "what about my usage?",
    "settings",
    "Credits!",
    "invoice pls",
]

NOT_FRAGMENTS = [
    "reset key",
    "upgrade please",
    "upgrade",
    "refund?",
    "key expired",
    "key not working",
    "api key usage",
    "where is my key",
    "show my usage",
    "hi",
    "thanks",
    "menu",
    "",
    "my api key was leaked",
    "i need a new key",
]

SPLITS = [
    ("reset my api key and also show my usage", ["reset my api key", "show my usage"]),
    ("reset my key, then show me my usage", ["reset my key", "show me my usage"]),
    ("Reset my key, then show me my usage.", ["Reset my key", "show me my usage"]),
    (
        "lift the rate limit for 24 hours. Also, what's my usage?",
        ["lift the rate limit for 24 hours", "what's my usage?"],
    ),
    ("rotate my key and then upgrade me to pro", ["rotate my key", "upgrade me to pro"]),
    ("reset my key; show my usage", ["reset my key", "show my usage"]),
    ("reset my key and show my usage", ["reset my key", "show my usage"]),
    ("Reset my key and can you show my usage?", ["Reset my key", "can you show my usage?"]),
    ("reset my key and I'd like a credit too", ["reset my key", "I'd like a credit too"]),
    (
        "reset my key, show my usage, and upgrade me to pro",
        ["reset my key", "show my usage", "upgrade me to pro"],
    ),
    ("what's my usage and when does my plan renew?", ["what's my usage", "when does my plan renew?"]),
    (
        "my key leaked, please rotate it and show me my usage",
        ["my key leaked, please rotate it", "show me my usage"],
    ),
    (
        "I was charged twice. Can you refund me and also upgrade me to pro?",
        ["I was charged twice. Can you refund me", "upgrade me to pro?"],
    ),
    ("Hi. Can you reset my key? Also show me usage.", ["Hi. Can you reset my key?", "show me usage"]),
    ("hi, reset my key and then show my usage", ["hi, reset my key", "show my usage"]),
    ("pull the logs for proj_8f2k1 and list its keys", ["pull the logs for proj_8f2k1", "list its keys"]),
    ("cancel my subscription and refund me", ["cancel my subscription", "refund me"]),
    (
        "Why was I charged twice? Also, can you give me a credit?",
        ["Why was I charged twice?", "can you give me a credit?"],
    ),
]

ONE_REQUEST = [
    "reset my api key",
    "I was charged twice and want a credit",
    "show usage and errors for proj_8f2k1",
    "raise the limit by 50 percent and for 24 hours",
    "reset the key for proj_8f2k1 and proj_8f2k2",
    "hi and thanks",
    "can you reset and rotate my key",
    "I upgraded to pro and then was charged twice",
    "show usage and change history",
    "thanks, now show my usage",
    "I also need a new key",
    "can you also show my usage",
    "Reset my key. Thanks!",
    "if my key expired, reset it",
    "reset my key, please",
    "I reset my key. Now it doesn't work",
    "show my keys and usage",
    "list keys and charges for proj_8f2k1",
    "reset my key and also",
    "reset my key and send it to me by email",
    "I need a new key. Can you send it today?",
    "when should I go in and have my key rotated",
    "I would like to try and reset my key",
    "I need to set up billing, please tell me how",
    "I need to change my plan, do you know how",
    "",
]


@pytest.mark.parametrize(("text", "intent"), SMALL_TALK)
def test_builtin_intent_names_whole_message_small_talk(text, intent):
    assert builtin_intent(text) == intent


@pytest.mark.parametrize("text", NOT_SMALL_TALK)
def test_builtin_intent_is_none_when_the_message_carries_more(text):
    assert builtin_intent(text) is None


@pytest.mark.parametrize("text", QUESTIONS)
def test_is_question_for_information_questions(text):
    assert is_question(text) is True


@pytest.mark.parametrize("text", NOT_QUESTIONS)
def test_is_question_is_false_for_requests_and_statements(text):
    assert is_question(text) is False


@pytest.mark.parametrize("text", FRAGMENTS)
def test_is_fragment_for_a_bare_noun_or_two(text):
    assert is_fragment(text) is True


@pytest.mark.parametrize("text", NOT_FRAGMENTS)
def test_is_fragment_is_false_with_a_verb_small_talk_or_more_words(text):
    assert is_fragment(text) is False


@pytest.mark.parametrize(("text", "clauses"), SPLITS)
def test_split_requests_gives_each_request_in_order(text, clauses):
    assert split_requests(text) == clauses


@pytest.mark.parametrize("text", ONE_REQUEST)
def test_split_requests_keeps_one_request_whole(text):
    assert split_requests(text) == [text]


def test_split_requests_returns_at_most_max_clauses_and_keeps_the_rest_in_the_last():
    text = "reset my key; show my usage; upgrade me; apply a credit; cancel my subscription"
    clauses = split_requests(text)
    assert len(clauses) == MAX_CLAUSES
    assert clauses[-1] == "apply a credit; cancel my subscription"


def test_split_requests_reads_only_the_start_of_a_long_message_but_drops_nothing():
    text = "reset my key and show my usage " + "x" * MAX_TEXT + " and upgrade me to pro"
    clauses = split_requests(text)
    assert clauses[0] == "reset my key"
    assert clauses[-1].startswith("show my usage") and clauses[-1].endswith("upgrade me to pro")


@pytest.mark.parametrize("function", [builtin_intent, is_question, is_fragment, split_requests])
def test_acts_accept_very_long_and_odd_input(function):
    for text in ("and " * 1000, "a, " * 1000, "hiiiii" * 500, "\u2019" * 3000, "thanks for " * 300):
        function(text)  # no error, and bounded by MAX_TEXT
