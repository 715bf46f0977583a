"""Ingestion: corpus files -> `Document` -> numbered `Chunk`s.

The parsers per input format (Flemish Parliament text, PDF and HTML; Chamber JSON records), the
numbering of sub-questions and answers, chunking, reading a corpus folder, and the mentions of
other written questions in a text (`references`).

May import: the standard library and third-party readers (pypdf, beautifulsoup4) only; of
`search`, only `search.errors` (its errors' base class). Everything above builds on it.
"""
