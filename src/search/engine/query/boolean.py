"""What a document must hold to match a query: the parsed query read as a tree over documents.

Chunks are indexed but documents are counted, so the query's logic applies to whole documents:
`kerncentrales veiligheid` matches a document that holds both words, in one chunk or in two.
The leaves are `Clause`s, each one word, phrase or pattern as typed (a Whoosh query matched and
scored chunk by chunk); above them:
- `AllOf`: words side by side, or joined by AND/EN: the document holds every one of them
  (those under NOT/`-` it must not hold);
- `AnyOf`: words joined by OR/OF: the document holds at least one;
- `Without`: NOT/`-`: the document holds none of what it wraps (within an `AllOf`; alone, the
  query is every document but those).
A stopword the analysis drops is no clause, so "van" and "de" need not match.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query as wq

from search.engine.query import parse as parsed_query


@dataclass(frozen=True)
class Clause:
    """One word, phrase or pattern: a chunk-level query, matched and scored per chunk."""

    query: wq.Query


@dataclass(frozen=True)
class AllOf:
    """Every child must match (a `Without` child: must not)."""

    children: tuple[Node, ...]

    @property
    def positive(self) -> tuple[Node, ...]:
        """The children that must match."""
        return tuple(child for child in self.children if not isinstance(child, Without))

    @property
    def negative(self) -> tuple[Without, ...]:
        """The children that must not match."""
        return tuple(child for child in self.children if isinstance(child, Without))


@dataclass(frozen=True)
class AnyOf:
    """At least one child must match."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Without:
    """The document must not match `child`."""

    child: Node


@dataclass(frozen=True)
class Everything:
    """Every document (what is left of "NIET trein" once its NOT is taken out)."""


@dataclass(frozen=True)
class AskedBy:
    """Documents asked by one of `members` (values of the member column), or matching `text`:
    the words of a query that name a member (`search.engine.names`)."""

    members: tuple[str, ...]
    text: Node
    typed: str


Node = Clause | AllOf | AnyOf | Without | Everything | AskedBy


def plan(query: wq.Query) -> Node:
    """The document-level tree of a parsed query."""
    if query is wq.NullQuery:
        return AnyOf(())
    if isinstance(query, parsed_query.QueryWords) or type(query) is wq.And:
        return _all_of(plan(sub) for sub in query.subqueries)
    if isinstance(query, parsed_query.AnyOf) or type(query) is wq.Or:
        return AnyOf(tuple(plan(sub) for sub in query.subqueries))
    if isinstance(query, wq.AndNot):
        return _all_of([plan(query.a), Without(plan(query.b))])
    if isinstance(query, wq.Not):
        return Without(plan(query.query))
    if type(query) is wq.Every and query.fieldname in (None, "", "*"):
        return Everything()
    return Clause(query)


def _all_of(children) -> Node:
    children = tuple(children)
    if len(children) == 1 and not isinstance(children[0], Without):
        return children[0]
    return AllOf(children)


def words(node: Node) -> tuple[Node, ...]:
    """The query's words at its top level: what a document may hold only some of (a partial
    match); a query of one word is that word."""
    if isinstance(node, AllOf):
        return node.positive
    return (node,)
