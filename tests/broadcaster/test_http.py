"""The plain HTTP side as curl, Prometheus and browsers use it, and the log options."""

from __future__ import annotations

import asyncio
import http.client
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.helpers.proc import TOKEN, BroadcasterProcess

pytestmark = pytest.mark.asyncio


def request(
    base: str, method: str, path: str, body: bytes | None = None
) -> tuple[int, list[tuple[str, str]], bytes]:
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        conn.request(method, path, body=body)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


async def arequest(
    base: str, method: str, path: str, body: bytes | None = None
) -> tuple[int, list[tuple[str, str]], bytes]:
    return await asyncio.to_thread(request, base, method, path, body)


def header(headers: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in headers if key.lower() == name.lower()]


async def test_metrics_has_one_content_type_and_parses(broadcaster: BroadcasterProcess) -> None:
    status, headers, body = await arequest(broadcaster.http, "GET", "/metrics")
    assert status == 200
    assert header(headers, "Content-Type") == ["text/plain; version=0.0.4; charset=utf-8"]
    families = {f.name for f in text_string_to_metric_families(body.decode())}  # Prometheus'
    assert {"scorecast_seq", "scorecast_subscribers", "scorecast_publish_seconds"} <= families


@pytest.mark.parametrize("path", ["/healthz", "/metrics"])
async def test_head_gets_the_headers_and_no_body(
    broadcaster: BroadcasterProcess, path: str
) -> None:
    get_status, get_headers, _ = await arequest(broadcaster.http, "GET", path)
    status, headers, body = await arequest(broadcaster.http, "HEAD", path)
    assert (status, body) == (get_status, b"")
    assert header(headers, "Content-Type") == header(get_headers, "Content-Type")
    assert int(header(headers, "Content-Length")[0]) > 0


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/healthz", b"hello"),
        ("POST", "/metrics", None),
        ("PUT", "/feed", b"{}"),
        ("DELETE", "/publish", None),
    ],
)
async def test_other_methods_get_405_with_allow(
    broadcaster: BroadcasterProcess, method: str, path: str, body: bytes | None
) -> None:
    status, headers, text = await arequest(broadcaster.http, method, path, body)
    assert status == 405
    assert header(headers, "Allow") == ["GET, HEAD"]
    assert method.encode() in text
    assert "Traceback" not in broadcaster.stderr


async def test_head_on_a_websocket_endpoint_is_405(broadcaster: BroadcasterProcess) -> None:
    status, headers, _ = await arequest(broadcaster.http, "HEAD", "/feed")
    assert (status, header(headers, "Allow")) == (405, ["GET"])


async def test_refused_feed_handshakes_are_logged_once_without_the_token(
    journal_path: Path,
) -> None:
    secret = journal_path.with_name("feed.token")
    secret.write_text("feed-secret-42\n", encoding="utf-8")
    proc = BroadcasterProcess(
        journal_path,
        extra=["--allow-origin", "https://scores.example", "--feed-token-file", str(secret)],
    ).start()
    try:
        with pytest.raises(InvalidStatus) as bad_origin:
            await connect(proc.feed + "?token=feed-secret-42", origin="https://evil.example")  # type: ignore[arg-type]
        assert bad_origin.value.response.status_code == 403
        with pytest.raises(InvalidStatus) as no_token:
            await connect(proc.feed + "?token=wrong-guess-17")
        assert no_token.value.response.status_code == 401
        with pytest.raises(InvalidStatus) as two:
            await connect(
                proc.feed,
                additional_headers=[("Authorization", "Bearer a"), ("Authorization", "Bearer b")],
            )
        assert two.value.response.status_code == 400
        async with connect(proc.feed + "?token=feed-secret-42") as ok:
            assert json.loads(await ok.recv())["type"] == "hello"
        assert await proc.alogged("refused /feed from 127.0.0.1: two tokens")  # the last one
        log = proc.stderr
        assert log.count("refused /feed") == 3
        assert "origin ['https://evil.example'] not allowed" in log
        assert "refused /feed from 127.0.0.1: wrong token" in log
        assert "feed-secret-42" not in log and "wrong-guess-17" not in log
    finally:
        proc.stop()


async def test_log_options_work_after_serve(journal_path: object) -> None:
    proc = BroadcasterProcess(
        journal_path,  # type: ignore[arg-type]
        extra=["--log-level", "debug", "--log-json"],
    ).start()
    try:
        async with connect(proc.feed) as ws:
            await ws.recv()
            await ws.send(json.dumps({"type": "subscribe"}))
            assert json.loads(await ws.recv())["type"] == "snapshot"
        proc.terminate()
        lines = [json.loads(line) for line in proc.stderr.splitlines() if line.strip()]
        assert any(
            e["level"] == "debug" and "subscribes to every game" in e["message"] for e in lines
        )
        assert TOKEN not in proc.stderr
    finally:
        proc.stop()


async def test_a_huge_request_head_gets_431_at_once(broadcaster: BroadcasterProcess) -> None:
    """A handshake parked with ~1 MB of headers would hold that memory until its timeout."""
    reader, writer = await asyncio.open_connection("127.0.0.1", broadcaster.port)
    writer.write(b"GET /feed HTTP/1.1\r\nHost: x\r\n" + (b"X-Pad: " + b"a" * 8000 + b"\r\n") * 4)
    response = await asyncio.wait_for(reader.read(), 10)  # answered and closed, no waiting
    assert response.startswith(b"HTTP/1.1 431 ")
    writer.close()
    await writer.wait_closed()
