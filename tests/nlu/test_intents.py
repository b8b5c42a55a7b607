"""The built-in intent engine: ranking paraphrases, refusing what no action covers."""

from __future__ import annotations

import pytest

from chatgw.nlu.intents import IntentMatch, build_intent_engine

SUPPORT = {
    "reset_api_key": [
        "reset my api key",
        "my key leaked, I need a new one",
        "rotate the token for proj_8f2k1",
        "generate a new api key",
        "I think someone stole my API key",
        "how do I regenerate my key",
        "revoke my old key and give me another",
        "the api key was exposed on github",
        "can you rotate my credentials",
        "I need to change my access token",
    ],
    "check_usage": [
        "how many requests have I made this month",
        "show my usage",
        "what's my api usage",
        "how much quota do I have left",
        "check my consumption for this billing period",
        "how close am I to my limit",
        "usage stats for proj_12ab",
        "how many calls did we make today",
        "am I over my monthly allowance",
        "show me the request count",
    ],
    "lift_rate_limit": [
        "I'm getting 429 errors",
        "please raise my rate limit",
        "we keep hitting the rate limit",
        "can you increase the throttle",
        "too many requests error",
        "lift the rate limit on my project",
        "my requests are being throttled",
        "I need a higher requests per second limit",
        "remove the cap on api calls",
        "why am I being rate limited",
    ],
    "upgrade_plan": [
        "upgrade my plan",
        "I want to move to the pro plan",
        "switch me to the enterprise tier",
        "how do I get a bigger plan",
        "change my subscription to premium",
        "upgrade to business",
        "I'd like more features, upgrade my account",
        "can I buy the team plan",
        "move my account to a paid plan",
        "what does it cost to upgrade",
    ],
    "apply_credit": [
        "apply my promo code",
        "I have a coupon",
        "add credit to my account",
        "redeem voucher ACME50",
        "I was promised a refund as credit",
        "use my discount code",
        "put the gift credit on my bill",
        "apply the service credit for the outage",
        "I got a credit note, please apply it",
        "can you credit my account for the downtime",
    ],
}

PARAPHRASES = [
    ("reset my api key please", "reset_api_key"),
    ("my token got leaked", "reset_api_key"),
    ("I need a brand new key", "reset_api_key"),
    ("regenerate the key for proj_77abc", "reset_api_key"),
    ("how much have I used this month", "check_usage"),
    ("what's my current usage", "check_usage"),
    ("how many api calls have we made", "check_usage"),
    ("I keep getting too many requests", "lift_rate_limit"),
    ("we are being throttled", "lift_rate_limit"),
    ("getting error 429 all the time", "lift_rate_limit"),
    ("upgrade me to pro", "upgrade_plan"),
    ("I want the enterprise plan", "upgrade_plan"),
    ("I have a promo code", "apply_credit"),
    ("apply a coupon to my invoice", "apply_credit"),
    ("redeem my voucher", "apply_credit"),
]

OUT_OF_SCOPE = [
    "what's the weather",
    "what's the weather like in paris",
    "is it going to rain tomorrow",
    "tell me a joke",
    "do you know any good jokes",
    "give me a recipe for pancakes",
    "how do I bake bread",
    "who won the football game",
    "play some music",
    "asdf qwerty zxcv",
]


@pytest.fixture(scope="module")
def support_engine():
    return build_intent_engine(SUPPORT)


@pytest.mark.parametrize(("message", "intent"), PARAPHRASES)
def test_match_picks_the_action_a_paraphrase_asks_for(support_engine, message, intent):
    match = support_engine.match(message)
    assert match.name == intent
    assert match.confidence == match.candidates[0].confidence


@pytest.mark.parametrize("message", OUT_OF_SCOPE)
def test_match_refuses_messages_no_action_covers(support_engine, message):
    match = support_engine.match(message)
    assert match.name is None
    assert match.confidence < support_engine.threshold


def test_match_out_of_scope_still_reports_its_best_guesses(support_engine):
    match = support_engine.match("what's the weather")
    assert match.name is None
    assert match.candidates
    assert match.confidence == match.candidates[0].confidence


def test_match_empty_message_is_out_of_scope_without_candidates(support_engine):
    assert support_engine.match("   ") == IntentMatch(
        name=None, confidence=0.0, candidates=(), threshold=support_engine.threshold
    )


def test_match_candidates_are_at_most_three_sorted_by_confidence(support_engine):
    for message in ["please raise my rate limit and upgrade my plan", "usage", "hello there"]:
        candidates = support_engine.match(message).candidates
        assert len(candidates) <= 3
        confidences = [c.confidence for c in candidates]
        assert confidences == sorted(confidences, reverse=True)
        assert len({c.name for c in candidates}) == len(candidates)


def test_match_confidences_stay_within_zero_and_one(support_engine):
    for message, _ in PARAPHRASES:
        for candidate in support_engine.match(message).candidates:
            assert 0.0 <= candidate.confidence <= 1.0


