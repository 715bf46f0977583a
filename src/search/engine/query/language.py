"""The query language: which characters of a query are operators; the rest is its words.

People type and paste ordinary Dutch text, punctuation and all, so a query means its words
unless something in it is clearly an operator:

- `AND`, `OR`, `EN`, `OF` (and `ANDNOT`, `ENNIET`) in capitals, standing alone between two
  words, phrases or groups; `NOT` or `NIET` standing alone before one;
- a phrase: a quote at the start of a word up to the next quote, holding a word, then
  optionally `~N` (`"trein vertraging"~5`);
- a sign: `-` or `+` at the start of a word (after a space, a bracket or the start of the
  query) that begins with a letter, a phrase or a group (`-trein`, `-"kern energie"`); not a
  `-` after "en", "of" or a comma, which starts a word sharing its first part with the one
  before ("snelheids- of -wedstrijden"). `+word` is `word`: every word must match anyway;
- a field: `titel:`, `vraag:`, `antwoord:` (or `title:`, `question:`, `answer:`) at the start
  of a word, directly followed by what it applies to;
- a pattern: a word with `*` after a letter or digit (`trein*`, `ge*ing`; not between two
  digits: `2*3`) or first before a letter (`*heid`, which the pattern then refuses for its
  short start), or with `?` for one letter between a letter and a lower-case letter followed
  by another letter (`ve?koop`); a web address has none;
- a group: brackets that pair up around a word, at most `MAX_GROUP_DEPTH` deep.

Everything else is punctuation, whatever Whoosh's parser would make of it: a `?` ending a
word (`wat?`) or before a digit, a capital or a single letter (`hoe?2`, `nemen?b)`), a sign
before a digit (`(-11,5%)`), a quote or bracket without its partner, an operator with nothing
to join or negate (the word it is), `~` and `^` after a word, and a list number (`1.`, `2)`)
starting a sentence, first in the query or after a sentence end, glued to it or not
(`verlijden?2.`, `zijn. 3. Hoeveel`), which the index does not hold as a word either
(`search.ingest.numbering`), unless the query is that number alone. The analyzer ends a word
at punctuation, as at a comma.

`normalised` writes a query so that Whoosh's parser finds these operators and no others: the
punctuation it would read as syntax becomes a space, an operator that is a word is written in
lower case, and a pattern is set apart from the text beside it. A query without such
punctuation is left as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate

from search.engine.query.fields import FIELD_ALIASES
from search.index.schema import TEXT_FIELDS

# The operator words (capitals): those joining two operands and those negating one. The one
# list of them; a pasted text's check for operators (`request`) and the suggestions read it too.
JOINING = frozenset(["AND", "OR", "ANDNOT", "EN", "OF", "ENNIET"])
NEGATING = frozenset(["NOT", "NIET"])
FIELD_NAMES = frozenset(
    [*TEXT_FIELDS, *(alias for names in FIELD_ALIASES.values() for alias in names)]
)
# Deeper brackets are punctuation: nobody nests groups this deep, and Whoosh's parser recurses
# a few frames for each level.
MAX_GROUP_DEPTH = 20

# Kinds of token.
SPACE, TEXT, PHRASE, OPEN, CLOSE, SIGN, FIELD, OPERATOR = (
    "space text phrase open close sign field operator".split()
)
# What an operator needs after it, and what a joining one needs before it.
_OPERAND_STARTS = frozenset([TEXT, PHRASE, OPEN, FIELD])
_OPERAND_ENDS = frozenset([TEXT, PHRASE, CLOSE])
# Where a word starts: first, or after these.
_WORD_STARTS = (None, SPACE, OPEN)
# The words after which a hyphen starts a word sharing its first part with the one before.
_ELIDING = frozenset(["en", "of", "en/of"])

_WORD_CHAR = re.compile(r"[^\W_]")
_LETTER = re.compile(r"[^\W\d_]")
_SPACES = re.compile(r" +")
# Text up to the next space or bracket: nothing else can start a token inside a word.
_WORD_REST = re.compile(r"[^ ()]+")
_SIGNED = re.compile(r'[+-](?=[^\W\d_]|["(])')
_OPERATOR_WORD = re.compile(r"[A-Z]+(?= )")
_FIELD = re.compile(r"(\w+):(?=[^ )])")
_SLOP = re.compile(r"~[1-9][0-9]*")
_ADDRESS = re.compile(r"://|\bwww\.", re.IGNORECASE)
# A list number where `search.ingest.numbering` finds one: first in the text, glued to a
# sentence end other than a full stop ("hoe?2."), or after one and a space ("zijn. 3."), read
# once whitespace is made spaces (a search box drops line breaks anyway). Not a number cited
# after "nr." ("vraag nr. 35."): that is a reference.
_LIST_NUMBER = re.compile(
    r"(?:^|(?<=[?!:;)\"'’”])|(?<=[.?!:;)\"'’”] )(?<![nN]r\. )(?<![nN]rs\. ))"
    r" *[0-9]{1,2}[.)](?![0-9])"
)
# What Whoosh's parser reads as syntax wherever it stands: its wildcards (other scripts'
# question marks among them) and the quote.
_SYNTAX = re.compile('[*?"\u055e\u061f\u1367]')
# A field name where Whoosh's parser reads one: first in a run of word characters.
_FIELD_TAG = re.compile(r"(?<!\w)(" + "|".join(sorted(FIELD_NAMES)) + "):")


@dataclass
class Token:
    """A piece of the query: its kind and text, and whether it is kept as what it looks like
    (else a bracket or sign is punctuation, an operator a word)."""

    kind: str
    text: str
    kept: bool = True
    # A bracket's partner.
    partner: int = -1
    # A text token's parts, each with whether it is a pattern.
    parts: list[tuple[bool, str]] = field(default_factory=list)


def normalised(text: str) -> str:
    """`text` written so that Whoosh's parser reads the operators of the language in it, and
    the rest as plain words."""
    tokens = _scanned(_without_list_numbers(re.sub(r"\s", " ", text)).strip())
    _pair_brackets(tokens)
    _check_signs(tokens)
    _check_operators(tokens)
    return _written(tokens).strip()


def _without_list_numbers(text: str) -> str:
    """`text` without the list numbers starting its sentences, unless nothing else is left."""
    rest = _LIST_NUMBER.sub(" ", text)
    return rest if _WORD_CHAR.search(rest) else text


def _scanned(text: str) -> list[Token]:
    """The tokens of `text` (whitespace made spaces): each place where an operator could be,
    as Whoosh's parser would find it, and the text between."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        token = _token_at(text, position, tokens)
        tokens.append(token)
        position += len(token.text)
    for index, token in enumerate(tokens):
        if token.kind == TEXT:
            before = tokens[index - 1].kind if index else None
            token.parts = _text_parts(token.text, before in (*_WORD_STARTS, SIGN, FIELD))
    return tokens


