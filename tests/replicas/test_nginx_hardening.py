"""The shipped nginx configuration against the third security pass (issue 19), in front of a stand-in
upstream (a few lines of Python that answer everything with 200 and note what reached them), so that
these run in a second without Streamlit or PostgreSQL:

- no log holds a session id (uploads), a download's file id (/media/) or a respondent's token (finding 1,
  3 and 5): nginx exchanges a link's token for a cookie and sends the browser on to an address without it;
- a request whose Origin is not the site's own is refused before it reaches a replica (finding 7);
- a request for any other host name is closed without an answer (finding 10).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.replicas.harness import Nginx, running_nginx
from tests.replicas.test_replicas_http import request

SESSION_ID = "3f6c1e7a-9d2b-4c41-8e5f-0a1b2c3d4e5f"  # the shape of a Streamlit session id (a UUID)
FILE_ID = "7d1e2a9c-0b3f-4e6d-9a8b-112233445566"
MEDIA_ID = "a3c1f0e9b8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5"  # sha224 hex, as Streamlit names a download
TOKEN = "Zq3_kP9-xW2vR7tY5uI1oL8mN4bV6cX0aS2dF3gH4jK"  # token_urlsafe(32): 43 characters


class _Upstream(BaseHTTPRequestHandler):
    seen: list[str] = []

    def _answer(self) -> None:
        _Upstream.seen.append(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def nginx(upstream: str) -> Iterator[Nginx]:
    with running_nginx([upstream]) as started:
        _Upstream.seen.clear()  # nginx's start-up health check
        yield started


def send(
    nginx: Nginx, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    return request(nginx.url, path, method=method, headers=headers)


def logs(nginx: Nginx) -> str:
    nginx.stop()  # flushes both logs
    return nginx.access_log.read_text(encoding="utf-8") + nginx.error_log.read_text(encoding="utf-8", errors="replace")


# -- finding 1 and 3: no session id or download id in the access log --------------------------------------


def test_the_access_log_holds_no_session_id_and_no_download_id(nginx: Nginx) -> None:
    paths = [
        f"/_stcore/upload_file/{SESSION_ID}/{FILE_ID}",
        f"/_stcore//upload_file/{SESSION_ID}/{FILE_ID}",
        f"/respond/_stcore/upload_file/{SESSION_ID}/{FILE_ID}",
        f"/_stcore/%75pload_file/{SESSION_ID}/{FILE_ID}",
        f"/_STCORE/UPLOAD_FILE/{SESSION_ID}/{FILE_ID}",
        f"/media/{MEDIA_ID}.csv",
        f"/workspace/media/{MEDIA_ID}.xlsx",
        f"/%6dedia/{MEDIA_ID}.pdf",
    ]
    for path in paths:
        for method in ("PUT", "GET", "DELETE"):
            status, _, _ = send(nginx, path, method=method)
            assert status == 200, f"{method} {path}: {status}"
    text = logs(nginx)
    assert text.count('"path":') >= 3 * len(paths), "a request went unlogged"  # (and nginx's own health check)
    for secret in (SESSION_ID, FILE_ID, MEDIA_ID, SESSION_ID.upper()):
        assert secret not in text, f"{secret} is in nginx's logs"
    assert '"path":"/_stcore/upload_file/-"' in text and '"path":"/media/-"' in text  # the kind of request stays


# -- finding 5: a respondent's token is exchanged for a cookie, and never logged -----------------------------


def test_a_respondents_link_is_exchanged_for_a_cookie_and_the_token_reaches_no_log(upstream: str) -> None:
    """With a replica down, nginx writes a failed request's line, query included, to its error log. The
    link's first request is answered by nginx itself: a cookie with the token, and a redirect to the
    same page without it; so no request that reaches a replica (or fails to) carries the token."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{s.getsockname()[1]}"  # nothing listens there
    with running_nginx([dead, upstream]) as nginx:
        _Upstream.seen.clear()
        for path, page in (
            (f"/respond?invite={TOKEN}", "/respond"),
            (f"/respond?lang=zh&invite={TOKEN}", "/respond?lang=zh"),  # a language asked for is kept
            (f"/?invite={TOKEN}&lang=%0d%0aX:1", "/respond"),  # anything else is not
        ):
            for _ in range(8):  # each first visit is hashed anew: some go to the replica that is down
                status, headers, _ = send(nginx, path)
                assert status == 303, f"{path}: {status}"
                assert headers["location"].endswith(page), headers["location"]
                cookie = SimpleCookie(headers["set-cookie"])
                assert cookie["pirisk_invite"].value == TOKEN
                assert cookie["pirisk_invite"]["httponly"] and cookie["pirisk_invite"]["samesite"].lower() == "strict"
                assert cookie["pirisk_invite"]["path"] == "/"
                for name in ("content-security-policy", "x-frame-options", "referrer-policy"):
                    assert name in headers, f"the redirect has no {name}"
        for _ in range(8):  # the page it lands on, with the cookie, goes to the replicas as any page
            status, _, _ = send(nginx, "/respond", headers={"Cookie": f"pirisk_invite={TOKEN}"})
            assert status == 200
        # Not a token (the wrong length or alphabet): not exchanged, passed on as any address.
        for bad in ("short", "A" * 44, "A" * 42 + "%0d", "A" * 42 + "."):
            status, headers, _ = send(nginx, f"/respond?invite={bad}")
            assert status == 200 and "pirisk_invite" not in headers["set-cookie"], bad
        # An upload that meets the replica that is down: its failed line holds the session id.
        for _ in range(8):
            send(nginx, f"/_stcore/upload_file/{SESSION_ID}/{FILE_ID}", method="PUT")
        text = logs(nginx)
    assert dead in text, "no request met the replica that is down"
    for secret in (TOKEN, SESSION_ID):
        assert secret not in text, f"{secret} is in nginx's logs"
    assert not [p for p in _Upstream.seen if TOKEN in p], "a replica was sent the token in an address"


