"""Import TensorFlow without its start-up chatter on stderr (``ae_tutorial.tf``).

The ``tensorflow`` wheel writes a few INFO lines straight to file descriptor 2 while it
loads, before ``TF_CPP_MIN_LOG_LEVEL`` takes effect: the absl pre-initialisation banner,
the oneDNN notice, "Could not find cuda drivers", the CPU-feature notice and, on a machine
without an NVIDIA GPU, the error that ``cuInit`` failed. They would land in every
notebook's stored outputs. This module sets ``TF_CPP_MIN_LOG_LEVEL=1`` if it is unset
(INFO off, warnings and errors on), captures descriptor 2 during the import only, drops
exactly those known lines and writes every other line back to stderr, so real warnings
still reach the reader. On a machine with an NVIDIA device (``/dev/nvidia0``), a failed
``cuInit`` is a real driver error and is shown.
"""

import glob
import os
import sys
import tempfile
import types

#: Substrings of the INFO lines that the wheel prints on every import.
KNOWN_INFO_LINES = (
    "All log messages before absl::InitializeLog() is called",
    "oneDNN custom operations are on",
    "Could not find cuda drivers on your machine",
    "This TensorFlow binary is optimized to use available CPU instructions",
    "To enable the following instructions:",
)
#: What TF says when devices start on a machine without an NVIDIA GPU; noise there only.
NO_GPU_LINE = "failed call to cuInit"


def filter_import_noise(text: str, gpu_machine: bool | None = None) -> str:
    """Return ``text`` without the known INFO lines of a TensorFlow import.

    Args:
        text: what the import wrote to stderr.
        gpu_machine: whether this machine has an NVIDIA device; ``None`` looks for
            ``/dev/nvidia*``. There a failed ``cuInit`` is kept: it is a driver error.

    Returns:
        The other lines, unchanged and in order.
    """
    if gpu_machine is None:
        gpu_machine = bool(glob.glob("/dev/nvidia[0-9]*"))
    known = KNOWN_INFO_LINES if gpu_machine else (*KNOWN_INFO_LINES, NO_GPU_LINE)
    lines = text.splitlines(keepends=True)
    return "".join(ln for ln in lines if not any(k in ln for k in known))


def import_tensorflow() -> types.ModuleType:
    """Import and return ``tensorflow``, dropping only its known INFO lines.

    Returns:
        The ``tensorflow`` module (the one already imported, if any).
    """
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


#: TensorFlow itself, imported quietly as above (``ae.tf`` in the chapters).
tf = import_tensorflow()
