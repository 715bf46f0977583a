"""The page of a member and of a minister, found by the slug of their name.

Everything counted here comes from the document table's arrays, never from a search per
question: the member's or minister's documents, their questions (copies of one question filed
with several ministers count once, as in the results), how many were answered, per year, per
theme and per parliament, and the ministers a member asks most or the members who ask a minister
most. A minister is a person of the ministers table (`search.ingest.ministers`), whatever
portfolio or parliament; documents whose minister the table cannot tell belong to nobody's page.
Names are matched by their slug, so "Françoise" and "Francoise" are one person, and "Peeters,
Jan" (as the Chamber writes it) is "Jan Peeters". Documents may give one name to members of
different parties, who may be different people: the name's page then says so and links to a
page per party (its slug the name's, `PARTY_SEPARATOR`, the party's: "jan-peeters--cd-v"), each
counting that party's documents only. A name without letters or digits has a page too
(`person_slug`).
A slug that is no one's name may be a surname ("geens", "de-block", in any case): it names the
people who bear it (`PersonChoice`), of the kind asked for, else of the other kind (a minister's
surname under `/leden/`), for the adapters to lead to (one) or list (several).

The list of questions is a search filtered on exactly the person's values, newest first: the
same search the page links to and its search box refines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from search.engine.filters import Filters, named_values
from search.engine.pages import SearchPage, person_slug, slug
from search.engine.request import NEWEST, SearchRequest
from search.index.arrays.document_table import Column, DocumentTable
from search.ingest.document import ANSWERED, source_name
from search.ingest.ministers import Office, person_offices
from search.text.analysis import surname_words

MEMBER, MINISTER = "lid", "minister"
KINDS = (MEMBER, MINISTER)
PARTY = "partij"
# Between a name's slug and a party's in the slug of a namesake's page (a slug never holds
# two dashes in a row).
PARTY_SEPARATOR = "--"
# Questions listed per page, and ministers or members listed as most asked / asking.
PER_PAGE = 20
TOP = 10


@dataclass(frozen=True)
class Count:
    """A value with its number of questions, and when the value names a person with a page of
    their own, the kind of that page (`MEMBER`, `MINISTER`)."""

    label: str
    count: int
    kind: str | None = None


@dataclass(frozen=True)
class Namesake:
    """One of the members of different parties the documents give the same name: the name,
    the party, their documents, and the slug of their own page."""

    name: str
    party: str
    documents: int
    slug: str


@dataclass(frozen=True)
class PersonPage:
    """A member's or a minister's questions and what they add up to."""

    kind: str
    name: str
    slug: str
    # Documents, and questions (copies of one question counted once); questions with an answer.
    documents: int
    questions: int
    answered: int
    parties: list[Count]
    parliaments: list[Count]
    years: list[Count]
    themes: list[Count]
    # The ministers a member asks most, or the members who ask a minister most; and the
    # questions whose minister the ministers table cannot tell (members only).
    counterparts: list[Count]
    unknown_counterpart: int
    # A minister's portfolios, as the ministers table gives them.
    offices: list[Office]
    # Their questions, newest first: a search filtered on exactly this person's values.
    results: SearchPage
    # The name's members of different parties, each with a page of their own (members only,
    # on the name's page, when there are several).
    namesakes: list[Namesake] = field(default_factory=list)

    @property
    def search(self) -> SearchRequest:
        """The search for all of this person's documents."""
        return self.results.request

    @property
    def answered_share(self) -> float:
        """The share of the questions that were answered (0 without questions)."""
        return self.answered / self.questions if self.questions else 0.0


@dataclass(frozen=True)
class PersonChoice:
    """The people a slug that is no one's full name may mean (a surname): each with their
    number of documents and the kind of their page; one person is where to go, several a
    choice."""

    kind: str
    wanted: str
    people: list[Count]


def person_page(
    table: DocumentTable,
    kind: str,
    wanted: str,
    page: int,
    search: Callable[[SearchRequest], SearchPage],
) -> PersonPage | None:
    """The page of the member or minister whose slug is `wanted` (None: nobody of that name),
    with page `page` of their questions listed by `search`."""
    name_slug, _, party_slug = wanted.partition(PARTY_SEPARATOR)
    column = _people_column(table, kind)
    codes = [
        code
        for code, label in enumerate(column.labels)
        if label and person_slug(label) == name_slug
    ]
    if not codes or (party_slug and kind != MEMBER):
        return None
    documents = np.flatnonzero(np.isin(column.codes, codes))
    parties = _party_groups(table, documents)
    namesakes: list[Namesake] = []
    if party_slug:
        documents = documents[parties == party_slug]
        if not documents.size:
            return None
    elif kind == MEMBER:
        namesakes = _namesakes(table, column, name_slug, documents, parties)
    counts = table.value_counts(column, documents)
    names = sorted(name for name in counts if name)
    name = max(names, key=lambda n: (counts.get(n, 0), n))
    questions, answered = _questions(table, documents)
    filters = _person_filters(table, kind, names, documents, party_slug)
    results = search(SearchRequest(filters=filters, sort=NEWEST, page=page, per_page=PER_PAGE))
    counterparts, unknown = _counterparts(table, kind, documents, questions)
    offices = person_offices(name) if kind == MINISTER else []
    return PersonPage(
        kind=kind,
        name=name,
        slug=wanted,
        documents=int(documents.size),
        questions=int(questions.size),
        answered=answered,
        parties=_parties(table, kind, offices, questions),
        parliaments=_counts(table, "bron", questions, label=source_name),
        years=sorted(_counts(table, "jaar", questions), key=lambda count: count.label),
        themes=_counts(table, "thema", questions),
        counterparts=counterparts[:TOP],
        unknown_counterpart=unknown,
        offices=offices,
        results=results,
        namesakes=namesakes,
    )


