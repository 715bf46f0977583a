"""Mentions of written questions in text, and how the highlighter turns them into links."""

import datetime as dt

import pytest

from search.engine.fragments import marked
from search.engine.query.matching import find
from search.engine.query.word import TypedWord
from search.ingest.references import find_references, reference_key
from search.render.highlight import marked_html


@pytest.mark.parametrize(
    ("text", "number", "date"),
    [
        ("zie vraag nr. 1263 van 26 juli 2021.", "1263", dt.date(2021, 7, 26)),
        ("Schriftelijke vraag nr. 1615 van 31 augustus 2016 (Vragen", "1615", dt.date(2016, 8, 31)),
        ("mijn vraag nr.  1861 die dezelfde inhoud heeft", "1861", None),
        ("vraag nr. 8632 (Integraal Verslag, Kamer, 2015-2016)", "8632", None),
        ("(Vraag nr. 805 van 2 februari 2017)", "805", dt.date(2017, 2, 2)),
        ("vraag nr. 330 van mevrouw Kristien Van Vaerenbergh", "330", None),
        ("vraag nummer 12 van 1 januari 2020", "12", dt.date(2020, 1, 1)),
    ],
)
def test_mentions_are_found_with_number_and_date(text, number, date):
    (reference,) = find_references(text)
    assert (reference.number, reference.date) == (number, date)
    assert text[reference.start : reference.end].lower().startswith(("vraag", "schriftelijke"))


def test_no_mention_no_reference():
    assert find_references("De vraag is of nr. 5 van 3 mei meetelt; vraagnr. 12.") == []


def test_reference_keys_match_what_documents_are_indexed_under():
    (reference,) = find_references("vraag nr. 058 van 9 december 2019")
    assert reference.key == reference_key("58", dt.date(2019, 12, 9)) == "58/2019-12-09"
    (undated,) = find_references("vraag nr. 58")
    assert undated.key == ""
    assert undated.search_text == '"vraag nr. 58"'


def test_links_are_made_in_the_escaping_place_with_marks_inside():
    text = 'Zie <b>"vraag nr. 58 van 9 december 2019"</b> & meer.'
    terms = (
        TypedWord("vraag", exact=frozenset({"vraag"})),
        TypedWord("meer", exact=frozenset({"meer"})),
    )

    def href(link):
        return f"/documents/x?n={link.document}&a=<b>"

    html = marked_html(marked(text, find(text, terms), lambda reference: reference.number), href)
    assert html == (
        "Zie &lt;b&gt;&quot;"
        '<a class="reference" href="/documents/x?n=58&amp;a=&lt;b&gt;">'
        "<mark>vraag</mark> nr. 58 van 9 december 2019</a>"
        "&quot;&lt;/b&gt; &amp; <mark>meer</mark>."
    )
    assert marked_html(marked(text, find(text, terms)), href) == html.replace(
        '<a class="reference" href="/documents/x?n=58&amp;a=&lt;b&gt;">', ""
    ).replace("</a>", "")


def test_a_mark_never_crosses_a_link():
    text = "vraag nr. 7 van 1 mei 2019's"
    # "2019's" is the word "2019"
    terms = (
        TypedWord("2019", exact=frozenset({"2019"})),
        TypedWord("vraag", exact=frozenset({"vraag"})),
    )
    html = marked_html(marked(text, find(text, terms), lambda reference: "x"), lambda link: "/x")
    assert (
        html == '<a class="reference" href="/x"><mark>vraag</mark> nr. 7 van 1 mei 2019</a>&#x27;s'
    )
