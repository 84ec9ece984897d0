"""Field labels, distractor labels and damage words of claim documents in four languages.

The old rules knew one generator's labels ("Date of loss:", "Policy number:"). Real claims come
as German forms ("Versicherungsschein-Nr.", "Schadentag"), French letters ("Date du sinistre",
"N° de contrat"), Spanish e-mails ("Fecha del siniestro", "Nº de póliza") and English forms and
letters, typed or OCR'd, with accents lost, umlauts spelt out and spaces added or dropped. This
module holds that vocabulary (the phrases live in `agents.extraction.lexicon_terms`) and compiles
it into tolerant patterns:

* `label_pattern(field)` / `find_labels(text)`: where a document names a claim field. Labels of
  look-alike values ("Date of birth", "Policy period", "Claim number", "Total HT") are
  `DISTRACTORS`; `find_labels` prefers the longest phrase at a position, so "Date of birth"
  never reads as the report's "Date", and drops distractors from its answer.
* `damage_types_named(text)`: every mention of one of the system's damage types, except the
  negated ones ("no fire was involved", "kein Feuer", "sans incendie", "sin incendio").

Phrases are compiled into a trie of regex tokens, so matching costs one branch per letter, not
one attempt per phrase: a 20 KB text is scanned in a few milliseconds. Accents are expected
precomposed, as `fields._clean` leaves the text after its NFKC normalisation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from agents.extraction.lexicon_terms import DAMAGE_TERMS, DISTRACTORS, LABELS, VEHICLE_BODY_TERMS

__all__ = [
    "DAMAGE_TERMS",
    "DAMAGE_TYPES",
    "DISTRACTORS",
    "FIELDS",
    "LABELS",
    "LabelMention",
    "damage_types_named",
    "denied",
    "distractor_pattern",
    "find_distractors",
    "find_labels",
    "label_pattern",
    "vehicle_body_named",
]

FIELDS = (
    "policy_number",
    "incident_date",
    "report_date",
    "claimed_amount",
    "damage_type",
    "damage_description",
    "claimant_name",
)
DAMAGE_TYPES = ("water", "fire", "storm", "theft", "glass", "collision", "other")
# Fields whose value starts with a digit or a currency sign, so a bare label word ("Date",
# "Total") followed by such a value counts as a label even without a colon.
_VALUE_FIRST_FIELDS = frozenset({"policy_number", "incident_date", "report_date", "claimed_amount"})


@dataclass(frozen=True)
class LabelMention:
    """One field label found in a text.

    Attributes:
        field: The claim field it names (one of `FIELDS`).
        language: The language of the phrase that matched ("en", "de", "fr", "es").
        start: Offset of the label's first character.
        end: Offset just past the label phrase.
        text: The label as printed (`text[start:end]`).
        value_start: Offset just past the label's trailing ':', '#', '-' and spaces: where its
            value starts when it is on the same line.
    """

    field: str
    language: str
    start: int
    end: int
    text: str
    value_start: int


# --- phrase notation -> regex tokens (see lexicon_terms) -----------------------------------------
# Two spellings of every pattern: "raw" for the public patterns, which run on the text as it is
# (accent classes, IGNORECASE); "folded" for the scans, which run on a same-length copy of the
# text in lower case without accents, where a phrase is plain ASCII and compiles and runs fast.
_RAW_LETTER = {
    "a": "[aàáâãäå]", "e": "[eèéêë]", "i": "[iìíîï]", "o": "[oòóôõöø]", "u": "[uùúûü]", "c": "[cç]",
    "n": "[nñ]", "y": "[yýÿ]", "ä": "(?:ae|[aä])", "ö": "(?:oe|[oö])", "ü": "(?:ue|[uü])", "ß": "(?:ß|ss)",
}  # fmt: skip
_FOLDED_LETTER = {"ä": "ae?", "ö": "oe?", "ü": "ue?", "ß": "ss?"}
_SEP = r"[\s\-_/,]*+"  # any run of separators, or none: OCR adds and drops spaces
_APOSTROPHE = r"['\u2019`\u00b4\u02bc]?[ \t]*"
_DOT = r"\.?"
_NUMERO = r"(?:\.?[ \t]?[°ºo]\.?|\.)?"  # the "°" of "n°": n°, nº, n.º, no, no., n.
_STAR = r"\w*"
_END = r"(?:(?<!\w)|(?!\w))"  # a word boundary unless the phrase ended on "#", "." or "°"
_WORD_END = r"(?!\w)"  # a damage term ends where its word does
_STRICT = r"(?=[ \t]*(?:[:#=|]|\r?\n|\Z)|\t| {2,})"
_STRICT_VALUE = r"(?=[ \t]*(?:[:#=|]|\r?\n|\Z)|\t| {2,}|[ \t]+[\d€$£¥(])"
_TAIL = r"[ \t]*(?:[:#=|.\-\u2013]+[ \t]*)?"
_ALONE = r"(?=[ \t]*:?[ \t]*(?:\r?\n|\Z))"  # nothing but a colon after it on its line
_RANK = {_SEP: 1, _APOSTROPHE: 1, _DOT: 1, _NUMERO: 1, r"\(?": 1, r"\)?": 1, _STAR: 2}
_SPECIAL = {" ": _SEP, "-": _SEP, "/": _SEP, "'": _APOSTROPHE, "\u2019": _APOSTROPHE, ".": _DOT, "°": _NUMERO,
            "*": _STAR, "(": r"\(?", ")": r"\)?"}  # fmt: skip
_FOLD_TABLE: dict[int, str] = {}
for _code in range(0x250):
    _lower = chr(_code).lower()
    _base = "".join(c for c in unicodedata.normalize("NFKD", _lower) if not unicodedata.combining(c))
    _mapped = _base if len(_base) == 1 else _lower if len(_lower) == 1 else chr(_code)
    if _mapped != chr(_code):
        _FOLD_TABLE[_code] = _mapped
_FOLD_TABLE.update({ord("ß"): "s", ord("ø"): "o", ord("Ø"): "o"})


@lru_cache(maxsize=8)
def _folded(text: str) -> str:
    """`text` in lower case without accents, character for character (offsets stay valid)."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


