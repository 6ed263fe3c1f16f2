"""A production server refuses to start, in one line, without BASE_URL or on a database it cannot
open; behind a trusted proxy it reads the client's address and scheme from the forwarded headers."""

from __future__ import annotations

import http.client
import os
import re
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import request

from app import create_app
from app.startup import check_database
from config import ProductionConfig, TestConfig

ROOT = Path(__file__).resolve().parents[2]
KEY = "k" * 48


def production(tmp_path: Path, **overrides):
    settings = {"SECRET_KEY": KEY, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"}
    return create_app(ProductionConfig, **{**settings, **overrides})


@pytest.mark.parametrize("base_url", ["", "desk.example.com", "ftp://desk.example.com"])
def test_production_refuses_to_start_without_a_base_url(tmp_path, base_url):
    with pytest.raises(RuntimeError, match="Set BASE_URL") as refused:
        production(tmp_path, BASE_URL=base_url)
    assert "\n" not in str(refused.value)


def test_production_starts_with_a_base_url(tmp_path):
    app = production(tmp_path, BASE_URL="https://desk.example.com")
    assert app.config["BASE_URL"] == "https://desk.example.com"


def test_development_needs_no_base_url(tmp_path):
    create_app(TestConfig, BASE_URL="", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'd.db'}")


def test_a_database_that_cannot_be_opened_is_refused_in_one_line(tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    with pytest.raises(RuntimeError, match="Cannot open the database") as refused:
        check_database(app)
    assert "\n" not in str(refused.value)


def test_an_unreachable_postgresql_is_refused_without_its_password():
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u:hunter2@127.0.0.1:1/x")
    with pytest.raises(RuntimeError, match="Cannot open the database") as refused:
        check_database(app)
    assert "hunter2" not in str(refused.value)


def test_a_database_without_its_schema_is_refused(tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(RuntimeError, match="db upgrade"):
        check_database(app)


def test_the_migrated_database_passes(app):
    check_database(app)


def _start(command: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run a server command as a deployment would, on a SQLite file in a folder that is missing."""
    env = {
        **os.environ,
        "TIERDESK_ENV": "production",
        "SECRET_KEY": KEY,
        "BASE_URL": "https://desk.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'x.db'}",
        "TIERDESK_BIND": "127.0.0.1:0",
        "WEB_WORKERS": "1",
    }
    program = Path(sys.executable).parent / command[0]
    return subprocess.run(
        [str(program), *command[1:]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_gunicorn_refuses_to_start_on_a_database_it_cannot_open(tmp_path):
    result = _start(["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], tmp_path)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "Cannot open the database" in errors[0]
    assert "Traceback" not in result.stderr


def test_the_scheduler_refuses_to_start_on_a_database_it_cannot_open(tmp_path):
    result = _start(["flask", "--app", "wsgi", "scheduler", "run"], tmp_path)
    assert result.returncode == 1
    assert "Error: Cannot open the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_WORKERS", "3")
    monkeypatch.setenv("WEB_THREADS", "4")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (settings["workers"], settings["threads"], settings["worker_class"]) == (3, 4, "gthread")
    assert settings["control_socket_disable"] is True
    monkeypatch.setenv("WEB_THREADS", "1")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["worker_class"] == "sync"


def _client_seen_by(app):
    app.add_url_rule("/whoami", "whoami", lambda: f"{request.remote_addr} {request.scheme} {request.host}")
    return app.test_client().get(
        "/whoami",
        headers={
            "X-Forwarded-For": "203.0.113.9",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "desk.test",
        },
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )


def test_forwarded_headers_are_read_only_behind_a_trusted_proxy(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    trusted = create_app(TestConfig, TRUSTED_PROXIES=1, SQLALCHEMY_DATABASE_URI=url)
    assert _client_seen_by(trusted).get_data(as_text=True) == "203.0.113.9 https desk.test"
    untrusted = create_app(TestConfig, TRUSTED_PROXIES=0, SQLALCHEMY_DATABASE_URI=url)
    assert _client_seen_by(untrusted).get_data(as_text=True) == "10.0.0.2 http localhost"


def test_gunicorn_preloads_the_app_and_its_workers_serve_pages(app, tmp_path):
    """The app is built in the master (preload_app) and the forked worker answers with its own
    database connection."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "TIERDESK_ENV": "production",
        "SECRET_KEY": KEY,
        "BASE_URL": "https://desk.example.com",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TIERDESK_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "1",
        "ATTACHMENTS_DIR": str(tmp_path / "attachments"),
    }
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["preload_app"] is True
    program = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(program), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        status = None
        for _ in range(300):
            if server.poll() is not None:
                break
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("GET", "/auth/login")
                status = connection.getresponse().status
                connection.close()
                break
            except OSError:
                time.sleep(0.2)
    finally:
        server.terminate()
        logged, errors = server.communicate(timeout=60)
    assert status == 200, errors
    assert "Traceback" not in errors
    # The access log's line on stdout (app/access_log.py), as operators read it.
    assert re.search(r'^- 127\.0\.0\.1 "GET /auth/login HTTP/1\.1" 200 \d+ \d+ms "-"$', logged, re.M), logged


def test_only_server_databases_test_a_connection_at_checkout(tmp_path):
    from app.extensions import db

    sqlite = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.db'}")
    server = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://tierdesk@127.0.0.1:1/none")
    with sqlite.app_context():
        assert db.engine.pool._pre_ping is False
    with server.app_context():
        assert db.engine.pool._pre_ping is True
