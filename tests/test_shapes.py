"""The JSON the command line alone prints (the index facts and the evaluation) holds to its
declared schema, as the JSON API's does to the OpenAPI description (`test_openapi.py`)."""

import json

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from search.cli import main
from search.render.shapes import (
    COUNT_SCORES,
    COUNTED_QUERY,
    COVERAGE,
    EVALUATION,
    INDEX_STATS,
    PARLIAMENT_COVERAGE,
    RANKED_QUERY,
    SYSTEM_SCORES,
)

URI = "urn:parlsearch:shapes"
SHAPES = (
    INDEX_STATS,
    COVERAGE,
    PARLIAMENT_COVERAGE,
    EVALUATION,
    SYSTEM_SCORES,
    COUNT_SCORES,
    COUNTED_QUERY,
    RANKED_QUERY,
)


def validator(shape) -> Draft202012Validator:
    """A validator for one declared object, its references resolved among `SHAPES`."""
    document = {"components": {"schemas": {each.name: each.schema() for each in SHAPES}}}
    registry = Registry().with_resource(
        URI, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    return Draft202012Validator(
        {"$ref": URI + shape.ref["$ref"]},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def test_stats_json_matches_its_schema(runner, index_dir):
    data = json.loads(runner.invoke(main, ["stats", "--index", str(index_dir), "--json"]).output)
    coverage = data.pop("coverage")
    validator(INDEX_STATS).validate(data)
    validator(COVERAGE).validate(coverage)
    assert not validator(INDEX_STATS).is_valid({**data, "chunks": "many"})


@pytest.mark.parametrize("baselines", ["--no-baselines", "--baselines"])
def test_eval_json_matches_its_schema(runner, index_dir, sample_corpus, tmp_path, baselines):
    judged, counted = tmp_path / "judged.tsv", tmp_path / "counts.tsv"
    judged.write_text("wateroverlast Demerbekken\tvlpar-2023-2024-235\n", encoding="utf-8")
    counted.write_text("groene nummers\tgroen\\w* nummer\tgroen\n", encoding="utf-8")
    arguments = ["eval", str(judged), str(counted), "--json", baselines]
    arguments += ["--index", str(index_dir), "--corpus", str(sample_corpus)]
    result = runner.invoke(main, arguments)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    validator(EVALUATION).validate(data)
    assert data["systems"][0]["counts"]["queries"] and data["systems"][0]["queries"]
    assert not validator(EVALUATION).is_valid({**data, "undocumented": 1})
