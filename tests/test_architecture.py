"""The layout keeps its design (docs/architecture.md): no import cycles, Qt only in kassa/ui/, and the
sending path (kassa.outbox, kassa.pagero, kassa.peppol) imports and works with PySide6 absent.

The imports are read with `ast` from the source, every `import` anywhere in a module (also inside
functions and under TYPE_CHECKING), so a cycle hidden in a late import counts as one.
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from tests.factories import REPO, rule_pack_dir

PACKAGE = REPO / "kassa"
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")
# Entry points may import anything: `kassa` (the CLI) starts the window or runs a command.
ENTRY_POINTS = {"kassa.cli", "kassa.__main__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, modules: set[str]) -> tuple[set[str], set[str]]:
    """(Kassa's modules that ``name`` imports, top-level names of everything else it imports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    own, other = set(), set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # a relative import
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # `from a.b import c` imports the module a.b.c when there is one, else names from a.b.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        for target in targets:
            if target.split(".")[0] == "kassa":
                while target not in modules and "." in target:  # `import kassa.x.y` where y is a name
                    target = target.rpartition(".")[0]
                if target != name:
                    own.add(target)
            else:
                other.add(target.split(".")[0])
    return own, other


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    modules = project_modules()
    names = set(modules)
    graph, third_party = {}, {}
    for name, path in modules.items():
        graph[name], third_party[name] = imports_of(name, path, names)
    return graph, third_party


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for succ in graph.get(todo.pop(), ()):
            if succ not in seen:
                seen.add(succ)
                todo.append(succ)
    return seen


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph.get(node, ()):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_walker_sees_what_a_module_imports():
    graph, third_party = import_graph()
    assert "kassa.outbox.states" in graph["kassa.outbox.sender"]
    assert "kassa.models.database" in graph["kassa.models.connection"]
    assert "kassa.ui.wizard.wizard" in graph["kassa.ui.wizard"]  # from a package import a module
    assert "kassa.pagero.connector" in graph["kassa.ui.main_window"]  # under TYPE_CHECKING, and late
    assert "PySide6" in third_party["kassa.ui.app"]  # imports inside functions count too
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles():
    graph, _ = import_graph()
    found = cycles(graph)
    assert not found, "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_only_kassa_ui_imports_qt():
    _, third_party = import_graph()
    offenders = sorted(name for name, used in third_party.items()
                       if used & set(QT_MODULES) and not name.startswith("kassa.ui") and name not in ENTRY_POINTS)
    assert not offenders, f"outside kassa/ui/ and importing Qt: {offenders}"


def test_dependencies_point_one_way():
    """ui and commands -> services -> models: nothing below the window imports it or a command,
    and the models import nothing of Kassa but themselves and the configuration."""
    graph, _ = import_graph()
    upward = sorted((name, target) for name, targets in graph.items() for target in targets
                    if target.startswith(("kassa.ui", "kassa.commands"))
                    and not name.startswith(("kassa.ui", "kassa.commands")) and name not in ENTRY_POINTS)
    assert not upward, f"imports against the direction of the layout: {upward}"
    # What the models may use: Kassa's own modules that need no model (configuration, money, identifiers).
    foundation = {name for name in graph if not any(m.startswith("kassa.models") for m in reachable(graph, name))}
    models = sorted((name, target) for name, targets in graph.items() if name.startswith("kassa.models")
                    for target in targets if not target.startswith("kassa.models") and target not in foundation)
    assert not models, f"the models import services: {models}"


# The sending path with PySide6 gone: a meta-path finder refuses it in this interpreter and in every
# process it starts (the rule pack's helpers), through a sitecustomize on PYTHONPATH.
_BLOCKER = '''
import importlib.abc, sys

class NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is blocked: Kassa's core must run without Qt")
        return None

sys.meta_path.insert(0, NoQt())
'''

_EXERCISE = '''
import importlib, pkgutil, sys, threading
from decimal import Decimal
from pathlib import Path

try:
    import PySide6  # noqa: F401
except ImportError:
    pass
else:
    raise SystemExit("PySide6 was importable: the blocker did not work")

import kassa.outbox, kassa.pagero, kassa.peppol
for package in (kassa.outbox, kassa.pagero, kassa.peppol):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)

from kassa.invoicing import issue_invoice
from kassa.models import Company, Customer, CustomerCategory, Transmission, TransmissionState, connection
from kassa.money import LineInput
from kassa.outbox.enqueue import enqueue_invoice
from kassa.outbox.sender import SendPolicy, Sender
from kassa.outbox.summary import queue_summary
from kassa.pagero.client import PageroClient, RetryPolicy
from kassa.pagero.oauth import OAuthClient
from kassa.pagero.sandbox.server import SandboxServer
from kassa.peppol.rules.pack import get_rule_pack
from kassa.peppol.ubl import build_ubl
from tests.factories import make_company
from tests.pagero.fixtures import CLIENT_ID, CLIENT_SECRET, COMPANY_ID, MemoryTokens, login_tokens, sandbox_config
from tests.outbox.fixtures import e_invoice_customer

connection.connect()
make_company(pagero_company_id=COMPANY_ID)
invoice = issue_invoice(e_invoice_customer(), [LineInput("Kaffe", Decimal("2"), Decimal("45.00"), 12)])
assert b"<cbc:PayableAmount" in build_ubl(invoice)

pack = get_rule_pack()
with_rules = pack is not None
if with_rules:
    assert pack.worker_pids() == {} and not pack.is_compiled

redirect_port = int(sys.argv[1])
with SandboxServer(sandbox_config(redirect_port), control=True) as stand_in:
    import os
    os.environ.update(KASSA_PAGERO_SSO_BASE=stand_in.url, KASSA_PAGERO_API_BASE=stand_in.url,
                      KASSA_PAGERO_REDIRECT_PORT=str(redirect_port), KASSA_PAGERO_CLIENT_ID=CLIENT_ID)
    oauth = OAuthClient(client_secret=CLIENT_SECRET)
    tokens = MemoryTokens(oauth, login_tokens(oauth))
    row = enqueue_invoice(invoice.id, till="utan Qt")  # checks, UBL, the official rules in their helpers
    if with_rules:
        assert pack.worker_pids(), "the rule helpers did not run"
    sender = Sender(lambda: PageroClient(tokens, retry=RetryPolicy(attempts=2, base_delay=0.01)), "no-qt",
                    policy=SendPolicy(poll_intervals=(0.05,), retry_intervals=(0.05,), batch=5, idle=0.1),
                    interest_client_factory=None)
    for _ in range(400):
        sender.run_once()
        if Transmission.get_by_id(row.id).state == TransmissionState.DELIVERED:
            break
        threading.Event().wait(0.05)
    assert Transmission.get_by_id(row.id).state == TransmissionState.DELIVERED, Transmission.get_by_id(row.id).state
    sender.close()
print("ok", "with rules" if with_rules else "without rules", queue_summary().text)
assert not [m for m in sys.modules if m.split(".")[0] in BLOCKED]
'''


def test_the_sending_path_runs_without_pyside6(tmp_path, isolated_data_dir):
    from tests.pagero.fixtures import free_port

    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(_BLOCKER.replace("BLOCKED", repr(set(QT_MODULES))))
    script = tmp_path / "exercise.py"
    script.write_text(_EXERCISE.replace("BLOCKED", repr(set(QT_MODULES))))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KASSA_PAGERO")}
    env["PYTHONPATH"] = f"{site}:{REPO}"
    env["KASSA_DATA_DIR"] = str(isolated_data_dir)
    rules = rule_pack_dir()
    if rules is not None:
        env["KASSA_RULES_DIR"] = str(rules)
    proc = subprocess.run([sys.executable, str(script), str(free_port())], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    assert proc.stdout.startswith("ok with rules" if rules is not None else "ok without rules"), proc.stdout
