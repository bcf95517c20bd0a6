"""docs/security.md says what the shipped nginx does with X-Forwarded-For (issue 19, finding 12): it said the
proxy appends the client's address (`$proxy_add_x_forwarded_for`), while deploy/nginx/pirisk.conf replaces
the header with the address nginx saw, which is what keeps a client from choosing its rate-limit key."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_security_doc_describes_the_forwarded_header_as_the_shipped_config_sets_it():
    config = (ROOT / "deploy" / "nginx" / "pirisk.conf").read_text(encoding="utf-8")
    doc = " ".join((ROOT / "docs" / "security.md").read_text(encoding="utf-8").split())
    (value,) = re.findall(r"proxy_set_header\s+X-Forwarded-For\s+(\S+);", config)
    assert value == "$remote_addr"  # replaced, not appended to
    assert "$proxy_add_x_forwarded_for" not in doc
    assert re.search(r"nginx[^.]*replaces[^.]*`\$remote_addr`", doc), "the doc should say nginx replaces the header"
