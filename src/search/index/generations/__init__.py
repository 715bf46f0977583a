"""A generation's life: its folder, `CURRENT`, manifest and writer lock, opening it for the
search, and writing it (build, update and optimize).

`folders`: the generation folders, `CURRENT`, choosing and checking a generation, the writer
lock, the errors; `manifest`: a generation's manifest and how its files compare with it (their
identity, their checksums); `verification`: every generation checked (`parlsearch verify`).
`mapped_storage`: a generation's files mapped once for all threads. `stored_chunks`: what a
search reads through a Whoosh searcher, a chunk's stored fields as a typed record
(`StoredChunk`) and the key terms of a text.

`writing`: `build_index` and `update_index`, one new generation each, swapped in atomically;
`build` and `update`: what each reads and writes; `optimize`: merging small segments in a
generation of their own (`optimize_index`); `reports`: the progress and reports they give;
`generation_files`: what a new generation takes over (copies) from the one before. The steps
they share: a document's index records (`records`), analysis in batches (`batch_analysis`), the
segment writer (`array_writer`), the corpus manifest (`corpus_manifest`) and merging segments
(`segment_merging`).

May import: the rest of `search.index`, `search.text`, `search.ingest` and `search.errors`.
"""
