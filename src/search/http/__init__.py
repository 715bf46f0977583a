"""The web adapter: the Flask app (`create_app`), thin views over the engine, each page with its
JSON, CSV and Atom twins; templates and static files live in the top-level `web/` folder.

May import: everything below it (`search.config`, `search.render`, the engine and its layers);
never `search.cli`.
"""

from search.http.app import create_app

__all__ = ["create_app"]
