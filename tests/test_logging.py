"""The log file: where it is, rotation, no secret in it, and the message for an unexpected error."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kassa import logging_setup

REPO = Path(__file__).resolve().parents[1]

SECRETS = ["eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJrYXNzYSJ9.c2lnbmF0dXJl", "rt-5f3a9c0e1b", "cs-TOPSECRET-77",
           "hunter2-pw", "AUTHCODE-991", "verifier-abcdef", "dXNlcjpwYXNz"]


@pytest.fixture
def logfile(isolated_data_dir):
    yield logging_setup.setup_logging(logging.DEBUG)
    logging_setup.stop_file_logging()


def flush():
    for handler in logging.getLogger().handlers:
        handler.flush()


def test_log_file_lives_in_the_data_dirs_logs_folder(logfile, isolated_data_dir):
    assert logfile == isolated_data_dir / "logs" / "kassa.log" == logging_setup.log_file_path()
    logging.getLogger("kassa.test").info("kassan startad")
    flush()
    assert "INFO" in logfile.read_text() and "kassa.test: kassan startad" in logfile.read_text()


def without_data_dir(home: Path) -> dict[str, str]:
    """The environment of a till set up the README's way: no KASSA_DATA_DIR, the platform's folders."""
    env = {k: v for k, v in os.environ.items() if k not in ("KASSA_DATA_DIR", "XDG_STATE_HOME")}
    env["HOME"] = str(home)
    return env


def test_kassa_help_names_the_log_file_the_logging_writes(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = without_data_dir(home)
    written = subprocess.run([sys.executable, "-c", "from kassa import logging_setup; "
                              "print(logging_setup.setup_logging())"], cwd=REPO, env=env, capture_output=True,
                             text=True, timeout=60, check=True).stdout.strip()
    assert written == str(home / ".local" / "state" / "kassa" / "log" / "kassa.log")
    shown = subprocess.run([sys.executable, "-m", "kassa", "--help"], cwd=REPO, env=env, capture_output=True,
                           text=True, timeout=60, check=True).stdout
    assert f"Loggen finns i {written} (i programfönstret: Hjälp → Visa logg)." in shown.splitlines()


def test_the_readme_names_the_log_file_where_it_is(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KASSA_DATA_DIR")
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    where = logging_setup.log_file_path(create=False).relative_to(tmp_path)
    assert f"`~/{where}`" in (REPO / "README.md").read_text()
    assert not (tmp_path / ".local").exists()  # naming the place creates nothing


def test_calling_setup_twice_does_not_double_lines(logfile):
    logging_setup.setup_logging(logging.DEBUG)
    logging.getLogger("kassa.test").info("en rad")
    flush()
    assert logfile.read_text().count("en rad") == 1


def test_rotation_keeps_the_set_number_of_old_files(isolated_data_dir):
    path = logging_setup.setup_logging(max_bytes=2_000, backup_count=3)
    try:
        log = logging.getLogger("kassa.rotation")
        for i in range(400):
            log.info("rad %04d %s", i, "x" * 40)
        flush()
        files = sorted(p.name for p in path.parent.iterdir())
        assert files == ["kassa.log", "kassa.log.1", "kassa.log.2", "kassa.log.3"]
        assert all(p.stat().st_size <= 2_000 for p in path.parent.iterdir())
        assert "rad 0399" in path.read_text()  # the newest lines are in kassa.log
        assert "rad 0000" not in "".join(p.read_text() for p in path.parent.iterdir())  # the oldest are gone
    finally:
        logging_setup.stop_file_logging()


def test_secrets_in_urls_forms_json_and_headers_are_redacted(logfile):
    jwt, refresh, secret, password, code, verifier, basic = SECRETS
    log = logging.getLogger("kassa.pagero.oauth")
    log.info("POST https://sso.example/oauth2/token?grant_type=refresh_token&refresh_token=%s&client_secret=%s",
             refresh, secret)
    log.debug("request headers %r", {"Authorization": f"Bearer {jwt}", "Accept": "application/json"})
    log.debug("Authorization: Basic %s", basic)
    log.debug("form grant_type=authorization_code&code=%s&code_verifier=%s&redirect_uri=http://127.0.0.1:8766/",
              code, verifier)
    log.debug('response {"access_token": "%s", "refresh_token": "%s", "expires_in": 3600}', jwt, refresh)
    log.warning("database postgresql://kassa:%s@server/kassa unreachable", password)
    log.info("password=%s client_secret: %s", password, secret)
    try:
        raise RuntimeError(f"token endpoint said no to refresh_token={refresh}")
    except RuntimeError:
        log.exception("refresh failed")
    flush()
    text = logfile.read_text()
    for value in SECRETS:
        assert value not in text
    # still useful: what happened, and where
    assert "grant_type=refresh_token" in text and "redirect_uri=http://127.0.0.1:8766/" in text
    assert '"expires_in": 3600' in text and "postgresql://kassa:[REDACTED]@server/kassa" in text
    assert "Traceback" in text and "RuntimeError" in text
    assert text.count("[REDACTED]") >= 10


def test_prose_about_tokens_stays_readable():
    line = "Bearer token missing; refreshed tokens, expires in 3600 s; invoice 17 uploaded as file 42"
    assert logging_setup.redact(line) == line


def test_unexpected_error_is_logged_and_the_message_names_the_log(logfile, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    logging_setup.install_excepthook(shown.append)
    try:
        raise KeyError("access_token=abc123secret")
    except KeyError:
        sys.excepthook(*sys.exc_info())
    thread = threading.Thread(target=lambda: 1 / 0, name="sändare")
    thread.start()
    thread.join()
    flush()
    assert len(shown) == 2
    assert "Ett oväntat fel inträffade (KeyError)" in shown[0]
    assert str(logfile) in shown[0]
    assert "ZeroDivisionError" in shown[1]
    text = logfile.read_text()
    assert "CRITICAL" in text and "KeyError" in text and "in thread sändare" in text
    assert "abc123secret" not in text


def test_default_excepthook_prints_the_swedish_message_to_stderr(isolated_data_dir):
    code = (
        "from kassa import logging_setup; logging_setup.setup_logging(); "
        "logging_setup.install_excepthook(); raise ValueError('boom')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parent.parent)
    assert result.returncode == 1
    assert "Ett oväntat fel inträffade (ValueError)" in result.stderr
    log = isolated_data_dir / "logs" / "kassa.log"
    assert str(log) in result.stderr
    assert "ValueError: boom" in log.read_text()


def test_log_tail_starts_at_a_whole_line(logfile):
    log = logging.getLogger("kassa.tail")
    for i in range(200):
        log.info("rad %03d", i)
    flush()
    tail = logging_setup.read_log_tail(max_bytes=500)
    lines = tail.splitlines()
    assert lines[-1].endswith("rad 199")
    assert all(" kassa.tail: rad " in line for line in lines)  # no cut first line
    assert len(tail.encode()) <= 500


def test_error_texts_name_only_a_log_that_exists(isolated_data_dir):
    from kassa import logging_setup

    logging_setup.stop_file_logging()
    assert logging_setup.active_log_file() is None
    assert logging_setup.where_logged() == "programmets felutskrift (standard error)"
    path = logging_setup.setup_logging()
    try:
        assert logging_setup.active_log_file() == path and path.is_file()
        assert logging_setup.where_logged() == f"loggen ({path})"
    finally:
        logging_setup.stop_file_logging()
