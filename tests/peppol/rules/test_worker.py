"""The rule pack's helper processes (the default engine): same findings as in-process Saxon,
restarted when one dies, gone when the application is gone, never started for a non-XML file."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kassa.peppol.rules.errors import DocumentError, RulePackError
from kassa.peppol.rules.helpers import parallel_helpers_fit, parallel_helpers_fit_here, worker_layout
from kassa.peppol.rules.pack import RulePack
from kassa.peppol.rules.parts import find_parts
from kassa.peppol.rules.protocol import HEADER
from tests.factories import EXAMPLES, REPO, example, wait_until

pytestmark = pytest.mark.usefixtures("rule_pack_path")


def _documents() -> list[Path]:
    return sorted(EXAMPLES.glob("*/*.xml"))


@pytest.fixture(scope="module")
def inline_pack(rule_pack_path):
    pack = RulePack.load(rule_pack_path, engine="inline")
    pack.warm_up()
    return pack


@pytest.fixture
def fresh_pack(rule_pack_path, monkeypatch):
    """The parallel layout (one helper per stylesheet): the one with the most to go wrong."""
    monkeypatch.setenv("KASSA_RULES_WORKERS", "2")
    pack = RulePack.load(rule_pack_path, engine="worker")
    yield pack
    pack.close()


def _running(pid: int) -> bool:
    """True while ``pid`` is a live process (a zombie waiting to be reaped has exited)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _wait_gone(pids: list[int], what: str = "processes still running") -> None:
    wait_until(lambda: not any(_running(pid) for pid in pids), 20.0,
               message=lambda: f"{what}: {[pid for pid in pids if _running(pid)]}")


def test_the_default_engine_is_the_helper_processes(rule_pack_path, monkeypatch):
    monkeypatch.delenv("KASSA_RULES_ENGINE", raising=False)
    assert RulePack.load(rule_pack_path).engine == "worker"
    monkeypatch.setenv("KASSA_RULES_ENGINE", "inline")
    assert RulePack.load(rule_pack_path).engine == "inline"


def test_helpers_give_exactly_the_findings_of_in_process_saxon(rule_pack, inline_pack):
    assert rule_pack.engine == "worker"
    documents = _documents()
    assert len(documents) >= 20
    for path in documents:
        data = path.read_bytes()
        if b"<" not in data[:200]:
            continue
        assert rule_pack.validate(data) == inline_pack.validate(data), path.name


def test_one_helper_for_both_stylesheets_gives_the_same_findings(rule_pack_path, inline_pack, monkeypatch):
    monkeypatch.setenv("KASSA_RULES_WORKERS", "1")
    pack = RulePack.load(rule_pack_path, engine="worker")
    try:
        for name in ("cen/ubl-tc434-example1.xml", "derived/se-invoice-valid.xml", "cen/ubl-tc434-creditnote1.xml"):
            data = example(name).read_bytes()
            assert pack.validate(data) == inline_pack.validate(data), name
        [(kinds, pid)] = pack.worker_pids().items()
        assert kinds == "cen,peppol" and _running(pid)
    finally:
        pack.close()
    _wait_gone([pid])


@pytest.mark.parametrize("cores, available_mb, parallel", [
    (1, 8000, False), (2, 8000, True), (8, 1024, True), (2, 1023, False), (2, None, False), (None, 8000, False),
])
def test_two_helpers_run_side_by_side_only_where_the_machine_has_the_cores_and_the_memory(cores, available_mb,
                                                                                           parallel):
    assert parallel_helpers_fit(cores, available_mb) is parallel


def test_the_default_layout_follows_the_machine(monkeypatch):
    monkeypatch.delenv("KASSA_RULES_WORKERS", raising=False)
    expected = ({"cen": ("cen",), "peppol": ("peppol",)} if parallel_helpers_fit_here()
                else {"cen,peppol": ("cen", "peppol")})
    assert worker_layout() == expected
    monkeypatch.setenv("KASSA_RULES_WORKERS", "1")
    assert worker_layout() == {"cen,peppol": ("cen", "peppol")}
    monkeypatch.setenv("KASSA_RULES_WORKERS", "2")
    assert set(worker_layout()) == {"cen", "peppol"}


