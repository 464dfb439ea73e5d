"""The digest of a package module's code that a cache version stands for (tests of the caches)."""

import ast
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ae_tutorial"


def code_digest(modules: tuple[str, ...]) -> str:
    """SHA-256 of ``modules``' code (files in ae_tutorial/), without docstrings or layout.

    Comments vanish in the parse too, so only a change to what the code does changes it.
    """
    sources = []
    for name in modules:
        tree = ast.parse((PACKAGE / name).read_text())
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if (
                isinstance(body, list)
                and body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                node.body = body[1:] or [ast.Pass()]
        sources.append(ast.unparse(tree))
    return hashlib.sha256("\n".join(sources).encode()).hexdigest()[:16]
