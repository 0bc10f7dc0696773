"""One Kassa per data directory: a second start finds the first and brings it forward."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from PySide6.QtWidgets import QMainWindow

from kassa.ui.single_instance import SingleInstance, bring_to_front, ensure_single_instance, server_name

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def instances():
    made: list[SingleInstance] = []
    yield made
    for instance in made:
        instance.release()


def new(instances, data_dir) -> SingleInstance:
    instance = SingleInstance(data_dir)
    instances.append(instance)
    return instance


def test_second_instance_sees_the_first_which_is_activated(qtbot, instances, tmp_path):
    first, second = new(instances, tmp_path / "data"), new(instances, tmp_path / "data")
    assert first.already_running() is False
    raised = []
    first.activated.connect(lambda: raised.append(True))
    # Both live in this one thread, so the first cannot answer while the second waits: keep it short.
    assert second.already_running(timeout_ms=200) is True
    qtbot.waitUntil(lambda: raised == [True], timeout=5000)
    assert "redan igång" in second.message() and str(tmp_path / "data") in second.message()


def test_another_data_directory_is_another_instance(qtbot, instances, tmp_path):
    assert new(instances, tmp_path / "butik-1").already_running() is False
    assert new(instances, tmp_path / "butik-2").already_running() is False
    assert server_name(tmp_path / "butik-1") != server_name(tmp_path / "butik-2")


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen platform
def test_a_second_process_raises_the_window_and_is_told_it_runs(qtbot, instances, tmp_path):
    data = tmp_path / "data"
    first = new(instances, data)
    assert first.already_running() is False
    window = QMainWindow()
    qtbot.addWidget(window)
    window.showMinimized()
    first.activated.connect(lambda: bring_to_front(window))
    code = textwrap.dedent(f"""
        import sys
        from PySide6.QtWidgets import QApplication
        from kassa.ui.single_instance import SingleInstance
        app = QApplication([])
        instance = SingleInstance({str(data)!r})
        running = instance.already_running()
        print(running, instance.answered)
        print(instance.message() if running else "first")
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    # The event loop must run here for the first instance to answer.
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=30000)
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    status, message = out.strip().split("\n", 1)
    assert status == "True True"
    assert message.startswith("Kassa är redan igång") and "tagits fram" in message
    qtbot.waitUntil(lambda: not window.isMinimized() and window.isVisible())


def test_released_instance_lets_the_next_one_start(qtbot, instances, tmp_path):
    first = new(instances, tmp_path / "data")
    assert first.already_running() is False
    first.release()
    assert new(instances, tmp_path / "data").already_running() is False


def test_a_socket_left_by_a_crashed_run_is_taken_over(qtbot, instances, tmp_path):
    data = tmp_path / "data"
    path = Path(QDir.tempPath()) / server_name(data)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))  # a socket file nobody listens on any more
    stale.close()
    assert path.exists()
    first = new(instances, data)
    assert first.already_running() is False
    raised = []
    first.activated.connect(lambda: raised.append(True))
    assert new(instances, data).already_running(timeout_ms=200) is True
    qtbot.waitUntil(lambda: raised == [True], timeout=5000)


def test_a_lock_left_by_a_dead_process_is_taken_over(qtbot, instances, tmp_path):
    data = tmp_path / "data"
    code = textwrap.dedent(f"""
        import os
        from PySide6.QtCore import QCoreApplication
        from kassa.ui.single_instance import SingleInstance
        app = QCoreApplication([])
        instance = SingleInstance({str(data)!r})
        assert instance.already_running() is False
        os._exit(0)  # dies holding the lock, as a crash would
    """)
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, timeout=60)
    assert (data / "kassa.instance.lock").exists()
    assert new(instances, data).already_running(timeout_ms=500) is False


def test_ensure_single_instance_raises_the_main_window_of_the_first(qtbot, qapp, tmp_path, capsys):
    data = tmp_path / "data"
    window = QMainWindow()
    qtbot.addWidget(window)
    assert ensure_single_instance(qapp, data) is True
    instance = qapp.property("kassa_single_instance")
    try:
        window.show()
        window.showMinimized()
        qtbot.waitUntil(window.isMinimized)
        second = SingleInstance(data)
        assert second.already_running(timeout_ms=200) is True
        qtbot.waitUntil(lambda: not window.isMinimized())
    finally:
        instance.release()
        qapp.setProperty("kassa_single_instance", None)
