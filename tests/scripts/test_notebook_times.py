"""The table of each notebook's execution time that ``pytest --nbval`` prints at its end
(tools/notebook_times.py, hooked in by the root conftest.py)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from tools.notebook_times import notebook_times, table

ROOT = Path(__file__).resolve().parents[2]


def report(nodeid, when, duration):
    return SimpleNamespace(nodeid=nodeid, when=when, duration=duration)


def test_a_notebooks_time_is_the_sum_of_its_cells_phases_slowest_first():
    reports = [
        report("book/a.ipynb::Cell 0", "setup", 2.0),  # the kernel starts here
        report("book/a.ipynb::Cell 0", "call", 1.0),
        report("book/a.ipynb::Cell 1", "call", 0.5),
        report("book/b.ipynb::Cell 0", "call", 9.0),
        report("tests/test_x.py::test_y", "call", 99.0),  # not a notebook
        SimpleNamespace(nodeid="book/c.ipynb", duration=5.0),  # a collection report
    ]
    assert notebook_times(reports) == [("book/b.ipynb", 9.0, 1), ("book/a.ipynb", 3.5, 2)]
    assert notebook_times(reports[4:]) == []


def test_the_table_lists_the_rows_and_the_total():
    lines = table([("book/b.ipynb", 9.0, 1), ("book/a.ipynb", 3.5, 2)])
    assert lines == [
        " seconds  cells  notebook",
        "     9.0      1  book/b.ipynb",
        "     3.5      2  book/a.ipynb",
        "    12.5      3  total",
    ]


@pytest.mark.slow
def test_pytest_nbval_prints_the_table_after_its_summary(tmp_path):
    """A run of two tiny notebooks under the root conftest.py: the table names both, the
    slower first; a run without notebooks prints none."""
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    for name, seconds in (("quick", 0), ("slower", 1.5)):
        cells = [nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})")]
        cells.append(nbformat.v4.new_code_cell("x = 1"))
        nbformat.write(nbformat.v4.new_notebook(cells=cells), tmp_path / f"{name}.ipynb")
    (tmp_path / "test_plain.py").write_text("def test_one():\n    pass\n")
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--rootdir={tmp_path}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the copied conftest.py imports tools/
    done = subprocess.run(
        [*command, "--nbval", "--nbval-current-env", "quick.ipynb", "slower.ipynb"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout.split("notebook execution times, slowest first")[1].splitlines()
    rows = [line.split() for line in out[2:5]]
    assert [row[2] for row in rows] == ["slower.ipynb", "quick.ipynb", "total"]
    assert [int(row[1]) for row in rows] == [2, 2, 4]
    assert float(rows[0][0]) >= 1.5
    plain = subprocess.run(
        [*command, "test_plain.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "notebook execution times" not in plain.stdout
