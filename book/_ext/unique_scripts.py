"""Drop repeated <script> tags from every page (a local Sphinx extension).

With Sphinx 7.4 and Jupyter Book 1, every page carries a second copy of several inline
scripts (sphinx-thebe's ``const THEBE_JS_URL = ...``, sphinx-togglebutton's selector,
``DOCUMENTATION_OPTIONS.pagename``): one registered with ``filename=None``, the other with
``filename=''``. The second ``const`` throws "Identifier 'THEBE_JS_URL' has already been
declared" in the reader's browser on every page (scripts/check_site.py reports it). Sphinx
already skips a repeated script file; this keeps the first of each inline script too.
"""


def _key(script):
    """What a script tag says; an inline script's filename may be None or '' (the same tag)."""
    attributes = getattr(script, "attributes", {})
    return getattr(script, "filename", script) or None, tuple(sorted(attributes.items()))


def _unique_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", ()):
        if _key(script) not in seen:
            seen.add(_key(script))
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _unique_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
