"""The suite's own guards: no network, settings isolated in a temporary folder."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

import pytest

from tutor.settings import get_settings


def test_remote_connections_are_refused() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(RuntimeError, match="must not reach the network"):
            sock.connect(("93.184.216.34", 80))
    finally:
        sock.close()


def test_remote_name_lookup_is_refused() -> None:
    with pytest.raises(RuntimeError, match="must not resolve remote names"):
        socket.getaddrinfo("example.com", 443)
    with pytest.raises(Exception):  # noqa: B017 - any failure, as long as nothing is fetched
        urllib.request.urlopen("http://example.com/", timeout=1)


def test_loopback_is_allowed() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        client.connect(server.getsockname())
        conn, _ = server.accept()
        conn.close()
    finally:
        client.close()
        server.close()


def test_settings_live_in_the_test_folder(tmp_path: Path, settings_env: Path) -> None:
    settings = get_settings()
    assert settings.data_dir == settings_env
    assert settings.data_dir.is_relative_to(tmp_path)
    assert settings.model is None
    assert str(tmp_path) in settings.resolved_database_url
