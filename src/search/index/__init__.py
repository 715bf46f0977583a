"""The index: the Whoosh schema, writing generations (build and update), and reading them.

`schema` (one indexed record per chunk, and how a typed word becomes a query on the stemmed
field), `records` (a document's index records), `generations` (the generation folders, `CURRENT`
and the writer lock), `writing` (build and update), `mapped_storage` (a generation's files mapped
once for all threads) and `document_table` (per-document values read once per generation).

May import: `search.text` and `search.ingest`; never the engine or an adapter.
"""