# -- finding 7: a foreign Origin stops at nginx ------------------------------------------------------------


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1.evil.example", "https://evil.example:443"])
def test_a_foreign_origin_is_refused_before_a_replica_sees_it(nginx: Nginx, origin: str) -> None:
    upgrade = {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    for path, method, extra in (("/_stcore/stream", "GET", upgrade), ("/_stcore/upload_file/a/b", "PUT", {}), ("/", "POST", {})):
        status, _, _ = send(nginx, path, method=method, headers={"Origin": origin, **extra})
        assert status == 403, f"{method} {path} from {origin}: {status}"
    assert _Upstream.seen == []
    own = f"http://127.0.0.1:{nginx.port}"
    for headers in ({"Origin": own}, {"Origin": own.upper()}, {}):
        status, _, _ = send(nginx, "/_stcore/upload_file/a/b", method="PUT", headers=headers)
        assert status == 200, headers


# -- finding 10: only the site's own names are answered ----------------------------------------------------


def _raw(nginx: Nginx, host: str | None) -> bytes:
    with socket.create_connection(("127.0.0.1", nginx.port), timeout=10) as conn:
        head = f"Host: {host}\r\n" if host is not None else ""
        version = "1.1" if host is not None else "1.0"
        conn.sendall(f"GET /_stcore/health HTTP/{version}\r\n{head}Connection: close\r\n\r\n".encode())
        out = b""
        while chunk := conn.recv(4096):
            out += chunk
        return out


@pytest.mark.parametrize("host", ["evil.example", "pirisk.example.evil", "10.0.0.1", "LOCALHOST.evil", None])
def test_any_other_host_is_closed_without_an_answer(nginx: Nginx, host: str | None) -> None:
    assert _raw(nginx, host) == b"", f"nginx answered Host {host!r}"
    assert _raw(nginx, f"localhost:{nginx.port}").startswith(b"HTTP/1.1 200")
    assert _raw(nginx, f"127.0.0.1:{nginx.port}").startswith(b"HTTP/1.1 200")
