"""original/autoencoder.py is the original, unchanged, and the book runs it line for line.

``ae_tutorial.reference._original_program`` is the program that ``run_original`` runs. Both
are read with ``ast`` (nothing is imported or run, so no TensorFlow): every statement of the
original from ``X = tf.placeholder(...)`` through the training loop's ``print`` must be in
``_original_program``, in the same order, and what ``_original_program`` adds in that
stretch must be exactly ``ADDED`` below. The hyperparameters are checked against
``OriginalConfig()``.
"""

import ast
import copy
import hashlib
from pathlib import Path

import pytest

from ae_tutorial import OriginalConfig

ROOT = Path(__file__).resolve().parents[2]
ORIGINAL = ROOT / "original" / "autoencoder.py"
REFERENCE = ROOT / "ae_tutorial" / "reference.py"

#: SHA-256 of TensorFlow-Examples' tensorflow_v1/examples/3_NeuralNetworks/autoencoder.py at
#: commit 6dcbe14 (git blob 9d3ba60e4cef2ad67f603b0c8b960687030a4d6f).
ORIGINAL_SHA256 = "6a3a1226da8f7b7ef7f381b8499bea555d7049e7384b46a37296046187854c00"

#: What ``_original_program`` adds between the original's first and last checked statement,
#: in order (``ast.unparse`` of each statement header). Anything else added there fails.
ADDED = (
    # the eight variables, to hand back the initial and final weights
    "variables = [v for name in ('encoder', 'decoder') for k in ('1', '2') "
    "for v in (weights[f'{name}_h{k}'], biases[f'{name}_b{k}'])]",
    "losses = []",  # every step's loss is kept, not only the printed ones
    # optional given initial weights, loaded over the random ones after `sess.run(init)`
    "if initial_weights is not None:",
    "for variable, value in zip(variables, initial_weights, strict=True):",
    "sess.run(variable.assign(value))",
    "initial = sess.run(variables)",
    "losses.append(l)",
)


def _verbose_display(node):
    """The one changed statement: ``if verbose and (<the original's test>):`` is read as
    ``if <the original's test>:`` (``run_original(verbose=False)`` prints nothing)."""
    test = node.test
    if (
        isinstance(test, ast.BoolOp)
        and isinstance(test.op, ast.And)
        and len(test.values) == 2
        and isinstance(test.values[0], ast.Name)
        and test.values[0].id == "verbose"
    ):
        node = copy.copy(node)
        node.test = test.values[1]
    return node


BODIES = ("body", "orelse", "finalbody")  # the statement lists of a compound statement


def flatten(statements):
    """Each statement, depth first: a compound statement (``def``, ``with``, ``for``, ``if``)
    as its header alone (its bodies emptied), followed by the statements of its bodies.

    Returns:
        ``(dump, header)`` pairs: ``ast.dump`` of the normalised header (no line numbers,
        so layout, comments and quote style do not count) and the header node itself.
    """
    out = []
    for node in statements:
        bodies = [getattr(node, field, None) or [] for field in BODIES]
        header = node
        if any(bodies):
            header = copy.copy(node)
            for field in BODIES:
                if hasattr(header, field):
                    setattr(header, field, [])
        if isinstance(header, ast.If):
            header = _verbose_display(header)
        out.append((ast.dump(header), header))
        for body in bodies:
            out.extend(flatten(body))
    return out


def _original_stretch(source):
    """The original's statements from ``X = tf.placeholder(...)`` to the loop's ``print``."""
    flat = flatten(ast.parse(source).body)
    dumps = [ast.unparse(node) for _, node in flat]
    start = next(i for i, s in enumerate(dumps) if s.startswith("X = tf.placeholder("))
    end = next(i for i, s in enumerate(dumps) if s.startswith("print('Step %i: Minibatch Loss"))
    return flat[start : end + 1]


def _program(source):
    """The body of ``def _original_program`` in ``source`` (reference.py's text)."""
    [function] = [
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef) and node.name == "_original_program"
    ]
    return function.body


def compare(original_source, reference_source):
    """Match the original's stretch, in order, inside ``_original_program``.

    Returns:
        ``(missing, added)``: the headers (``_header``) of the original's statements not found in
        order, and of ``_original_program``'s statements between the first and the last
        match that are not the original's.
    """
    wanted = _original_stretch(original_source)
    have = flatten(_program(reference_source))
    missing, matched, position = [], [], 0
    for dump, node in wanted:
        found = next((i for i in range(position, len(have)) if have[i][0] == dump), None)
        if found is None:
            missing.append(_header(node))
        else:
            matched.append(found)
            position = found + 1
    if not matched:
        return missing, []
    added = [
        _header(have[i][1]) for i in range(matched[0], matched[-1] + 1) if i not in set(matched)
    ]
    return missing, added


