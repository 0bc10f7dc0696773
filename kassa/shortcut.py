"""The menu entry and desktop shortcut (`kassa install-shortcut [--uninstall]`, kassa/commands/install_shortcut.py).

On Linux and the BSDs a freedesktop desktop entry (desktop id `se.kassa.Kassa.desktop`) goes into
the user's applications directory and onto the desktop, with Kassa's icon installed into the
user's hicolor icon theme. Windows and macOS get a clear Swedish message and exit code 2: no
shortcut is made there yet, and the message says how to start Kassa instead.

The settings wizard calls `install_shortcut()` / `uninstall_shortcut()` directly.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import kassa
from kassa import APP_ID, APP_NAME, config

DESKTOP_ID = f"{APP_ID}.desktop"
ICON_NAME = APP_ID
ICON_SIZES = (16, 32, 48, 64, 128, 256)
# Qt puts QCoreApplication.applicationName() into the class part of WM_CLASS on X11, and the
# desktop file name (APP_ID) into the Wayland app_id; the app sets both, so windows are grouped
# under this entry on either. The app must call setApplicationName(APP_NAME).
WM_CLASS = APP_NAME
TEMPLATE_NAME = f"{APP_ID}.desktop.in"
FREEDESKTOP_PLATFORMS = ("linux", "freebsd", "openbsd", "netbsd", "dragonfly")

# Characters that force an Exec argument into double quotes (Desktop Entry spec, "The Exec key").
_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


class ShortcutUnsupported(Exception):
    """This platform gets no shortcut yet; the message (Swedish) says what to do instead."""


class ShortcutError(Exception):
    """The shortcut could not be written; the message (Swedish) says what failed and where."""


@dataclass
class ShortcutReport:
    """What install/uninstall did, for the command line and the wizard."""

    command: list[str] = field(default_factory=list)
    menu_entry: Path | None = None
    desktop_entry: Path | None = None
    icons: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def message(self) -> str:
        lines: list[str] = []
        if self.menu_entry:
            lines.append(f"Kassa finns nu i programmenyn ({self.menu_entry}).")
        if self.desktop_entry:
            lines.append(f"Genvägen ligger på skrivbordet ({self.desktop_entry}).")
        if self.command:
            lines.append(f"Genvägen startar: {shlex.join(self.command)}")
        if self.removed:
            lines.append("Borttaget:")
            lines.extend(f"  {path}" for path in self.removed)
        lines.extend(self.notes)
        return "\n".join(lines)


# --- where things go ------------------------------------------------------------------------

def is_freedesktop() -> bool:
    return sys.platform.startswith(FREEDESKTOP_PLATFORMS)


def xdg_data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME", "")
    # The spec says a relative value is invalid and must be ignored.
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"


def applications_dir() -> Path:
    return xdg_data_home() / "applications"


def icon_theme_dir() -> Path:
    return xdg_data_home() / "icons" / "hicolor"


def desktop_dir() -> Path | None:
    """The user's desktop folder, or None when there is none (a till without a desktop)."""
    tool = shutil.which("xdg-user-dir")
    if tool:
        try:
            out = subprocess.run([tool, "DESKTOP"], capture_output=True, text=True, timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        # xdg-user-dir answers $HOME when the desktop is disabled in user-dirs.dirs.
        if out and Path(out).is_dir() and Path(out).resolve() != Path.home().resolve():
            return Path(out)
    fallback = Path.home() / "Desktop"
    return fallback if fallback.is_dir() else None


def icon_paths() -> list[Path]:
    """Every file the icon installation writes, SVG first."""
    base = icon_theme_dir()
    return [base / "scalable" / "apps" / f"{ICON_NAME}.svg"] + [
        base / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png" for size in ICON_SIZES
    ]


# --- the Exec line --------------------------------------------------------------------------

def launch_command() -> list[str]:
    """The absolute command that starts this installation of Kassa, as argv.

    Prefers the `kassa` script of the environment that is running now, so the shortcut starts
    the same installation (a virtualenv's script is usually not on the desktop session's PATH).
    """
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.name == "kassa" and argv0.is_file() and os.access(argv0, os.X_OK):
        return [str(argv0.absolute())]
    beside = Path(sys.executable).with_name("kassa")
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("kassa")
    if found:
        return [str(Path(found).absolute())]
    # A source checkout that is not pip-installed: `python -m kassa` would only work from the
    # checkout's folder, `python …/main.py` works from anywhere.
    main_py = Path(kassa.__file__).resolve().parent.parent / "main.py"
    if main_py.is_file():
        return [sys.executable, str(main_py)]
    return [sys.executable, "-m", "kassa"]


def _quote_exec_arg(arg: str) -> str:
    arg = arg.replace("%", "%%")  # a literal percent sign is doubled: % starts a field code
    if arg == "" or any(ch in _EXEC_RESERVED for ch in arg):
        arg = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
    return arg


def _escape_string_value(value: str) -> str:
    # The "string" escapes apply to every value, before Exec's own quoting is read.
    return (value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r"))


def exec_value(argv: list[str]) -> str:
    """argv as the value of an Exec key (quoted per the Desktop Entry spec)."""
    return _escape_string_value(" ".join(_quote_exec_arg(a) for a in argv))


def desktop_entry_text(argv: list[str] | None = None) -> str:
    argv = argv or launch_command()
    template = (config.resources_dir() / TEMPLATE_NAME).read_text(encoding="utf-8")
    return (
        template.replace("@EXEC@", exec_value(argv))
        .replace("@TRYEXEC@", _escape_string_value(argv[0]))
        .replace("@ICON@", ICON_NAME)
        .replace("@WMCLASS@", WM_CLASS)
    )


# --- install / uninstall --------------------------------------------------------------------

def _unsupported_message(uninstall: bool) -> str:
    cmd = shlex.join(launch_command())
    if sys.platform == "win32":
        if uninstall:
            return "Kassa skapar inga genvägar i Windows ännu, så det finns ingen att ta bort."
        return (
            "Kassa kan ännu inte skapa genvägar i Windows (Start-menyn eller skrivbordet). "
            "Gör en själv: högerklicka på skrivbordet → Nytt → Genväg, och ange som mål:\n"
            f"  {cmd}"
        )
    if sys.platform == "darwin":
        if uninstall:
            return "Kassa skapar inga genvägar i macOS ännu, så det finns ingen att ta bort."
        return (
            "Kassa kan ännu inte skapa en genväg i macOS (Program-mappen eller Dock). "
            f"Starta Kassa från Terminal med:\n  {cmd}"
        )
    return (
        f"Genvägar stöds inte på den här plattformen ({sys.platform}). Starta Kassa med:\n  {cmd}"
    )


def _check_platform(uninstall: bool) -> None:
    if not is_freedesktop():
        raise ShortcutUnsupported(_unsupported_message(uninstall))


def _write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write through a temporary file and rename, so a menu never sees half an entry."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.chmod(mode)
    os.replace(tmp, path)


def _install_icons() -> list[Path]:
    resources = config.resources_dir()
    sources = [resources / "kassa.svg"] + [resources / "icons" / f"kassa-{size}.png" for size in ICON_SIZES]
    targets = icon_paths()
    for source, target in zip(sources, targets, strict=True):
        _write(target, source.read_bytes())
    _refresh_icon_cache()
    return targets


def _refresh_icon_cache() -> None:
    theme = icon_theme_dir()
    if theme.is_dir():
        os.utime(theme)  # icon loaders notice a changed theme folder by its mtime
    tool = shutil.which("gtk-update-icon-cache")
    # Only a theme folder that already has a cache needs it rebuilt; a stale cache would hide the icon.
    if tool and (theme / "icon-theme.cache").exists():
        subprocess.run([tool, "--quiet", "--ignore-theme-index", str(theme)], capture_output=True, timeout=30)


def _mark_trusted(path: Path) -> bool:
    """GNOME's desktop launches only entries that are executable and marked trusted."""
    gio = shutil.which("gio")
    if not gio:
        return False
    try:
        result = subprocess.run(
            [gio, "set", "-t", "string", str(path), "metadata::trusted", "true"],
            capture_output=True, timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


def install_shortcut() -> ShortcutReport:
    """Install the menu entry, the desktop shortcut (where there is a desktop) and the icon.

    Raises ShortcutUnsupported on Windows/macOS and ShortcutError when a file cannot be written.
    Running it again replaces the entries (e.g. after Kassa moved to another folder).
    """
    _check_platform(uninstall=False)
    command = launch_command()
    report = ShortcutReport(command=command)
    text = desktop_entry_text(command).encode("utf-8")
    try:
        report.icons = _install_icons()
        report.menu_entry = applications_dir() / DESKTOP_ID
        _write(report.menu_entry, text)
        desktop = desktop_dir()
        if desktop is None:
            report.notes.append(
                "Ingen skrivbordsmapp hittades (xdg-user-dir DESKTOP eller ~/Desktop), "
                "så genvägen finns bara i programmenyn."
            )
        else:
            report.desktop_entry = desktop / DESKTOP_ID
            _write(report.desktop_entry, text, mode=0o755)
            if not _mark_trusted(report.desktop_entry):
                report.notes.append(
                    "Om skrivbordet frågar om genvägen är betrodd: högerklicka på den och välj "
                    "\"Tillåt start\"."
                )
    except OSError as exc:
        where = exc.filename or applications_dir()
        raise ShortcutError(f"Genvägen kunde inte skapas i {where}: {exc.strerror or exc}.") from exc
    return report


def uninstall_shortcut() -> ShortcutReport:
    """Remove everything install_shortcut() wrote. Missing files are not an error."""
    _check_platform(uninstall=True)
    report = ShortcutReport()
    candidates = [applications_dir() / DESKTOP_ID]
    desktop = desktop_dir()
    if desktop is not None:
        candidates.append(desktop / DESKTOP_ID)
    candidates += icon_paths()
    for path in candidates:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise ShortcutError(f"{path} kunde inte tas bort: {exc.strerror or exc}.") from exc
        report.removed.append(path)
    _refresh_icon_cache()
    if not report.removed:
        report.notes.append("Det fanns ingen genväg till Kassa att ta bort.")
    return report
