"""`kassa install-shortcut`: a valid desktop entry whose Exec really starts Kassa, and a clean uninstall."""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from kassa import __version__, shortcut
from kassa.cli import main
from tests.factories import wait_until

VALIDATOR = shutil.which("desktop-file-validate")
needs_validator = pytest.mark.skipif(
    VALIDATOR is None, reason="desktop-file-validate is missing (apt-get install desktop-file-utils)"
)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh home with a desktop folder; XDG dirs inside it."""
    home = tmp_path / "home"
    (home / "Skrivbord").mkdir(parents=True)
    (home / ".config").mkdir()
    (home / ".config" / "user-dirs.dirs").write_text('XDG_DESKTOP_DIR="$HOME/Skrivbord"\n')
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    return home


def read_entry(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line and not line.startswith("#"))


def parse_exec(value: str) -> list[str]:
    """Exec → argv, written from the Desktop Entry spec (independent of the code under test)."""
    unescaped, i = [], 0
    while i < len(value):  # the general string escapes come first
        if value[i] == "\\" and i + 1 < len(value):
            escapes = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
            unescaped.append(escapes.get(value[i + 1], "\\" + value[i + 1]))
            i += 2
        else:
            unescaped.append(value[i])
            i += 1
    text = "".join(unescaped)
    args, current, quoted, started, i = [], [], False, False, 0
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == "\\" and text[i + 1] in '"`$\\':
                current.append(text[i + 1])
                i += 1
            elif ch == '"':
                quoted = False
            else:
                current.append(ch)
        elif ch == '"':
            quoted = started = True
        elif ch == " ":
            if started:
                args.append("".join(current))
                current, started = [], False
        else:
            current.append(ch)
            started = True
        i += 1
    if started:
        args.append("".join(current))
    # field codes: %% is a percent sign, the others are dropped (we pass no files)
    return [a.replace("%%", "%") for a in args if not (len(a) == 2 and a[0] == "%")]


def validate(path: Path) -> None:
    result = subprocess.run([VALIDATOR, str(path)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@needs_validator
def test_install_writes_a_valid_entry_in_the_menu_and_on_the_desktop(home, capsys):
    assert main(["install-shortcut"]) == 0
    out = capsys.readouterr().out
    menu = home / ".local/share/applications/se.kassa.Kassa.desktop"
    desktop = home / "Skrivbord/se.kassa.Kassa.desktop"
    assert str(menu) in out and str(desktop) in out
    for path in (menu, desktop):
        validate(path)
    assert desktop.stat().st_mode & 0o111, "the desktop copy must be executable to be launchable"
    entry = read_entry(menu)
    assert entry["Name"] == "Kassa"
    assert entry["GenericName"] == "Kassasystem"
    assert entry["Categories"] == "Office;Finance;"
    assert entry["Terminal"] == "false"
    assert entry["Icon"] == "se.kassa.Kassa"
    assert entry["StartupWMClass"] == shortcut.WM_CLASS
    assert Path(parse_exec(entry["Exec"])[0]).is_absolute()
    icons = home / ".local/share/icons/hicolor"
    assert (icons / "scalable/apps/se.kassa.Kassa.svg").read_text().lstrip().startswith("<?xml")
    for size in shortcut.ICON_SIZES:
        assert png_size(icons / f"{size}x{size}/apps/se.kassa.Kassa.png") == (size, size)


def test_exec_starts_kassa(home):
    shortcut.install_shortcut()
    entry = read_entry(home / ".local/share/applications/se.kassa.Kassa.desktop")
    argv = parse_exec(entry["Exec"])
    # Started from somewhere else than the checkout, with a bare environment, as a menu would.
    result = subprocess.run(argv + ["--version"], cwd=home, capture_output=True, text=True, timeout=60,
                            env={"HOME": str(home), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"kassa {__version__}"


@needs_validator
def test_exec_quoting_survives_awkward_paths(tmp_path, home):
    """A command in a folder with spaces, $ and parentheses is quoted so launchers start it."""
    folder = tmp_path / "Mina program $HOME (Kassa)"
    folder.mkdir()
    script = folder / "kassa"
    script.write_text(f'#!/bin/sh\nexec {sys.executable} {Path(__file__).resolve().parent.parent / "main.py"} "$@"\n')
    script.chmod(0o755)
    entry_file = tmp_path / "se.kassa.Kassa.desktop"
    entry_file.write_text(shortcut.desktop_entry_text([str(script)]), encoding="utf-8")
    validate(entry_file)
    assert parse_exec(read_entry(entry_file)["Exec"]) == [str(script)]
    awkward = ["/opt/a b/python", 'say "hej"', "100%", "back\\slash", "`x`"]
    assert parse_exec(shortcut.exec_value(awkward)) == awkward

    gio = shutil.which("gio")
    if gio is None:
        pytest.skip("gio is missing (libglib2.0-bin): cannot launch through GLib's own Exec parser")
    # GLib's launcher, the one GNOME's menu uses, with --version added to the same Exec line.
    text = entry_file.read_text(encoding="utf-8")
    text = "\n".join(line + " --version" if line.startswith("Exec=") else line for line in text.splitlines())
    launched = tmp_path / "launched.desktop"
    launched.write_text(text + "\n", encoding="utf-8")
    output = tmp_path / "out.txt"
    with output.open("w") as sink:
        subprocess.run([gio, "launch", str(launched)], stdout=sink, stderr=subprocess.STDOUT, timeout=60, check=True)
    # gio launch does not wait for the child.
    wait_until(lambda: f"kassa {__version__}" in output.read_text(), 60, interval=0.1,
               message=lambda: f"the launched Kassa printed {output.read_text()!r}")


def test_uninstall_removes_everything(home, capsys):
    assert main(["install-shortcut"]) == 0
    written = {p for p in home.rglob("*") if p.is_file() and "se.kassa.Kassa" in p.name}
    assert len(written) == 2 + 1 + len(shortcut.ICON_SIZES)
    capsys.readouterr()
    assert main(["install-shortcut", "--uninstall"]) == 0
    out = capsys.readouterr().out
    assert [p for p in home.rglob("*") if "se.kassa.Kassa" in p.name] == []
    for path in written:
        assert str(path) in out
    assert main(["install-shortcut", "--uninstall"]) == 0
    assert "ingen genväg" in capsys.readouterr().out


def test_without_a_desktop_folder_only_the_menu_entry(home, capsys):
    (home / ".config" / "user-dirs.dirs").unlink()
    (home / "Skrivbord").rmdir()
    report = shortcut.install_shortcut()
    assert report.desktop_entry is None
    assert (home / ".local/share/applications/se.kassa.Kassa.desktop").is_file()
    assert "bara i programmenyn" in report.message()
    # not dropped into the home folder, which xdg-user-dir answers when there is no desktop
    assert not (home / "se.kassa.Kassa.desktop").exists()


@pytest.mark.parametrize("platform, word", [("win32", "Windows"), ("darwin", "macOS")])
@pytest.mark.parametrize("uninstall", [False, True])
def test_other_platforms_get_a_clear_message_and_exit_2(home, monkeypatch, capsys, platform, word, uninstall):
    monkeypatch.setattr(sys, "platform", platform)
    argv = ["install-shortcut"] + (["--uninstall"] if uninstall else [])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert word in err and "ännu" in err
    if not uninstall:
        assert "main.py" in err or "kassa" in err  # says how to start Kassa instead
    assert not any(home.rglob("se.kassa.Kassa*"))


WM_CHECK = """
import subprocess, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
from kassa import APP_ID, APP_NAME
QApplication.setApplicationName(APP_NAME)  # as kassa/ui/app.py does
QApplication.setDesktopFileName(APP_ID)
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.show()
def check():
    print(subprocess.run(["xprop", "-id", str(int(window.winId())), "WM_CLASS", "_GTK_APPLICATION_ID"],
                         capture_output=True, text=True).stdout)
    app.quit()
QTimer.singleShot(300, check)
app.exec()
"""


@pytest.mark.skipif(not (shutil.which("xvfb-run") and shutil.which("xprop")), reason="needs xvfb-run and xprop")
def test_the_window_matches_the_entry_so_it_is_grouped_under_it(home):
    """X11 matches StartupWMClass against WM_CLASS; GNOME also reads the desktop id Qt sets."""
    shortcut.install_shortcut()
    entry = read_entry(home / ".local/share/applications/se.kassa.Kassa.desktop")
    result = subprocess.run(["xvfb-run", "-a", sys.executable, "-c", WM_CHECK], capture_output=True, text=True,
                            timeout=120, cwd=Path(__file__).resolve().parent.parent,
                            env={**os.environ, "QT_QPA_PLATFORM": "xcb"})
    assert f', "{entry["StartupWMClass"]}"' in result.stdout, result.stdout + result.stderr
    assert f'_GTK_APPLICATION_ID(UTF8_STRING) = "{shortcut.DESKTOP_ID.removesuffix(".desktop")}"' in result.stdout