def _token_at(text: str, position: int, tokens: list[Token]) -> Token:
    """The token at `position`, after `tokens`: text up to the next space or bracket unless
    an operator could start there."""
    before = tokens[-1].kind if tokens else None
    char = text[position]
    if char == " ":
        return Token(SPACE, _SPACES.match(text, position).group())
    if char in "()":
        return Token(OPEN if char == "(" else CLOSE, char)
    if char == '"' and before in (*_WORD_STARTS, SIGN, FIELD):
        end = text.find('"', position + 1)
        if end != -1 and _WORD_CHAR.search(text, position + 1, end):
            slop = _SLOP.match(text, end + 1)
            return Token(PHRASE, text[position : slop.end() if slop else end + 1])
    if before in _WORD_STARTS and _SIGNED.match(text, position) and not _elided(char, tokens):
        return Token(SIGN, char)
    word = _OPERATOR_WORD.match(text, position)
    if word and _is_operator(word.group(), before):
        return Token(OPERATOR, word.group())
    name = _FIELD.match(text, position)
    if name and name[1] in FIELD_NAMES and before in (*_WORD_STARTS, SIGN):
        return Token(FIELD, name.group())
    return Token(TEXT, _WORD_REST.match(text, position).group())


def _elided(char: str, tokens: list[Token]) -> bool:
    """Whether a hyphen after `tokens` starts a word that shares its first part with the one
    before ("snelheids- of -wedstrijden", "kosten, -baten")."""
    if char != "-" or len(tokens) < 2 or tokens[-1].kind != SPACE or tokens[-2].kind != TEXT:
        return False
    return tokens[-2].text in _ELIDING or tokens[-2].text.endswith(",")


