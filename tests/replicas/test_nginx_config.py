"""The recommended nginx configuration: one file, shown verbatim in docs/team.md, valid for nginx, and
whose Content Security Policy allows exactly the inline script of the Streamlit version pinned."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import streamlit

from tests.replicas.harness import NGINX_CONF, ROOT, Nginx

TEAM = ROOT / "docs" / "team.md"


def _csp() -> dict[str, list[str]]:
    policy = re.search(r'add_header Content-Security-Policy "([^"]+)" always;', NGINX_CONF.read_text(encoding="utf-8"))
    assert policy, "no Content-Security-Policy in the configuration"
    return {d.split()[0]: d.split()[1:] for d in policy.group(1).split(";") if d.strip()}


def test_the_docs_show_the_configuration_the_tests_run() -> None:
    blocks = re.findall(r"^```nginx\n(.*?)^```$", TEAM.read_text(encoding="utf-8"), flags=re.M | re.S)
    assert NGINX_CONF.read_text(encoding="utf-8") in blocks, (
        "docs/team.md must show deploy/nginx/pirisk.conf exactly, in an ```nginx block: copy the file there"
    )


def test_the_csp_allows_exactly_the_inline_scripts_of_the_pinned_streamlit() -> None:
    """Streamlit's index.html has one inline script; the policy allows it by its hash, not with
    'unsafe-inline'. A Streamlit upgrade that changes it fails here (and in the browser tests)."""
    html = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)
    assert inline, "Streamlit's index.html has no inline script any more: drop its hash from the policy"
    needed = {"'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'" for body in inline}
    allowed = {source for source in _csp()["script-src"] if source.startswith("'sha256-")}
    assert allowed == needed, f"script-src must allow exactly {sorted(needed)}, it allows {sorted(allowed)}"


def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    checked = Nginx(tmp_path, ["127.0.0.1:8501", "127.0.0.1:8502"]).test_config()
    assert checked.returncode == 0, checked.stderr