def person_choice(table: DocumentTable, kind: str, wanted: str) -> PersonChoice | None:
    """The people of `kind` whose surname has the slug of `wanted`; without any, those of the
    other kind; None for nobody."""
    wanted_slug = slug(wanted)
    for other in (kind, *(k for k in KINDS if k != kind)):
        column = _people_column(table, other)
        fitting = [
            code for code, name in enumerate(column.labels) if wanted_slug in _surname_slugs(name)
        ]
        if fitting:
            counts = np.bincount(column.codes[column.codes >= 0], minlength=len(column.labels))
            people = [Count(column.labels[code], int(counts[code]), other) for code in fitting]
            people.sort(key=lambda count: (-count.count, count.label))
            return PersonChoice(kind, wanted, people)
    return None


def _surname_slugs(name: str) -> set[str]:
    """The slugs of a person's surname: as written ("de-block"), and its words without
    particles ("block")."""
    _, _, surname = name.strip().partition(" ")
    return {slug(surname), "-".join(surname_words(name))} - {""}


def _people_column(table: DocumentTable, kind: str) -> Column:
    """The column naming the people of a kind: members, or ministers as persons."""
    return table.columns["lid"] if kind == MEMBER else table.minister_names


def page_slug(typed: str) -> str:
    """The slug of the page a name finds, typed as written ("Jan Peeters") or as in the
    address ("jan-peeters", "jan-peeters--cd-v")."""
    name, _, party = typed.partition(PARTY_SEPARATOR)
    return person_slug(name) + (f"{PARTY_SEPARATOR}{slug(party)}" if party else "")


def _party_groups(table: DocumentTable, documents: np.ndarray) -> np.ndarray:
    """The slug of each document's party, its names across renames and spellings as one
    (`named_values`); "" without a party."""
    column = table.columns[PARTY]
    groups = np.array(
        [slug(named_values(PARTY, label)[0]) if label else "" for label in column.labels],
        dtype=object,
    )
    return groups[column.codes[documents]] if groups.size else np.array([], dtype=object)


def _namesakes(
    table: DocumentTable,
    column,
    name_slug: str,
    documents: np.ndarray,
    parties: np.ndarray,
) -> list[Namesake]:
    """The name's members per party, when the documents give it to more than one party."""
    found = []
    for party in sorted(set(parties) - {""}):
        theirs = documents[parties == party]
        names = table.value_counts(column, theirs)
        party_names = table.value_counts(table.columns[PARTY], theirs)
        found.append(
            Namesake(
                name=max(names, key=lambda n: (names[n], n)),
                party=max(party_names, key=lambda n: (party_names[n], n)),
                documents=int(theirs.size),
                slug=f"{name_slug}{PARTY_SEPARATOR}{party}",
            )
        )
    return found if len(found) > 1 else []


def _questions(table: DocumentTable, documents: np.ndarray) -> tuple[np.ndarray, int]:
    """One document per question (its first copy among `documents`), and the number of
    questions with an answer to any of their copies."""
    leaders = table.group_leaders[documents]
    groups, first, inverse = np.unique(leaders, return_index=True, return_inverse=True)
    answered_copies = table.value_mask("status", ANSWERED)[documents]
    answered = np.bincount(inverse, weights=answered_copies, minlength=groups.size) > 0
    return documents[np.sort(first)], int(answered.sum())


def _person_filters(
    table: DocumentTable, kind: str, names: list[str], documents: np.ndarray, party: str
) -> Filters:
    """Filters selecting exactly these documents: the member's names (with the `party`'s values
    for one of namesakes), or every minister value (person and portfolio, as the facets list
    them) of the minister's documents."""
    if kind == MEMBER and party:
        parties = table.value_counts(table.columns[PARTY], documents)
        return Filters({MEMBER: tuple(sorted(names)), PARTY: tuple(sorted(parties))})
    if kind == MEMBER:
        return Filters({MEMBER: tuple(sorted(names))})
    shown = table.value_counts(table.columns["minister"], documents)
    return Filters({MINISTER: tuple(sorted(value for value in shown if value))})


def _counts(
    table: DocumentTable,
    name: str,
    ordinals: np.ndarray,
    label: Callable[[str], str] = str,
) -> list[Count]:
    """The values of one facet among `ordinals`, most frequent first."""
    counts = table.value_counts(table.columns[name], ordinals)
    ranked = sorted(((v, n) for v, n in counts.items() if v), key=lambda item: (-item[1], item[0]))
    return [Count(label(value), count) for value, count in ranked]


def _parties(
    table: DocumentTable, kind: str, offices: list[Office], questions: np.ndarray
) -> list[Count]:
    """A member's parties as their questions give them; a minister's as the ministers table
    does (the count is then the number of portfolios)."""
    if kind == MEMBER:
        return _counts(table, "partij", questions)
    parties: dict[str, int] = {}
    for office in offices:
        if office.party:
            parties[office.party] = parties.get(office.party, 0) + 1
    return [Count(party, count) for party, count in parties.items()]


def _counterparts(
    table: DocumentTable, kind: str, documents: np.ndarray, questions: np.ndarray
) -> tuple[list[Count], int]:
    """The ministers a member asked (each copy of a question is put to another minister, so
    documents are counted) or the members who asked a minister (questions counted), most
    first; and the member's documents whose minister the table cannot tell."""
    if kind == MEMBER:
        column, other = table.minister_names, MINISTER
    else:
        column, other = table.columns["lid"], MEMBER
        documents = questions
    counts = table.value_counts(column, documents)
    unknown = counts.pop("", 0)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Count(value, count, other) for value, count in ranked], unknown
