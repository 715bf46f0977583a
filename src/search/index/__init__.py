"""The index: the Whoosh schema, writing generations (build and update), and reading them.

Four packages, each importing only those after it:
- `generations`: a generation's life: its folder, `CURRENT`, manifest and writer lock, the
  storage a search opens it through, build, update and optimize;
- `arrays`: the arrays every search maps (postings, document table, vocabulary);
- `schema`: the Whoosh schema and the query classes a typed word becomes;
- `format`: Whoosh's own file format, written from arrays and read back, and the only place
  Whoosh's private attributes are read; private to `search.index`.

May import: `search.text`, `search.ingest` and `search.errors`; never the engine or an adapter.
"""
