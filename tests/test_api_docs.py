"""The API reference (book/api.md) documents every public name of ``ae_tutorial``, and only those.

A public name is one in ``ae_tutorial.__all__`` or any other non-module, non-underscore name
that ``ae_tutorial/__init__.py`` re-exports. The page names each with an autodoc directive;
a new public name fails here until it has a line there (the strict book build then checks
that its docstring renders).
"""

import __future__
import importlib
import inspect
import re
from pathlib import Path

import yaml

import ae_tutorial as ae

BOOK = Path(__file__).resolve().parent.parent / "book"
DIRECTIVE = re.compile(r"^\.\. auto(?:class|function|data|exception|decorator)::\s+(\S+)",
                       re.MULTILINE)


def public_names():
    reexports = {name for name, value in vars(ae).items()
                 if not name.startswith("_") and not inspect.ismodule(value)
                 and not isinstance(value, __future__._Feature)}
    return set(ae.__all__) | reexports


def resolve(dotted):
    """The object at ``dotted`` (``ae_tutorial.X`` or ``ae_tutorial.module.X``)."""
    module, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def documented():
    """``{dotted name: object}`` for every autodoc directive on the API page."""
    text = (BOOK / "api.md").read_text()
    current = re.search(r"^\.\. currentmodule::\s+(\S+)", text, re.MULTILINE).group(1)
    names = [name if name.startswith("ae_tutorial.") else f"{current}.{name}"
             for name in DIRECTIVE.findall(text)]
    return {name: resolve(name) for name in names}


def test_every_public_name_is_on_the_api_page():
    objects = documented().values()
    missing = sorted(name for name in public_names()
                     if not any(obj is getattr(ae, name) for obj in objects))
    assert not missing, (f"public names without an entry in book/api.md: {missing}; add an "
                         "autodoc line for each (e.g. '.. autofunction:: NAME') in its section")


def test_the_api_page_documents_only_public_names():
    public = [getattr(ae, name) for name in public_names()]
    extra = sorted(name for name, obj in documented().items()
                   if not any(obj is p for p in public))
    assert not extra, f"book/api.md documents names that ae_tutorial does not export: {extra}"


def test_all_lists_only_names_that_exist():
    assert not [name for name in ae.__all__ if not hasattr(ae, name)]


def test_the_api_page_is_in_the_table_of_contents():
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert "api" in files
