"""/api/openapi.json: a valid OpenAPI 3.1 document that matches what the API really answers."""

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from search.engine.filters import FILTER_NAMES
from search.engine.query import MAX_QUERY_LENGTH

SPEC_URI = "urn:parlsearch:openapi"


@pytest.fixture(scope="module")
def spec(index_dir):
    from search.http.app import create_app

    client = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def response_validator(spec, path: str, status: int, media_type: str = "application/json"):
    """A JSON Schema validator for one documented response, its $refs resolved in the spec."""
    operation = spec["paths"][path]["get"]
    schema = operation["responses"][str(status)]["content"][media_type]["schema"]
    registry = Registry().with_resource(
        SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    root = {"$ref": SPEC_URI + schema["$ref"]} if "$ref" in schema else schema
    return Draft202012Validator(
        root, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def test_the_description_is_valid_openapi(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_every_search_parameter_is_documented(spec):
    expected = {"q", *FILTER_NAMES, "in", "sort", "page", "per_page"}
    # The exports' own options beside the search's parameters.
    options = {
        "/api/search": set(),
        "/search.csv": {"tekst"},
        "/search.excel.csv": {"tekst"},
        "/search.ris": {"bereik"},
        "/search.bib": {"bereik"},
        "/search.atom": set(),
    }
    for path, extra in options.items():
        names = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        assert names == expected | extra, path


@pytest.mark.parametrize(
    "params",
    [
        "q=veiligheid",
        "q=groene+nummers&per_page=3",
        "q=wederbeleggingsvergoedig",
        "q=trein&partij=MR&partij=N-VA&sort=nieuwste&in=vraag",
        "bron=vlpar",
        "q=niets+te+vinden+hier+xyzzy",
        "q=trein&van=2017-01-01&tot=2017-12-31&jaar=2017&status=beantwoord&page=1",
    ],
)
def test_search_responses_match_the_schema(client, spec, params):
    response = client.get("/api/search?" + params)
    assert response.status_code == 200
    response_validator(spec, "/api/search", 200).validate(response.get_json())


@pytest.mark.parametrize(
    "doc_id", ["vlpar-2019-2020-58", "dekamer-190130", "dekamer-999999001", "dekamer-184501"]
)
def test_document_responses_match_the_schema(client, spec, doc_id):
    response = client.get(f"/api/documents/{doc_id}?q=trein")
    response_validator(spec, "/api/documents/{id}", 200).validate(response.get_json())


@pytest.mark.parametrize(
    ("url", "path", "status"),
    [
        ("/api/search?q=" + "x" * (MAX_QUERY_LENGTH + 1), "/api/search", 400),
        ("/api/search?q=trein&bron=senaat", "/api/search", 400),
        ("/api/search?q=trein&per_page=0", "/api/search", 400),
        ("/api/documents/geen-document", "/api/documents/{id}", 404),
        ("/api/leden/niemand", "/api/leden/{slug}", 404),
        ("/api/ministers/niemand", "/api/ministers/{slug}", 404),
        ("/api/leden/gautier-calomne?page=0", "/api/leden/{slug}", 400),
        ("/api/facetten/kleur", "/api/facetten/{name}", 404),
        ("/api/facetten/thema?jaar=17", "/api/facetten/{name}", 400),
    ],
)
def test_error_responses_match_the_schema(client, spec, url, path, status):
    response = client.get(url)
    assert response.status_code == status
    response_validator(spec, path, status).validate(response.get_json())


def test_the_schemas_refuse_what_the_api_does_not_send(client, spec):
    data = client.get("/api/search?q=trein").get_json()
    validator = response_validator(spec, "/api/search", 200)
    assert not validator.is_valid({**data, "undocumented": 1})
    assert not validator.is_valid({**data, "total": "many"})
    hit = dict(data["results"][0])
    del hit["permalink"]
    assert not validator.is_valid({**data, "results": [hit]})


def test_documented_choices_are_the_ones_accepted(client, spec):
    parameters = {p["name"]: p["schema"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    for sort in parameters["sort"]["enum"]:
        assert client.get(f"/api/search?q=trein&sort={sort}").status_code == 200
    for scope in parameters["in"]["enum"]:
        assert client.get(f"/api/search?q=trein&in={scope}").status_code == 200
    for source in parameters["bron"]["items"]["enum"]:
        assert client.get(f"/api/search?bron={source}").status_code == 200
    maximum = parameters["per_page"]["anyOf"][0]["maximum"]
    assert client.get(f"/api/search?q=trein&per_page={maximum}").status_code == 200
    assert client.get(f"/api/search?q=trein&per_page={maximum + 1}").status_code == 400


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/api/leden/gautier-calomne", "/api/leden/{slug}"),
        ("/api/leden/filip-brusselmans?page=1", "/api/leden/{slug}"),
        ("/api/ministers/jan-jambon", "/api/ministers/{slug}"),
        ("/api/ministers/zuhal-demir", "/api/ministers/{slug}"),
        ("/api/facetten/minister?q=groene+nummers", "/api/facetten/{name}"),
        ("/api/facetten/thema?q=trein&partij=MR&waarde=spoor", "/api/facetten/{name}"),
        ("/api/coverage", "/api/coverage"),
    ],
)
def test_the_new_pages_match_the_schema(client, spec, url, path):
    response = client.get(url)
    assert response.status_code == 200
    response_validator(spec, path, 200).validate(response.get_json())
