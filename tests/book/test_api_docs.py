"""The API reference (book/api.md) documents every public name of ``ae_tutorial``, and only those.

The public names are ``ae_tutorial.__all__``; the package imports each on first use, so
``dir(ae_tutorial)`` lists them all before any is loaded. The page names each with an autodoc
directive; a new public name fails here until it has a line there (the strict book build then
checks that its docstring renders).
"""

import importlib
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import ae_tutorial as ae

BOOK = Path(__file__).resolve().parents[2] / "book"
#: An autodoc directive and the dotted name it documents (without a signature in brackets).
DIRECTIVE = re.compile(
    r"^\.\. auto(?:class|function|data|exception|decorator)::\s+([\w.]+)", re.MULTILINE
)


def public_names():
    """Every name a reader may use: ``__all__``, which ``dir(ae)`` must agree with."""
    listed = {
        name
        for name in dir(ae)
        if not name.startswith("_")
        and not (inspect.ismodule(getattr(ae, name)) and name not in ae.__all__)
    }
    assert listed == set(ae.__all__), "dir(ae_tutorial) and __all__ disagree"
    return set(ae.__all__)


def resolve(dotted):
    """The object at ``dotted`` (``ae_tutorial.X`` or ``ae_tutorial.module.X``)."""
    module, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def documented():
    """``{dotted name: object}`` for every autodoc directive on the API page."""
    text = (BOOK / "api.md").read_text()
    current = re.search(r"^\.\. currentmodule::\s+(\S+)", text, re.MULTILINE).group(1)
    names = [
        name if name.startswith("ae_tutorial.") else f"{current}.{name}"
        for name in DIRECTIVE.findall(text)
    ]
    return {name: resolve(name) for name in names}


def test_every_public_name_is_on_the_api_page():
    objects = documented().values()
    missing = sorted(
        name for name in public_names() if not any(obj is getattr(ae, name) for obj in objects)
    )
    assert not missing, (
        f"public names without an entry in book/api.md: {missing}; add an "
        "autodoc line for each (e.g. '.. autofunction:: NAME') in its section"
    )


def test_the_api_page_documents_only_public_names():
    public = [getattr(ae, name) for name in public_names()]
    extra = sorted(name for name, obj in documented().items() if not any(obj is p for p in public))
    assert not extra, f"book/api.md documents names that ae_tutorial does not export: {extra}"


#: In a fresh process: import every module of the package before any public name is used
#: (as ``ae.trained()`` imports ``ae_tutorial.training``), then list the public names whose
#: value is not what their module defines.
MODULES_FIRST = """
import importlib, json
import ae_tutorial as ae
home = {name: importlib.import_module(f"ae_tutorial.{home}") for name, home in ae._HOME.items()}
wrong = [name for name in ae.__all__ if getattr(ae, name) is not getattr(home[name], name)]
print(json.dumps(wrong))
"""


@pytest.mark.slow
def test_public_names_keep_their_values_whichever_module_loads_first():
    """Importing a module of the package must not replace a public name of the same name
    (as importing a module ``train.py`` would replace ``ae.train``, the function)."""
    done = subprocess.run(
        [sys.executable, "-c", MODULES_FIRST], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [], "ae.NAME is not the object its module defines"


def test_no_public_name_is_also_a_module_name():
    """Python binds an imported submodule on its package, so a module named like a public
    name would replace it (``ae.train`` the function by ``ae_tutorial/train.py``)."""
    modules = {path.stem for path in Path(ae.__file__).parent.glob("*.py")}
    assert not modules & set(ae.__all__)


def test_all_lists_only_names_that_exist():
    assert not [name for name in ae.__all__ if not hasattr(ae, name)]


def test_the_api_page_is_in_the_table_of_contents():
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert "api" in files
