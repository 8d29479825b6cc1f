"""The follow-up report: one self-contained HTML file (inline CSS and SVG) and a CSV.

Every word comes from ``locales/`` (``report_*`` interface keys) through valkommen/core/locales; this
module only arranges numbers. Suppressed cells are "–" in HTML and empty in the CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from valkommen.core.locales import Catalogue
from valkommen.stats import charts
from valkommen.stats.aggregate import Stats, Table
from valkommen.stats.editor import answer_file, example_file
from valkommen.stats.events import CHANNELS, UNKNOWN, week_label, week_start
from valkommen.stats.suppress import Cell, share_shown

CSS_FILE = Path(__file__).with_name("report.css")
HIDDEN = "–"
#: Weeks shown in the HTML tables (the charts and the CSV have every week).
TABLE_WEEKS = 8
CSV_COLUMNS = (
    "section",
    "week",
    "key",
    "messages",
    "people",
    "percent",
    "suppressed",
    "text",
    "closest_topic",
    "closest_score",
    "example_file",
    "answer_file",
)
#: Characters that are not text: controls other than tab/newline/carriage return, DEL, lone
#: surrogates (they cannot even be written as UTF-8). One character class: linear.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean(value: str) -> str:
    """``value`` without characters that are not text."""
    return _NOT_TEXT.sub("", value)


def escape(value: object) -> str:
    """Any value as HTML text or attribute content: cleaned, then ``& < > " '`` escaped."""
    return html.escape(clean(str(value)), quote=True)


class Labels:
    """Display names of keys in the report language, all from the catalogue."""

    def __init__(self, catalogue: Catalogue, language: str, place_names: Dict[str, str]) -> None:
        self.catalogue = catalogue
        self.language = language
        self.place_names = place_names

    def text(self, key: str, **values: object) -> str:
        """An interface string, formatted."""
        template = self.catalogue.interface(key, self.language)
        return template.format(**values) if values else template

    def _interface_or(self, key: str, fallback: str) -> str:
        if key in self.catalogue.locale(self.language).interface or key in self.catalogue.locale(None).interface:
            return self.catalogue.interface(key, self.language)
        return fallback

    # Keys the report does not know (the store maps clients' labels to UNKNOWN already) are
    # shown as "unknown", never as given.
    def unknown(self, key: str) -> Optional[str]:
        return self.text("report_unknown") if key == UNKNOWN else None

    def topic(self, key: str) -> str:
        if key not in self.catalogue.topics:
            return self.text("report_unknown")
        return self.catalogue.topic_title(key, self.language)

    def area(self, key: str) -> str:  # areas come from locales/topics.yml, not from clients
        return self.unknown(key) or self._interface_or(f"report_area_{key}", key)

    def channel(self, key: str) -> str:
        if key not in CHANNELS:
            return self.text("report_unknown")
        return self._interface_or(f"report_channel_{key}", key)

    def language_name(self, key: str) -> str:
        if key in self.catalogue.locales:
            return f"{self.catalogue.locales[key].name} ({key})"
        return self.text("report_unknown")

    def place(self, key: str) -> str:
        return self.place_names.get(key) or self.text("report_unknown")

    def skipped_rows(self, count: int) -> str:
        """The line saying how many rows of the store were left out as unreadable."""
        return self.text("report_skipped_rows", count=count)


def percent(part: int, whole: int) -> float:
    """``part`` as a percentage of ``whole`` (0 when whole is 0)."""
    return 100.0 * part / whole if whole else 0.0


def fallback_share(stats: Stats, week: Optional[int]) -> Optional[float]:
    """Share of user messages answered by the fallback in ``week`` (None: whole period), or None if hidden."""
    part = stats.fallbacks.cell(week, "fallback") if week is not None else stats.fallbacks.total("fallback")
    whole = stats.messages.cell(week, "all") if week is not None else stats.messages.total("all")
    return percent(part.messages, whole.messages) if share_shown(part, whole, stats.threshold) else None


