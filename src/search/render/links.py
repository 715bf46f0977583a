"""The results page's links to other pages of a search, as HTML.

A page of results holds dozens of them (facet values, sorts, pages, periods of the time line,
filters to remove), each another search. Made here in one call each, where a template macro
cost three times as much CPU per link as the link itself. On the page of a posted search (a
text too long for an address, `SearchRequest.linkable`) each is a button that posts the search
again through the form of the `posted_search_form` macro.
"""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup, escape

from search.engine.request import SearchRequest
from search.render.urls import POSTED_PARAMS, Urls


def search_link(
    urls: Urls,
    target: SearchRequest,
    content: object,
    attrs: Mapping[str, object] | None = None,
    rel: str | None = None,
) -> Markup:
    """A link to the search `target` showing `content` (escaped unless it is markup), with the
    attributes `attrs` (those whose value is None left out) and, a link's only, `rel`."""
    shown = escape(content)
    attributes = _attributes(attrs or {})
    if target.linkable:
        rel_attribute = f' rel="{escape(rel)}"' if rel else ""
        href = escape(urls.search(target))
        return Markup(f'<a{rel_attribute} href="{href}"{attributes}>{shown}</a>')
    value = escape(urls.posted_params(target))
    return Markup(
        '<button type="submit" class="link-button" form="geplakte-tekst"'
        f' name="{POSTED_PARAMS}"\n        value="{value}"{attributes}>{shown}</button>'
    )


def _attributes(attrs: Mapping[str, object]) -> str:
    """Attributes as Jinja's `xmlattr` filter writes them: each ` name="value"`, escaped."""
    return "".join(
        f' {escape(name)}="{escape(value)}"' for name, value in attrs.items() if value is not None
    )