def _tokens(phrase: str, folded: bool) -> list[str]:
    """The regex tokens of one phrase, without its `!`/`~`/`=` flags or end."""
    tokens: list[str] = []
    for char in phrase.lstrip("!~=?"):
        if char in _SPECIAL:
            token = _SPECIAL[char]
        elif folded:
            token = _FOLDED_LETTER.get(char) or re.escape(char.translate(_FOLD_TABLE))
        else:
            token = _RAW_LETTER.get(char) or _RAW_LETTER.get(char.translate(_FOLD_TABLE)) or re.escape(char)
        if not (token == _SEP and tokens and tokens[-1] == _SEP):
            tokens.append(token)
    return tokens


def _trie_regex(phrases: list[tuple[list[str], str]]) -> str:
    """One regex matching any of the token sequences, longest first; each ends in its own end token."""
    root: dict[str, dict] = {}
    for tokens, end in phrases:
        node = root
        for token in [*tokens, end]:
            node = node.setdefault(token, {})
    return _emit(root)


def _emit(node: dict[str, dict]) -> str:
    if not node:
        return ""
    # A phrase's end is tried last, so the longest phrase at a position wins ("fuga de agua", not "fuga").
    ordered = sorted(node, key=lambda t: (3 if t.startswith((_END, _WORD_END)) else _RANK.get(t, 0), t))
    options = [token + _emit(node[token]) for token in ordered]
    return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"


def _label_end(phrase: str, field: str, group: str = "") -> str:
    strict = ""
    if phrase.startswith("!"):
        strict = _STRICT_VALUE if field in _VALUE_FIRST_FIELDS else _STRICT
    elif phrase.startswith("="):
        strict = _ALONE  # and nothing before it: `find_labels` checks
    return _END + strict + (f"(?P<{group}>)" if group else "")


# --- labels and distractors -----------------------------------------------------------------------
_LABEL_LEAVES = [
    (field, language, phrase)
    for field in FIELDS
    for language, phrases in LABELS[field].items()
    for phrase in phrases
]
_DISTRACTOR_LEAVES = [(kind, phrase) for kind, phrases in DISTRACTORS.items() for phrase in phrases]
_TAIL_AT = re.compile(_TAIL)


def _first_word(phrase: str) -> str:
    return re.split(r"[ \-/'\u2019.]", phrase.lstrip("!~=?").translate(_FOLD_TABLE), maxsplit=1)[0]


@cache
def label_pattern(field: str) -> re.Pattern[str]:
    """Any label phrase of `field`, at a word boundary, with its trailing ':', '#', '-' and spaces.

    The pattern runs on the text as printed, in any case and with or without accents. The phrase
    itself is group `label`; `match.end()` is where a value on the same line starts. A phrase that
    begins a distractor label at the same position ("Date" in "Date of birth", "Total" in "Total HT")
    does not match; `find_labels` also resolves distractors that start earlier ("report date" in
    "Police report date").

    Raises:
        KeyError: `field` is not one of `FIELDS`.
    """
    phrases = [p for f, _, p in _LABEL_LEAVES if f == field]
    if not phrases:
        raise KeyError(field)
    first_words = {_first_word(p) for p in phrases}
    clashes = [
        (_tokens(p, False), _label_end(p, "")) for _, p in _DISTRACTOR_LEAVES if _first_word(p) in first_words
    ]
    not_distractor = f"(?!{_trie_regex(clashes)})" if clashes else ""
    body = _trie_regex([(_tokens(p, False), _label_end(p, field)) for p in phrases])
    return re.compile(rf"(?<!\w){not_distractor}(?P<label>{body}){_TAIL}", re.IGNORECASE)


