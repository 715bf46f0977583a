"""The errors Parlsearch reports to its users: one base class, carrying its HTTP status and what
the web says.

Each error Parlsearch raises for a user to read is a `ParlsearchError`, defined where it is
raised (`QueryError` in `search.engine.query`, `NoIndexError` in
`search.index.generations.folders`, ...), each keeping the standard base its callers catch it by
(`ValueError`, `OSError`, `RuntimeError`). An adapter handles the base class once: the web
answers `status` with `message` (`search.http.app`), the command line prints the error's own
text as `Fout: …` with exit code 1 (`search.cli`).

The two texts differ where the error's own text names something of the server's, such as the
index folder's path: `public_message` is then a fixed text the web shows instead. An error of
the default status, 500, is a fault on our side whatever its class (a malformed data table, a
writer's lock met by a search): the web logs it and says only `INTERNAL_ERROR`, as for any
unexpected exception.

This module imports nothing of the project, so that every layer may import it.
"""

INTERNAL_ERROR = "Er ging iets mis aan onze kant. Probeer het later opnieuw."


class ParlsearchError(Exception):
    """An error of Parlsearch: `status`, the HTTP status it answers; `message`, the Dutch text
    the web shows; `str(error)`, the full text the command line prints."""

    status: int = 500
    # The web's text when the error's own text must not be shown there; None: that text.
    public_message: str | None = INTERNAL_ERROR

    @property
    def message(self) -> str:
        """What the web says, in Dutch."""
        return str(self) if self.public_message is None else self.public_message
