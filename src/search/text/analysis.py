"""Dutch text analysis: one definition used at index time, at query time and for highlighting.

Both analyzers are chains of small named parts, as Whoosh builds its own. Whoosh pickles them into
the index schema, so every part is a module-level class without lambdas or closures; the data
they use (the lexicon, the stem exceptions) is loaded once per process, on first use.

The ranked form, step by step:
- words and numbers in their Unicode compatibility form (NFKC: the ligature "ﬁ" as "fi",
  full-width "ＮＭＢＳ" as "NMBS"), lowercased, accents folded, "'s" dropped;
- a hyphenated word ("burn-out") is followed by its members written as one ("burnout");
- Dutch stopwords go;
- each word becomes its index terms (`word_terms`): its stem, then, for a compound, the stems
  of the words it contains marked with `PART_MARK` ("kerncentralesite": "kerncentralesit",
  "~kern", "~central", "~sit", "~kerncentral", "~centralesit"), so that a query word finds the
  compounds that contain it ("~kerncentral") but a part never passes for the word itself.
A stem is snowball's `dutch_porter` stem, except the words in `data/stem_exceptions.txt`, which
the stemmer mangles ("overheid" -> "over"), after a plural "-s" that snowball keeps
("organisaties") is dropped, and with a doubled final consonant undoubled ("gevangenissen" ->
"gevangenis"). A diminutive keeps its own stem ("pakjes" -> "pakje", never "pak", whose plural
is also the verb "pakken") and contains its base ("~pak"), and so does a noun made of a
participle ("gevangenen" -> "gevangene", not the participle "gevangen"). A compound inflects in
its last part, so its stem is the rest as written and the stem of that part
("overheidskantines" -> "overheids" + "kantin"), whatever snowball would make of the whole; a
part stands for the word it links ("kinderarmoede": "~kind"), and a prefix of
`compounds.prefixoids` for none ("pleegouders": "~ouder" only). Each token says what it is in
`token.role`: a word as written, a hyphenated word joined, or a contained part; the stemmed
field builds its queries from that (`schema.RankedText`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain, repeat

import snowballstemmer
from whoosh.analysis import (
    CharsetFilter,
    Composable,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
)
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.lang.stopwords import stoplists
from whoosh.support.charset import accent_map

from search.text.compounds import (
    PREFIX,
    Decision,
    Part,
    diminutive_base,
    dutch_lexicon,
    dutch_splitter,
    read_word_list,
)
from search.text.lemmas import head_lemma, lemma

# Letters and digits; any other character (also "." and "-") ends a token, so sentences glued
# without a space ("storing.Trein") still split. An apostrophe inside a word ("auto's") stays.
TOKEN_PATTERN = r"[^\W_]+(?:['’][^\W_]+)*"
# Longer tokens are digit runs from flattened tables or junk, never words a user types.
MAX_TOKEN_LENGTH = 50
# The snowball Dutch stopword list (as shipped by Whoosh, from snowball).
DUTCH_STOPWORDS = stoplists["nl"]
STEMMER_ALGORITHM = "dutch_porter"

# What a token of the ranked form is (`token.role`).
WORD, JOINED, PART = "word", "joined", "part"
# Marks the term of a word contained in a compound, apart from the same word standing alone.
PART_MARK = "~"

_FOLD_MAP = {**accent_map, ord("’"): "'"}
_VOWELS = frozenset("aeiouy")
_TOKEN = re.compile(TOKEN_PATTERN)
# A hyphen that joins two tokens into a hyphenated word ("burn-out"): between two letters or
# digits, which always end and start a token.
_JOINING_HYPHEN = re.compile(r"(?<=[^\W_])-(?=[^\W_])")


class WordTokenizer(RegexTokenizer):
    """`TOKEN_PATTERN` tokens, each marking whether a hyphen joins it to the one before
    (`token.after_hyphen`: "out" in "burn-out")."""

    def __init__(self) -> None:
        super().__init__(TOKEN_PATTERN)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        if not tokenize:
            yield from super().__call__(
                value,
                positions,
                chars,
                keeporiginal,
                removestops,
                start_pos,
                start_char,
                tokenize,
                mode,
                **kwargs,
            )
            return
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        previous_end = -2
        for pos, match in enumerate(self.expression.finditer(value)):
            start, end = match.span()
            token.text = match.group(0)
            token.boost, token.stopped = 1.0, False
            token.after_hyphen = start == previous_end + 1 and value[previous_end] == "-"
            previous_end = end
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class CompatibilityFilter(Filter):
    """Each word in its Unicode compatibility form (NFKC): "ﬁets" -> "fiets", "ＮＭＢＳ" ->
    "NMBS", "²" -> "2"."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = compatible(token.text)
            yield token


