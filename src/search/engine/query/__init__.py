"""A query: what a user typed, as clauses of the project's own, one kind of clause per module.

Whoosh's query parser reads the text (`parse`: its syntax with Dutch additions, the words
analysed by the schema), and `parse` converts Whoosh's tree right away into clauses, through its
table of conversions; Whoosh's query types go no further. Each kind of clause is one module that
holds everything about it: how it scores chunks over the postings arrays and how many it may
match (`Clause.scores`, `estimate`), how documents are evaluated from that (`Node.evaluate`),
what it costs (`Node.costs`: its terms, a pattern's expansion), and how it finds itself in a
text for marks and "waarom gevonden" (`Clause.word`: a `matching.QueryWord`) with the ways of
matching it names there, ranked (`matching.how`):

- `word`: a word as typed and its forms: its stem, inside a compound, the word as typed counting
  on top, a hyphenated or split word's members in a row and written as one;
- `near`: a compound's parts in a phrase that can carry its meaning;
- `phrase`: a quoted phrase (with its slop), and a split word's members in a row;
- `pattern`: a prefix or wildcard (`trein*`, `ve?koop*`), scored as one term;
- `term`: one term of one field (a quoted single word is its exact term);
- `fields`: one clause searched in each field it ranks over (`titel:`, the `in` scope);
- `boolean`: what a document must hold (`AllOf`, `AnyOf`, `Without`, `Everything`);
- `names`: words that name a member or a minister, matching that person's own questions;
- `reference`: a query that is a reference to documents (an id, a number, a citation), matching
  those documents;
- `similar`: a text's distinctive words and its words in their order (more-like-this), for a
  pasted text and a document's similar questions.

Shared machinery: `clause` (what every kind offers), `chunks` (chunk scores and merges of sorted
arrays), `combine` (Whoosh's ways of adding clauses' scores), `bm25` (BM25F over arrays),
`context` (one query's postings look-ups and deadline), `documents` (evaluating over
documents), `reading` (a text's words) and `matching` (where the query's words stand in a text).

A new kind is a new module with its clause class, and its line in `parse`'s table; a kind read
from the whole query rather than from Whoosh's tree (`names`, `reference`) is applied where the
query is parsed, in `search.engine.matches`.
"""

from search.errors import ParlsearchError

# Characters of a query as sent: a pasted sentence or short paragraph, and short enough that
# a search URL holding it fits the server's 4 KB request line, so that a longer one is refused
# here, in the route's own format.
MAX_QUERY_LENGTH = 2000


class QueryError(ParlsearchError, ValueError):
    """The query cannot be run; the message says why, in Dutch, for the user."""

    status = 400
    public_message = None


def check_query_length(text: str) -> None:
    """Refuse a query longer than `MAX_QUERY_LENGTH` characters."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"De zoekvraag is te lang (meer dan {MAX_QUERY_LENGTH} tekens).")
