"""The repository's development tools: code that scripts/, benchmarks/ and tests/ share.

Not part of the package (the wheel holds ``ae_tutorial`` alone) and never imported by it. A
test imports these modules as it imports any other (pytest puts the repository root on
``sys.path``: ``pythonpath`` in pyproject.toml); a script in scripts/ puts the root there
first, then imports from here, so no script imports another script.

- ``prose``: the prose of the book's markdown, with code, roles and links blanked.
- ``measures``: what a reader meets on a page (code line and sentence lengths, word counts).
- ``book``: the book's table of contents and the repository it names.
- ``install_cell``: the install cell at the top of every notebook.
- ``repository``: pointing the book at a fork.
- ``chapter_times``: how long each chapter took to run, from its stored cells.
- ``network_figure``: the introduction's diagram of the original's network.
- ``ceiling``: a training step's products alone, the ceiling of benchmarks/train_speed.py.
- ``notebook_times``: the table of each notebook's time at the end of ``pytest --nbval``.
"""