def feedback_share(stats: Stats, week: Optional[int]) -> Optional[float]:
    """Share of 👍 among 👍/👎 in ``week`` (None: whole period), or None if hidden or empty."""
    get = (lambda k: stats.feedback.cell(week, k)) if week is not None else stats.feedback.total
    up, down = get("up"), get("down")
    whole = Cell(up.messages + down.messages, max(up.people, down.people), up.shown and down.shown)
    if not whole.messages:
        return None
    # People giving any feedback are at least the larger group: a cautious size for the whole.
    return percent(up.messages, whole.messages) if share_shown(up, whole, stats.threshold) else None


# -- HTML ---------------------------------------------------------------------------------
def _number(cell: Cell) -> str:
    return f'<td class="n">{cell.messages}</td>' if cell.shown else f'<td class="n hidden">{HIDDEN}</td>'


def _share(value: Optional[float]) -> str:
    return f'<td class="n">{value:.1f} %</td>' if value is not None else f'<td class="n hidden">{HIDDEN}</td>'


def _table(
    table: Table,
    label: Callable[[str], str],
    labels: Labels,
    head: str,
    weeks: Sequence[int],
    extra: Optional[Tuple[str, Callable[[str], str]]] = None,
) -> str:
    """A table of the keys (rows) by ``weeks`` and the whole period; ``extra``: one more labelled column."""
    rows = []
    header = "".join(f'<th class="n">{escape(week_label(w))}</th>' for w in weeks)
    extra_head = f"<th>{escape(extra[0])}</th>" if extra else ""
    rows.append(f'<tr><th>{escape(head)}</th>{extra_head}{header}<th class="n">{escape(labels.text("report_total"))}</th></tr>')
    for key in table.keys:
        extra_cell = f"<td>{escape(extra[1](key))}</td>" if extra else ""
        cells = "".join(_number(table.cell(w, key)) for w in weeks)
        rows.append(f"<tr><td>{escape(label(key))}</td>{extra_cell}{cells}{_number(table.total(key))}</tr>")
    return f'<div class="table-wrap"><table>{"".join(rows)}</table></div>'


def _figure(svg: str) -> str:
    return f"<figure>{svg}</figure>"


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{body}</section>'


