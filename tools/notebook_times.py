"""How long each notebook took under ``pytest --nbval``: the table CI prints at the end.

The root conftest.py hands pytest's ``pytest_terminal_summary`` hook to ``summary``. Each
cell of a notebook is a test item; its setup, call and teardown durations are summed per
notebook (the kernel's start falls in the first cell's setup, its shutdown in the last
cell's teardown), and the notebooks are listed slowest first, with the total. Nothing is
printed when no notebook ran.
"""

from collections import defaultdict


def notebook_times(reports):
    """``[(notebook, seconds, cells)]``, slowest first, from pytest's test reports.

    Args:
        reports: ``TestReport`` objects (any others are skipped); a notebook's cells are
            those whose node id is ``PATH.ipynb::...``.

    Returns:
        One row per notebook: its path as pytest names it, the sum of its cells' setup, call
        and teardown durations in seconds, and its number of cells.
    """
    seconds, cells = defaultdict(float), defaultdict(set)
    for report in reports:
        path, _, _ = getattr(report, "nodeid", "").partition("::")
        if path.endswith(".ipynb") and hasattr(report, "when"):
            seconds[path] += report.duration
            cells[path].add(report.nodeid)
    rows = [(path, seconds[path], len(cells[path])) for path in seconds]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def table(rows):
    """The lines of the table for ``notebook_times``' rows, the total last."""
    width = max(len(path) for path, _, _ in rows)
    lines = [f"{'seconds':>8}  {'cells':>5}  notebook"]
    lines += [f"{s:8.1f}  {n:5d}  {path}" for path, s, n in rows]
    total = sum(s for _, s, _ in rows)
    lines.append(f"{total:8.1f}  {sum(n for _, _, n in rows):5d}  {'total':<{width}}".rstrip())
    return lines


def summary(terminalreporter):
    """Write the table of each notebook's time, slowest first, if any notebook ran."""
    reports = [report for kind in terminalreporter.stats.values() for report in kind]
    rows = notebook_times(reports)
    if rows:
        terminalreporter.write_sep("=", "notebook execution times, slowest first")
        for line in table(rows):
            terminalreporter.write_line(line)
