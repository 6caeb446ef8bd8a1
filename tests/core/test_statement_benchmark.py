"""The importer on the labelled real statements (tests/data/statements): floors under the figures in
docs/statement-import.md, and never worse than the importer before issue 15."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import statement_import  # noqa: E402


@pytest.fixture(scope="module")
def figures():
    return statement_import.run(sorted(statement_import.LABELS.glob("*.json")))


def test_every_statement_imports(figures):
    assert len(figures["statements"]) >= 13
    refused = [slug for slug, rows in figures["statements"].items() if rows["new"]["refused"]]
    assert refused == []


def test_floors_on_the_whole_set(figures):
    new = figures["all"]["new"]
    assert new["found"] >= 0.91
    assert new["false"] <= 0.03
    assert new["parties"] >= 0.98
    assert new["spheres"] >= 0.98
    assert new["strength"] >= 0.93


def test_floors_per_statement(figures):
    for slug, rows in figures["statements"].items():
        new = rows["new"]
        assert new["found"] >= 0.5, slug
        assert new["false"] <= 0.2, slug


def test_the_seed_statement_is_read_as_before(figures):
    seed = figures["statements"]["2020-10-15-central-asia-russia"]
    assert seed["new"]["n"] == seed["before"]["n"]  # the same pledges found, none more false
    assert seed["new"]["parties"] == seed["new"]["spheres"] == 1.0


def test_better_than_before_in_every_style(figures):
    for style, rows in figures["styles"].items():
        assert rows["new"]["found"] >= rows["before"]["found"], style
