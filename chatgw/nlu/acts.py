"""Dialogue acts: what kind of message a customer sent, before any action is matched.

- `builtin_intent`: the whole message is small talk every deployment understands.
- `is_question`: it asks for information rather than for something to be done.
- `is_fragment`: it is too short to act on ("api key?").
- `split_requests`: the separate requests in "reset my key and also show my usage".

Pure, deterministic and fast: word lists and a few regular expressions over the first
`MAX_TEXT` characters, no model. English only.
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = [
    "MAX_CLAUSES",
    "MAX_TEXT",
    "REQUEST_VERBS",
    "BuiltinIntent",
    "builtin_intent",
    "is_fragment",
    "is_question",
    "split_requests",
]

MAX_TEXT = 2000  # characters of a message that are read; the rest is ignored
MAX_CLAUSES = 4  # split_requests never returns more clauses than this

BuiltinIntent = Literal["greeting", "thanks", "goodbye", "capabilities", "never_mind"]


def builtin_intent(text: str) -> BuiltinIntent | None:
    """The small-talk intent the whole message is ("ok thanks bye" -> "goodbye"), else None.

    The message must be made only of small-talk phrases and filler ("ok", "great", "please");
    any other word ("hi, reset my key") means it is a request, and the answer is None. When
    several intents are present the strongest wins: goodbye, never_mind, capabilities, thanks,
    greeting. "thanks for <reason>" is thanks as long as the reason starts no new request.
    """
    if len(text) > _MAX_SMALL_TALK_TEXT:
        return None
    words = _words(text)
    if not words or len(words) > _MAX_SMALL_TALK:
        return None
    found: set[str] = set()
    i = 0
    while i < len(words):
        match = _longest_phrase(words, i)
        if match is None and words[i] not in _VOCABULARY and _STRETCHED.search(words[i]):
            words[i] = _canonical(words[i])
            match = _longest_phrase(words, i)
        if match is not None:
            length, label = match
            found.add(label)
            i += length
        elif _CAPABILITY_QUESTION.fullmatch(" ".join(words[i:])):
            found.add("capabilities")  # "what kinds of things can you help me with": a pattern, not a list
            break
        elif words[i] == "for" and "thanks" in found:
            end = _reason_end(words, i + 1)
            if end is None:
                return None
            i = end
        else:
            return None
    return next((intent for intent in _PRIORITY if intent in found), None)


def is_question(text: str) -> bool:
    """Whether the message asks for information rather than for an action.

    Each clause (split at punctuation) is read after leading filler ("ok", "hi", "please"). A
    clause is a request when it starts with a request frame ("can/could/would/will you",
    "can/could I get/have", "I want/need/'d like", "would it be possible") or an imperative verb
    ("reset", "show"), or holds "can you" / "please <verb>" / "I need" further in. It is a
    question when it starts with a wh-word ("how", "why"; "when"/"where" only before an
    auxiliary, so "when I log in it fails" is not one) or with an inverted auxiliary ("is my
    key valid", "does it expire"). Asking to be told something ("can you tell me why ...",
    "I'd like to know when ...") is a question. The message is a question when no clause is
    a request and some clause is a question or the message ends with "?".
    """
    head = text[:MAX_TEXT]
    if not _words(head):
        return False
    asks = False
    for piece in _CLAUSE_BREAK.split(head):
        act = _clause_act(" ".join(_words(piece)))
        if act == "request":
            return False  # one request makes the message a request: it is what the bot acts on
        asks = asks or act == "question"
    return asks or bool(_ENDS_WITH_QUESTION_MARK.search(head))


def is_fragment(text: str) -> bool:
    """Whether the message is one or two content words and no verb ("api key?", "billing").

    Small talk is not a fragment, and neither is a word that can be a verb ("upgrade", "refund").
    """
    words = _words(text)
    content = [word for word in words if word not in _FUNCTION]
    if not 1 <= len(content) <= 2 or any(_is_verb(word) for word in words):
        return False
    return builtin_intent(text) is None


def split_requests(text: str) -> list[str]:
    """The separate requests of a message, in order; `[text]` when it makes only one.

    Candidate breaks are sentence ends, ";", "and also", "and then", ", then", "then", "also";
    " and " / " plus " only before a request verb with its object ("and show my usage"), a
    request frame ("and can you") or a wh-question; "," only before a request verb with its
    object. A piece stands alone only when it opens as a request or a question, has a content
    word, and does not point back with "it"/"them" ("reset my key and send it to me"); anything
    else (a reason, a second object, "hi") joins the request before it, or the first one. At most
    `MAX_CLAUSES` clauses (the last one keeps the rest); leading "and"/"also"/"then" and trailing
    ",.;" are trimmed, "?" is kept.
    """
    head = text[:MAX_TEXT]
    pieces: list[tuple[int, int, _Break]] = []  # start, end, and the break before the piece
    start, after = 0, "marker"
    for match in _SPLIT.finditer(head):
        pieces.append((start, match.start(), after))
        start, after = match.end(), match.lastgroup
    pieces.append((start, len(head), after))
    if len(pieces) < 2:
        return [text]  # nothing to split at: most messages, and reading the one piece is not free

    groups: list[list[int]] = []  # [start, end] of each request
    lead: int | None = None  # where a leading reason or greeting began: it joins the first request
    for index, (begin, end, after) in enumerate(pieces):
        previous = head[pieces[index - 1][0] : pieces[index - 1][1]] if index else ""
        if _stands_alone(head[begin:end], after, first=not groups) and not (
            after != "marker" and _ends_with_verb(previous)
        ):
            groups.append([begin if lead is None else lead, end])
            lead = None
        elif groups:
            groups[-1][1] = end
        elif lead is None:
            lead = begin
    if len(groups) < 2:
        return [text]
    groups[-1][1] = len(text)  # text past MAX_TEXT is not read, but not dropped either
    if len(groups) > MAX_CLAUSES:
        groups[MAX_CLAUSES - 1 :] = [[groups[MAX_CLAUSES - 1][0], groups[-1][1]]]
    return [_trim(text[begin:end]) for begin, end in groups]


# --- words -------------------------------------------------------------------------------------

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_NON_WORD = re.compile(r"[^\w\s']+|_{2,}")
# Contractions spelled out, so each list below is written once ("that is all", "i would like").
_CONTRACTIONS = {
    "can't": "can not", "cant": "can not", "cannot": "can not", "won't": "will not", "wont": "will not",
    "shan't": "shall not", "let's": "let us", "lets": "let us", "ain't": "is not", "i'm": "i am",
    "im": "i am", "dont": "do not", "doesnt": "does not", "didnt": "did not", "isnt": "is not",
    "arent": "are not", "wasnt": "was not", "werent": "were not", "couldnt": "could not",
    "wouldnt": "would not", "shouldnt": "should not", "havent": "have not", "hasnt": "has not",
    "thats": "that is", "whats": "what is", "hows": "how is", "wheres": "where is", "whos": "who is",
    "theres": "there is", "heres": "here is", "ive": "i have", "youre": "you are",
    "u": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please", "wanna": "want to",
    "gonna": "going to", "nevermind": "never mind", "thankyou": "thank you", "thanku": "thank you",
}
_IS = frozenset("it that what there here who where how when why he she".split())
_SUFFIXES = (
    ("n't", " not"), ("'re", " are"), ("'m", " am"), ("'ll", " will"), ("'ve", " have"), ("'d", " would"),
)


def _words(text: str) -> list[str]:
    """Lower-case words, quotes straightened, contractions spelled out, punctuation dropped."""
    text = _NON_WORD.sub(" ", text[:MAX_TEXT].lower().translate(_QUOTES))
    words: list[str] = []
    for raw in text.split():
        word = raw.strip("'")
        if word in _CONTRACTIONS:
            words.extend(_CONTRACTIONS[word].split())
        elif "'" not in word:
            words.append(word)
        elif word.endswith("'s"):
            # "that's" is "that is"; "user's" is a possessive and stays "user"
            words.extend((word[:-2], "is") if word[:-2] in _IS else (word[:-2],))
        else:
            for suffix, spelled in _SUFFIXES:
                if word.endswith(suffix):
                    word = word[: -len(suffix)] + spelled
                    break
            words.extend(word.replace("'", "").split())
    return words


def _phrases(*lines: str) -> tuple[str, ...]:
    return tuple(" ".join(_words(line)) for line in lines)


# --- small talk --------------------------------------------------------------------------------

_FILLER = "filler"
_PRIORITY: tuple[BuiltinIntent, ...] = ("goodbye", "never_mind", "capabilities", "thanks", "greeting")
_MAX_SMALL_TALK = 24  # words; longer messages are never small talk
_MAX_SMALL_TALK_TEXT = 300  # characters, checked before reading any word
_MAX_REASON = 8  # words of "thanks for <reason>"

_DAYS = (
    "day", "good day", "nice day", "great day", "lovely day", "good one", "nice one", "great one",
    "good evening", "nice evening", "good weekend", "nice weekend", "great weekend", "good night",
)
_APPRECIATED = ("it", "that", "this", "your help", "the help", "the assistance", "your assistance", "you")
_SMALL_TALK: dict[str, tuple[str, ...]] = {
    "greeting": _phrases(
        "hi", "hello", "hey", "hiya", "heya", "howdy", "yo", "greetings", "hola", "good morning",
        "good afternoon", "good evening", "good day", "morning", "afternoon", "what's up", "sup",
        "how are you", "how are you doing", "how's it going", "how is your day", "how are things",
        "how's everything", "how have you been", "nice to see you", "good to see you", "hi there",
        "hello there", "hey there", "anyone there", "is anyone there", "just wanted to say hi",
    ),
    "thanks": _phrases(
        "thanks", "thank you", "thx", "thanx", "thnx", "tnx", "thks", "ty", "tysm", "cheers",
        "many thanks", "much appreciated", "appreciated", "much obliged", "gracias", "merci",
        "grateful", "i'm grateful", "i'm very grateful", "thankful", "i'm thankful",
        "that helps", "that helped", "that's helpful", "that was helpful", "very helpful",
        "you've been a great help", "you've been a big help", "you've been very helpful",
        "you're a star", "you rock", "you're a lifesaver", "lifesaver",
        *(f"{who}appreciate {what}" for who in ("", "i ", "i really ", "really ") for what in _APPRECIATED),
    ),
    "goodbye": _phrases(
        "bye", "goodbye", "good bye", "bye bye", "byebye", "see you", "see ya", "see you later",
        "see ya later", "see you soon", "cya", "cya later", "later", "catch you later", "talk later",
        "talk soon", "talk to you later", "take care", "take it easy", "good night", "goodnight",
        "farewell", "adios", "ciao", "sayonara", "i have to go", "i've got to go", "gotta go",
        "nice talking to you", "nice chatting with you", "that's all", "that's it",
        "that's everything", "that'll be all", "that will be all", "that's all i needed",
        "that's all i need", "nothing else", "nothing more", "no thanks", "no thank you", "i'm done",
        "all done", "i'm good", "i'm all set", "all set", "all good", "i'm all good", "we're done",
        *(f"have a {day}" for day in _DAYS), *(f"enjoy your {day}" for day in _DAYS),
    ),
    "capabilities": _phrases(
        "help", "help me", "i need help", "i need some help", "can you help", "can you help me",
        "options", "menu", "main menu", "show me the menu", "show menu", "what are my options",
        "what are the options", "what are you", "who are you", "what is this", "how does this work",
        "how do you work", "capabilities", "what are your capabilities", "commands",
        "what are my list of commands", "list of commands",
    ),
    "never_mind": _phrases(
        "never mind", "never mind that", "nvm", "forget it", "forget about it", "forget that",
        "scratch that", "cancel", "cancel that", "cancel it", "cancel this", "can you cancel",
        "can you cancel that", "cancel my last request", "cancel the last request", "stop", "stop it",
        "stop that", "stop what you are doing", "quit", "abort", "ignore that", "ignore it",
        "ignore me", "ignore this", "don't bother", "don't worry about it", "leave it", "start over",
        "changed my mind", "i changed my mind", "i've changed my mind", "not anymore",
        "not needed anymore", "i don't need it", "i don't need it anymore", "i don't need that anymore",
        "i don't want it anymore", "i don't want that anymore", "i don't want this anymore",
    ),
    _FILLER: _phrases(
        "ok", "okay", "k", "kk", "oh", "ah", "aha", "um", "uh", "hm", "hmm", "well", "great", "perfect",
        "awesome", "cool", "nice", "sweet", "alright", "all right", "fine", "good", "excellent",
        "wonderful", "brilliant", "lovely", "amazing", "super", "fantastic", "so", "yes", "yeah",
        "yep", "sure", "right", "got it", "understood", "i see", "no", "nope", "then", "now",
        "again", "just", "really", "very much", "so much", "a lot", "a bunch", "a million", "please",
        "lol", "haha", "anyway", "actually", "sorry", "and", "for now", "for today", "for that",
        "for this", "for help", "for helping", "for helping me", "for the help", "for your help",
        "for all the help", "for all your help", "for everything", "you too", "you as well",
        "same to you", "today", "right now", "team", "all", "everyone", "folks", "guys", "bot",
        "assistant", "mate", "friend", "there", "that is great", "that is perfect", "that is good",
        "sounds good", "kindly",
    ),
}
_CAPABILITY_QUESTION = re.compile(
    r"(?:(?:tell|show) me )?(?:(?:what|which)(?: (?:else|all|exactly|kind|kinds|sort|sorts|type|types|of"
    r"|things|questions|topics|subjects|stuff|services|requests))*"
    r" (?:(?:can|could|do|should|may|will|are) (?:you|i)|(?:you|i) (?:can|could|are|am))"
    r"|how (?:can|could|will|do) you)(?: (?:able to|really|actually|exactly|else|possibly))*"
    r" (?:do|help|help me|help us|answer|ask|ask you|ask for|say|offer|handle|know|support)"
    r"(?: (?:with|about|for me|for us|exactly|here|else|then|please|today))*"
)
_VOCABULARY = frozenset(word for lines in _SMALL_TALK.values() for line in lines for word in line.split())
_BY_FIRST_WORD: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _label, _lines in _SMALL_TALK.items():
    for _line in _lines:
        _BY_FIRST_WORD.setdefault(_line.split()[0], []).append((tuple(_line.split()), _label))
for _options in _BY_FIRST_WORD.values():
    _options.sort(key=lambda option: -len(option[0]))  # the longest phrase is tried first
del _label, _lines, _line, _options


def _longest_phrase(words: list[str], i: int) -> tuple[int, str] | None:
    for phrase, label in _BY_FIRST_WORD.get(words[i], ()):
        if tuple(words[i : i + len(phrase)]) == phrase:
            return len(phrase), label
    return None


def _canonical(word: str) -> str:
    """A stretched word as written normally: "hiii" -> "hi", "thanksss" -> "thanks", "cheeers"."""
    for pattern, single in _UNSTRETCH:
        shorter = pattern.sub(single, word)
        if shorter in _VOCABULARY:
            return shorter
    return word


_STRETCHED = re.compile(r"(.)\1")
_UNSTRETCH = (
    (re.compile(r"(.)\1{2,}"), r"\1\1"),
    (re.compile(r"(.)\1{2,}"), r"\1"),
    (re.compile(r"(.)\1+"), r"\1"),
)


def _reason_end(words: list[str], i: int) -> int | None:
    """Where the reason in "thanks for <reason>" ends: before anything that may start a request."""
    limit = i + _MAX_REASON
    while i < len(words) and words[i] not in _REASON_STOP:
        if words[i] in _REQUEST_VERBS and words[i - 1] not in _DETERMINERS:  # "for the reset" is fine
            break
        if (_longest_phrase(words, i) or (0, ""))[1] in ("goodbye", "never_mind"):  # "..., bye"
            break
        if i == limit:
            return None  # a long tail is more than thanks
        i += 1
    return i


_DETERMINERS = frozenset("the a an my your our this that these those its their his her all".split())
_REASON_STOP = frozenset(
    "now and but also then can could would will please so what how where why when who which is are do"
    " does did i we".split()
)


# --- questions and requests --------------------------------------------------------------------

_REQUEST_VERBS = frozenset(
    """
    reset show check lift raise lower increase decrease upgrade downgrade apply give tell send
    cancel change update rotate pull get list add remove delete create issue generate refund credit
    revoke disable enable unlock unblock block suspend unsuspend resume restore reactivate activate
    deactivate extend renew set switch move transfer open close export download email fetch find
    look display reissue regenerate bump pause unpause stop start restart retry resend verify
    confirm invite escalate report submit waive void freeze unfreeze rename assign grant help fix
    top reverse replace provide process expedite undo clear
    """.split()
)
# Request verbs that are just as often nouns: on their own they need an object after them.
_NOUNY_VERBS = frozenset(
    "change update list credit refund report transfer block set email top upgrade".split()
)
_OBJECT = "(?:" + "|".join(
    "my me us our the it its this that these those a an all any your them some every each to up down"
    " out off back over please".split()
) + ")"
_VERB = "|".join(sorted(_REQUEST_VERBS))
_NOUNY = "|".join(sorted(_NOUNY_VERBS))
_LENIENT_IMPERATIVE = rf"(?:(?!(?:{_NOUNY})\b)(?:{_VERB})\b|(?:{_NOUNY})(?:\s{_OBJECT}\b|$))"
_STRICT_IMPERATIVE = rf"(?:{_VERB})(?:\s{_OBJECT}\b|$)"
_AUX = "is|are|was|were|am|do|does|did|has|have|had|can|could|will|would|should|shall|may|might|must"
_WH = "what|which|who|whom|whose|why|how"
_SOMEONE = r"(?:you|someone|somebody|anyone|anybody|you guys)"

_CLAUSE_BREAK = re.compile(r"[.,;:!?]+(?:\s|$)|\s[-\u2013\u2014]+\s")
_ENDS_WITH_QUESTION_MARK = re.compile(r"\?[^\w?]*$")
_LEAD = re.compile(
    r"^(?:(?:ok|okay|k|so|well|um+|uh+|hm+|oh|ah|hi|hello|hey|(?:hi|hello|hey) there|also|and|but|then"
    r"|now|actually|basically|quick question|question|one more thing|one more question|another question"
    r"|sorry|excuse me|by the way|btw|yes|yeah|yep|no|great|cool|perfect|thanks|thank you|alright"
    r"|please|kindly|just|any idea|go ahead and|dear \w+)\s)*"
)
_FRAME_WORD = "(?:" + "|".join(
    "can could would will you please kindly just i we want need like love to me us let help be able do"
    " mind am was is are hoping really also quickly someone a bit more".split()
) + ")"
# "can you tell me why", "I'd like to know when": asking to be told is asking a question.
_INFO = re.compile(
    rf"^(?:{_FRAME_WORD}\s)*(?:show\s(?:me|us)|(?:tell|explain|know|understand|clarify|learn|find out"
    rf"|figure out|wonder|wondering|curious)(?:\s(?:me|us|to|about|out|exactly|more))*)"
    rf"\s(?:{_WH}|when|where|whether|if)\b(?!\s(?:you|someone) (?:can|could|would|will|might)\b)"
    rf"(?!\s(?:i|we) (?:can|could|might) (?:get|have)\b)"
)
_REQUEST_START = re.compile(
    rf"^(?:(?:can|could|would|will|may)\s{_SOMEONE}\b"
    rf"|are\syou\sable\sto\b|(?:would|do)\syou\smind\b"
    rf"|(?:can|could|may|might)\s(?:i|we)\s(?:please\s)?(?:get|have|receive|request|ask for|grab|obtain)\b"
    rf"|(?:i|we)\s(?:(?:really|just|also|still|do|urgently|now|would really)\s)*"
    rf"(?:want|need|would like|would love|wish|require|request|am looking for|am hoping|was hoping|hope)\b"
    rf"|(?:want|need|would like)\b"
    rf"|(?:would|could|will)\sit\sbe\spossible\b|is\sit\spossible\sfor\syou\b"
    rf"|let\s(?:me|us)\s(?:get|have|see)\b"
    rf"|(?:can|could|would|will)\s(?:{_VERB})\b"  # "can reset my key?": the "you" left out
    rf"|{_LENIENT_IMPERATIVE})"
)
_QUESTION_START = re.compile(
    rf"^(?:(?:{_WH})\b|(?:when|where)\s(?:{_AUX}|to)\b"
    rf"|(?:is|are|was|were|am)\s\w"
    rf"|(?!(?:do|does|did)\s(?:it|this|that)\b)(?!(?:have|has)\s(?:a|an)\b)(?:{_AUX})\s(?!not\b)\w)"
)
_REQUEST_INSIDE = re.compile(
    rf"\b(?:can|could|would|will)\s{_SOMEONE}\b|\bif\syou\s(?:can|could|would)\b"
    rf"|\bplease\s(?:{_VERB})\b"
    rf"|\b(?:i|we)\s(?:(?:really|just|also|still|do)\s)*(?:want|need|would like|would love)\b"
)
_IMPERATIVE_WITH_OBJECT = re.compile(_STRICT_IMPERATIVE)
_STRICT_REQUEST = re.compile(rf"^(?:(?!{_LENIENT_IMPERATIVE})|{_STRICT_IMPERATIVE})")
# after "and", "have my tires changed" is not a question: only a wh-word with its auxiliary is
_STRICT_QUESTION = re.compile(rf"^(?:{_WH}|when|where)(?:\s\w+)?\s(?:{_AUX})\b")


def _clause_act(clause: str, after: _Break = "marker") -> Literal["request", "question"] | None:
    """Whether one clause (normalised words) asks for an action, for information, or neither.

    After a plain "and" an imperative needs its object ("and show my usage", not "and change
    history") and a wh-word its auxiliary; after a bare comma only such an imperative counts.
    """
    strict = after != "marker"
    clause = _LEAD.sub("", clause + " ").strip()
    if not clause:
        return None
    if _INFO.match(clause):
        return None if after == "comma" else "question"
    if after == "comma":
        return "request" if _IMPERATIVE_WITH_OBJECT.match(clause) else None
    if _REQUEST_START.match(clause):
        return "request" if not strict or _STRICT_REQUEST.match(clause) else None
    if _QUESTION_START.match(clause):
        return "question" if not strict or _STRICT_QUESTION.match(clause) else None
    if not strict and _REQUEST_INSIDE.search(clause):
        return "request"
    return None


# --- fragments ---------------------------------------------------------------------------------

_FUNCTION = frozenset(
    """
    a about above after again all also am an and any are as at be been being but by can could
    did do does for from had has have he her here him his how i if in into is it its me more my
    no not now of off on or our out over please so some such than that the their them then there
    these they this those to too up us very was we were what when where which who whom whose why
    will with would you your just ok okay yes yeah no nope oh ah um uh hmm well hi hello hey
    thanks thank great perfect cool sure right mine one ones other another else should shall may
    might must am
    """.split()
)
_OTHER_VERBS = frozenset(
    """
    is are was were am be been being do does did done has have had can could will would should
    shall may might must work fail break broke broken expire charge stop lose lost leak lock
    need want like see saw seen find found say said try use pay paid receive happen disappear
    appear go went gone come came reject decline deny bounce crash got gotten gave given sent
    made make took taken forgot forgotten stole stolen kept left think know wait keep
    """.split()
)
_VERBS = _REQUEST_VERBS | _OTHER_VERBS
REQUEST_VERBS = _REQUEST_VERBS  # the verbs that open a request ("reset", "show"), for nlu.clauses


def _is_verb(word: str) -> bool:
    """A verb, bare or with -ed / -ing ("expired", "resetting"); -s is left out, "charges" is a noun."""
    if word in _VERBS:
        return True
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            base = word[: -len(suffix)]
            candidates = (base, base + "e", base[:-1] if base[-1:] == base[-2:-1] else base)
            if suffix == "ed" and base.endswith("i"):
                candidates += (base[:-1] + "y",)
            if any(candidate in _VERBS for candidate in candidates):
                return True
    return False


# --- splitting ---------------------------------------------------------------------------------

_Break = Literal["marker", "conjunction", "comma"]
_SPLIT = re.compile(
    r"(?P<marker>(?:(?<=[.!?])\s+|\s*;\s*)(?:(?:and\s+)?(?:also|then|plus|after\s+that)\b,?\s*)?"
    r"|,?\s+and\s+(?:also|then|after\s+that)\b,?\s*"
    r"|,\s*(?:then|also|after\s+that|plus)\b,?\s*|\s+(?:then|also)\s+)"
    r"|(?P<conjunction>,?\s+(?:and|plus)\s+)|(?P<comma>,\s*)",
    re.IGNORECASE,
)
_TRIM_LEAD = re.compile(r"^(?:(?:and|also|then|plus|after that|next|so)\b[\s,]*)+", re.IGNORECASE)


def _stands_alone(piece: str, after: _Break, first: bool) -> bool:
    words = _words(piece)
    if not any(word not in _FUNCTION for word in words):
        return False
    if not first and _POINTS_BACK.intersection(words):
        return False  # "... and send it to me" is about the request before it
    return _clause_act(" ".join(words), after) is not None


_POINTS_BACK = frozenset(("it", "them"))


def _ends_with_verb(piece: str) -> bool:
    """ "reset and rotate my key", "try and confirm": the first verb shares the object or is idiom."""
    words = _words(piece)
    return bool(words) and (words[-1] in _REQUEST_VERBS or words[-1] in ("try", "go", "come"))


def _trim(piece: str) -> str:
    return _TRIM_LEAD.sub("", piece.strip()).strip().rstrip(",.;").strip()