def test_match_paraphrases_are_far_more_confident_than_out_of_scope(support_engine):
    lowest_in = min(support_engine.match(m).confidence for m, _ in PARAPHRASES)
    highest_out = max(support_engine.match(m).confidence for m in OUT_OF_SCOPE)
    assert lowest_in > highest_out + 0.2


def test_build_auto_threshold_lies_strictly_between_zero_and_one(support_engine):
    assert 0.0 < support_engine.threshold < 1.0


def test_build_explicit_threshold_decides_what_is_accepted():
    strict = build_intent_engine(SUPPORT, threshold=1.0)
    lenient = build_intent_engine(SUPPORT, threshold=0.0)
    assert strict.match("reset my api key please").name is None
    assert lenient.match("what's the weather").name is not None


def test_build_is_deterministic():
    first, second = build_intent_engine(SUPPORT), build_intent_engine(SUPPORT)
    assert first.threshold == second.threshold
    for message, _ in PARAPHRASES[:5]:
        assert first.match(message) == second.match(message)
    for message in OUT_OF_SCOPE[:5]:
        assert first.match(message) == second.match(message)


def test_build_examples_order_within_an_intent_does_not_matter_for_the_winner():
    reordered = {name: list(reversed(examples)) for name, examples in SUPPORT.items()}
    engine = build_intent_engine(reordered)
    assert engine.match("reset my api key please").name == "reset_api_key"
    assert engine.match("what's the weather").name is None


def test_pattern_selects_its_intent_with_high_confidence():
    engine = build_intent_engine(SUPPORT, patterns={"reset_api_key": [r"\bsk_live_[a-z0-9]+\b"]})
    match = engine.match("sk_live_4f9a2b is on pastebin")
    assert match.name == "reset_api_key"
    assert match.confidence >= 0.99


def test_pattern_is_case_insensitive_and_can_name_an_intent_without_examples():
    engine = build_intent_engine(SUPPORT, patterns={"close_account": [r"\bclose\b.*\baccount\b"]})
    match = engine.match("Please CLOSE my account for good")
    assert match.name == "close_account"
    assert engine.match("reset my api key please").name == "reset_api_key"


def test_pattern_that_does_not_match_changes_nothing():
    plain = build_intent_engine(SUPPORT)
    patterned = build_intent_engine(SUPPORT, patterns={"reset_api_key": [r"\bsk_live_\w+"]})
    assert patterned.match("how much have I used this month") == plain.match(
        "how much have I used this month"
    )


def test_keyword_lifts_its_intent_above_the_threshold():
    message = "convert my kudos points please"
    assert build_intent_engine(SUPPORT).match(message).name is None
    engine = build_intent_engine(SUPPORT, keywords={"apply_credit": ["kudos point"]})
    match = engine.match(message)
    assert match.name == "apply_credit"
    assert match.confidence >= engine.threshold


def test_keyword_matches_whole_words_only():
    engine = build_intent_engine(SUPPORT, keywords={"apply_credit": ["kudos"]})
    assert engine.match("kudosity").name is None
    assert engine.match("kudos").name == "apply_credit"


def test_keyword_strengthens_an_intent_the_examples_already_suggest():
    plain = build_intent_engine(SUPPORT).match("I have a promo code")
    boosted = build_intent_engine(SUPPORT, keywords={"apply_credit": ["promo"]}).match(
        "I have a promo code"
    )
    assert boosted.name == plain.name == "apply_credit"
    assert boosted.confidence > plain.confidence


def test_build_rejects_a_threshold_outside_zero_and_one():
    with pytest.raises(ValueError, match="threshold"):
        build_intent_engine(SUPPORT, threshold=1.5)


def test_build_rejects_an_invalid_pattern_naming_it():
    with pytest.raises(ValueError, match="reset_api_key"):
        build_intent_engine(SUPPORT, patterns={"reset_api_key": ["(unclosed"]})


def test_build_two_tiny_intents_still_separate_and_refuse():
    engine = build_intent_engine(
        {
            "reset_api_key": ["reset my api key", "rotate my key", "my key leaked"],
            "check_usage": ["show my usage", "how many requests did I make", "usage this month"],
        }
    )
    assert 0.0 < engine.threshold < 1.0
    assert engine.match("please rotate the api key").name == "reset_api_key"
    assert engine.match("what is my usage this month").name == "check_usage"
    assert engine.match("tell me a joke about cats").name is None


def test_build_single_intent_matches_it_and_refuses_the_rest():
    engine = build_intent_engine({"reset_api_key": SUPPORT["reset_api_key"]})
    assert engine.match("reset my api key please").name == "reset_api_key"
    assert engine.match("what's the weather").name is None


def test_build_without_examples_matches_only_by_patterns_and_keywords():
    engine = build_intent_engine(
        {}, patterns={"close_account": [r"\bclose\b"]}, keywords={"check_usage": ["usage"]}
    )
    assert engine.match("close it").name == "close_account"
    assert engine.match("my usage").name == "check_usage"
    assert engine.match("anything else").name is None