@cache
def distractor_pattern(kind: str) -> re.Pattern[str]:
    """Any label of `kind` (see `DISTRACTORS`), at a word boundary, with its trailing punctuation.

    Raises:
        KeyError: `kind` is not a key of `DISTRACTORS`.
    """
    phrases = [(_tokens(p, False), _label_end(p, "")) for k, p in _DISTRACTOR_LEAVES if k == kind]
    if not phrases:
        raise KeyError(kind)
    return re.compile(rf"(?<!\w)(?P<label>{_trie_regex(phrases)}){_TAIL}", re.IGNORECASE)


@cache
def _all_labels() -> re.Pattern[str]:
    """Labels and distractors in one folded-text pattern; each phrase ends in a group naming it."""
    leaves = [(_tokens(p, True), _label_end(p, f, f"l{i}")) for i, (f, _, p) in enumerate(_LABEL_LEAVES)]
    leaves += [(_tokens(p, True), _label_end(p, "", f"d{i}")) for i, (_, p) in enumerate(_DISTRACTOR_LEAVES)]
    return re.compile(rf"(?<!\w){_trie_regex(leaves)}")


def _scan(text: str) -> list[tuple[str, int, int, int]]:
    """Every label and distractor, the longest phrase at each position: (l|d, leaf index, start, end)."""
    # The last group a match closes is the empty group that ends the phrase it matched.
    return [
        (m.lastgroup[0], int(m.lastgroup[1:]), m.start(), m.end())
        for m in _all_labels().finditer(_folded(text))
        if m.lastgroup
    ]


def find_labels(text: str) -> list[LabelMention]:
    """Every field label in `text`, in order; distractor labels and what they cover are left out."""
    mentions = []
    for kind, index, start, end in _scan(text):
        if kind == "l":
            field, language, phrase = _LABEL_LEAVES[index]
            if phrase.startswith("=") and text[text.rfind("\n", 0, start) + 1 : start].strip():
                continue  # a caption word ("Le") is a label only as its line's whole text
            value_start = _TAIL_AT.match(text, end).end()  # type: ignore[union-attr]  # matches ""
            mentions.append(LabelMention(field, language, start, end, text[start:end], value_start))
    return mentions


def find_distractors(text: str) -> list[tuple[str, int, int]]:
    """Every distractor label in `text` as (kind, start, end of the phrase), in order."""
    return [
        (_DISTRACTOR_LEAVES[index][0], start, end) for kind, index, start, end in _scan(text) if kind == "d"
    ]


# --- damage types ---------------------------------------------------------------------------------
_DAMAGE_LEAVES = [
    (damage, term) for damage in DAMAGE_TYPES for terms in DAMAGE_TERMS[damage].values() for term in terms
]
# English "brand new", French "feu rouge" (a red light) and "vol AF 123" (a flight) name no damage.
_FALSE_FRIENDS = {
    "brand": re.compile(r"[\s-]*(?:new|name|names|neu|:)"),
    "feu": re.compile(r"\s+(?:rouge|vert|orange|tricolore|de\s+signalisation|de\s+circulation)"),
    "feux": re.compile(r"\s+(?:rouges?|verts?|orange|tricolores?|de\s+signalisation|de\s+circulation)"),
    "vol": re.compile(r"\s*(?:n°|no\b|[a-z]{2}\s?\d|\d)"),
}
# A radiator is a heating one (water damage) unless the text is about a vehicle's parts.
_RADIATOR = re.compile(r"radiat|radiad")
_VEHICLE_PARTS = re.compile(
    r"\b(?:bonnet|hood|headlights?|headlamps?|bumpers?|grille|engine|windscreen|windshield|fender|"
    r"capot|phares?|pare-chocs|moteur|calandre|capo|faros?|parachoques|motor|rejilla)\b"
)
_NEGATION_BEFORE = re.compile(
    r"(?:\b(?:no(?!\s+(?:one|longer|doubt|sooner|matter|solo|solamente))|not(?!\s+only)|never|without|neither"
    r"|nor|none|nothing|kein\w*|nichts|rien|nada|nicht(?!\s+nur)|ohne|weder|keinerlei|nie|niemals|pas(?!\s+seulement)|sans|aucune?"
    r"|ni|jamais|non(?!\s+seulement)|sin|ningun[oa]?|nunca|jamas|tampoco)|\w+n['\u2019]t)"
    r"(?:\W+\w+){0,3}\W*\Z"
)
_NEGATION_AFTER = re.compile(
    r"\b(?:ruled\s+out|not\s+involved|(?:was|is)\s+not\s+(?:the\s+)?cause|not\s+responsible|nicht\s+beteiligt"
    r"|nicht\s+(?:die\s+)?ursache|ecartee?s?|descartad[oa]s?"
    # The verb denies it after the noun: "Ein Brand war nicht im Spiel", "A fire was not involved",
    # "Un incendie n'a pas eu lieu", "El fuego no fue la causa".
    r"|(?:war|ist|sind|waren|wurde|wurden)\s+(?:\w+\s+){0,2}?nicht|nicht\s+(?:im\s+spiel|entstanden|eingetreten)"
    r"|(?:was|were|is|are|has|had)\s+(?:\w+\s+)?not|n['\u2019]\w+\s+(?:\w+\s+)?(?:pas|jamais|aucune?)"
    r"|no\s+(?:fue|hubo|ha|hay|habia|habian|causo|provoco)|(?:hat|hatte|haben|hatten)\s+(?:\w+\s+){0,2}?keine?)\b"
)
_CLAUSE_BREAK = re.compile(
    r"[.;:!?\n,(]|\b(?:but|however|although|though|aber|jedoch|sondern|mais|pourtant|cependant|pero|sino"
    r"|aunque)\b"
)
# After the mention, a new coordinated clause has a subject of its own: "The car was stolen ... and
# has not been recovered" denies the recovery, not the theft.
_AFTER_BREAK = re.compile(rf"{_CLAUSE_BREAK.pattern}|\b(?:and|und|et|y)\b")
_CLAUSE_CHARS = 80