def compatible(text: str) -> str:
    """A text in its Unicode compatibility form (NFKC)."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


class ApostropheFilter(Filter):
    """Drop a plural or genitive "'s" ("auto's" -> "auto") and any other apostrophe ("d'hondt")."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if "'" in token.text:
                token.text = without_apostrophes(token.text)
            yield token


def without_apostrophes(text: str) -> str:
    """A word without a final "'s" and without any other apostrophe."""
    return (text[:-2] if text.endswith("'s") else text).replace("'", "")


class HyphenJoinFilter(Filter):
    """Follow a hyphenated word with its members joined, at the position of the last member:
    "burn-out" -> "burn", "out", "burnout". Both spellings then meet, and the compound
    splitter sees the whole word ("burn-outpreventie" -> "burnout" + "preventie")."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        members: list[str] = []
        token = last_pos = None
        for token in tokens:
            if not token.after_hyphen:
                if len(members) > 1:
                    yield _joined(token, members, last_pos)
                members = []
            members.append(token.text)
            last_pos = getattr(token, "pos", None)
            token.role = WORD
            yield token
        if len(members) > 1:
            yield _joined(token, members, last_pos)


def _joined(template: Token, members: list[str], pos: int | None) -> Token:
    """A new token (the tokenizer reuses its own) for the members joined, at `pos`."""
    joined = template.copy()
    joined.text, joined.role, joined.stopped, joined.boost = "".join(members), JOINED, False, 1.0
    if pos is not None:
        joined.pos = pos
    return joined


class IndexTermsFilter(Filter):
    """Replace each word by its stem, followed by the marked stems of the words it contains, at
    the same position (see `word_terms`); each word token carries its `WordTerms` as `terms`."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if token.stopped:
                token.terms = None
                yield token
                continue
            terms = word_terms(token.text)
            token.text, token.terms = terms.stem, terms
            yield token
            role = token.role
            for contained in terms.contained:
                token.text, token.role, token.terms = PART_MARK + contained, PART, None
                yield token
            token.role = role


@functools.cache
def stem_exceptions() -> dict[str, str]:
    """Word -> stem for the words the stemmer mangles: each line of the data file lists a
    stem and the forms indexed as it ("gemeente gemeenten gemeentes")."""
    exceptions = {}
    for line in read_word_list("stem_exceptions.txt"):
        stem, *forms = line.split()
        exceptions.update((form, stem) for form in (stem, *forms))
    return exceptions


def singular(word: str) -> str:
    """Drop the plural "-s" after a vowel when the lexicon knows the singular: "organisaties",
    "kantines", "gemeentes". Snowball's Dutch stemmers keep that "s" (they cannot tell it
    from the "s" of "proces" or "huis"), so singular and plural would never meet. Likewise
    the "-n" of a plural of a noun in "-ene" ("gevangenen", "betrokkenen"), which snowball
    stems apart from its singular."""
    if len(word) > 4 and word[-1] == "s" and word[-2] in _VOWELS and word[:-1] in dutch_lexicon():
        return word[:-1]
    if len(word) > 6 and word.endswith("enen") and word[:-1] in dutch_lexicon():
        return word[:-1]
    return word


