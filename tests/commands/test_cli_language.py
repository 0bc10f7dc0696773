"""The command line speaks Swedish throughout, argparse's own words too, whatever the terminal's
language; output piped into a reader that stops early ends without a traceback."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.factories import REPO, run_kassa

ENGLISH = ("usage:", "positional arguments", "options:", "show this help message", "error:", "invalid choice",
           "the following arguments are required", "unrecognized arguments", "expected one argument",
           "show program's version")


def kassa_in_english_terminal(*args: str, data_dir) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LANG="en_US.UTF-8", LANGUAGE="en", LC_ALL="C.UTF-8", KASSA_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "-m", "kassa", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60)


def assert_swedish(text: str) -> None:
    found = [word for word in ENGLISH if word in text]
    assert not found, f"English left in: {found}\n{text}"


def test_help_is_swedish(tmp_path):
    result = kassa_in_english_terminal("--help", data_dir=tmp_path)
    assert result.returncode == 0
    out = result.stdout
    assert out.startswith("användning: kassa [-h] [--version] KOMMANDO ...")
    assert "positionsargument:" in out and "flaggor:" in out
    assert "visa detta hjälpmeddelande och avsluta" in out and "visa Kassas versionsnummer och avsluta" in out
    assert_swedish(out)


@pytest.mark.parametrize(("args", "said"), [
    (("nosuch",), "kassa: fel: argument KOMMANDO: ogiltigt val: 'nosuch'"),
    (("validate",), "kassa validate: fel: följande argument krävs: FIL"),
    (("ubl", "1", "2"), "kassa: fel: okända argument: 2"),
    (("ubl", "1", "-o"), "kassa ubl: fel: argument -o/--output: ett argument förväntades"),
    (("outbox",), "kassa outbox: fel: följande argument krävs: ÅTGÄRD"),
    (("outbox", "retry", "tre"), "kassa outbox retry: fel: argument ID: ”tre” är inget heltal"),
    (("outbox", "run", "--lease", "lite"), "argument --lease: ”lite” är inget antal sekunder"),
])
def test_argument_errors_are_swedish(tmp_path, args, said):
    result = kassa_in_english_terminal(*args, data_dir=tmp_path)
    assert result.returncode == 2
    assert said in result.stderr and result.stderr.startswith("användning: ")
    assert_swedish(result.stderr)


def test_a_subcommands_help_is_swedish(tmp_path):
    result = kassa_in_english_terminal("outbox", "--help", data_dir=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("användning: kassa outbox")
    assert_swedish(result.stdout)


# argparse drops help text that cannot be written (and ends with 0); Kassa's own output ends as a
# writer stopped by SIGPIPE does.
@pytest.mark.parametrize(("args", "code"), [(("outbox", "list"), 141), (("--help",), 0)])
def test_a_reader_that_stops_reading_ends_the_command_without_a_traceback(tmp_path, args, code):
    read_end, write_end = os.pipe()
    os.close(read_end)  # as `| head` does once it has what it wants
    env = dict(os.environ, KASSA_DATA_DIR=str(tmp_path))
    try:
        result = subprocess.run([sys.executable, "-m", "kassa", *args], cwd=REPO, env=env, stdout=write_end,
                                stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write_end)
    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr, result.stderr
    assert result.returncode == code


def test_outbox_list_into_head(tmp_path):
    """What a user types: the first line arrives, and nothing but it."""
    env = dict(os.environ, KASSA_DATA_DIR=str(tmp_path))
    result = subprocess.run(f"{sys.executable} -m kassa outbox list | head -1", shell=True, cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout == "Sändkön är tom.\n" and result.stderr == ""


def test_backup_says_how_to_restore_the_copy(tmp_path):
    assert run_kassa("outbox", "list", data_dir=tmp_path).returncode == 0  # the database exists now
    result = run_kassa("backup", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    first, *rest = result.stdout.splitlines()
    copy = first.removeprefix("Säkerhetskopian är klar: ")
    text = "\n".join(rest)
    assert "Så återställer du kopian:" in text
    assert f"cp {copy} {tmp_path / 'kassa.sqlite3'}" in text
    assert "docs/" not in result.stdout  # no file of the source repository
