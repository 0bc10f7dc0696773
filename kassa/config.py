"""Where things live, from the environment (the KASSA_… variables; README, "Kommandon").

Read lazily, at call time, so tests and the CLI can set the variables before use.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import sys
import urllib.parse
from pathlib import Path

from platformdirs import PlatformDirs

from kassa import APP_NAME

_dirs = PlatformDirs(appname=APP_NAME.lower(), appauthor=False)

DEFAULT_SSO_BASE = "https://sso.pageroonline.com"
DEFAULT_API_BASE = "https://api.pageroonline.com"
# The vendor's partner client. The secret is never a default: it comes from the
# environment or the keyring (see kassa.pagero.credentials).
DEFAULT_CLIENT_ID = "kassa-desktop"
DEFAULT_REDIRECT_PORT = 8766
DEFAULT_INTEREST_URL = "https://api.pageroonline.com/partner/v1/interest"


def data_dir() -> Path:
    """The database, logs and backups; created on first use."""
    path = Path(os.environ.get("KASSA_DATA_DIR") or _dirs.user_data_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir(create: bool = True) -> Path:
    """Where kassa.log is written: the platform's log directory (~/.local/state/kassa/log on Linux),
    or `logs/` in KASSA_DATA_DIR when that is set. Created unless `create` is false (for texts that
    name the place)."""
    data = os.environ.get("KASSA_DATA_DIR")
    path = Path(data) / "logs" if data else Path(_dirs.user_log_dir)
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def backup_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """Files shipped with Kassa: the icon, the .desktop template, rule pack pins.

    Beside the package in a checkout (the README's way, an editable install); under
    `<prefix>/share/kassa/resources` when installed from a wheel (setup.cfg data_files).
    """
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "kassa" / "resources"


def default_sqlite_url() -> str:
    return f"sqlite:///{data_dir() / 'kassa.sqlite3'}"


def database_url() -> str:
    """KASSA_DATABASE_URL, else the database chosen in the settings wizard, else SQLite in the data dir.

    A saved PostgreSQL URL gets its password from the keyring here, so the result may hold
    a secret: hand it to the database layer, never to a log line or a message.
    """
    return os.environ.get("KASSA_DATABASE_URL") or saved_database_url() or default_sqlite_url()


def rules_dir() -> Path:
    return Path(os.environ.get("KASSA_RULES_DIR") or data_dir() / "rules")


def rules_engine() -> str:
    """Where the PEPPOL Schematron rules run: 'worker' (helper processes, the default) or 'inline'."""
    return os.environ.get("KASSA_RULES_ENGINE") or "worker"


def rules_workers() -> int:
    """How many helper processes run the PEPPOL rules: 1 (both stylesheets), 2 (one per stylesheet, in
    parallel), or 0 (the default, "auto": 2 where the machine has the cores and the memory)."""
    value = os.environ.get("KASSA_RULES_WORKERS", "").strip()
    return int(value) if value in ("1", "2") else 0


def rules_idle_seconds() -> float:
    """Seconds without a validation after which the rule helpers stop (KASSA_RULES_IDLE; default 300)."""
    try:
        return max(0.0, float(os.environ.get("KASSA_RULES_IDLE", "") or 300))
    except ValueError:
        return 300.0


def rules_young_mb() -> int:
    """The rule helpers' SaxonC young generation in MB (KASSA_RULES_YOUNG_MB; default 16, 0: SaxonC's own)."""
    try:
        return max(0, int(os.environ.get("KASSA_RULES_YOUNG_MB", "") or 16))
    except ValueError:
        return 16


def pagero_sso_base() -> str:
    return os.environ.get("KASSA_PAGERO_SSO_BASE", DEFAULT_SSO_BASE).rstrip("/")


def pagero_api_base() -> str:
    return os.environ.get("KASSA_PAGERO_API_BASE", DEFAULT_API_BASE).rstrip("/")


def pagero_client_id() -> str:
    return os.environ.get("KASSA_PAGERO_CLIENT_ID", DEFAULT_CLIENT_ID)


def pagero_client_secret_from_env() -> str | None:
    """The vendor may hand the secret in through the environment; it is never written anywhere."""
    return os.environ.get("KASSA_PAGERO_CLIENT_SECRET") or None


def pagero_redirect_port() -> int:
    return int(os.environ.get("KASSA_PAGERO_REDIRECT_PORT", DEFAULT_REDIRECT_PORT))


def interest_url() -> str:
    return os.environ.get("KASSA_INTEREST_URL", DEFAULT_INTEREST_URL)


def till_designation() -> str:
    """This till's designation (kassabeteckning) on receipts, reports, sales and events.

    `KASSA_TILL` first, then the setting saved by the wizard, then the computer's name.
    The one place that decides it: everything that names the till calls this.
    """
    return (os.environ.get("KASSA_TILL") or str(saved_settings().get("till") or "").strip()
            or socket.gethostname())


def till_source() -> str:
    """Where `till_designation()` comes from: "env" (KASSA_TILL, which the settings cannot change),
    "saved" (Inställningar → Kassa or the wizard) or "computer" (the computer's name, nothing set)."""
    if os.environ.get("KASSA_TILL"):
        return "env"
    return "saved" if str(saved_settings().get("till") or "").strip() else "computer"


# -- settings saved by the settings wizard (no secrets: the database password is in the keyring) --

SETTINGS_FILE = "settings.json"
DATABASE_PASSWORD_SERVICE = "kassa-database"

_log = logging.getLogger(__name__)


def settings_path() -> Path:
    return data_dir() / SETTINGS_FILE


def saved_settings() -> dict:
    """What the settings wizard saved ({} when nothing, or when the file is unreadable)."""
    path = settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        _log.warning("unreadable settings file %s; using the defaults", path)
        return {}
    return data if isinstance(data, dict) else {}


def save_settings(**values) -> None:
    """Merge `values` into the settings file (a value of None removes the key); written atomically."""
    data = saved_settings()
    for key, value in values.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path = settings_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _url_without_password(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.hostname or ""
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def database_password_key(url: str) -> str:
    """The keyring entry name of a PostgreSQL URL's password: user@host:port/database?query."""
    parts = urllib.parse.urlsplit(_url_without_password(url))
    return f"{parts.username or ''}@{parts.hostname or ''}:{parts.port or 5432}{parts.path}" + (
        f"?{parts.query}" if parts.query else "")


def save_database_url(url: str | None, password: str | None = None) -> None:
    """Save the chosen database (None: back to SQLite in the data dir).

    The password of a PostgreSQL URL goes to the keyring (raises keyring's errors when it
    cannot), the URL without it to the settings file.
    """
    if url is None:
        save_settings(database_url=None)
        return
    clean = _url_without_password(url)
    if password is None:
        password = urllib.parse.urlsplit(url).password
        password = urllib.parse.unquote(password) if password else None
    if password:
        import keyring

        keyring.set_password(DATABASE_PASSWORD_SERVICE, database_password_key(clean), password)
    save_settings(database_url=clean)


def saved_database_url() -> str | None:
    """The saved database URL, with the password from the keyring put back in."""
    url = saved_settings().get("database_url")
    if not url or not url.startswith(("postgresql:", "postgres:")):
        return url or None
    try:
        import keyring

        password = keyring.get_password(DATABASE_PASSWORD_SERVICE, database_password_key(url))
    except Exception as exc:  # no keyring here: try without a password (trust/peer setups work)
        _log.warning("database password not read from the keyring: %s", type(exc).__name__)
        password = None
    if not password:
        return url
    parts = urllib.parse.urlsplit(url)
    # The user name stands in the saved URL already quoted; only the password is added.
    netloc = f"{parts.username or ''}:{urllib.parse.quote(password, safe='')}@" \
             f"{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