class SnowballStemFilter(Filter):
    """Replace each unstopped token by its snowball stem, caching stems of seen words."""

    def __init__(self, algorithm: str = STEMMER_ALGORITHM, cache_size: int = 100_000) -> None:
        self.algorithm = algorithm
        self.cache_size = cache_size
        self._stemmer = None
        # The least recently used stems go first when the cache is full.
        self.stem = functools.lru_cache(maxsize=cache_size)(self._stem)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.algorithm == self.algorithm

    def __getstate__(self) -> dict:
        return {"algorithm": self.algorithm, "cache_size": self.cache_size}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    def _stem(self, word: str) -> str:
        """The stem of one lowercase, accent-folded word."""
        if self._stemmer is None:
            self._stemmer = snowballstemmer.stemmer(self.algorithm)
        return self._new_stem(word)

    def _new_stem(self, word: str) -> str:
        return self._stemmer.stemWord(word)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if not token.stopped:
                token.text = self.stem(token.text)
            yield token


class DutchStemFilter(SnowballStemFilter):
    """Snowball stemming, but the listed exceptions keep their own stem, a plural "-s" after a
    vowel goes first (see `singular`), and a doubled final consonant is undoubled after: the
    plurals "gevangenissen", "vennootschappen", "processen" leave "gevangeniss",
    "vennootschapp", "process", which must meet "gevangenis", "vennootschap", "proces"."""

    def _new_stem(self, word: str) -> str:
        exception = stem_exceptions().get(word)
        if exception:
            return exception
        word = singular(word)
        if word.endswith("je") and diminutive_base(word, dutch_lexicon()):
            # A diminutive is a word of its own ("pakje" is no "pak", whose plural "pakken" is
            # also a verb); it contains its base (`analysed_terms`).
            return word
        if word.endswith("ene") and word + "n" in dutch_lexicon():
            # A noun made of a participle, "gevangene(n)", "betrokkene(n)", which snowball
            # would stem as the participle ("gevangen", "betrokken").
            return word
        stem = self._stemmer.stemWord(word)
        if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
            return stem[:-1]
        return stem


def word_tokens() -> Composable:
    """Words and numbers, in their compatibility form, lowercased and accent-folded ("België"
    -> "belgie"), stopwords kept."""
    return (
        WordTokenizer()
        | CompatibilityFilter()
        | LowercaseFilter()
        | CharsetFilter(_FOLD_MAP)
        | ApostropheFilter()
    )


@dataclass(frozen=True)
class IndexedText:
    """A text as a field indexes it: its terms, in the order the token chain gives them; how
    many of them stand at each token in turn (None: one at each); and the position of the
    first token (tokens follow at the next positions)."""

    terms: list[str]
    counts: list[int] | None = None
    first: int = 0

    def positions(self) -> list[int]:
        """The position of each term."""
        if self.counts is None:
            return list(range(self.first, self.first + len(self.terms)))
        places = range(self.first, self.first + len(self.counts))
        return list(chain.from_iterable(map(repeat, places, self.counts)))

    def word_positions(self) -> dict[str, list[int]]:
        """Each term with its positions."""
        positions: dict[str, list[int]] = {}
        for term, position in zip(self.terms, self.positions(), strict=True):
            positions.setdefault(term, []).append(position)
        return positions


class ExactAnalyzer(CompositeAnalyzer):
    """The unstemmed chain (see `exact_analyzer`), with a fast way to index a text."""

    def indexed_text(self, value: str) -> IndexedText:
        """What indexing the tokens of this chain gives, computed without making tokens
        (`test_analysis` holds the two equal)."""
        return indexed_texts(value, ranked=False)[1]

    def word_positions(self, value: str) -> dict[str, list[int]]:
        """Each word of `value` with its positions."""
        return self.indexed_text(value).word_positions()


class DutchAnalyzer(CompositeAnalyzer):
    """The ranked chain (see `dutch_analyzer`), with a fast way to index a text."""

    def indexed_text(self, value: str) -> IndexedText:
        """What indexing the tokens of this chain gives, computed without making tokens
        (`test_analysis` holds the two equal)."""
        return indexed_texts(value, exact=False)[0]

    def word_positions(self, value: str) -> dict[str, list[int]]:
        """Each stem of `value` with its positions."""
        return self.indexed_text(value).word_positions()


_NOTHING = IndexedText([])


