"""The commitment rules as a table: sentence → pledge or not, who it binds, how firm."""

from __future__ import annotations

import pytest

from casr_tracker.importer import rules
from casr_tracker.importer.rules import Span

SIX = ("KZ", "KG", "RU", "TJ", "TM", "UZ")
CA = ("KZ", "KG", "TJ", "TM", "UZ")

CASES = [
    # firm pledges binding everyone
    ("In this context, we will strengthen cooperation based on the principles of equality.", "firm", SIX),
    ("We intend to continue to develop regional industrial and agricultural value chains.", "firm", SIX),
    (
        "The relevant divisions within our respective foreign ministries shall be tasked with coordinating day-to-day operations.",
        "firm",
        SIX,
    ),
    ("All countries have the obligation to preserve memorials, monuments and cemeteries.", "firm", SIX),
    (
        "The foreign ministers of the Republic of Kazakhstan, the Kyrgyz Republic, the Russian Federation, the Republic of Tajikistan, Turkmenistan, and the Republic of Uzbekistan will discuss their assessments of progress.",
        "firm",
        SIX,
    ),
    # one party or a subset
    (
        "Russia will continue sharing research data and offering advice on monitoring the incidence of COVID-19.",
        "firm",
        ("RU",),
    ),
    ("We note that the interested Central Asian countries will be involved in these processes.", "firm", CA),
    ("Kazakhstan and Uzbekistan will open a joint border crossing.", "firm", ("KZ", "UZ")),
    # soft wording
    ("We are ready to take coordinated measures to counter unfair competition.", "soft", SIX),
    (
        "We note that our countries stand ready to make their contribution to ensuring the environmental wellness in Central Asia.",
        "soft",
        SIX,
    ),
    ("We express our readiness to take joint action to reduce water and air pollution.", "soft", SIX),
    (
        "We are interested in measures to create demand from shipping companies (flexible tariff policies, etc.).",
        "soft",
        SIX,
    ),
    ("We are exploring avenues for increasing the number of tuition-free scholarships.", "soft", SIX),
    ("We call for stepping up cooperation in education.", "soft", SIX),
    ("We support further efforts to expand mutually beneficial energy cooperation.", "soft", SIX),
    (
        "We note the need to improve International Health Regulations in order to enhance the WHO's potential.",
        "soft",
        SIX,
    ),
    ("To this end, we will strive to establish regular and multi-tier consultations.", "soft", SIX),
    (
        "In this context, it is essential that specific steps are taken to offer the most favourable living and working conditions for labour migrants.",
        "soft",
        SIX,
    ),
    # context: facts, beliefs, other actors, structure
    ("In 2019, our trade exceeded $30 billion.", None, None),
    (
        "We believe that environmental issues pose a serious challenge to sustainable development in our countries.",
        None,
        None,
    ),
    (
        "We are confident that these joint activities will contribute to bringing the positions of our states closer.",
        None,
        None,
    ),
    (
        "The SCO is working on expanding transportation by rail, roads and multimodal logistics within our shared space.",
        None,
        None,
    ),
    (
        "Russia and Central Asian countries are proactive in promoting connectivity between our passenger and freight transport systems.",
        None,
        None,
    ),
    ("We welcome the mutual support by our countries in providing humanitarian aid.", None, None),
    ("We will focus our efforts on the following strategically important spheres.", None, None),
    (
        "There are broad opportunities for promoting cooperation in the power industry and cross-border power exports.",
        None,
        None,
    ),
    ("By following single standards, we have been able to coordinate railway network management.", None, None),
    # third person, past tense (communiqués), and words between subject and marker
    ("The Parties agreed to hold the next meeting in Tashkent in 2024.", "firm", SIX),
    ("The Ministers reaffirmed their commitment to the full implementation of the Roadmap.", "firm", SIX),
    ("The Sides expressed their readiness to expand cooperation in transport.", "soft", SIX),
    ("We remain committed to the goals of the Astana summit.", "firm", SIX),
    ("We are also committed to closer cooperation on water.", "firm", SIX),
    ("We resolve to deepen cooperation on energy.", "firm", SIX),
    ("The Leaders tasked their foreign ministers to prepare a joint action plan.", "firm", SIX),
    ("Member states intend to step up the exchange of information.", "firm", SIX),
    ("The Parties, noting the progress achieved, agreed to continue the consultations.", "firm", SIX),
    ("Uzbekistan will host the next round of consultations.", "firm", ("UZ",)),
    ("The Ministry of Foreign Affairs of Kazakhstan will work to simplify visa procedures.", "firm", ("KZ",)),
    ("The Russian side stands ready to share its experience.", "soft", ("RU",)),
    ("Reaffirming their commitment to the UN Charter, the Leaders agreed to meet annually.", "firm", SIX),
    ("We look forward to the next summit in Dushanbe.", "soft", SIX),
    ("Russia confirms that it will host the forum in 2025.", "firm", ("RU",)),
    ("The Parties confirmed that they will meet in Bishkek.", "firm", SIX),
    ("We support the reform of the WTO, and commit to a rules-based trading system.", "firm", SIX),
    ("REAFFIRMING our shared commitment to peace and stability in the region, which is vital.", "firm", SIX),
    ("We underscore our nations' unwavering commitment to freedom of navigation.", "firm", SIX),
    # someone else's plan, a third party, a fact about a signatory
    ("We welcome Kazakhstan's plan to build a logistics hub.", None, None),
    ("Afghanistan will hold consultations with its neighbours.", None, None),
    ("The Parties held talks and signed six agreements.", None, None),
    ("This reflects our joint determination to resolve the dispute.", None, None),
    ("We note that it will rain in Astana tomorrow.", None, None),
    ("We will focus our efforts on the following:", None, None),
]


