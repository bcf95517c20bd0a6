"""nginx in front of two replicas, over plain HTTP: where first visits land and stay, the security
headers on every kind of response, and Streamlit's metrics and agent API closed to the outside."""

from __future__ import annotations

import http.client
import re
import socket
import time
from collections import Counter
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest

from tests.replicas.harness import ROUTE_COOKIE, Replicas, read_access_log, route_of_cookie, running_nginx

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

HEADERS = {
    "content-security-policy": None,  # checked below, directive by directive
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


def request(
    url: str, path: str, method: str = "GET", cookie: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One request with `path` sent exactly as given (no normalisation on this side); `headers` may
    replace the Host. A PUT sends a small body."""
    parts = urlsplit(url)
    sent = {"Host": parts.netloc, **({"Cookie": cookie} if cookie else {}), **(headers or {})}
    body = b"x" * 10 if method == "PUT" else None
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in sent.items():
            conn.putheader(name, value)
        if body:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        headers["set-cookie"] = "\n".join(v for k, v in response.getheaders() if k.lower() == "set-cookie")
        return response.status, headers, body
    finally:
        conn.close()


def upstream_of(replicas: Replicas, route: str) -> str:
    """The replica that served the requests logged with this affinity key (one, or AssertionError)."""
    deadline = time.monotonic() + 10
    while True:
        upstreams = {e["upstream"] for e in replicas.log() if e["route"] == route}
        if upstreams:
            assert len(upstreams) == 1, f"requests with one affinity cookie went to several replicas: {upstreams}"
            return replicas.by_address(upstreams.pop()).name
        if time.monotonic() > deadline:
            raise AssertionError(f"nginx logged nothing for {route}")
        time.sleep(0.05)


def test_first_visits_from_one_address_spread_over_both_replicas_and_each_stays_on_its_own(replicas: Replicas) -> None:
    """Every client here has the same address, as users behind one NAT do: ip_hash would send them all to
    one replica. The cookie hash spreads them, and sends a first visit (no cookie yet) where its later
    requests will go, because nginx hashes it on the cookie it is setting."""
    landed: dict[str, str] = {}
    for _ in range(32):
        status, headers, _ = request(replicas.url, "/")
        assert status == 200
        cookie = SimpleCookie(headers["set-cookie"])
        assert ROUTE_COOKIE in cookie, "nginx set no affinity cookie on a first visit"
        assert cookie[ROUTE_COOKIE]["httponly"] and cookie[ROUTE_COOKIE]["samesite"].lower() == "lax"
        value = cookie[ROUTE_COOKIE].value
        landed[value] = upstream_of(replicas, route_of_cookie(value))
    assert len(landed) == 32, "two first visits got the same affinity cookie"
    spread = Counter(landed.values())
    assert set(spread) == {"A", "B"}, f"32 first visits from one address all went to one replica: {spread}"

    # Each browser keeps its replica for everything after: pages, static files, the health check, the host config.
    for value in list(landed)[:8]:
        for path in ("/", "/workspace", "/_stcore/health", "/_stcore/host-config", "/favicon.png"):
            status, headers, _ = request(replicas.url, path, cookie=f"{ROUTE_COOKIE}={value}")
            assert status == 200, path
            assert ROUTE_COOKIE not in headers["set-cookie"], "nginx replaced a valid affinity cookie"
        assert upstream_of(replicas, route_of_cookie(value)) == landed[value]


def test_browsers_of_a_replica_that_is_down_are_served_by_another(replicas: Replicas) -> None:
    """A second nginx, in front of replica B and of a port where nothing listens: the browsers hashed to
    the missing replica are answered by B, and none gets an error."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{s.getsockname()[1]}"  # closed again before nginx starts: nothing listens there
    with running_nginx([dead, replicas.b.address]) as nginx:
        for _ in range(16):
            status, _, body = request(nginx.url, "/_stcore/health")
            assert (status, body) == (200, b"ok")
        log = read_access_log(nginx.access_log)
    assert all(entry["upstream"].endswith(replicas.b.address) for entry in log)
    assert any(entry["upstream"].startswith(dead) for entry in log), "no request was hashed to the missing replica"


def _csp(value: str) -> dict[str, list[str]]:
    directives = [d.split() for d in value.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def test_every_response_carries_the_security_headers(replicas: Replicas) -> None:
    status, page, body = request(replicas.url, "/")
    assert status == 200 and b'<div id="root">' in body
    script = re.search(rb'src="\./(static/js/index\.[^"]+\.js)"', body)
    assert script, "no script in Streamlit's index.html"
    responses = {
        "page": page,
        "another page": request(replicas.url, "/workspace")[1],
        "script": request(replicas.url, "/" + script.group(1).decode())[1],
        "health": request(replicas.url, "/_stcore/health")[1],
        "host config": request(replicas.url, "/_stcore/host-config")[1],
        "refused": request(replicas.url, "/_stcore/metrics")[1],  # `always`: error responses too
    }
    assert responses["script"]["content-type"].split(";")[0] in ("text/javascript", "application/javascript")
    for what, headers in responses.items():
        for name, expected in HEADERS.items():
            assert name in headers, f"{what}: no {name}"
            if expected is not None:
                assert headers[name] == expected, f"{what}: {name} is {headers[name]!r}"
        csp = _csp(headers["content-security-policy"])
        assert csp["default-src"] == ["'self'"], what
        assert csp["frame-ancestors"] == ["'none'"], what
        assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'self'"], what
        assert "'unsafe-eval'" not in csp["script-src"] and "'unsafe-inline'" not in csp["script-src"], what
        assert all(source in ("'self'", "blob:") or source.startswith(("'sha256-", "'wasm-")) for source in csp["script-src"]), (
            what
        )
        for directive, sources in csp.items():
            outside = [s for s in sources if s.startswith(("http", "ws", "*")) or s in ("https:", "http:", "ws:", "wss:")]
            assert not outside, f"{what}: {directive} allows {outside}"


# Paths that reach Streamlit's metrics (or its agent API) if nginx matched them too literally.
METRICS_PATHS = [
    "/_stcore/metrics",
    "/_stcore/metrics?families=active_sessions",
    "/_stcore/metrics/",
    "//_stcore/metrics",
    "/_stcore//metrics",
    "/_stcore/./metrics",
    "/x/../_stcore/metrics",
    "/_stcore/%6detrics",
    "/_stcore%2Fmetrics",
    "/_STCORE/METRICS",
    "/_stcore/agent/openapi.json",
    "/_stcore/agent/interact",
    "/_stcore/agent/mcp",
]


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "POST"])
def test_streamlit_metrics_and_agent_api_are_closed_to_the_outside_while_health_answers(replicas: Replicas, method: str) -> None:
    # Each replica serves its metrics (so a refusal below is nginx's doing, not a missing route) ...
    status, _, body = request(replicas.a.url, "/_stcore/metrics")
    assert status == 200 and b"active_sessions" in body
    # ... and nginx refuses every spelling of the path, with any method.
    for path in METRICS_PATHS:
        status, _, body = request(replicas.url, path, method=method)
        assert status in (403, 404), f"{method} {path} answered {status} through nginx"
        assert b"active_sessions" not in body and b"openapi" not in body.lower(), f"{method} {path} leaked"
    # The load balancer's health check still answers through nginx.
    if method in ("GET", "HEAD"):
        status, _, body = request(replicas.url, "/_stcore/health", method=method)
        assert status == 200 and body == (b"ok" if method == "GET" else b"")


def test_a_websocket_from_the_sites_own_address_opens_through_nginx(replicas: Replicas) -> None:
    """The browser's Host reaches the replica unchanged: Streamlit opens a WebSocket only when its Origin
    matches the Host it sees (for a name other than localhost; here, a made-up site name). Had nginx
    sent its own Host, Streamlit would refuse, after trying to look up the machine's public address."""
    site = f"pirisk.example:{replicas.nginx.port}"
    with socket.create_connection(("127.0.0.1", replicas.nginx.port), timeout=10) as conn:
        conn.sendall(
            (
                "GET /_stcore/stream HTTP/1.1\r\n"
                f"Host: {site}\r\nOrigin: http://{site}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Protocol: streamlit\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                break
            head += chunk
    status_line, _, rest = head.decode("latin-1").partition("\r\n")
    assert status_line.startswith("HTTP/1.1 101"), f"the WebSocket was refused: {status_line}"
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in rest.split("\r\n") if ":" in line)}
    assert headers["upgrade"].lower() == "websocket"
    assert headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="  # RFC 6455's example key and answer
