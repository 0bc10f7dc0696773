"""Where things live, from the environment (DESIGN.md, "Environment").

Read lazily, at call time, so tests and the CLI can set the variables before use.
"""
from __future__ import annotations

import os
from pathlib import Path

from platformdirs import PlatformDirs

from kassa import APP_NAME

_dirs = PlatformDirs(appname=APP_NAME.lower(), appauthor=False)

DEFAULT_SSO_BASE = "https://sso.pageroonline.com"
DEFAULT_API_BASE = "https://api.pageroonline.com"
# The vendor's partner client. The secret is never a default: it comes from the
# environment or the keyring (see kassa.peppol.credentials).
DEFAULT_CLIENT_ID = "kassa-desktop"
DEFAULT_REDIRECT_PORT = 8766
DEFAULT_INTEREST_URL = "https://api.pageroonline.com/partner/v1/interest"


def data_dir() -> Path:
    """The database, logs and backups; created on first use."""
    path = Path(os.environ.get("KASSA_DATA_DIR") or _dirs.user_data_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    if os.environ.get("KASSA_DATA_DIR"):
        path = data_dir() / "logs"
    else:
        path = Path(_dirs.user_log_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def backup_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """Files shipped with Kassa: the icon, the .desktop template, rule pack pins."""
    return Path(__file__).resolve().parent.parent / "resources"


def database_url() -> str:
    return os.environ.get("KASSA_DATABASE_URL") or f"sqlite:///{data_dir() / 'kassa.sqlite3'}"


def rules_dir() -> Path:
    return Path(os.environ.get("KASSA_RULES_DIR") or data_dir() / "rules")


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
