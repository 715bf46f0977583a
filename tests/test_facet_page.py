"""All values of a facet, beyond the ten the sidebar lists: counted for the current search,
narrowed by typed text, each a link that adds (or removes) that filter."""

import json

import numpy as np
import pytest
from bs4 import BeautifulSoup

from search.cli import main
from search.engine.query import MAX_QUERY_LENGTH
from search.index.arrays.document_table import FACET_LIMIT, FACETS, DocumentTable
from search.index.generations.folders import current_generation


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.mark.parametrize("name", [name for name, several in FACETS if not several])
def test_every_value_is_counted_and_they_add_up(client, name):
    data = client.get(f"/api/facetten/{name}?q=veiligheid").get_json()
    assert data["facet"] == name and data["query"] == "veiligheid"
    assert data["other"] == 0
    assert sum(v["count"] for v in data["values"]) + data["missing"] == data["total"]
    sidebar = client.get("/api/search?q=veiligheid").get_json()["facets"][name]
    assert sidebar["values"] == data["values"][:FACET_LIMIT]


def test_more_values_than_the_sidebar_shows(client):
    sidebar = client.get("/api/search?q=veiligheid").get_json()["facets"]["thema"]
    assert sidebar["other"] > 0
    data = client.get("/api/facetten/thema?q=veiligheid").get_json()
    assert len(data["values"]) > FACET_LIMIT
    counts = [(-v["count"], v["label"]) for v in data["values"]]
    assert counts == sorted(counts)


def test_typed_text_narrows_the_values(client):
    data = client.get("/api/facetten/minister?q=groene+nummers&waarde=de+block").get_json()
    assert [v["value"] for v in data["values"]] == [
        "Maggie De Block — Sociale Zaken en Volksgezondheid"
    ]
    assert data["other"] == data["total"] - 1
    # Accents, case and punctuation aside.
    accents = client.get("/api/facetten/minister?q=groene+nummers&waarde=FRANCOIS").get_json()
    assert [v["label"] for v in accents["values"]] == ["François Bellot — Mobiliteit, "
                                                       "Belgocontrol en NMBS"]  # fmt: skip


def test_a_selected_value_stays_listed_and_is_marked(client):
    url = "/api/facetten/partij?q=veiligheid&partij=VB&partij=MR&waarde=mr"
    data = client.get(url).get_json()
    assert {(v["value"], v["selected"]) for v in data["values"]} == {("MR", True), ("VB", True)}


def test_the_page_is_a_form_and_links(client):
    page = soup(client.get("/facetten/partij?q=veiligheid&jaar=2017&partij=VB&sort=nieuwste"))
    form = page.select_one("form.facet-filter")
    assert form["action"] == "/facetten/partij" and form["method"] == "get"
    hidden = {(i["name"], i["value"]) for i in form.select("input[type=hidden]")}
    assert hidden == {("q", "veiligheid"), ("partij", "VB"), ("jaar", "2017"), ("sort", "nieuwste")}
    assert form.select_one("input#waarde")["name"] == "waarde"
    links = {a.get_text(strip=True): a["href"] for a in page.select("#facet-waarden a")}
    assert links == {"VB ✕": "/search?q=veiligheid&jaar=2017&sort=nieuwste"}
    wider = soup(client.get("/facetten/partij?q=veiligheid&jaar=2017"))
    links = {a.get_text(strip=True): a["href"] for a in wider.select("#facet-waarden a")}
    assert links["MR"] == "/search?q=veiligheid&partij=MR&jaar=2017"
    status = wider.select_one("#facet-aantal")
    assert status["role"] == "status"
    assert status.get_text() == f"{len(wider.select('#facet-waarden li'))} waarden"


def test_the_sidebar_links_to_each_facets_page(client):
    page = soup(client.get("/search?q=veiligheid&jaar=2017"))
    links = [a["href"] for a in page.select(".facet-all a")]
    assert "/facetten/thema?q=veiligheid&jaar=2017" in links
    assert all(client.get(href).status_code == 200 for href in links)


def test_unknown_facets_and_bad_searches(client):
    assert client.get("/api/facetten/kleur").status_code == 404
    assert client.get("/facetten/kleur").status_code == 404
    assert client.get("/api/facetten/thema?bron=senaat").status_code == 400
    too_long = "x" * (MAX_QUERY_LENGTH + 1)
    assert client.get("/api/facetten/thema?waarde=" + too_long).status_code == 400


def test_the_cli_lists_every_value(runner, index_dir):
    args = ["facet", "thema", "veiligheid", "--index", str(index_dir)]
    text = runner.invoke(main, args)
    assert text.exit_code == 0, text.output
    data = json.loads(runner.invoke(main, [*args, "--json", "--waarde", "spoor"]).output)
    assert data["values"] and all("SPOOR" in v["label"] for v in data["values"])
    assert f"{data['values'][0]['count']:>7}  {data['values'][0]['label']}" in text.output


@pytest.mark.parametrize("name", ["thema", "lid"])
def test_the_sidebar_lists_the_most_frequent_values_and_the_selected_ones_after(index_dir, name):
    table = DocumentTable.open(current_generation(index_dir))
    everyone = np.arange(len(table.ids))
    every = table.facet(name, everyone, limit=None).values
    order = [(-value.count, value.value) for value in every]
    assert order == sorted(order) and len(every) > FACET_LIMIT + 2
    # Two selected values beyond the first ten (given least frequent first): after those ten,
    # in their order, and counted out of `other`.
    rare = [every[-1].value, every[FACET_LIMIT + 1].value]
    sidebar = table.facet(name, everyone, selected=rare)
    assert [value.value for value in sidebar.values] == [
        value.value for value in [*every[:FACET_LIMIT], every[FACET_LIMIT + 1], every[-1]]
    ]
    assert [value.selected for value in sidebar.values] == [False] * FACET_LIMIT + [True] * 2
    total = sum(value.count for value in every)
    assert sidebar.other == total - sum(value.count for value in sidebar.values)
