#!/usr/bin/env python3
"""Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from tests/fixtures: every delivery body, every
shared endpoint case, meetergo's documented error answers, and the deliveries as raw HTTP requests."""

from __future__ import annotations

import hashlib
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = ROOT / "fuzz" / "corpus"


def put(target: str, data: bytes) -> None:
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"seed-{hashlib.sha1(data).hexdigest()[:16]}").write_bytes(data)


bodies = [p.read_bytes() for p in sorted((FIXTURES / "deliveries").iterdir()) if p.stat().st_size < 64 * 1024]
for body in bodies:
    put("parse_event", body)
for case in json.loads((FIXTURES / "endpoints.json").read_text()):
    put("endpoint", case["endpoint"].encode())
for url in [
    "https://your-server.com/webhooks/meetergo",
    "https://[::ffff:10.0.0.1]:8443/a;b=c?d=e#f",
    "http://0x7f.1/",
]:
    put("endpoint", url.encode())
ERRORS = [
    (
        400,
        {
            "statusCode": 400,
            "message": ["endpoint must be a URL address", "eventTypes must contain at least 1 elements"],
            "error": "Bad Request",
        },
    ),
    (
        401,
        {"statusCode": 401, "message": "Missing required header 'x-meetergo-api-user-id' for API key authentication"},
    ),
    (403, {"statusCode": 403, "message": "Forbidden resource", "error": "Forbidden"}),
    (406, {"statusCode": 406, "message": "Company reached maximum", "error": "Not Acceptable"}),
    (402, {"statusCode": 402, "message": "Plan limit", "code": "PLAN_LIMIT_REACHED", "feature": "webhooks"}),
    (429, {"statusCode": 429, "message": "Too Many Requests", "error": "Too Many Requests"}),
    (400, {"statusCode": 400, "message": "bad", "errors": [{"field": "endpoint", "message": "invalid"}]}),
    (500, {"statusCode": 500, "message": "token rgo-Fuzz7Token3Secret9Value1 is invalid"}),
]
for status, body in ERRORS:
    put("error_body", status.to_bytes(2, "big") + json.dumps(body).encode())
put("error_body", (502).to_bytes(2, "big") + b"<html>Bad Gateway</html>")
for body in bodies[:40]:
    head = f"POST /webhooks/meetergo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    put("listen_request", head.encode() + body)
    chunked = (
        b"POST /h HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        + f"{len(body):x}\r\n".encode()
        + body
        + b"\r\n0\r\n\r\n"
    )
    put("listen_request", chunked)
put("listen_request", b"GET / HTTP/1.1\r\nHost: x\r\n\r\nHEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
put("listen_request", b"DELETE /x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
print(
    f"seeded {CORPUS.relative_to(ROOT)}: "
    + ", ".join(f"{d.name} {len(list(d.iterdir()))}" for d in sorted(CORPUS.iterdir()))
)