@pytest.mark.parametrize(("sentence", "strength", "parties"), CASES)
def test_classify(sentence, strength, parties):
    found = rules.classify(sentence, SIX)
    if strength is None:
        assert found is None, f"context taken for a pledge: {found}"
    else:
        assert found is not None, "pledge missed"
        assert (found.strength, found.parties) == (strength, parties)


def test_a_list_item_inherits_its_lead_in():
    found = rules.classify("expand trade and investment;", SIX, lead_in="We will:")
    assert found is not None and (found.strength, found.parties) == ("firm", SIX)
    assert rules.classify("expand trade and investment;", SIX) is None


def test_we_binds_only_the_statements_own_parties():
    three = ("KZ", "RU", "UZ")
    assert rules.classify("We will meet every year.", three).parties == three


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two three.", ["One.", "Two three."]),
        ("Policies (flexible tariffs, etc.). The next one.", ["Policies (flexible tariffs, etc.).", "The next one."]),
        (
            "In 2019, trade exceeded $30 billion. The share grew.",
            ["In 2019, trade exceeded $30 billion.", "The share grew."],
        ),
        ("He met Mr. Lavrov. Then left.", ["He met Mr. Lavrov.", "Then left."]),
    ],
)
def test_sentences_keep_offsets(text, expected):
    source = "xx\n" + text
    found = rules.sentences(Span(3, 3 + len(text), text))
    assert [s.text for s in found] == expected
    assert all(source[s.start : s.end] == s.text for s in found)


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("Security", True),
        ("Environmental protection and climate change adaptation", True),
        ("We will focus our efforts on the following strategically important spheres.", False),
        ("Determined to deepen the multidimensional interaction,", False),
    ],
)
def test_headings(line, heading):
    assert rules.is_heading(Span(0, len(line), line)) is heading


def test_sphere_codes_are_unique_and_readable():
    taken: set[str] = set()
    codes = []
    for name in ["Trade and economy", "Transport", "Energy", "Environmental protection", "Transit"]:
        code = rules.sphere_code(name, taken)
        taken.add(code)
        codes.append(code)
    assert codes[:4] == ["TRD", "TRN", "ENR", "ENV"]
    assert len(set(codes)) == 5