def indexed_texts(
    value: str, ranked: bool = True, exact: bool = True
) -> tuple[IndexedText, IndexedText]:
    """What the ranked chain and the unstemmed chain index of `value`, from one pass over its
    words (a stemmed field and its unstemmed twin index the same text); the one not asked for
    is empty.

    Each token's terms are looked up once per distinct token (caches), and the rest are list
    operations in C: no Python runs per token (only per hyphenated word).
    """
    words = list(map(folded_word, _TOKEN.findall(value)))
    return (
        _ranked_text(value, words) if ranked else _NOTHING,
        _exact_text(words) if exact else _NOTHING,
    )


def _exact_text(words: list[str]) -> IndexedText:
    if all(map(_is_token_length, words)):
        return IndexedText(words)
    kept = [(index, word) for index, word in enumerate(words) if _is_token_length(word)]
    # The StopFilter renumbers: a dropped token takes no position.
    return IndexedText([word for _, word in kept], first=kept[0][0] if kept else 0)


def _is_token_length(word: str) -> bool:
    return 1 <= len(word) <= MAX_TOKEN_LENGTH


def _ranked_text(value: str, words: list[str]) -> IndexedText:
    per_token = list(map(_ranked_terms, words))
    if "-" in value:
        _add_hyphen_joins(value, words, per_token)
    return IndexedText(list(chain.from_iterable(per_token)), list(map(len, per_token)))


def _add_hyphen_joins(value: str, words: list[str], per_token: list[tuple[str, ...]]) -> None:
    """Give the last member of each hyphenated word ("burn-out") the terms of its members
    written as one, after its own (see `HyphenJoinFilter`)."""
    for members in _hyphenated_words(value):
        joined = _ranked_terms("".join(words[members]))
        if joined:
            per_token[members.stop - 1] += joined


def _hyphenated_words(value: str) -> Iterator[slice]:
    """The tokens (their numbers in `value`) of each hyphenated word of `value`."""
    lefts = []  # the token before each hyphen that joins two tokens
    counted, searched_to = 0, 0
    for hyphen in _JOINING_HYPHEN.finditer(value):
        counted += len(_TOKEN.findall(value, searched_to, hyphen.start()))
        searched_to = hyphen.start()
        lefts.append(counted - 1)
    first = 0
    for number in range(1, len(lefts) + 1):
        if number == len(lefts) or lefts[number] != lefts[number - 1] + 1:
            yield slice(lefts[first], lefts[number - 1] + 2)
            first = number


@functools.lru_cache(maxsize=500_000)
def _ranked_terms(word: str) -> tuple[str, ...]:
    """The terms the ranked form indexes a folded word under, at its position: none for a
    stopword or a word of another length than a token may have."""
    if _is_token_length(word) and word not in DUTCH_STOPWORDS:
        return word_terms(word).index_terms
    return ()


def hyphen_joined_words(text: str) -> list[str]:
    """The hyphenated words of `text` written as one, folded ("burn-out" -> "burnout"), which
    the ranked form indexes beside their members."""
    if "-" not in text:
        return []
    words = list(map(folded_word, _TOKEN.findall(text)))
    return ["".join(words[members]) for members in _hyphenated_words(text)]


def token_pattern() -> re.Pattern[str]:
    """The compiled `TOKEN_PATTERN`: what a word of a text is."""
    return _TOKEN


def folded_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """Each word of `text` as `word_tokens` leaves it, with its start and end in `text`: the
    same as that chain with `chars=True`, without making tokens."""
    for match in _TOKEN.finditer(text):
        yield folded_word(match.group()), match.start(), match.end()


def folded_words(text: str) -> list[tuple[str, str]]:
    """Each word of `text` as `word_tokens` leaves it, with the word as written: the spans of
    `folded_spans` without their places, found faster."""
    return [(folded_word(raw), raw) for raw in _TOKEN.findall(text)]


@functools.lru_cache(maxsize=500_000)
def folded_word(raw: str) -> str:
    """A token as `word_tokens` leaves it: its compatibility form, lowercase, accents folded,
    apostrophes handled."""
    text = compatible(raw).lower().translate(_FOLD_MAP)
    return without_apostrophes(text) if "'" in text else text


