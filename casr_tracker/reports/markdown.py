"""The report as Markdown: headings, tables and lists; user text escaped so it stays text."""

from __future__ import annotations

from ..models import Status
from ..neutral import for_markdown as md  # user text as typed: raw HTML and Markdown syntax escaped
from ..neutral import markdown_link
from ..wording import counted
from .model import Report, Source


def _label(status: str) -> str:
    return Status(status).label


def _source(source: Source) -> str:
    """A source's title, linked when its URL may be followed (http, https, file); a bare URL as an
    autolink; a URL that may not be followed, as plain text after the title."""
    return markdown_link(source.title, source.url)


def render_markdown(report: Report) -> str:
    out = [f"# {md(report.title)}", ""]
    out.append(
        f"Status as of the end of **{report.as_of}**" + (f"; changes since **{report.since}**" if report.since else "")
    )
    out.append(f"Generated {report.generated_at:%Y-%m-%d %H:%M} UTC. Scores: -1 no compliance, 0 partial, +1 full.")
    for st in report.statements:
        n = len(st.pledges)
        out += ["", f"## {md(st.title)}", "", f"Parties: {md(', '.join(p.name for p in st.parties))}", ""]
        out += ["### Pledges by status", "", "| Status | Pledges | Share |", "|---|---:|---:|"]
        for status, count in st.status_counts().items():
            out.append(
                f"| {_label(status)} | {count} | {100 * count / n:.0f} % |" if n else f"| {_label(status)} | 0 | |"
            )
        out += ["", "### Status by sphere", "", "| Sphere | " + " | ".join(s.label for s in Status) + " | All |"]
        out.append("|---|" + "---:|" * (len(Status) + 1))
        for row in st.status_by_sphere:
            cells = " | ".join(str(row.counts[s.value] or "") for s in Status)
            out.append(f"| {md(row.sphere.name)} | {cells} | {row.total} |")
        card = st.scorecard
        out += ["", "### Compliance scorecard", ""]
        if card.overall.count:
            out.append(
                f"Overall {card.overall.average:+.2f} ({card.overall.percent:.0f} %), "
                f"{counted(card.overall.count, 'score')} on {card.pledges_assessed} of {counted(n, 'pledge')}."
            )
            out += ["", "| Party | Average | % | Scores |", "|---|---:|---:|---:|"]
            for party in card.parties:
                cell = card.by_party.get(party.id)
                if cell and cell.count:
                    out.append(f"| {md(party.name)} | {cell.average:+.2f} | {cell.percent:.0f} % | {cell.count} |")
                else:
                    out.append(f"| {md(party.name)} | — | — | 0 |")
        else:
            out.append(f"No party had been scored by {report.as_of}.")
        if report.since:
            out += ["", f"### Changes since {report.since}", ""]
            for c in st.changes:
                comment = f": {md(c.comment)}" if c.comment else ""
                move = f"{_label(c.new)}, confirmed" if c.confirmed else f"{_label(c.old)} → {_label(c.new)}"
                out.append(f"- {c.date} **{md(c.ref)}** {move} ({md(c.who)}){comment}")
            if st.changes:
                out += ["", "In date order, each from the status in force just before it."]
                if any(c.confirmed for c in st.changes):
                    out[-1] += (
                        " Confirmed: the status in force was entered again on that date, reviewed but not changed."
                    )
            else:
                out.append("No status changed in this period.")
        for sphere in st.spheres:
            out += ["", f"### {md(sphere.name)}", ""]
            for p in sphere.pledges:
                since = f" since {p.status_date}" if p.status_date else ""
                comment = f" ({md(p.status_comment)})" if p.status_comment else ""
                out.append(f"- **{md(p.ref)}** — *{_label(p.status)}*{since}{comment}: {md(p.text)}")
                binds = "all parties" if p.binds_all else ", ".join(p.parties)
                by = f"; status by {md(p.status_who)}" if p.status_who else ""
                out.append(f"  - {md(p.strength)}; binds {md(binds)}{by}")
                if p.scores:
                    scores = "; ".join(
                        f"{md(s.party)} {s.score:+d}" + (f" ({md(s.justification)})" if s.justification else "")
                        for s in p.scores
                    )
                    out.append(f"  - Scores: {scores} (average {p.average.average:+.2f})")
                for c in p.citations:
                    dated = f", {c.date}" if c.date else ""
                    cited = f': "{md(c.quote)}"' if c.quote else ""
                    if c.source.is_link and not c.quote:
                        cited = f": {_source(c.source)}"
                    page = f", p. {c.page}" if c.page else ""
                    out.append(f"  - Evidence [{c.source.number}{page}] {md(c.stance)}{dated}{cited}")
                for when, who, text in p.notes:
                    out.append(f"  - Note {when:%Y-%m-%d} {md(who)}: {md(text)}")
    out += ["", "## Sources cited", ""]
    for s in report.sources:
        author = f", {md(s.author)}" if s.author else ""
        retrieved = f", retrieved {s.retrieved}" if s.retrieved else ""
        out.append(f"{s.number}. {_source(s)}, {s.date or 'no date'}{author}{retrieved}")
    if not report.sources:
        out.append("None.")
    return "\n".join(out) + "\n"
