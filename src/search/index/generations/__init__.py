"""A generation's life: its folder, `CURRENT`, manifest and writer lock, opening it for the
search, and writing it (build, update and optimize).

`folders` (the generation folders, `CURRENT`, the manifests and their checks, the writer lock,
the errors), `mapped_storage` (a generation's files mapped once for all threads), `writing`
(build, update and optimize), with the steps a writer takes: a document's index records
(`records`), analysis in batches (`batch_analysis`), the segment writer (`array_writer`), the
corpus manifest (`corpus_manifest`) and merging segments (`segment_merging`).

May import: the rest of `search.index`, `search.text` and `search.ingest`.
"""