@cache
def _damage_pattern() -> re.Pattern[str]:
    bounded = [
        (_tokens(t, True), f"{_WORD_END}(?P<b{i}>)") for i, (_, t) in enumerate(_DAMAGE_LEAVES) if t[0] != "~"
    ]
    infix = [
        (_tokens(t, True), f"{_WORD_END}(?P<i{i}>)") for i, (_, t) in enumerate(_DAMAGE_LEAVES) if t[0] == "~"
    ]
    return re.compile(rf"(?<!\w){_trie_regex(bounded)}|{_trie_regex(infix)}")


def _negated(folded: str, start: int, end: int) -> bool:
    """The mention sits in a clause that denies it: "no fire", "kein Feuer", "not caused by the storm"."""
    before = folded[max(0, start - _CLAUSE_CHARS) : start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if _NEGATION_BEFORE.search(before, breaks[-1].end() if breaks else 0):
        return True
    after = folded[end : end + _CLAUSE_CHARS]
    cut = _AFTER_BREAK.search(after)
    return _NEGATION_AFTER.search(after, 0, cut.start() if cut else len(after)) is not None


def denied(text: str, start: int, end: int) -> bool:
    """Whether the words `text[start:end]` stand in a clause that denies them ("No fire was involved")."""
    return _negated(_folded(text), start, end)


@cache
def _vehicle_body_pattern() -> re.Pattern[str]:
    phrases = [(_tokens(t, True), _WORD_END) for terms in VEHICLE_BODY_TERMS.values() for t in terms]
    return re.compile(rf"(?<!\w){_trie_regex(phrases)}")


def vehicle_body_named(text: str) -> bool:
    """Whether `text` names a car's body panel, light or a dent, other than in a denial ("no dent")."""
    folded = _folded(text)
    return any(not _negated(folded, *found.span()) for found in _vehicle_body_pattern().finditer(folded))


def damage_types_named(text: str) -> list[tuple[str, int, int]]:
    """Every mention of a damage type in `text` as (type, start, end), in order; negated ones left out.

    A German compound that ends in a damage word ("Küchenbrand", "Leitungswasserschaden") counts
    from the start of the compound. A weak term (`?`: a bare impact, "golpeó") counts only when
    the text names nothing else.
    """
    folded = _folded(text)
    found = []
    weak = set()
    for match in _damage_pattern().finditer(folded):
        if not match.lastgroup:  # pragma: no cover - every phrase ends in a leaf group
            continue
        damage, term = _DAMAGE_LEAVES[int(match.lastgroup[1:])]
        start, end = match.span()
        while start > 0 and folded[start - 1].isalpha():  # "~brand" matched inside "kuchenbrand"
            start -= 1
        friend = _FALSE_FRIENDS.get(match.group())
        if friend is not None and friend.match(folded, end):
            continue
        if damage == "water" and _RADIATOR.match(match.group()) and _VEHICLE_PARTS.search(folded):
            continue  # a car's radiator beside its bonnet and headlights is no burst heating
        if not _negated(folded, start, end):
            found.append((damage, start, end))
            if term[0] == "?":
                weak.add(len(found) - 1)
    if len(weak) < len(found):  # a bare impact ("a stone hit the windscreen") is what the rest names
        found = [mention for index, mention in enumerate(found) if index not in weak]
    return found
