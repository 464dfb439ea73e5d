"""Every test that waits on a subprocess says how long: a hang fails in minutes, not after
CI's 90. (A check over the test files' syntax trees.)"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
#: Calls that can wait for ever without a ``timeout=``.
WAITING = {"run", "check_output", "check_call", "call", "communicate", "wait"}


def calls_without_timeout(source, name="<source>"):
    """``name:line call`` for each waiting call in ``source`` that has no ``timeout=``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        is_subprocess = isinstance(owner, ast.Name) and owner.id == "subprocess"
        if node.func.attr not in WAITING or (
            node.func.attr not in {"communicate", "wait"} and not is_subprocess
        ):
            continue
        if not any(keyword.arg == "timeout" for keyword in node.keywords):
            found.append(f"{name}:{node.lineno} {node.func.attr}")
    return found


def test_every_subprocess_wait_has_a_timeout():
    found = [
        hit
        for path in sorted(TESTS.rglob("*.py"))
        for hit in calls_without_timeout(path.read_text(), path.name)
    ]
    assert not found, f"give these a timeout=: {found}"


def test_a_missing_timeout_is_found():
    source = "import subprocess\nsubprocess.run(['x'])\np.wait()\np.wait(timeout=5)\n"
    assert calls_without_timeout(source) == ["<source>:2 run", "<source>:3 wait"]