def _is_operator(word: str, before: str | None) -> bool:
    """Whether Whoosh's parser reads `word`, followed by a space, as an operator: a joining
    one after a space, a negating one also first or after a bracket."""
    if word in JOINING:
        return before == SPACE
    return word in NEGATING and before in (*_WORD_STARTS, CLOSE)


def _text_parts(text: str, starts_word: bool) -> list[tuple[bool, str]]:
    """A text token cut into its patterns and the text around them, each part with whether it
    is a pattern; a web address has none."""
    wild = set() if _ADDRESS.search(text) else _wildcards(text, starts_word)
    parts: list[tuple[bool, str]] = []
    done = position = 0
    while position < len(text):
        end = position
        while end < len(text) and (end in wild or _in_word(text, end)):
            end += 1
        if wild.intersection(range(position, end)):
            parts += [(False, text[done:position])] if done < position else []
            parts.append((True, text[position:end]))
            done = end
        position = max(end, position + 1)
    return parts + ([(False, text[done:])] if done < len(text) else [])


def _in_word(text: str, position: int) -> bool:
    """Whether the character at `position` is part of a word: a letter or digit, or an
    apostrophe between two ("auto's")."""
    if text[position] in "'’":
        return 0 < position < len(text) - 1 and bool(
            _WORD_CHAR.match(text[position - 1]) and _WORD_CHAR.match(text[position + 1])
        )
    return bool(_WORD_CHAR.match(text[position]))


def _wildcards(text: str, starts_word: bool) -> set[int]:
    """The places in a text token where `*` or `?` is a wildcard."""
    return {position for position in range(len(text)) if _is_wildcard(text, position, starts_word)}


def _is_wildcard(text: str, position: int, starts_word: bool) -> bool:
    """Whether the character at `position` is a wildcard: a `*` after a letter or digit but not
    between two digits, or first in a word before one; a `?` after a letter, before a
    lower-case letter and another letter or a `*`."""
    before = text[position - 1] if position else ""
    after, then = text[position + 1 : position + 2], text[position + 2 : position + 3]
    if text[position] == "*" and _WORD_CHAR.match(before):
        return not (before.isdigit() and after.isdigit())
    if text[position] == "*":
        return not position and starts_word and bool(_WORD_CHAR.match(after))
    return (
        text[position] == "?"
        and bool(_LETTER.match(before))
        and after.islower()
        and (then == "*" or bool(_LETTER.match(then)))
    )


def _pair_brackets(tokens: list[Token]) -> None:
    """Keep the brackets that pair up around a word, at most `MAX_GROUP_DEPTH` deep."""
    # How many tokens holding a word come before each token.
    words = list(accumulate((bool(_WORD_CHAR.search(token.text)) for token in tokens), initial=0))
    open_at: list[int] = []
    for index, token in enumerate(tokens):
        if token.kind == OPEN:
            token.kept = len(open_at) < MAX_GROUP_DEPTH
            open_at.append(index)
        elif token.kind == CLOSE and not open_at:
            token.kept = False
        elif token.kind == CLOSE:
            start = open_at.pop()
            holds_word = words[index] > words[start + 1]
            token.kept = tokens[start].kept = tokens[start].kept and holds_word
            token.partner, tokens[start].partner = start, index
    for index in open_at:
        tokens[index].kept = False


