"""The search engine: from a request to ranked documents and the data of every page.

Requests and filters (`request`, `filters`), the query (`query`: Whoosh's parser, its tree
converted into clauses, one kind per module, each scoring, costing and finding itself),
limits and the time budget (`limits`), ranking (`ranking`), the searches and their pages
(`searching`, `generation`, `pages`), the passages and ranges to mark (`fragments`), "waarom
gevonden" (`explain`), "Bedoelde u …?" (`suggest`) and relevance measurement (`evaluation`). It
returns plain dataclasses, never Whoosh objects, and neither markup nor paths: documents by id,
people by name; `search.render` makes the HTML and the links.

May import: `search.index`, `search.text`, `search.ingest`; never Flask, click or an adapter.
"""