def render_html(stats: Stats, labels: Labels, csv_name: str) -> str:
    """The whole report as one HTML document."""
    t = labels.text
    weeks = stats.weeks
    week_names = [week_label(w) for w in weeks]
    table_weeks = weeks[-TABLE_WEEKS:]
    direction = labels.catalogue.locale(labels.language).direction
    sections: List[str] = []
    if not weeks:
        sections.append(f"<p>{escape(t('report_no_data'))}</p>")

    # Summary: whole-period numbers.
    total = stats.messages.total("all")
    summary = [
        f"<tr><th>{escape(t('report_messages'))}</th>{_number(total)}</tr>",
        f"<tr><th>{escape(t('report_people'))}</th>"
        + (f'<td class="n">{total.people}</td>' if total.shown else f'<td class="n hidden">{HIDDEN}</td>')
        + "</tr>",
        f"<tr><th>{escape(t('report_fallback_rate'))}</th>{_share(fallback_share(stats, None))}</tr>",
        f"<tr><th>{escape(t('report_feedback_share'))}</th>{_share(feedback_share(stats, None))}</tr>",
    ]
    body = f"<table>{''.join(summary)}</table>"
    if stats.skipped_rows:
        body += f'<p class="muted" id="skipped-rows">{escape(labels.skipped_rows(stats.skipped_rows))}</p>'
    sections.append(_section("summary", t("report_summary"), body))

    # Topics by programme area over time.
    area_series = [(labels.area(a), [stats.areas.cell(w, a).value for w in weeks]) for a in stats.areas.keys]
    body = _figure(charts.stacked_bars("areas", t("report_topics_heading"), week_names, area_series, t("report_messages")))
    body += _table(stats.areas, labels.area, labels, t("report_area"), table_weeks)
    body += _table(
        stats.topics,
        labels.topic,
        labels,
        t("report_topic"),
        table_weeks,
        extra=(t("report_area"), lambda key: labels.area(stats.area_of.get(key, UNKNOWN))),
    )
    sections.append(_section("topics", t("report_topics_heading"), body))

    # Languages and channels: whole period as bars, weeks in the table.
    for anchor, table, label, head in (
        ("languages", stats.languages, labels.language_name, "report_language"),
        ("channels", stats.channels, labels.channel, "report_channel"),
    ):
        title = t(f"report_{anchor}_heading")
        chart = charts.horizontal_bars(
            anchor, title, [label(k) for k in table.keys], [table.total(k).value for k in table.keys], t("report_messages")
        )
        sections.append(_section(anchor, title, _figure(chart) + _table(table, label, labels, t(head), table_weeks)))

    # Meeting places: messages from each place's page and look-ups that suggested it.
    places = list(dict.fromkeys(stats.place_pages.keys + stats.place_lookups.keys))
    chart = charts.grouped_bars(
        "places",
        t("report_places_heading"),
        [labels.place(k) for k in places],
        [
            (t("report_place_page"), [stats.place_pages.total(k).value for k in places]),
            (t("report_place_lookup"), [stats.place_lookups.total(k).value for k in places]),
        ],
        t("report_messages"),
    )
    body = _figure(chart)
    body += f"<h3>{escape(t('report_place_page'))}</h3>" + _table(
        stats.place_pages, labels.place, labels, t("report_place"), table_weeks
    )
    body += f"<h3>{escape(t('report_place_lookup'))}</h3>" + _table(
        stats.place_lookups, labels.place, labels, t("report_place"), table_weeks
    )
    sections.append(_section("places", t("report_places_heading"), body))

    # Fallback rate per week.
    rates = [fallback_share(stats, w) for w in weeks]
    chart = charts.rate_lines("fallback", t("report_fallback_rate"), week_names, [(t("report_fallback_rate"), rates)], "%")
    rows = "".join(f"<tr><td>{escape(week_label(w))}</td>{_share(fallback_share(stats, w))}</tr>" for w in table_weeks)
    head = f'<tr><th>{escape(t("report_week"))}</th><th class="n">{escape(t("report_fallback_rate"))}</th></tr>'
    body = (
        f"<p>{escape(t('report_fallback_rate'))}</p>"
        + _figure(chart)
        + f'<div class="table-wrap"><table>{head}{rows}</table></div>'
    )
    sections.append(_section("fallback", t("report_fallback_heading"), body))

    # Unanswered questions with the editor's links.
    body = f"<p>{escape(t('report_unanswered_intro', threshold=stats.threshold, days=stats.retention_days))}</p>"
    for language, questions in stats.questions.items():
        body += f"<h3>{escape(labels.language_name(language))}</h3>"
        head = (
            f'<tr><th>{escape(t("report_question"))}</th><th class="n">{escape(t("report_people"))}</th>'
            f'<th class="n">{escape(t("report_messages"))}</th><th>{escape(t("report_closest_topic"))}</th>'
            f"<th>{escape(t('report_example_file'))}</th><th>{escape(t('report_answer_file'))}</th></tr>"
        )
        rows = ""
        for q in questions:
            topic = labels.topic(q.topic) if q.topic else HIDDEN
            example = f"<code>{escape(example_file(language, q.topic))}</code>" if q.topic and language != UNKNOWN else HIDDEN
            answer = (
                f"<code>{escape(answer_file(language))}</code> › <code>answers.{escape(q.topic)}</code>"
                if q.topic and language != UNKNOWN
                else HIDDEN
            )
            text_dir = escape(labels.catalogue.locale(language).direction) if language in labels.catalogue.locales else "auto"
            rows += (
                f'<tr><td dir="{text_dir}">{escape(q.text)}</td><td class="n">{q.people}</td><td class="n">{q.messages}</td>'
                f"<td>{escape(topic)}</td><td>{example}</td><td>{answer}</td></tr>"
            )
        body += f'<div class="table-wrap"><table>{head}{rows}</table></div>'
    if stats.suppressed_questions:
        body += f'<p class="muted">{escape(t("report_rare_questions", count=stats.suppressed_questions, threshold=stats.threshold))}</p>'
    sections.append(_section("unanswered", t("report_unanswered_heading"), body))

    # Feedback.
    shares = [feedback_share(stats, w) for w in weeks]
    chart = charts.rate_lines("feedback", t("report_feedback_share"), week_names, [(t("report_feedback_share"), shares)], "%")
    label = lambda key: t(f"report_feedback_{key}")
    body = _figure(chart) + _table(stats.feedback, label, labels, t("report_feedback_heading"), table_weeks)
    sections.append(_section("feedback", t("report_feedback_heading"), body))

    nav = "".join(
        f'<li><a href="#{anchor}">{escape(t(key))}</a></li>'
        for anchor, key in (
            ("summary", "report_summary"),
            ("topics", "report_topics_heading"),
            ("languages", "report_languages_heading"),
            ("channels", "report_channels_heading"),
            ("places", "report_places_heading"),
            ("fallback", "report_fallback_heading"),
            ("unanswered", "report_unanswered_heading"),
            ("feedback", "report_feedback_heading"),
        )
    )
    start = week_start(weeks[0]).isoformat() if weeks else "–"
    end = (week_start(weeks[-1]) + dt.timedelta(days=6)).isoformat() if weeks else "–"
    created = dt.datetime.fromtimestamp(stats.generated, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = (
        f"<header><h1>{escape(t('report_title'))}</h1><p>{escape(t('report_intro'))}</p>"
        f"<p>{escape(t('report_period', start=start, end=end, weeks=len(weeks), created=created))}</p>"
        f'<p class="privacy">{escape(t("report_privacy", threshold=stats.threshold, days=stats.retention_days))}</p>'
        f"<p>{escape(t('report_csv', file=csv_name))}</p></header>"
    )
    css = CSS_FILE.read_text(encoding="utf-8")
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(labels.language)}" dir="{escape(direction)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(t('report_title'))}</title><style>{css}</style></head>"
        f"<body>{header}<nav><ul>{nav}</ul></nav><main>{''.join(sections)}</main></body></html>\n"
    )