def _check_signs(tokens: list[Token]) -> None:
    """Keep a sign before a word that begins with a letter, a phrase, a field or a group."""
    for index, token in enumerate(tokens):
        if token.kind == SIGN:
            after = tokens[index + 1]
            starts = after.kind in (PHRASE, OPEN, FIELD) or bool(_LETTER.match(after.text))
            token.kept = after.kept and starts


def _check_operators(tokens: list[Token]) -> None:
    """Keep an operator with an operand after it (`NOT`) or on either side (the joining ones)
    within its group; one that has none is a word. A signed operand is no operand to join."""
    for index in reversed(range(len(tokens))):
        if tokens[index].kind == OPERATOR and tokens[index].text in NEGATING:
            tokens[index].kept = _kind(tokens, _next(tokens, index, 1)) in _OPERAND_STARTS
    for index, token in enumerate(tokens):
        if token.kind == OPERATOR and token.text in JOINING:
            after = _next(tokens, index, 1)
            negation = _kind(tokens, after) == OPERATOR and tokens[after].text in NEGATING
            token.kept = _unsigned_operand_ends_at(tokens, _next(tokens, index, -1)) and (
                negation or _kind(tokens, after) in _OPERAND_STARTS
            )


def _kind(tokens: list[Token], index: int | None) -> str | None:
    """What the token at `index` is read as: an operator that is not kept is text, any other
    token that is not kept (or text that is punctuation alone) a space."""
    if index is None:
        return None
    token = tokens[index]
    if token.kind == OPERATOR and not token.kept:
        return TEXT
    if not token.kept or (token.kind == TEXT and not _WORD_CHAR.search(token.text)):
        return SPACE
    return token.kind


def _next(tokens: list[Token], index: int, step: int) -> int | None:
    """The index of the next token from `index` in the direction `step` that is not read as
    a space; None past either end."""
    index += step
    while 0 <= index < len(tokens) and _kind(tokens, index) == SPACE:
        index += step
    return index if 0 <= index < len(tokens) else None


def _unsigned_operand_ends_at(tokens: list[Token], index: int | None) -> bool:
    """Whether an operand without a sign ends at `index`."""
    if _kind(tokens, index) not in _OPERAND_ENDS:
        return False
    start = tokens[index].partner if tokens[index].kind == CLOSE else index
    while start > 0 and _kind(tokens, start - 1) == FIELD:
        start -= 1
    return not (start > 0 and _kind(tokens, start - 1) == SIGN)


def _written(tokens: list[Token]) -> str:
    """The tokens written for Whoosh's parser."""
    written = ""
    # Whether what is written so far ends where Whoosh's parser starts a new node, so that a
    # pattern written next is read alone.
    apart = True
    for token in tokens:
        if token.kind == TEXT:
            for is_pattern, part in token.parts:
                written += "" if apart else " "
                written += part if is_pattern else _plain(part, written[-1:] in ("", " ", "("))
                apart = False
        elif token.kind == OPERATOR and not token.kept:
            written += token.text.lower()
        else:
            # A `+` asks for what every word needs anyway.
            written += token.text if token.kept and token.text != "+" else " "
            apart = token.kind != PHRASE
    return written


def _plain(text: str, at_start: bool) -> str:
    """Text that Whoosh's parser reads as plain words: its syntax characters and the colon of
    a field name made spaces, a sign before a word dropped, an operator made a word,
    punctuation alone made a space."""
    text = _SYNTAX.sub(" ", text)
    pieces = _FIELD_TAG.sub(r"\1 ", text).split(" ")
    for number, piece in enumerate(pieces):
        if not _WORD_CHAR.search(piece):
            piece = ""
        elif number or at_start:
            piece = piece.lstrip("+-")
        pieces[number] = piece.lower() if piece in JOINING | NEGATING else piece
    return " ".join(pieces)
