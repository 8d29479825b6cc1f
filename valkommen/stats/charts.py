"""Inline SVG charts drawn with matplotlib (Agg backend; text kept as text for the browser).

Suppressed values are passed as None and drawn as gaps, never as zeros. Every text handed to
matplotlib goes through ``chart_text`` first: a label with two ``$`` would otherwise be parsed
as mathtext (and one that is not valid mathtext raises), and a control character would make
the SVG invalid XML. The SVG is post-processed with plain string search (linear), no regex.
"""

from __future__ import annotations

import html
import io
import re
import warnings
from typing import List, Optional, Sequence, Tuple

#: Colours for up to seven series (the seven programme areas), readable in greyscale print.
PALETTE = ("#1b5e8c", "#e08a1e", "#2e8b57", "#b03a48", "#6a4c93", "#8c6d1f", "#4d4d4d")
Series = Tuple[str, Sequence[Optional[float]]]

#: Controls (NUL included) other than tab/newline, DEL, C1 controls, lone surrogates: one class.
_NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def chart_text(text: object) -> str:
    """A label as plain text for matplotlib: control characters removed, every ``$`` escaped.

    With every ``$`` escaped matplotlib never enters mathtext, and in plain text it changes
    only ``\\$`` (to ``$``): so a backslash needs no escape of its own and is drawn as typed,
    and the label is drawn exactly as given (without the control characters).
    """
    return _NOT_TEXT.sub("", str(text)).replace("$", "\\$")


def _texts(labels: Sequence[object]) -> List[str]:
    return [chart_text(label) for label in labels]


def _strip_svg(document: str) -> str:
    """The <svg> element of matplotlib's document, without metadata and namespace attributes."""
    svg = document[max(document.find("<svg"), 0) :]
    start = svg.find("<metadata>")
    if start >= 0:
        end = svg.find("</metadata>", start)
        if end >= 0:
            svg = svg[:start] + svg[end + len("</metadata>") :].lstrip()
    tag_end = svg.find(">")
    tag = svg[:tag_end]
    for attribute in (' xmlns="', ' xmlns:xlink="'):
        at = tag.find(attribute)
        if at >= 0:
            close = tag.find('"', at + len(attribute))
            tag = tag[:at] + tag[close + 1 :]
    return tag + svg[tag_end:]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.fonttype": "none",  # text stays text: the browser shapes Arabic, Ge'ez, ...
            "font.family": "sans-serif",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def _svg(figure, name: str, title: str) -> str:
    """The figure as an inline <svg> element with a title, unique ids and no external references."""
    plt = _pyplot()
    plt.rcParams["svg.hashsalt"] = name  # ids differ between the charts of one page
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # Text is kept as text, so glyphs matplotlib's font lacks are drawn by the browser.
        warnings.filterwarnings("ignore", message="Glyph .* missing from current font")
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    svg = _strip_svg(buffer.getvalue()).replace("xlink:href=", "href=")
    label = html.escape(_NOT_TEXT.sub("", title), quote=True)
    return svg.replace("<svg", f'<svg role="img" aria-label="{label}" class="chart" data-chart="{name}"', 1)


def _values(values: Sequence[Optional[float]]) -> List[float]:
    return [float("nan") if v is None else float(v) for v in values]


def stacked_bars(name: str, title: str, labels: Sequence[str], series: Sequence[Series], ylabel: str) -> str:
    """Stacked bars per label (week), one colour per series; None segments are left out."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(8, 3.6))
    bottom = [0.0] * len(labels)
    for index, (label, values) in enumerate(series):
        heights = [0.0 if v is None else float(v) for v in values]
        axes.bar(range(len(labels)), heights, bottom=bottom, label=chart_text(label), color=PALETTE[index % len(PALETTE)])
        bottom = [b + h for b, h in zip(bottom, heights)]
    _week_axis(axes, labels)
    axes.set_ylabel(chart_text(ylabel))
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _svg(figure, name, title)


def horizontal_bars(name: str, title: str, labels: Sequence[str], values: Sequence[Optional[float]], xlabel: str) -> str:
    """One bar per label (suppressed values: no bar)."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6, 0.35 * max(len(labels), 2) + 0.8))
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, _values(values), color=PALETTE[0])
    axes.set_yticks(positions)
    axes.set_yticklabels(_texts(labels))
    axes.set_xlabel(chart_text(xlabel))
    return _svg(figure, name, title)


def grouped_bars(name: str, title: str, labels: Sequence[str], series: Sequence[Series], ylabel: str) -> str:
    """Bars side by side per label, one colour per series."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7, 3.2))
    width = 0.8 / max(len(series), 1)
    for index, (label, values) in enumerate(series):
        offsets = [i - 0.4 + width * (index + 0.5) for i in range(len(labels))]
        axes.bar(offsets, _values(values), width=width, label=chart_text(label), color=PALETTE[index % len(PALETTE)])
    axes.set_xticks(range(len(labels)))
    axes.set_xticklabels(_texts(labels))
    axes.set_ylabel(chart_text(ylabel))
    axes.legend(frameon=False)
    return _svg(figure, name, title)


def rate_lines(name: str, title: str, labels: Sequence[str], series: Sequence[Series], ylabel: str) -> str:
    """Percentages per week as lines with markers; None is a gap."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(8, 3.2))
    for index, (label, values) in enumerate(series):
        axes.plot(range(len(labels)), _values(values), marker="o", label=chart_text(label), color=PALETTE[index % len(PALETTE)])
    _week_axis(axes, labels)
    shown = [v for _, values in series for v in values if v is not None]
    # Full scale for shares near 100 % (👍); closer for small rates (the fallback) so changes show.
    top = 100.0 if not shown or max(shown) > 60 else max(10.0, round(max(shown) * 1.4 / 5 + 0.5) * 5)
    axes.set_ylim(0, top)
    axes.set_ylabel(chart_text(ylabel))
    if len(series) > 1:
        axes.legend(frameon=False)
    return _svg(figure, name, title)


def _week_axis(axes, labels: Sequence[str]) -> None:
    step = max(1, len(labels) // 12)
    axes.set_xticks(range(0, len(labels), step))
    axes.set_xticklabels(_texts(labels[::step]), rotation=45, ha="right")
