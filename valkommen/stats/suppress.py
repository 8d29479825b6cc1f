"""Small-group suppression: a count of fewer than ``threshold`` people is never shown.

Primary suppression hides every cell with 1 .. threshold-1 distinct senders. Complementary
suppression then looks at every line of cells linked by a sum that a reader may know (a week
across all keys, the topics of one area, a key's weeks together with its whole-period
total): when exactly one cell of a line is hidden, the smallest other non-zero cell of the
line is hidden too, so the hidden value cannot be recovered by subtraction. Repeated until
no line has a single hidden cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

#: Default smallest group shown (STATS_MIN_GROUP or --min-group overrides it).
DEFAULT_THRESHOLD = 5


@dataclass
class Cell:
    """A count of messages and of distinct people, and whether it may be shown."""

    messages: int = 0
    people: int = 0
    shown: bool = True

    @property
    def value(self) -> "int | None":
        """The message count, or None when suppressed."""
        return self.messages if self.shown else None


def primary(cells: Iterable[Cell], threshold: int) -> None:
    """Hides every non-empty cell with fewer than ``threshold`` people."""
    for cell in cells:
        cell.shown = cell.people == 0 or cell.people >= threshold


def complementary(lines: Sequence[Sequence[Cell]]) -> int:
    """Hides a second cell in every line with exactly one hidden cell; returns how many it hid.

    A line is a set of cells linked by one sum a reader may know (the cells of a week and
    that week's total, ...): with one hidden member, the others give it away.
    """
    hidden_now = 0
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [cell for cell in line if not cell.shown and cell.messages > 0]
            if len(hidden) != 1:
                continue
            candidates = [cell for cell in line if cell.shown and cell.messages > 0]
            if not candidates:
                continue
            min(candidates, key=lambda cell: cell.messages).shown = False
            hidden_now += 1
            changed = True
    return hidden_now


def share_shown(part: Cell, whole: Cell, threshold: int) -> bool:
    """Whether a share part/whole may be shown: both counts are shown and the whole is large enough."""
    return part.shown and whole.shown and whole.people >= threshold