def _header(node):
    """A statement as source, its first line only (``def f(x):``, ``with ... as sess:``)."""
    return ast.unparse(node).splitlines()[0]


def _headers(statements):
    return [_header(node) for _, node in statements]


def test_the_original_is_the_published_file():
    with open(ORIGINAL, "rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    assert digest == ORIGINAL_SHA256, (
        "original/autoencoder.py must stay a byte-for-byte copy of TensorFlow-Examples' "
        "file at 6dcbe14 (original/README.md)"
    )


def test_the_checked_stretch_is_the_graph_and_the_training_loop():
    stretch = _headers(_original_stretch(ORIGINAL.read_text()))
    assert stretch[0] == "X = tf.placeholder('float', [None, num_input])"
    assert "def encoder(x):" in stretch
    assert "def decoder(x):" in stretch
    assert "with tf.Session() as sess:" in stretch
    assert "for i in range(1, num_steps + 1):" in stretch
    assert stretch[-1] == "print('Step %i: Minibatch Loss: %f' % (i, l))"
    assert len(stretch) == 25  # every statement, a compound one as its header


def test_run_original_runs_the_original_line_for_line():
    missing, added = compare(ORIGINAL.read_text(), REFERENCE.read_text())
    assert not missing, f"statements of the original not in _original_program: {missing}"
    assert tuple(added) == ADDED, "_original_program adds other statements than ADDED"


def test_the_hyperparameters_are_original_config():
    tree = ast.parse(ORIGINAL.read_text())
    constants = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Constant)
    }
    assert set(constants) == {
        "learning_rate",
        "num_steps",
        "batch_size",
        "display_step",
        "examples_to_show",
        "num_hidden_1",
        "num_hidden_2",
        "num_input",
    }
    config = OriginalConfig()
    assert {name: getattr(config, name) for name in constants} == constants
    assert all(type(getattr(config, name)) is type(v) for name, v in constants.items())


def test_the_program_takes_each_hyperparameter_from_the_config_field_of_its_name():
    bound = {}  # name -> source of its value, for the assignments before the graph
    for node in _program(REFERENCE.read_text()):
        if not isinstance(node, ast.Assign) or ast.unparse(node).startswith("X = "):
            if bound:
                break
            continue
        [target] = node.targets
        names = target.elts if isinstance(target, ast.Tuple) else [target]
        values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
        for name, value in zip(names, values, strict=True):
            bound[name.id] = ast.unparse(value)
    used = ("learning_rate", "num_steps", "batch_size", "display_step")
    widths = ("num_hidden_1", "num_hidden_2", "num_input")
    assert bound == {name: f"config.{name}" for name in used + widths}


# The comparison can fail: one changed token in a copy of reference.py's text is found.
@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("tf.pow(y_true - y_pred, 2)", "tf.pow(y_true + y_pred, 2)"),  # an operator
        ("i % display_step == 0 or i == 1", "i % display_step == 0 and i == 1"),  # or -> and
        ("range(1, num_steps + 1)", "range(1, num_steps)"),  # one step short
        ('biases["encoder_b2"]', 'biases["encoder_b1"]'),  # a wrong bias
        (
            "tf.nn.sigmoid(\n            tf.add(tf.matmul(x",
            "tf.nn.relu(\n            tf.add(tf.matmul(x",
        ),  # activation
        ("RMSPropOptimizer(learning_rate)", "AdamOptimizer(learning_rate)"),
    ],
)
def test_a_changed_statement_is_found(old, new):
    reference = REFERENCE.read_text()
    assert old in reference
    missing, _ = compare(ORIGINAL.read_text(), reference.replace(old, new, 1))
    assert missing


def test_a_statement_added_or_moved_is_found():
    original, reference = ORIGINAL.read_text(), REFERENCE.read_text()
    line = "    y_true = X\n"
    assert line in reference
    added = reference.replace(line, line + "    y_true = 2 * X\n", 1)
    assert compare(original, added)[1] != compare(original, reference)[1]
    init = "    init = tf.global_variables_initializer()\n"
    assert init in reference
    moved = reference.replace(init, "", 1).replace(
        "    # Building the encoder\n", init + "    # Building the encoder\n", 1
    )
    assert compare(original, moved)[0] == ["init = tf.global_variables_initializer()"]
