"""`meetergo.PathSecret`: the unguessable endpoint segment a receiver checks, never printed."""

from __future__ import annotations

import logging
import pickle

import pytest

import meetergo


def test_generated_secrets_are_distinct_and_round_trip() -> None:
    a = meetergo.PathSecret.generate()
    b = meetergo.PathSecret.generate()
    assert a.reveal() != b.reveal()
    assert a.reveal().startswith("mps_")
    assert len(a.reveal()) == 47
    again = meetergo.PathSecret(a.reveal())
    assert again.reveal() == a.reveal()
    assert again.matches(a.reveal())
    assert not again.matches(b.reveal())


def test_the_secret_is_never_printed(caplog: pytest.LogCaptureFixture) -> None:
    secret = meetergo.PathSecret.generate()
    value = secret.reveal()
    logging.getLogger("test").warning("secret=%s %r", secret, secret)
    for shown in (repr(secret), str(secret), f"{secret}", f"{secret!r}", caplog.text):
        assert value not in shown
        assert value[4:20] not in shown
    with pytest.raises(TypeError):
        pickle.dumps(secret)


def test_endpoints_and_paths() -> None:
    secret = meetergo.PathSecret("mps_0123456789abcdefghijKL")
    endpoint = secret.endpoint("https://example.com/webhooks/meetergo?tenant=7")
    assert endpoint == "https://example.com/webhooks/meetergo/mps_0123456789abcdefghijKL?tenant=7"
    assert secret.matches_path("/webhooks/meetergo/mps_0123456789abcdefghijKL?tenant=7")
    assert not secret.matches_path("/webhooks/meetergo/mps_0123456789abcdefghijK")
    assert not secret.matches_path("/webhooks/meetergo")
    # The endpoint a secret makes passes the client's own check, and the webhook's repr masks it.
    checked = meetergo.validate_webhook(endpoint=endpoint, event_types=["booking_created"])
    assert checked["endpoint"] == endpoint
    with pytest.raises(meetergo.ValidationError) as info:
        secret.endpoint(endpoint)
    assert info.value.field == "endpoint"


@pytest.mark.parametrize(
    "bad", ["", "mps_short", "nope_0123456789abcdefghijKL", "mps_0123456789abcdefghijK!"]
)
def test_malformed_secrets_are_validation_errors_that_do_not_echo(bad: str) -> None:
    with pytest.raises(meetergo.ValidationError) as info:
        meetergo.PathSecret(bad)
    assert info.value.field == "pathSecret"
    assert info.value.kind in ("Missing", "Malformed")
    if bad:
        assert bad not in str(info.value)


def test_a_receiver_refuses_paths_without_the_secret() -> None:
    from flask import Flask, request

    secret = meetergo.PathSecret.generate()
    app = Flask(__name__)

    @app.post("/webhooks/meetergo/<path:rest>")
    def receive(rest: str) -> tuple[str, int]:
        if not secret.matches_path(request.path):
            return "", 404
        return "", 200

    client = app.test_client()
    assert client.post(f"/webhooks/meetergo/{secret.reveal()}", data=b"{}").status_code == 200
    assert client.post("/webhooks/meetergo/mps_0123456789abcdefghijKL", data=b"{}").status_code == 404
