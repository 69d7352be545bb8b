"""How Loa is used: questions per day and channel, decision rates, topics, unanswered clusters, feedback and
latency over a window of days. Aggregated in Python from one query so it reads the same on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.models import Feedback, Message, ReviewItem, ReviewState

DECISIONS = ("answered", "clarify", "refused", "handoff", "smalltalk")


@dataclass(frozen=True)
class DayRow:
    day: date
    channel: str
    total: int
    decisions: dict[str, int]
    median_latency_ms: float | None


@dataclass
class Report:
    start: date
    end: date
    days: list[date]
    channels: list[str]
    per_day_channel: dict[tuple[date, str], int] = field(default_factory=dict)
    rates: dict[date, dict[str, float]] = field(default_factory=dict)
    rows: list[DayRow] = field(default_factory=list)
    total: int = 0
    decision_totals: dict[str, int] = field(default_factory=dict)
    top_topics: list[tuple[str, int]] = field(default_factory=list)
    unanswered: list[tuple[int, str, int]] = field(default_factory=list)
    """Open review items: (id, title, count), the most asked first."""
    feedback_up: int = 0
    feedback_down: int = 0
    median_latency_ms: float | None = None

    @property
    def feedback_ratio(self) -> float | None:
        total = self.feedback_up + self.feedback_down
        return self.feedback_up / total if total else None

    def rate(self, decision: str) -> float:
        return self.decision_totals.get(decision, 0) / self.total if self.total else 0.0


def build_report(session: Session, *, end: date, days: int = 30) -> Report:
    start = end - timedelta(days=days - 1)
    since = datetime.combine(start, time.min, tzinfo=UTC)
    rows = session.execute(select(Message.created_at, Message.channel, Message.decision, Message.topic,
                                  Message.latency_ms).where(Message.created_at >= since)).all()
    calendar = [start + timedelta(days=i) for i in range(days)]
    per: dict[tuple[date, str], list[tuple[str, float | None]]] = defaultdict(list)
    topics: Counter[str] = Counter()
    latencies: list[float] = []
    for created_at, channel, decision, topic, latency in rows:
        day = created_at.date()
        if day > end:
            continue
        per[(day, channel)].append((decision, latency))
        if topic and decision != "smalltalk":
            topics[topic] += 1
        if latency is not None:
            latencies.append(float(latency))
    report = Report(start, end, calendar, sorted({channel for _, channel in per}))
    report.total = len(rows)
    report.decision_totals = dict(Counter(decision for values in per.values() for decision, _ in values))
    report.top_topics = topics.most_common(10)
    report.median_latency_ms = statistics.median(latencies) if latencies else None
    for (day, channel), values in sorted(per.items()):
        report.per_day_channel[(day, channel)] = len(values)
        lat = [v for _, v in values if v is not None]
        report.rows.append(DayRow(day, channel, len(values), dict(Counter(d for d, _ in values)),
                                  statistics.median(lat) if lat else None))
    for day in calendar:
        counts: Counter[str] = Counter()
        for channel in report.channels:
            counts.update(d for d, _ in per.get((day, channel), []))
        total = sum(counts.values())
        report.rates[day] = {d: counts[d] / total for d in ("answered", "clarify", "refused")} if total else {}
    open_items = session.execute(select(ReviewItem.id, ReviewItem.title, ReviewItem.count)
                                 .where(ReviewItem.state.in_((ReviewState.NEW, ReviewState.IN_PROGRESS)))
                                 .order_by(ReviewItem.count.desc()).limit(10)).all()
    report.unanswered = [(int(i), str(t), int(c)) for i, t, c in open_items]
    ratings = session.scalars(select(Feedback.rating).where(Feedback.created_at >= since)).all()
    report.feedback_up = sum(1 for r in ratings if r > 0)
    report.feedback_down = sum(1 for r in ratings if r < 0)
    return report


def to_csv(report: Report) -> str:
    """One row per day and channel: counts per decision and the median latency."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ngay", "kenh", "tong", *DECISIONS, "do_tre_trung_vi_ms"])
    for row in report.rows:
        latency = "" if row.median_latency_ms is None else f"{row.median_latency_ms:.1f}"
        writer.writerow([row.day.isoformat(), row.channel, row.total, *(row.decisions.get(d, 0) for d in DECISIONS),
                         latency])
    return out.getvalue()
