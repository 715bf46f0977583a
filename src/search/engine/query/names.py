"""People named in a query: members who ask (`Barbara Pas moskeeën`, `Dewinter`) and ministers
asked (`Koen Geens`, `geens gevangenissen`).

A journalist types the name of the person whose questions they want; that name is seldom in the
text of those questions. Words of the query that name a member who asked questions in the index,
or a minister questions were put to (the full name, or the surname alone, case and accents
aside), therefore also match that person's own questions, which rank first (`NAMED_SCORE`), and
"waarom gevonden" says so (`member`: the member who asked, `minister`: the minister asked);
documents that merely mention the name still match through their text.

A surname alone counts only when it is not a common Dutch word as well: `Pas` alone is the word
"pas", `Barbara Pas` is the member; `Peeters` is the minister. A surname borne by several people
names each of them. Names are looked for among the query's words side by side (not inside
phrases, groups or after NOT), and only in a query of a few words (`MAX_QUERY_WORDS`): a longer
text, a sentence or a question pasted from a document, speaks of people ("overleg met minister
Peeters") rather than asking for their questions, and its names are words like the others.
Measured on 150 sentences of the bundled documents that name a minister or member, pasted
whole: the source document ranked first for 139 as words, for 126 with their names asking for
people.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from search.engine.query.boolean import AllOf
from search.engine.query.clause import Node
from search.engine.query.documents import DocumentScoring, Matched, or_documents
from search.engine.query.matching import QueryWord, how
from search.engine.query.word import typed_word
from search.index.arrays.document_table import MINISTER_NAMES, DocumentTable, value_key
from search.index.arrays.postings import Postings
from search.text.analysis import name_words, surname_words

# The ways a name matches a document: through the member who asked it, or the minister asked.
MEMBER = how("member", 0)
MINISTER = how("minister", 0)
# What naming the person adds to a document's score: more than any words can, so that the
# person's own questions come first.
NAMED_SCORE = 1000.0

# A query of more words than this (as typed) is text, whose names are words like the others.
MAX_QUERY_WORDS = 8
# A surname that is a Dutch word at least this frequent (Zipf scale, wordfreq's lexicon: 3.0 is
# once per million words) does not name a person on its own.
COMMON_WORD_ZIPF = 3.0


@dataclass(frozen=True)
class Person:
    """A person of the index: `how` a document matches through them (`MEMBER`: they asked it,
    `MINISTER`: it was put to them), and their name as the index holds it."""

    how: str
    name: str


@dataclass(frozen=True)
class PeopleNames:
    """The members and ministers of one index generation by the words of their names."""

    # Folded words of a full name, or of a surname that is not a common word -> the people.
    names: dict[tuple[str, ...], tuple[Person, ...]]

    @classmethod
    def of(cls, people: Iterable[tuple[Person, float]]) -> PeopleNames:
        """From people, each with how frequent their surname is as a Dutch word when it is one
        word (as the document table holds it: `surname_frequencies`)."""
        names: dict[tuple[str, ...], list[Person]] = {}
        for person, frequency in people:
            words = name_words(person.name)
            if not words:
                continue
            names.setdefault(words, []).append(person)
            surname = surname_words(person.name)
            common = len(surname) == 1 and frequency >= COMMON_WORD_ZIPF
            if surname and not common:
                names.setdefault(surname, []).append(person)
        return cls({words: tuple(dict.fromkeys(found)) for words, found in names.items()})

    @classmethod
    def of_table(cls, table: DocumentTable) -> PeopleNames:
        """The members who asked and the ministers asked the documents of a table."""
        people = (
            (MEMBER, table.columns["lid"], table.surname_frequencies["lid"]),
            (MINISTER, table.minister_names, table.surname_frequencies[MINISTER_NAMES]),
        )
        return cls.of(
            (Person(way, name), frequency)
            for way, column, frequencies in people
            for name, frequency in zip(column.labels, frequencies.tolist(), strict=True)
        )

    @property
    def longest(self) -> int:
        """The most words of a name."""
        return max(map(len, self.names), default=0)

    @property
    def words(self) -> frozenset[str]:
        """Every word of every name: words a spelling suggestion leaves alone."""
        return frozenset(word for name in self.names for word in name)


@dataclass(frozen=True)
class Named(Node):
    """Documents asked by or put to one of `people`, or matching `text`: the words of a query
    that name them (`typed`)."""

    people: tuple[Person, ...]
    text: Node
    typed: str

    def evaluate(self, scoring: DocumentScoring, counted: bool = True) -> Matched:
        """The documents the words match, and the people's own, which score `NAMED_SCORE`
        more."""
        table = scoring.table
        own = table.asked_by(self._names(MEMBER)) | table.put_to(self._names(MINISTER))
        return or_documents(self.text.evaluate(scoring, counted), own, NAMED_SCORE)

    def costs(self, postings: Postings, check: Callable[[], None]) -> Iterator[int]:
        """What its words cost."""
        yield from self.text.costs(postings, check)

    def typed_words(self) -> Iterator[QueryWord | None]:
        """The name, as one word."""
        yield typed_word(self.typed)

    def through(self, member: str, minister: str) -> Person | None:
        """The person it names through whom a document asked by `member` and put to
        `minister` matches (the member first), or None."""
        for way, name in ((MEMBER, member), (MINISTER, minister)):
            key = value_key(name)
            for person in self.people:
                if person.how == way and key and value_key(person.name) == key:
                    return person
        return None

    def _names(self, way: str) -> list[str]:
        return [person.name for person in self.people if person.how == way]


def with_names(node: Node, names: PeopleNames, text: str) -> Node:
    """The query `text` parsed (`node`) with each run of its top-level words that names people
    made one `Named` clause: the people's questions, or the words in the text; a text of more
    than `MAX_QUERY_WORDS` words as it is."""
    if len(text.split()) > MAX_QUERY_WORDS:
        return node
    words = list(node.top_words())
    typed = [word.plain_word() for word in words]
    replaced: list[Node] = []
    found_any = False
    start = 0
    while start < len(words):
        found = _name_at(typed, start, names)
        if found is None:
            replaced.append(words[start])
            start += 1
            continue
        length, people = found
        run = tuple(words[start : start + length])
        text = run[0] if length == 1 else AllOf(run)
        label = " ".join(word.plain_word() or "" for word in run)
        replaced.append(Named(people, text, label))
        found_any = True
        start += length
    if not found_any:
        return node
    negative = node.negative
    return AllOf((*replaced, *negative)) if len(replaced) + len(negative) > 1 else replaced[0]


def named(node: Node) -> tuple[Named, ...]:
    """The query's words that name people."""
    return tuple(word for word in node.top_words() if isinstance(word, Named))


def _name_at(
    typed: list[str | None], start: int, names: PeopleNames
) -> tuple[int, tuple[Person, ...]] | None:
    """The longest run of words from `start` that names people: (its length, the people)."""
    for length in range(min(names.longest, len(typed) - start), 0, -1):
        run = typed[start : start + length]
        if any(word is None for word in run):
            continue
        people = names.names.get(tuple(w for word in run for w in name_words(word)))
        if people:
            return length, people
    return None
