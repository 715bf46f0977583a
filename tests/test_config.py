"""Where the configuration comes from: the app config, else the environment, else defaults."""

import pytest

from search.config import BASE_URL_ENV, resolve_base_url
from search.http.app import create_app


def test_the_base_url_comes_from_the_config_else_the_environment(index_dir, monkeypatch):
    monkeypatch.delenv(BASE_URL_ENV, raising=False)
    assert create_app({"INDEX_DIR": str(index_dir)}).config["BASE_URL"] == ""
    monkeypatch.setenv(BASE_URL_ENV, "https://zoeken.example.org/")
    assert create_app({"INDEX_DIR": str(index_dir)}).config["BASE_URL"] == (
        "https://zoeken.example.org"
    )
    config = {"INDEX_DIR": str(index_dir), "BASE_URL": "http://127.0.0.1:5000"}
    assert create_app(config).config["BASE_URL"] == "http://127.0.0.1:5000"


@pytest.mark.parametrize(
    "value", ["zoeken.example.org", "ftp://example.org", "https://", "https://a.org/?q=1"]
)
def test_a_base_url_that_is_not_an_http_address_is_refused(value):
    with pytest.raises(ValueError, match="basisadres"):
        resolve_base_url(value)
