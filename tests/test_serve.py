"""`parlsearch serve`: builds a missing index, then serves with waitress over real HTTP."""

import json
import urllib.request

from tests.conftest import SAMPLE_DOCUMENTS, make_sample_corpus, serving


def test_serve_builds_the_index_then_answers_over_http(tmp_path):
    corpus = make_sample_corpus(tmp_path / "corpus")
    with serving(tmp_path / "index", corpus) as server:
        url = f"{server.url}/api/search?q=freelancers+Cultuurloket"
        with urllib.request.urlopen(url, timeout=5) as response:
            data = json.load(response)
            headers = response.headers
    assert data["results"][0]["id"] == "vlpar-2019-2020-58"
    assert "<mark>" in data["results"][0]["snippet"]
    assert headers["Server"] == "parlsearch"
    assert "building it" in server.output
    assert f"Indexed {SAMPLE_DOCUMENTS} documents" in server.output
