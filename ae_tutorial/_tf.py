"""Import TensorFlow without its start-up chatter on stderr.

The ``tensorflow`` wheel writes a few INFO lines straight to file descriptor 2
while it loads (the absl pre-initialisation banner, the oneDNN notice, "Could
not find cuda drivers" and the CPU-feature notice, and on a machine without a CUDA driver, the error that ``cuInit``
failed), before
``TF_CPP_MIN_LOG_LEVEL`` takes effect. They would land in every notebook's
stored outputs. This module captures descriptor 2 during the import only, drops
exactly those known lines and writes every other line back to stderr, so
real warnings still reach the reader.
"""

import os
import sys
import tempfile

#: Substrings of the INFO lines that the wheel prints on every import.
KNOWN_INFO_LINES = (
    "All log messages before absl::InitializeLog() is called",
    "oneDNN custom operations are on",
    "Could not find cuda drivers on your machine",
    "This TensorFlow binary is optimized to use available CPU instructions",
    "To enable the following instructions:",
    "failed call to cuInit",  # a machine without a CUDA driver: TF says so when devices start
)


def filter_import_noise(text):
    """Return ``text`` without the known INFO lines of a TensorFlow import."""
    lines = text.splitlines(keepends=True)
    return "".join(ln for ln in lines if not any(k in ln for k in KNOWN_INFO_LINES))


def import_tensorflow():
    """Import and return ``tensorflow``, dropping only its known INFO lines."""
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")  # INFO off once absl is up
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow

            tensorflow.config.list_physical_devices()  # start the devices here, not in a cell
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            sys.stderr.write(filter_import_noise(captured.read().decode(errors="replace")))
            sys.stderr.flush()
    return tensorflow


tf = import_tensorflow()