def exact_analyzer() -> ExactAnalyzer:
    """The unstemmed form, for exact phrases and prefix queries: every word, stopwords included."""
    return ExactAnalyzer(
        word_tokens(), StopFilter(stoplist=None, minsize=1, maxsize=MAX_TOKEN_LENGTH)
    )


def dutch_analyzer() -> DutchAnalyzer:
    """The ranked form: words without Dutch stopwords, each as its stem followed by the marked
    stems of the words it contains."""
    return DutchAnalyzer(
        word_tokens(),
        HyphenJoinFilter(),
        # Without renumbering, a joined word keeps the position of its last member.
        StopFilter(stoplist=DUTCH_STOPWORDS, minsize=1, maxsize=MAX_TOKEN_LENGTH, renumber=False),
        IndexTermsFilter(),
    )


@functools.cache
def _ranked_stemmer() -> DutchStemFilter:
    return DutchStemFilter()


@dataclass(frozen=True)
class WordTerms:
    """What a lowercase, accent-folded word is indexed and searched as (see `word_terms`)."""

    # The word itself, and its stem: the same for all its forms.
    word: str
    stem: str
    # The stems of the words a compound contains: each run of its smallest parts but the whole
    # ("kerncentralesite": "kern", "central", "sit", "kerncentral", "centralesit").
    contained: tuple[str, ...] = ()
    # The stems of the parts of its best split, each maybe a compound itself
    # ("spoorwegpolitie": "spoorweg", "politie"); () for a word that is not a compound.
    parts: tuple[str, ...] = ()

    @functools.cached_property
    def index_terms(self) -> tuple[str, ...]:
        """The terms the ranked field indexes the word under, at its position."""
        return (self.stem, *(PART_MARK + term for term in self.contained))

    def __getstate__(self) -> dict:
        """Pickled without `index_terms` once worked out (a build's workers hand words' terms
        over): it is worked out again when asked."""
        state = dict(self.__dict__)
        state.pop("index_terms", None)
        return state


# Where the terms of words already analysed can be looked up before analysing them again: the
# vocabulary of the index generation a process searches (`search.index.arrays.vocabulary`), so
# that marking and explaining a hit and parsing a query of known words need neither the lexicon
# nor simplemma. It holds what `word_terms` gives, a function of the word alone.
_known_terms: Callable[[str], WordTerms | None] | None = None


def use_known_terms(lookup: Callable[[str], WordTerms | None] | None) -> None:
    """Look words up with `lookup` (None: no more) before analysing them in `word_terms`."""
    global _known_terms
    _known_terms = lookup


def word_terms(word: str) -> WordTerms:
    """The stem of a word, of the words it contains and of its parts: "overheidsdiensten" ->
    WordTerms("overheidsdiensten", "overheidsdienst", ("overheid", "dienst"), ("overheid",
    "dienst")). An irregular form is taken in its dictionary form first (`lemmas`:
    "ziekenhuizen" -> "ziekenhuis")."""
    lookup = _known_terms
    known = lookup(word) if lookup is not None else None
    return known if known is not None else analysed_terms(word)


@functools.lru_cache(maxsize=200_000)
def analysed_terms(word: str) -> WordTerms:
    """A word's terms (see `word_terms`), worked out from the lexicon and the stemmer."""
    base = lemma(word)
    splitter = dutch_splitter(DUTCH_STOPWORDS)
    parts = splitter.smallest_parts(base)
    if not parts:
        return WordTerms(word, _ranked_stemmer().stem(base), _diminutive_bases(base))
    # Each run of parts but the whole, and but a prefix alone, which stands for no word.
    skipped = {(0, len(parts) - 1), (0, 0) if parts[0].rule == PREFIX else (-1, -1)}
    contained = dict.fromkeys(
        _part_stem(base, parts[first : last + 1])
        for first in range(len(parts))
        for last in range(first, len(parts))
        if (first, last) not in skipped
    )
    contained.update(dict.fromkeys(_diminutive_bases(base[parts[-1].start :])))
    contained.update(dict.fromkeys(_diminutive_bases(base)))
    top_parts = splitter.top_parts(base)
    # A prefix stands for no word: its compound is a kind of its head ("pleegouders" are
    # "ouders"), not its parts in a phrase.
    top = () if top_parts[0].rule == PREFIX else tuple(_part_stem(base, (p,)) for p in top_parts)
    return WordTerms(word, _compound_stem(base), tuple(contained), top)


