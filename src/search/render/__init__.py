"""The engine's results rendered: the marked passages and texts as HTML or plain text
(`highlight`, the one place document text is escaped), the site's routes and every link to
them (`urls`), the JSON objects, each declared once (`shapes`, with `serialize`'s `Shape` and
`Prop`) and made from that declaration both as JSON-ready dicts and as the schemas of the
OpenAPI description of the JSON API (`openapi`), and CSV and Atom (`export`).

Shared by the HTTP and command-line adapters, so that `/api/search` and `parlsearch query --json`
print the same thing. May import: the engine and the layers below it; never Flask or click.
"""
