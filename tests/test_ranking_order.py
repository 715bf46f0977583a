"""A ranking orders its documents only as far as it is asked: the same order, and the same
groups, as sorting them all."""

from __future__ import annotations

import numpy as np
import pytest

from search.engine.ranking import Ranking, stable_order


def _sorted_in_full(scores: np.ndarray) -> np.ndarray:
    """The order a ranking promises: best first, equal scores in their given order."""
    return np.argsort(-scores, kind="stable")


def _ranking(
    rng: np.random.Generator, size: int, distinct: int
) -> tuple[Ranking, np.ndarray, np.ndarray]:
    """A ranking of `size` documents (ordinals ascending, as a search makes them) whose scores
    take `distinct` values (many ties), and its documents' ordinals and scores sorted in full."""
    ordinals = np.sort(rng.choice(size * 3, size=size, replace=False)).astype(np.int64)
    scores = rng.integers(0, distinct, size).astype(np.float64) / 7
    ranking = Ranking(ordinals, scores, lambda chosen: chosen * 10, ordered=0)
    order = _sorted_in_full(scores)
    return ranking, ordinals[order], scores[order]


@pytest.mark.parametrize("size, distinct", [(1, 1), (40, 3), (1_000, 5), (5_000, 4_000)])
def test_the_first_documents_are_those_of_a_full_sort(size, distinct):
    rng = np.random.default_rng(size + distinct)
    ranking, expected_ordinals, expected_scores = _ranking(rng, size, distinct)
    for count in (1, 7, 300, size // 2, size - 1, size + 5):
        ordinals, scores = ranking.first(count)
        assert np.array_equal(ordinals, expected_ordinals[:count])
        assert np.array_equal(scores, expected_scores[:count])
    assert np.array_equal(ranking.ordinals, expected_ordinals)
    assert np.array_equal(ranking.scores, expected_scores)
    assert np.array_equal(ranking.chunks(3), expected_ordinals[:3] * 10)


def test_a_ranking_asked_for_all_at_once_sorts_as_in_full():
    rng = np.random.default_rng(3)
    ranking, expected, _ = _ranking(rng, 3_000, 50)
    assert np.array_equal(ranking.ordinals, expected)


def test_scores_that_are_not_numbers_come_last_as_in_a_full_sort():
    scores = np.array([1.0, np.nan, 3.0, np.nan, 2.0, 3.0] * 100)
    ordinals = np.arange(len(scores))
    ranking = Ranking(ordinals, scores, lambda chosen: chosen, ordered=0)
    assert np.array_equal(ranking.first(5)[0], ordinals[_sorted_in_full(scores)][:5])
    assert np.array_equal(ranking.ordinals, ordinals[_sorted_in_full(scores)])


def test_replacing_the_first_documents_keeps_the_others_in_their_order():
    rng = np.random.default_rng(5)
    ranking, in_full, _ = _ranking(rng, 2_000, 30)
    first, scores = ranking.first(100)
    changed = ranking.with_first(first[::-1], scores[::-1] + 1)
    expected = np.concatenate([first[::-1], in_full[100:]])
    assert np.array_equal(changed.ordinals, expected)
    assert np.array_equal(changed.scores[:100], scores[::-1] + 1)


def _groups_of_a_full_sort(
    ordinals: np.ndarray, scores: np.ndarray, leaders: np.ndarray, first: int, count: int
) -> tuple[int, list[tuple[list, list]]]:
    """Groups as the results page made them from the whole order: each group at its first
    document's place, its documents in order."""
    led = leaders[ordinals]
    positions = np.arange(len(led))
    first_at = np.full(len(leaders), len(led))
    np.minimum.at(first_at, led, positions)
    starts = np.flatnonzero(first_at[led] == positions)
    groups = []
    for start in starts[first : first + count].tolist():
        members = np.flatnonzero(led == led[start])
        groups.append((ordinals[members].tolist(), scores[members].tolist()))
    return len(starts), groups


@pytest.mark.parametrize("first, count", [(0, 10), (20, 10), (0, 500), (990, 10), (5_000, 10)])
def test_groups_are_those_of_the_whole_order(first, count):
    rng = np.random.default_rng(first + count)
    ranking, in_full, scores_in_full = _ranking(rng, 3_000, 40)
    # Copies of one question: most documents alone, some in groups of up to five, named by
    # their first copy, which may rank anywhere.
    leaders = np.arange(9_000)
    for leader in rng.choice(9_000, size=600, replace=False).tolist():
        copies = rng.choice(9_000, size=int(rng.integers(1, 5)), replace=False)
        leaders[copies[copies > leader]] = leader
    expected = _groups_of_a_full_sort(in_full, scores_in_full, leaders, first, count)
    total, groups = ranking.groups(leaders, first, count)
    assert total == expected[0]
    assert [(o.tolist(), s.tolist()) for o, s in groups] == expected[1]


@pytest.mark.parametrize("span", [1, 300, 1 << 16, 1 << 20])
def test_a_stable_order_of_integers_is_numpys_stable_sort(span):
    rng = np.random.default_rng(span)
    keys = rng.integers(-span // 2, span - span // 2, 20_000).astype(np.int32)
    assert np.array_equal(stable_order(keys), np.argsort(keys, kind="stable"))
    assert np.array_equal(stable_order(-keys), np.argsort(-keys, kind="stable"))
    flags = keys % 3 == 0
    assert np.array_equal(stable_order(flags), np.argsort(flags, kind="stable"))
    # Undated last, by date before that: as numpy's lexsort orders them.
    by_date = stable_order(keys)
    assert np.array_equal(by_date[stable_order(flags[by_date])], np.lexsort((keys, flags)))
    assert len(stable_order(keys[:0])) == 0