def _part_stem(word: str, parts: tuple[Part, ...]) -> str:
    """The stem of a run of a compound's parts: of the word a single part stands for ("kinder"
    -> "kind", "steden" -> "stad"), or of the run as written, itself a compound."""
    if len(parts) == 1 and not dutch_splitter(DUTCH_STOPWORDS).smallest_parts(
        word[parts[0].start : parts[0].end]
    ):
        part = parts[0]
        written = word[part.start : part.end]
        if part.end == len(word):
            return _ranked_stemmer().stem(head_lemma(written))
        return _ranked_stemmer().stem(lemma(part.lemma))
    return _compound_stem(word[parts[0].start : parts[-1].end])


def _diminutive_bases(word: str) -> tuple[str, ...]:
    """The stem of the noun a diminutive is made of ("kaartjes" -> "kaart"), or ()."""
    if not word.endswith(("je", "jes")):
        return ()
    base = diminutive_base(word, dutch_lexicon())
    return (_ranked_stemmer().stem(base),) if base else ()


def _compound_stem(word: str) -> str:
    """The stem of a word that may be a compound: the stem of its last part in its dictionary
    form, after the rest as written ("overheidskantines" -> "overheidskantin",
    "universiteitsziekenhuizen" -> "universiteitsziekenhuis")."""
    parts = dutch_splitter(DUTCH_STOPWORDS).smallest_parts(word)
    head = parts[-1].start if parts else 0
    return word[:head] + _ranked_stemmer().stem(head_lemma(word[head:]) if head else lemma(word))


@dataclass(frozen=True)
class WordAnalysis:
    """How one word is analysed, with the reasons (for `parlsearch analyse`): the word folded,
    its dictionary form (`lemmas`), its terms (None: a stopword, never indexed), the compound
    decision on the dictionary form (which rule decided, the splits considered), its smallest
    parts, and the noun a diminutive is made of ("")."""

    folded: str
    lemma: str
    terms: WordTerms | None
    decision: Decision | None = None
    smallest: tuple[Part, ...] = ()
    diminutive: str = ""


def word_analyses(text: str) -> list[WordAnalysis]:
    """The analysis of each word of `text`, and of its hyphenated words written as one."""
    words = [word for word, _, _ in folded_spans(text)] + hyphen_joined_words(text)
    return [_word_analysis(word) for word in dict.fromkeys(words)]


def _word_analysis(word: str) -> WordAnalysis:
    if word in DUTCH_STOPWORDS or not _is_token_length(word):
        return WordAnalysis(word, word, None)
    base = lemma(word)
    splitter = dutch_splitter(DUTCH_STOPWORDS)
    return WordAnalysis(
        word,
        base,
        word_terms(word),
        splitter.decision(base),
        splitter.smallest_parts(base),
        diminutive_base(base, dutch_lexicon()),
    )


def exact_words(text: str) -> list[str]:
    """The words of `text` as the unstemmed form indexes them, in order."""
    return [word for word, _ in folded_words(text) if 1 <= len(word) <= MAX_TOKEN_LENGTH]


def name_words(name: str) -> tuple[str, ...]:
    """The words of a person's name as a query keeps them: folded, without stopwords ("Jef Van
    den Bergh" -> "jef", "bergh")."""
    return tuple(word for word, _, _ in folded_spans(name) if word not in DUTCH_STOPWORDS)


def surname_words(name: str) -> tuple[str, ...]:
    """The words of a person's surname as a query keeps them: those of the name after its first
    name, which is its first word as written ("Marie-Christine Marghem" -> "marghem", "Jef Van
    den Bergh" -> "bergh"); () for a name of one word."""
    _, _, surname = name.strip().partition(" ")
    return name_words(surname)


def analyze(text: str, analyzer: Composable) -> list[str]:
    """The token texts an analyzer makes of `text` (for tests and diagnostics)."""
    return [token.text for token in analyzer(text)]
