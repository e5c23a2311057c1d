"""The local stack serves the console under the CSP that CloudFront sends (template.yaml's
ConsoleHeaders), with only the hosts changed: a screen that breaks under the deployed CSP
(a PDF frame, an inline style) breaks in the browser tests too."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "infra" / "local"))

import console  # noqa: E402


def directives(csp: str) -> dict[str, set[str]]:
    out = {}
    for part in csp.split(";"):
        name, *sources = part.split()
        out[name] = {s for s in sources if not re.match(r"^(https?:|\$\{)", s) or s == "blob:"}
    return out


def deployed() -> str:
    text = (ROOT / "template.yaml").read_text(encoding="utf-8")
    block = text.split("ContentSecurityPolicy: !Sub >-", 1)[1]
    block = block.split("StrictTransportSecurity", 1)[0]
    return " ".join(line.strip() for line in block.splitlines() if line.strip())


def test_the_local_console_has_cloudfronts_csp_but_for_the_hosts():
    local, cloud = directives(console.CSP), directives(deployed())
    assert local == cloud
    assert local["frame-src"] == {"blob:"} and local["object-src"] == {"'none'"}


def test_every_console_file_is_served_with_the_csp(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html>", encoding="utf-8")
    found = console.resolve("/tasks/01J00000000000000000000000", tmp_path)
    assert found is not None and found[2]["Content-Security-Policy"] == console.CSP
