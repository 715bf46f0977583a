"""The engine's results rendered: the marked passages and texts as HTML or plain text
(`highlight`, the one place document text is escaped), the site's routes and every link to
them (`urls`), JSON-ready dicts (`serialize`), CSV and Atom (`export`), and the OpenAPI
description of the JSON API (`openapi`).

Shared by the HTTP and command-line adapters, so that `/api/search` and `parlsearch query --json`
print the same thing. May import: the engine and the layers below it; never Flask or click.
"""
