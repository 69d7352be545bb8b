"""Prometheus metrics for one app instance: requests, decisions and latencies, per channel."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """Each app gets its own registry, so several apps in one process (tests, benchmarks) never collide."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter("loa_messages", "Inbound messages reaching Loa.", ["channel"], registry=self.registry)
        self.decisions = Counter("loa_decisions", "Engine decisions.", ["channel", "decision"], registry=self.registry)
        self.limited = Counter("loa_limited", "Messages stopped by a limit.", ["channel", "reason"],
                               registry=self.registry)
        self.engine_seconds = Histogram("loa_engine_seconds", "Time the answer engine took per message.",
                                        ["channel"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.http_seconds = Histogram("loa_http_request_seconds", "HTTP request latency per route.",
                                      ["route", "method", "status"], buckets=LATENCY_BUCKETS,
                                      registry=self.registry)
        self.deliveries = Counter("loa_deliveries", "Outgoing platform messages by outcome.", ["channel", "outcome"],
                                  registry=self.registry)
        self.duplicates = Counter("loa_duplicate_deliveries", "Webhook deliveries ignored as platform retries.",
                                  ["channel"], registry=self.registry)

    def render(self) -> bytes:
        return generate_latest(self.registry)