def test_helpers_start_with_the_first_validation_and_stop_when_idle(rule_pack_path, inline_pack, monkeypatch):
    monkeypatch.setenv("KASSA_RULES_IDLE", "1")
    pack = RulePack.load(rule_pack_path, engine="worker")
    data = example("derived/se-invoice-valid.xml").read_bytes()
    bad = example("cen/ubl-tc434-example1.xml").read_bytes()
    try:
        assert pack.worker_pids() == {}, "nothing runs before the first validation"
        assert pack.validate(data) == inline_pack.validate(data)
        first = pack.worker_pids()
        assert first and all(_running(pid) for pid in first.values())
        assert all(w.heap_bounded for w in pack._workers.workers.values()), "SaxonC with a bounded heap"

        _wait_gone(list(first.values()), "still running a second after the last validation")
        assert pack.worker_pids() == {}

        assert pack.validate(bad) == inline_pack.validate(bad), "started again for the next one"
        again = pack.worker_pids()
        assert again and set(again.values()).isdisjoint(first.values())
    finally:
        pack.close()


def test_two_helpers_one_per_stylesheet_and_the_ubl_schemas_here(fresh_pack):
    seconds = fresh_pack.warm_up()
    pids = fresh_pack.worker_pids()
    assert set(pids) == {"cen", "peppol"} and pids["cen"] != pids["peppol"]
    assert all(_running(pid) for pid in pids.values())
    assert set(seconds) == {"xsd", "cen", "peppol"} and all(s > 0 for s in seconds.values())


@pytest.mark.parametrize("victims", [("cen",), ("peppol",), ("cen", "peppol")])
def test_a_killed_helper_is_restarted_and_the_findings_are_the_same(fresh_pack, victims):
    document = example("cen/ubl-tc434-example1.xml").read_bytes()
    expected = fresh_pack.validate(document)
    assert {f.source for f in expected} >= {"peppol"} and len(expected) >= 9
    before = fresh_pack.worker_pids()
    for kind in victims:
        os.kill(before[kind], signal.SIGKILL)
    _wait_gone([before[kind] for kind in victims])

    assert fresh_pack.validate(document) == expected
    after = fresh_pack.worker_pids()
    for kind in ("cen", "peppol"):
        assert (after[kind] != before[kind]) == (kind in victims)
    assert fresh_pack.is_compiled
    assert fresh_pack.validate(example("derived/se-invoice-valid.xml").read_bytes()) == []


def test_a_helper_killed_while_it_transforms_is_restarted(fresh_pack):
    """Kill the CEN helper right after the document went to it: the answer comes from its successor."""
    document = example("cen/ubl-tc434-example1.xml").read_bytes()
    expected = fresh_pack.validate(document)
    worker = fresh_pack._workers.workers["cen"]
    send = worker.send

    killed = []

    def send_then_die(payload):
        send(payload)
        if not killed:  # once: its successor answers
            killed.append(worker.process.pid)
            worker.process.kill()

    worker.send = send_then_die
    try:
        assert fresh_pack.validate(document) == expected
    finally:
        worker.send = send
    assert killed and fresh_pack.worker_pids()["cen"] != killed[0]
    assert not worker.heap_bounded, "a helper that died running with a bounded heap: its successor on SaxonC's own"
    assert fresh_pack.validate(document) == expected


def test_a_helper_that_cannot_run_twice_gives_a_swedish_rule_pack_error(fresh_pack, monkeypatch):
    fresh_pack.warm_up()
    monkeypatch.setattr(sys, "executable", "/bin/false")  # every restart dies at once
    victim = fresh_pack.worker_pids()["peppol"]
    os.kill(victim, signal.SIGKILL)
    _wait_gone([victim])
    with pytest.raises(RulePackError) as caught:
        fresh_pack.validate(example("derived/se-invoice-valid.xml").read_bytes())
    message = str(caught.value)
    assert "Peppol BIS Billing 3.0-regler" in message and "avslutades oväntat två gånger" in message
    assert "kassa rules install" in message
    monkeypatch.undo()
    assert fresh_pack.validate(example("derived/se-invoice-valid.xml").read_bytes()) == []  # it recovers


