"""The introduction's table of chapter times is what the stored notebooks measured.

scripts/chapter_times.py (tools/chapter_times.py) reads the start and end times that Jupyter
stores in every executed code cell; book/data/chapter_times.csv must be its output for the
notebooks as committed, so a re-executed chapter without a re-run of the script fails here.
"""

import nbformat
import pytest

from tools import chapter_times


def test_the_table_is_current():
    assert chapter_times.OUT.read_text() == chapter_times.table(), (
        "book/data/chapter_times.csv is stale: run python scripts/chapter_times.py"
    )


def test_every_numbered_chapter_and_the_cache_have_a_row():
    rows = chapter_times.OUT.read_text().splitlines()[1:]
    numbered = [n for n, _ in chapter_times.chapters() if n]
    assert [r.split(",")[0] for r in rows[: len(numbered)]] == [str(n) for n in numbered]
    assert rows[-1].startswith(",Once:")


def cell(start, end):
    return nbformat.v4.new_code_cell(
        "pass",
        metadata={"execution": {"iopub.execute_input": start, "shell.execute_reply": end}},
    )


def test_a_chapter_spans_its_first_start_to_its_last_end(tmp_path):
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Title"),
            cell("2026-01-01T10:00:00.5Z", "2026-01-01T10:00:02Z"),
            cell("2026-01-01T10:00:02Z", "2026-01-01T10:01:30.5Z"),
        ]
    )
    nbformat.write(nb, tmp_path / "x.ipynb")
    assert chapter_times.seconds(tmp_path / "x.ipynb") == 90.0
    assert chapter_times.title(tmp_path / "x.ipynb") == "Title"


def test_a_notebook_never_executed_is_an_error(tmp_path):
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), tmp_path / "y.ipynb"
    )
    with pytest.raises(ValueError, match=r"y\.ipynb: no cell stores its execution times"):
        chapter_times.seconds(tmp_path / "y.ipynb")