# -- CSV ----------------------------------------------------------------------------------
def csv_rows(stats: Stats) -> Iterator[Dict[str, object]]:
    """Every aggregated number as one row; suppressed counts are empty with suppressed=1."""
    tables = (
        ("messages", stats.messages),
        ("topic", stats.topics),
        ("area", stats.areas),
        ("language", stats.languages),
        ("channel", stats.channels),
        ("meeting_place_page", stats.place_pages),
        ("meeting_place_lookup", stats.place_lookups),
        ("fallback", stats.fallbacks),
        ("feedback", stats.feedback),
    )
    yield {"section": "skipped_rows", "week": "total", "key": "rows", "messages": stats.skipped_rows, "suppressed": 0}
    for section, table in tables:
        for key in table.keys:
            for week in stats.weeks:
                yield _count_row(section, week_label(week), key, table.cell(week, key))
            yield _count_row(section, "total", key, table.total(key))
    periods: List[Optional[int]] = [*stats.weeks, None]  # None: the whole period
    for period in periods:
        label = week_label(period) if period is not None else "total"
        for section, value in (
            ("fallback_rate", fallback_share(stats, period)),
            ("feedback_up_share", feedback_share(stats, period)),
        ):
            yield {
                "section": section,
                "week": label,
                "key": "percent",
                "percent": "" if value is None else f"{value:.2f}",
                "suppressed": int(value is None),
            }
    for language, questions in stats.questions.items():
        for q in questions:
            yield {
                "section": "unanswered",
                "week": "retention",
                "key": language,
                "messages": q.messages,
                "people": q.people,
                "suppressed": 0,
                "text": q.text,
                "closest_topic": q.topic or "",
                "closest_score": "" if q.score is None else f"{q.score:.3f}",
                "example_file": example_file(language, q.topic) if q.topic and language != UNKNOWN else "",
                "answer_file": answer_file(language) if language != UNKNOWN else "",
            }


def _count_row(section: str, week: str, key: str, cell: Cell) -> Dict[str, object]:
    if cell.shown:
        return {"section": section, "week": week, "key": key, "messages": cell.messages, "people": cell.people, "suppressed": 0}
    return {"section": section, "week": week, "key": key, "suppressed": 1}


#: A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Text from users or clients, made inert for spreadsheets (a leading apostrophe) and
    without characters that are not text."""
    if isinstance(value, str):
        value = clean(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def render_csv(stats: Stats) -> str:
    """The CSV text (UTF-8, comma-separated, header row)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in csv_rows(stats):
        writer.writerow({column: spreadsheet_safe(value) for column, value in row.items()})
    return buffer.getvalue()