def test_a_document_that_is_not_xml_fails_before_any_helper_starts(fresh_pack):
    with pytest.raises(DocumentError, match=r"Filen är inte XML \(den börjar inte med <\)"):
        fresh_pack.validate(b"det h\xc3\xa4r \xc3\xa4r ingen faktura")
    with pytest.raises(DocumentError, match="DOCTYPE"):
        fresh_pack.validate(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')
    assert fresh_pack.worker_pids() == {} and not fresh_pack.is_compiled


def test_a_stylesheet_that_does_not_compile_is_a_swedish_error_naming_the_file(rule_pack_path, tmp_path):
    pack_dir = tmp_path / "pack"
    pack_dir.mkdir()
    for kind, versions in find_parts(rule_pack_path).items():
        for _, folder in versions:
            if kind != "cen":
                (pack_dir / folder.name).symlink_to(folder, target_is_directory=True)
    (pack_dir / "cen-1.3.16").mkdir()
    (pack_dir / "cen-1.3.16" / "EN16931-UBL-validation.xslt").write_text("<xsl:stylesheet/>", encoding="utf-8")
    pack = RulePack.load(pack_dir, engine="worker")
    try:
        with pytest.raises(RulePackError, match=r"EN16931-UBL-validation\.xslt kunde inte kompileras"):
            pack.warm_up()
    finally:
        pack.close()


_PARENT = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from kassa.peppol.rules.pack import RulePack
    pack = RulePack.load(Path(sys.argv[1]), engine="worker")
    if sys.argv[2] == "ready":
        pack.warm_up()
    else:  # start the helpers only: they are still compiling when the parent dies
        from kassa.peppol.rules.helpers import WorkerPool, worker_layout
        pool = pack._workers = WorkerPool(pack.root, worker_layout())
        for worker in pool.workers.values():  # each one, whatever order the pool starts them in
            worker.start()
    print(" ".join(str(pid) for pid in pack.worker_pids().values()), flush=True)
    if sys.argv[3] == "exit":
        sys.exit(0)
    time.sleep(600)
""")


@pytest.mark.parametrize("helpers", ["1", "2"])
@pytest.mark.parametrize("stage, end", [("ready", "killed"), ("compiling", "killed"), ("ready", "exit")])
def test_when_the_application_dies_its_helpers_exit_too(rule_pack_path, stage, end, helpers):
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, str(rule_pack_path), stage, end],
                              cwd=REPO, stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ, KASSA_RULES_WORKERS=helpers))
    try:
        pids = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(pids) == int(helpers) and all(_running(pid) for pid in pids)
        if end == "killed":
            parent.kill()  # SIGKILL: no atexit, no finalizer; only the closed pipes tell the helpers
        parent.wait(30)
    finally:
        if parent.poll() is None:
            parent.kill()
    _wait_gone(pids, "a rule helper outlived its application")


def test_the_helper_speaks_its_protocol_and_exits_at_end_of_input(rule_pack_path):
    import json

    helper = subprocess.Popen([sys.executable, "-m", "kassa.peppol.rules.worker", str(rule_pack_path), "peppol"],
                              cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def receive():
        (size,) = HEADER.unpack(helper.stdout.read(HEADER.size))
        return json.loads(helper.stdout.read(size))

    ready = receive()
    assert ready["ready"] is True and set(ready["seconds"]) == {"peppol"}
    document = example("cen/ubl-tc434-example1.xml").read_bytes()
    helper.stdin.write(HEADER.pack(len(document)) + document)
    helper.stdin.flush()
    answer = receive()
    assert set(answer["svrl"]) == {"peppol"} and "PEPPOL-EN16931-R003" in answer["svrl"]["peppol"]
    helper.stdin.write(HEADER.pack(5) + b"<a></")  # not well-formed: an error answer, not a dead helper
    helper.stdin.flush()
    assert "error" in receive()
    helper.stdin.close()
    assert helper.wait(10) == 0


def test_the_helper_refuses_unknown_arguments(rule_pack_path):
    result = subprocess.run([sys.executable, "-m", "kassa.peppol.rules.worker", str(rule_pack_path), "xsd"],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "usage" in result.stderr


def test_a_pack_given_as_a_relative_path_works_from_any_directory(rule_pack_path, tmp_path, monkeypatch):
    (tmp_path / "regler").symlink_to(rule_pack_path.absolute(), target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    pack = RulePack.load(Path("regler"), engine="worker")
    try:
        findings = pack.validate(example("cen/ubl-tc434-example1.xml").read_bytes())
        assert "PEPPOL-EN16931-R003" in {f.rule_id for f in findings}
    finally:
        pack.close()


def test_the_parallel_helpers_compile_one_after_the_other(rule_pack_path):
    """A helper's compile is its memory peak: the second starts when the first is ready."""
    from kassa.peppol.rules.helpers import WorkerPool

    pool = WorkerPool(rule_pack_path, {"cen": ("cen",), "peppol": ("peppol",)})
    try:
        pool.start()
        assert [w.process is not None for w in pool.workers.values()] == [True, False]
        pool.start()  # the first is still compiling: nothing more starts
        assert pool.workers["peppol"].process is None
        seconds = pool.wait_ready()
        assert set(seconds) == {"cen", "peppol"} and pool.ready
    finally:
        pool.close()


def test_helpers_that_cannot_start_with_a_bounded_heap_validate_with_saxons_own(rule_pack_path, inline_pack,
                                                                                monkeypatch, caplog):
    """The bounded heap is a reach into SaxonC's native library (rules.saxon): make it fail for real (GraalVM
    refuses a young generation larger than the address space and ends the process as it starts). Every
    helper is started again on SaxonC's own heap, finds what in-process Saxon finds, and after an idle
    stop starts cleanly on that heap at once, with no second failed start."""
    import logging

    monkeypatch.setenv("KASSA_RULES_YOUNG_MB", "999999999")
    monkeypatch.setenv("KASSA_RULES_IDLE", "1")
    monkeypatch.setenv("KASSA_RULES_WORKERS", "2")
    caplog.set_level(logging.WARNING, logger="kassa.peppol.rules.helpers")
    pack = RulePack.load(rule_pack_path, engine="worker")
    bad = example("cen/ubl-tc434-example1.xml").read_bytes()
    try:
        assert pack.validate(bad) == inline_pack.validate(bad)
        workers = pack._workers.workers.values()
        assert [(w.heap_bounded, w.young_mb) for w in workers] == [(False, 0), (False, 0)]
        failed_starts = [r for r in caplog.records if "did not start with a bounded heap" in r.getMessage()]
        assert len(failed_starts) == 2, "one failed start per helper"
        first = pack.worker_pids()

        _wait_gone(list(first.values()), "still running a second after the last validation")
        valid = example("derived/se-invoice-valid.xml").read_bytes()
        assert pack.validate(valid) == [] and pack.validate(bad) == inline_pack.validate(bad)
        assert set(pack.worker_pids().values()).isdisjoint(first.values()), "started again"
        assert len([r for r in caplog.records if "did not start with a bounded heap" in r.getMessage()]) == 2
    finally:
        pack.close()


def test_a_helper_that_dies_running_with_a_bounded_heap_is_followed_by_one_on_saxons_own(fresh_pack, inline_pack):
    document = example("cen/ubl-tc434-example1.xml").read_bytes()
    assert fresh_pack.validate(document) == inline_pack.validate(document)
    workers = fresh_pack._workers.workers
    assert workers["cen"].heap_bounded and workers["peppol"].heap_bounded
    victim = fresh_pack.worker_pids()["cen"]
    os.kill(victim, signal.SIGKILL)  # as a fault in the native runtime would end it
    _wait_gone([victim])

    assert fresh_pack.validate(document) == inline_pack.validate(document)
    assert (workers["cen"].heap_bounded, workers["cen"].young_mb) == (False, 0), "its successor: SaxonC's own heap"
    assert workers["peppol"].heap_bounded, "the other helper keeps its bound"


def test_validations_that_race_the_idle_stop_are_neither_lost_nor_stuck(rule_pack_path, inline_pack, monkeypatch,
                                                                        caplog):
    """Helpers stop 0.4 s after the last validation; the next one comes at a random moment just before or
    after that, from alternating threads, so that it races the stop: each finds what in-process Saxon
    finds, and none waits for more than a helper's restart."""
    import logging
    import random
    import threading
    import time

    idle = 0.4
    monkeypatch.setenv("KASSA_RULES_IDLE", str(idle))
    caplog.set_level(logging.INFO, logger="kassa.peppol.rules.pack")
    pack = RulePack.load(rule_pack_path, engine="worker")
    documents = [example(name).read_bytes() for name in ("cen/ubl-tc434-example1.xml", "derived/se-invoice-valid.xml")]
    expected = [inline_pack.validate(d) for d in documents]
    rng = random.Random(11)
    outcomes: list[tuple[bool, float]] = []

    def validate(index: int) -> None:
        start = time.monotonic()
        same = pack.validate(documents[index % 2]) == expected[index % 2]
        outcomes.append((same, time.monotonic() - start))

    try:
        for index in range(8):
            thread = threading.Thread(target=validate, args=(index,))
            thread.start()
            thread.join(120)
            assert not thread.is_alive(), "a validation hung"
            time.sleep(idle + rng.uniform(-0.1, 0.3))
        assert len(outcomes) == 8 and all(same for same, _ in outcomes)
        assert max(seconds for _, seconds in outcomes) < 60
        stops = [r for r in caplog.records if "rule helpers stopped" in r.getMessage()]
        assert len(stops) >= 2, "the idle stop came between validations, more than once"
    finally:
        pack.close()
