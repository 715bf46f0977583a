"""Whoosh's own file format: W3 segments written from arrays and read back into arrays.

The byte-level encoders a segment is written with (`pickle_bytes`, `posting_blocks`,
`term_table`), its compound file, columns and the table of contents that lists it
(`segment_files`), a segment read back into arrays (`segment_arrays`), and the functions that
read Whoosh's private attributes (`internals`): nowhere else in `search` are they read
(`tests/test_layers.py`).

May import: Whoosh and numpy only; of `search`, only `search.errors`. Only `search.index` imports
it.
"""
