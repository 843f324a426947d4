"""The Prometheus metrics of one broadcaster, in a registry of its own."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    """Counters the server updates; ``render`` is the /metrics page."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.subscribers = Gauge("scorecast_subscribers", "Open /feed connections", registry=r)
        self.publishers = Gauge("scorecast_publishers", "Open /publish connections", registry=r)
        self.events = Counter("scorecast_events", "Events stored in the journal", registry=r)
        self.deliveries = Counter(
            "scorecast_deliveries", "Event frames written to live subscribers", registry=r
        )
        self.refused = Counter(
            "scorecast_errors", "Error replies sent, by code", ["code"], registry=r
        )
        self.handshakes_refused = Counter(
            "scorecast_handshakes_refused",
            "Handshakes to /publish or /feed turned away, by HTTP status (401, 403, 429, 400)",
            ["status"],
            registry=r,
        )
        self.slow = Counter("scorecast_slow_consumers", "Subscribers closed with 4008", registry=r)
        self.publish_seconds = Histogram(
            "scorecast_publish_seconds",
            "Time from receiving a publish to sending its ack (durable)",
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
            registry=r,
        )
        self.seq = Gauge("scorecast_seq", "Latest durable seq", registry=r)

    def render(self) -> bytes:
        return generate_latest(self.registry)
