"""The arrays a search maps: files of numpy arrays derived from each generation's Whoosh files.

Files of named arrays mapped read-only by every thread and process (`array_files`); per segment
its postings (`postings`); per generation the document table (`document_table`) and the
vocabulary (`vocabulary`). Each module writes its file and maps it back; `derived` writes them
all for a committed generation.

May import: `search.index.schema`, `search.index.format`, `search.text` and `search.ingest`.
"""
