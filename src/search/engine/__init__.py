"""The search engine: from a request to ranked documents and the data of every page.

A search goes one way through it:

    request ──▶ Matches ──▶ results, facets, histogram, suggest, export_rows ──▶ SearchPage
   (finished     (once per    (collectors: each one part of a page,           (pages)
    when made)    search)      read off the matching set)

- `request`: the request, finished when made: its parameters checked, the filters written in
  the query text read (`filters`), its search text and the filters it applies known.
- `generation`: the index generation searched, with each thread's reader of its stored chunks.
- `matches`: the matching set, computed once per search: the query parsed (`query`: Whoosh's
  parser, its tree converted into clauses, one kind per module, each scoring, costing and
  finding itself), within the limits and time budget (`limits`), the filters' masks, the
  documents ranked (`ranking`) in the order asked for, the finder of the query's words and the
  members it names.
- The collectors, each computing one part of a page from the matching set: the results
  (`results`: grouped, full and partial, with their passages, `passages` and `fragments`, and
  "waarom gevonden", `explain`), the facets (`facets`), the time histogram (`histogram`), "Bedoelde
  u …?" for the query and the filters (`suggest`) and an export's rows (`export_rows`).
- `searching`: `SearchEngine`, which takes the generation, makes the matching set and calls the
  collectors; the document page (`document_page`, with `related_questions` and `citation`),
  member and minister pages (`people`) and what the index covers (`coverage`) are its other
  pages, all of them data of `pages`. Relevance measurement is `evaluation`.

It returns plain dataclasses, never Whoosh objects, and neither markup nor paths: documents by
id, people by name; `search.render` makes the HTML and the links. Its errors are
`search.errors.ParlsearchError`s, each with its HTTP status.

May import: `search.index`, `search.text`, `search.ingest`, `search.errors`; never Flask, click
or an adapter.
"""
