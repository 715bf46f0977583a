"""A compound's parts written as a phrase that can carry its meaning: "overlast door water" for
`wateroverlast`, "directeur van de gevangenis" for `gevangenisdirecteur`, "drugs gebruiken" for
`drugsgebruik`.

A typed compound also matches a chunk where its parts stand as words of their own, each as its
own stem: a part inside another compound never counts ("thuiszorg" holds no "thuis" here; one
exception below), nor a diminutive of it ("werkjes" is no "werk"). They must stand in one of
two shapes (`phrases`):

- a noun phrase: the head, then a linking preposition (`LINKING_WORDS`) with at most
  `WORDS_BEFORE_LINK` words before it, then the modifier with at most `WORDS_AFTER_LINK` words
  (an article, an adjective) before it: "gebruik van drugs", "overlast veroorzaakt door water",
  "directeur van de centrale gevangenis"; here alone the head may also stand as the first part
  of a compound, written at its start (`leads`): "preventiemaatregelen tegen burn-out" for
  `burn-outpreventie` says "maatregelen ter preventie van burn-out", where the head, the
  modifier of the word it leads, is still what the phrase is about;
- the compound written apart or a verb phrase: the modifier, then the head right after it or
  after at most `MAX_VERB_WORDS` auxiliaries (`VERB_WORDS`), the head as its stem or a verb
  form of it (`head_forms`): "sociale zekerheid", "thuis te werken", "drugs kunnen worden
  gebruikt".

A compound of more than two parts has its modifiers side by side, in order, where the shapes
say the modifier. Any other order or distance never matches ("gebruikelijke drugs" is no
`drugsgebruik`), nor one part alone, nor a modifier inside a compound ("preventie van
harddrugs" is no `drugspreventie`), nor the head at the end or in the middle of one
("jeugdpreventie tegen drugs"), nor a compound the head leads in the written-apart shape ("drugs
preventiemaatregelen"). Prepositions and auxiliaries are mostly stopwords, which the stemmed
field leaves out while keeping their places: they are read from its unstemmed twin,
which holds every word at the same positions (the twin renumbers after a token too long to
index, which the stemmed field skips: a chunk holding one is read a place off after it).

To Whoosh this is a query of its own (`PartsNear`), matching and scoring what the engine's
array scoring does (`search.engine.query.near`): the parts' best terms' scores added (the head's
also as a contained part, `~preventie`, for a compound it leads), times `NEAR_WEIGHT`, divided
by one plus the number of other words in the phrase (its `between`). The compounds a head leads
are found among the unstemmed twin's words starting with its stem (`lead_words`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

from search.text.analysis import PART_MARK, WordTerms, word_terms

# The prepositions that can link a head to its modifier: "overlast door water", "directeur van
# de gevangenis", "arbeid tijdens de nacht"; "der" and "des" are genitive articles ("de
# directeur der gevangenis"). Not those that deny the modifier ("zonder", "buiten").
LINKING_WORDS = frozenset(
    "van voor door met in op tegen over bij uit naar aan om tot onder tussen binnen rond "
    "rondom omtrent inzake aangaande betreffende wegens vanwege per via langs achter boven "
    "naast tijdens na ter ten der des nabij jegens".split()
)
# Auxiliaries and "te", which stand between a verb's complement and the verb at the end of a
# clause: "thuis te werken", "drugs kunnen worden gebruikt", "thuis blijven werken", "drugs
# lijken te gebruiken".
VERB_WORDS = frozenset(
    "te zijn is was waren ben bent geweest worden wordt werd werden geworden hebben heeft heb "
    "hebt had hadden gehad kunnen kan kunt kon konden moeten moet moest moesten mogen mag mocht "
    "mochten willen wil wilt wilde wilden wou zullen zal zult zou zouden gaan gaat ging gingen "
    "blijven blijft bleef bleven lijken lijkt leek leken schijnen schijnt scheen schenen hoeven "
    "hoeft hoefde hoefden".split()
)
# The words a phrase reads besides the parts, by class: each class is kept in the postings file
# of every segment as one term of its own (`search.index.arrays.postings.class_postings`), so
# that a search reads where any of them stands in one look-up, not one per word.
LINKS, AUXILIARIES = "link", "verb"
WORD_CLASSES = {LINKS: LINKING_WORDS, AUXILIARIES: VERB_WORDS}
# Words between a head and its linking preposition ("overlast veroorzaakt door water"), between
# the preposition and the modifier (an article and an adjective), and auxiliaries before a verb.
WORDS_BEFORE_LINK = 1
WORDS_AFTER_LINK = 2
MAX_VERB_WORDS = 3
# How far before its modifiers a head can stand (a noun phrase) and after them (a verb phrase):
# where no head stands that close, no phrase needs reading.
HEAD_BEFORE = WORDS_BEFORE_LINK + WORDS_AFTER_LINK + 2
HEAD_AFTER = MAX_VERB_WORDS + 1
# A compound's parts in a phrase count less than the compound itself: two common words in a
# phrase say less than the one rare word they make.
NEAR_WEIGHT = 0.5


def head_forms(stem: str) -> tuple[str, ...]:
    """The stems of the verb forms of a head's stem that the stemmer keeps apart from it: "t"
    and "d" (present and past: "werkt", "werkte"), a participle in "ge-" and a present
    participle: "gebruik" -> "gebruikt", "gebruikd", "gebruikend", "gegebruikt", ...
    (forms no verb has are terms no chunk holds)."""
    endings = ("",) if stem.endswith(("t", "d")) else ("t", "d")
    return (
        *(stem + ending for ending in endings if ending),
        stem + "end",
        *("ge" + stem + ending for ending in endings),
    )


def leads(head: str, terms: WordTerms | None) -> bool:
    """Whether a word is a compound whose first part is `head` (its stem), written at its start:
    "preventiemaatregelen" for "preventie" (a linking form that changes the letters,
    "scheepsbouw" for "schip", is not looked for: `lead_words`)."""
    return (
        terms is not None
        and len(terms.parts) > 1
        and terms.parts[0] == head
        and terms.word.startswith(head)
    )


def lead_words(head: str, words: Iterable[str]) -> list[str]:
    """Of some words starting with `head` (an unstemmed field's), the compounds it leads."""
    return [word for word in words if leads(head, word_terms(word))]


@dataclass(frozen=True)
class Places:
    """Where what a phrase is made of stands in a text: each part as its stem (`nouns`, the
    head last), the head as a verb form (`verbs`), the compounds the head leads (`leads`), and
    the linking words and the auxiliaries. Each is a sorted array of distinct integers: the
    positions in one text, or keys of a chunk and a position for many chunks at once (a
    chunk's number times a span far above any position, as the search keys them), since no
    shape reaches further than a few places."""

    nouns: Sequence[np.ndarray]
    verbs: np.ndarray
    leads: np.ndarray
    links: np.ndarray
    auxiliaries: np.ndarray

    @classmethod
    def of(
        cls,
        nouns: Sequence[Collection[int]],
        verbs: Collection[int],
        leads: Collection[int],
        links: Collection[int],
        auxiliaries: Collection[int],
    ) -> Places:
        """The places of a text, each given as a collection of positions."""
        return cls(
            [_positions(noun) for noun in nouns],
            _positions(verbs),
            _positions(leads),
            _positions(links),
            _positions(auxiliaries),
        )


def _positions(places: Collection[int]) -> np.ndarray:
    return np.array(sorted(set(places)), dtype=np.int64)


@dataclass(frozen=True)
class Phrase:
    """Where a compound's parts stand in a phrase of one of the two shapes: each part's position
    in the compound's order, the number of other words between them (neither the linking
    preposition nor an auxiliary), and whether the head stands as the first part of a compound
    (`lead`)."""

    places: tuple[int, ...]
    between: int
    lead: bool = False


@dataclass(frozen=True)
class FoundPhrases:
    """The phrases of the two shapes in a text (or in many chunks), in their order: by the place
    of the first modifier, then the written-apart or verb phrase, then the noun phrases with
    their link and their head ever further back. For each, where its first modifier stands
    (the others follow it), where its head stands, the number of its other words, and whether
    its head leads a compound."""

    starts: np.ndarray
    heads: np.ndarray
    between: np.ndarray
    lead: np.ndarray


def found_phrases(places: Places) -> FoundPhrases:
    """Every phrase of the two shapes (see the module docstring) at once: the one definition of
    the shapes, read for a text (`phrases`) and for every chunk a search reads."""
    *modifiers, head = places.nouns
    starts = modifiers[0]
    for offset, keys in enumerate(modifiers[1:], start=1):
        starts = starts[_holds(keys, starts + offset)]
    end = starts + (len(modifiers) - 1)
    # Each way a phrase can be made, one column each: whether it is, its head's place, the
    # other words between its parts and whether its head leads a compound.
    found, heads, between, lead = [], [], [], []
    # The modifiers, then the head (or a verb form of it) right after them or after at most
    # `MAX_VERB_WORDS` auxiliaries: the first word after them that is none.
    verb = np.zeros(len(starts), dtype=bool)
    following = end + 1
    skipping = np.ones(len(starts), dtype=bool)
    for skipped in range(MAX_VERB_WORDS + 1):
        place = end + 1 + skipped
        auxiliary = _holds(places.auxiliaries, place)
        here = skipping & ~auxiliary & (_holds(head, place) | _holds(places.verbs, place))
        verb |= here
        following = np.where(here, place, following)
        skipping &= auxiliary
    found.append(verb)
    heads.append(following)
    between.append(0)
    lead.append(np.zeros(len(starts), dtype=bool))
    # The head, at most `WORDS_BEFORE_LINK` words, a linking word, at most `WORDS_AFTER_LINK`
    # words, the modifiers.
    for after_link in range(WORDS_AFTER_LINK + 1):
        link = starts - 1 - after_link
        linked = _holds(places.links, link)
        for before_link in range(WORDS_BEFORE_LINK + 1):
            place = link - 1 - before_link
            as_head = _holds(head, place)
            found.append(linked & (as_head | _holds(places.leads, place)))
            heads.append(place)
            between.append(before_link + after_link)
            lead.append(~as_head)
    rows, columns = np.nonzero(np.column_stack(found))
    return FoundPhrases(
        starts[rows],
        np.column_stack(heads)[rows, columns],
        np.array(between, dtype=np.int64)[columns],
        np.column_stack(lead)[rows, columns],
    )


def _holds(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Whether each of `wanted` is among the sorted `keys`."""
    if not len(keys):
        return np.zeros(len(wanted), dtype=bool)
    at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return keys[at] == wanted


def phrases(places: Places) -> Iterator[Phrase]:
    """Each phrase of the two shapes (see the module docstring) in a text, in the order of
    `found_phrases`."""
    found = found_phrases(places)
    width = len(places.nouns) - 1
    for start, head, between, lead in zip(
        found.starts.tolist(),
        found.heads.tolist(),
        found.between.tolist(),
        found.lead.tolist(),
        strict=True,
    ):
        yield Phrase((*range(start, start + width), head), between, lead)


def fewest_between(places: Places) -> int | None:
    """The fewest other words of any phrase in a text (None: no phrase)."""
    between = found_phrases(places).between
    return int(between.min()) if len(between) else None


class PartsNear(wq.Query):
    """A compound's parts in a phrase of `fieldname` (see the module docstring), the linking
    words and auxiliaries read from its unstemmed `twin`: `parts` are their stems, the head
    last. Its terms are each part's stem and the head's verb forms and marked stem
    (`part_terms`), each boosted by `term_boost` (the word's boost); `boost` is the query's
    own, as Whoosh's."""

    def __init__(
        self,
        fieldname: str,
        twin: str,
        parts: Sequence[str],
        term_boost: float = 1.0,
        boost: float = 1.0,
    ) -> None:
        self.fieldname = fieldname
        self.twin = twin
        self.parts = tuple(parts)
        self.term_boost = term_boost
        self.boost = boost

    def _key(self) -> tuple:
        return (self.fieldname, self.twin, self.parts, self.term_boost, self.boost)

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self._key()!r}"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._key() == self._key()

    def __hash__(self) -> int:
        return hash((type(self).__name__, *self._key()))

    def field(self) -> str:
        return self.fieldname

    def part_terms(self) -> list[list[wq.Term]]:
        """Each part's terms, its stem first; the head's also its verb forms (`head_forms`) and
        its marked stem, which a compound it leads holds."""
        *modifiers, head = self.parts
        forms = [[part] for part in modifiers] + [[head, *head_forms(head), PART_MARK + head]]
        return [
            [wq.Term(self.fieldname, text, boost=self.term_boost) for text in terms]
            for terms in forms
        ]

    def estimate_size(self, ixreader) -> int:
        """At most as many chunks as the rarest part's terms are in."""
        return min(
            sum(ixreader.doc_frequency(term.fieldname, term.text) for term in terms)
            for terms in self.part_terms()
        )

    def estimate_min_size(self, ixreader) -> int:
        return 0

    def matcher(self, searcher, context=None):
        """The chunks of `searcher`'s segment holding the parts in a phrase, each scored as the
        engine scores it: its parts' best terms' scores added, times `NEAR_WEIGHT`, over one
        plus its fewest other words."""
        terms = self.part_terms()
        scored = [[_scores(searcher, term) for term in part] for part in terms]
        chunks = set.intersection(*(set().union(*part) for part in scored))
        reader = searcher.reader()
        head = self.parts[-1]

        def positions(fieldname: str, texts) -> _Positions:
            return _Positions(reader, fieldname, list(texts))

        nouns = [positions(self.fieldname, [part]) for part in self.parts]
        verbs = positions(self.fieldname, head_forms(head))
        prefixed = (text.decode("utf-8") for text in reader.expand_prefix(self.twin, head))
        led = positions(self.twin, lead_words(head, prefixed))
        links = positions(self.twin, sorted(LINKING_WORDS))
        auxiliaries = positions(self.twin, sorted(VERB_WORDS))
        ids, weights = [], []
        for chunk in sorted(chunks):
            places = Places.of(
                [noun.at(chunk) for noun in nouns],
                verbs.at(chunk),
                led.at(chunk),
                links.at(chunk),
                auxiliaries.at(chunk),
            )
            between = fewest_between(places)
            if between is None:
                continue
            total = 0.0
            for part in scored:
                total += max(scores[chunk] for scores in part if chunk in scores)
            ids.append(chunk)
            weights.append(total * (NEAR_WEIGHT * self.boost) / (1 + between))
        return ListMatcher(ids, weights=weights) if ids else NullMatcher()


def _scores(searcher, term: wq.Term) -> dict[int, float]:
    """A term's chunks in the segment with their scores, as Whoosh scores the term."""
    matcher = term.matcher(searcher)
    found = {}
    while matcher.is_active():
        found[matcher.id()] = matcher.score()
        matcher.next()
    return found


class _Positions:
    """The positions of any of some terms of a field, read chunk by chunk in ascending order."""

    def __init__(self, reader, fieldname: str, texts: list[str]) -> None:
        self._matchers = [
            reader.postings(fieldname, text) for text in texts if (fieldname, text) in reader
        ]

    def at(self, chunk: int) -> set[int]:
        """The positions in `chunk` (the chunks asked for must ascend)."""
        found: set[int] = set()
        for matcher in self._matchers:
            if matcher.is_active():
                matcher.skip_to(chunk)
            if matcher.is_active() and matcher.id() == chunk:
                found.update(matcher.value_as("positions"))
        return found
