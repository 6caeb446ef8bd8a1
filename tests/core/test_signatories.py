"""Who signs a statement, read from its title, opening and signature lines with the gazetteer."""

from __future__ import annotations

import datetime as dt

import pytest

from casr_tracker.importer import signatories
from casr_tracker.importer.statement import parse_statement

CA = ["KZ", "KG", "TJ", "TM", "UZ"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Republic of Kazakhstan, the Kyrgyz Republic and the Russian Federation", ["KZ", "KG", "RU"]),
        ("Joint Statement of the EU-Central Asia Summit", ["EU", *CA]),
        ("Xi'an Declaration of the China-Central Asia Summit", ["CN", *CA]),
        ("C5+1 Leaders' Joint Statement", [*CA, "US"]),
        (
            "Joint Statement from the United States, India, Brazil, and South Africa on the G20",
            ["US", "IN", "BR", "ZA"],
        ),
        (
            "the Heads of State of the Member States of the Shanghai Cooperation Organisation",
            ["CN", "KZ", "KG", "RU", "TJ", "UZ", "IN", "PK", "IR"],
        ),
        ("Joint Declaration of Cambodia and Thailand on their meeting in Kuala Lumpur, Malaysia", ["KH", "TH"]),
    ],
)
def test_signatories_named(text, expected):
    assert signatories.signatories_in(text, dt.date(2023, 9, 1), title=True) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("KZ", "KZ"),
        ("the Kyrgyz Republic", "KG"),
        ("Russian Federation", "RU"),
        ("eu", "EU"),
        ("Türkiye", "TR"),
        ("Republic of Korea", "KR"),
    ],
)
def test_an_analyst_names_a_party_any_usual_way(typed, code):
    assert signatories.lookup(typed).code == code


def test_an_unknown_name_is_not_guessed():
    assert signatories.lookup("Narnia") is None


def test_witnesses_and_places_do_not_sign():
    text = (
        "Joint Declaration by the Prime Ministers of Cambodia and Thailand\n\n"
        "We, the Prime Minister of Cambodia and the Prime Minister of Thailand, as witnessed by the President of "
        "the United States and the Prime Minister of Malaysia, declare the following:\n\n"
        "1. Both sides will designate their teams to the border committee.\n\n"
        "Witnessed by:\n\nPresident of the United States of America\n"
    )
    parsed = parse_statement(text)
    assert parsed.parties == ("KH", "TH")
    assert parsed.pledges[0][1].parties == ("KH", "TH")


def test_a_pledge_of_one_signatory_binds_only_it():
    text = "Joint Statement of Kazakhstan and Uzbekistan\n\nThe Parties will meet every year.\n\nUzbekistan will host the first meeting.\n"
    parsed = parse_statement(text)
    assert [p.parties for _s, p in parsed.pledges] == [("KZ", "UZ"), ("UZ",)]
