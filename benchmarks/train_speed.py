"""Training speed, side by side, on this machine: the original's TF1 loop, ae.train, Keras fit.

Run from the repository root (MNIST as for the tests):

    python benchmarks/train_speed.py            # the loops and matmul rates (about 2 minutes)
    python benchmarks/train_speed.py --full     # also: the 30,000-step run's time and peak
                                                # memory, imports, MNIST load, book build and
                                                # pytest --nbval (about 10 more minutes)
    python benchmarks/train_speed.py --full --json book/data/train_speed.json
                                                # also writes every number to a JSON file,
                                                # which the performance appendix reads
    python benchmarks/train_speed.py --conv --json book/data/train_speed_conv.json
                                                # instead: ae.train on the convolutional
                                                # model against the dense original, each
                                                # against its own ceiling (about 2 minutes)

Every loop trains the original's network (784-256-128-256-784, batch 256, TF1 RMSProp at 0.01)
on the same data. Rates are steady-state: each loop runs SHORT and then SHORT + STEPS steps
from a fresh start, and the rate is STEPS over the difference, so graph building and
tracing cancel out; the median of REPEATS such measurements is printed. One training step
is 6 x parameters x batch = 6 x 468,368 x 256 = 0.719 GFLOP (the count read from the model).
The ceiling ("of TF matmuls") is the step's 11 matrix products alone, in the order a step
needs them (``tf_step_matmuls``); the same products all independent, which TensorFlow runs
several at a time, are printed beside it. The benchmark reports; it gates nothing. With
--json, every number it prints (and the machine's facts) also goes to a JSON file.

--conv measures, the same way and taking turns, ``ae.train`` on the original's network and on
the convolutional autoencoder of the code-size chapter (CONV_CONFIG: code 16, Adam, trained
without XLA), CONV_SHORT and CONV_SHORT + CONV_STEPS steps for the slower convolutional model.
A step's FLOPs are counted from the layers' shapes (``ae_tutorial.flops``): the multiply-adds
of each Conv2D, Conv2DTranspose and Dense layer's forward pass for one image (a bias add
counted as one), x 2 FLOPs per multiply-add, x 3 for the forward pass and the two products of
the backward pass (weight and input gradient), x batch. For dense layers that is 6 x
parameters x batch exactly. Each model's ceiling is its step's convolutions and matrix
products alone, forward and backward, in the order a step needs them (``tf_step_products``,
with tools/ceiling.py's products; for the dense original, ``tf_step_matmuls``). The table
gives steps/s, GFLOP/s, the share of the ceiling and how many times as long a convolutional
step takes as a dense one; --json writes them.
"""

import argparse
import dataclasses
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ae_tutorial as ae  # first: it imports TensorFlow without the start-up chatter
from ae_tutorial import tf

# isort: split
import keras
import numpy as np

from ae_tutorial.flops import forward_layers, layer_kind, layer_multiply_adds, step_gflop

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the root, for tools/
from tools.ceiling import step_products, step_products_graph

CONFIG = ae.preset("original")
PARAMETERS = ae.Autoencoder(CONFIG).count_params()  # 468,368 for the original's network
STEP_GFLOP = 6 * PARAMETERS * CONFIG.batch_size / 1e9
SHORT, STEPS, REPEATS = 50, 1000, 5
#: --conv: the code-size chapter's convolutional autoencoder (its preset; this benchmark runs
#: its own numbers of steps), and those (fewer) steps.
CONV_CONFIG = ae.preset("conv_16")
CONV_SHORT, CONV_STEPS, CONV_REPEATS = 20, 200, 3


def steady_rates(runs, sizes=None, repeats=REPEATS):
    """Median steps/s of each ``run(n)`` (which trains n steps from scratch), fixed costs
    cancelled; the loops take turns, so a slow patch of a shared machine hits them all.
    ``sizes`` maps a name to its own ``(short, steps)``; the others run SHORT and STEPS."""
    rates = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            short, steps = (sizes or {}).get(name, (SHORT, STEPS))
            t0 = time.perf_counter()
            run(short)
            t1 = time.perf_counter()
            run(short + steps)
            t2 = time.perf_counter()
            rates[name].append(steps / ((t2 - t1) - (t1 - t0)))
    return {name: statistics.median(r) for name, r in rates.items()}


def tf1_loop(data):
    """The original's loop: tf.compat.v1 graph, placeholder, feed_dict, RMSPropOptimizer,
    Session."""
    initial = ae.Autoencoder(CONFIG).get_weights()

    def run(n):
        batches = (data.train.next_batch(CONFIG.batch_size)[0] for _ in range(n))
        ae.tf1_losses(initial, batches, CONFIG.learning_rate, num_steps=n)

    return run


def ae_train(data, fast=True, config=CONFIG):
    def run(n):
        ae.train(
            ae.Autoencoder(config),
            data.train,
            config,
            num_steps=n,
            display_step=n,
            verbose=False,
            fast=fast,
        )

    return run


def keras_fit(data):
    """Keras' own loop, Model.fit, with the same optimiser and loss (its own batch order)."""
    images = tf.constant(data.train.images)
    batches = (
        tf.data.Dataset.from_tensor_slices(images)
        .shuffle(55_000, seed=0)
        .batch(CONFIG.batch_size, drop_remainder=True)
        .map(lambda x: (x, x))
        .repeat()
    )

    def run(n):
        model = ae.Autoencoder(CONFIG)
        model.compile(optimizer=ae.RMSProp(CONFIG.learning_rate), loss=ae.mse)
        model.fit(batches, epochs=1, steps_per_epoch=n, shuffle=False, verbose=0)

    return run


# The eleven matrix products of one training step: (m, k) @ (k, n) for the forward pass,
# and for each layer the two products of its backward pass (the first layer's input
# gradient is not needed, and TF1 and Keras both skip it, so it is left out).
LAYERS = ((784, 256), (256, 128), (128, 256), (256, 784))
B = CONFIG.batch_size
STEP_MATMULS = (
    [(B, i, o) for i, o in LAYERS]  # forward: x @ W
    + [(i, B, o) for i, o in LAYERS]  # dW = x^T @ dy
    + [(B, o, i) for i, o in LAYERS[1:]]  # dx = dy @ W^T
)
MATMUL_GFLOP = sum(2 * m * k * n for m, k, n in STEP_MATMULS) / 1e9
SQUARE = 2048  # the side of the large square product


def time_median(fn, repeats=REPEATS, number=20):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def numpy_step_matmuls():
    """``run(n)``: the step's 11 products, n times, in NumPy, one at a time."""
    rng = np.random.default_rng(0)
    pairs = [
        (rng.random((m, k), np.float32), rng.random((k, n), np.float32)) for m, k, n in STEP_MATMULS
    ]

    def run(n):
        for _ in range(n):
            [a @ b for a, b in pairs]

    return run


def tf_step_matmuls(dependent=True):
    """``run(n)``: the step's 11 products, n times, in one compiled TensorFlow graph.

    ``dependent=True`` (the ceiling): each product waits for the ones it needs, as in a
    training step. The forward products form a chain, each layer's two backward products
    wait for its output gradient, and the next step's products wait for this step's weight
    gradients, which stand in for the updated weights. TensorFlow runs at once what these
    dependences allow (a layer's weight and input gradients). The operands are zeros, so
    nothing overflows over thousands of steps; a product of zeros takes as long as any
    other (only subnormal numbers slow float arithmetic down, and zeros are not subnormal).

    ``dependent=False``: the 11 products of a step are independent of each other and of
    the other steps, so TensorFlow runs several at a time, up to one per core. That throughput
    bounds independent work, which a training step is not; it is printed for comparison.
    """
    if not dependent:
        pairs = [(tf.random.uniform((m, k)), tf.random.uniform((k, n))) for m, k, n in STEP_MATMULS]

        @tf.function
        def independent(n):
            total = tf.constant(0.0)
            for _ in tf.range(n):
                total += tf.add_n([tf.reduce_sum(tf.matmul(a, b)[:1, :1]) for a, b in pairs])
            return total

        return lambda n: independent(tf.constant(n)).numpy()
    x = tf.zeros((B, LAYERS[0][0]))

    def step(i, weights):
        outputs = [x]
        for w in weights:  # forward  x @ W
            outputs.append(outputs[-1] @ w)
        grad, grads = outputs[-1], []
        for k in reversed(range(len(weights))):
            grads.insert(0, tf.matmul(outputs[k], grad, transpose_a=True))  # x^T @ dy
            if k:
                grad = tf.matmul(grad, weights[k], transpose_b=True)  # dy @ W^T
        return i + 1, grads

    @tf.function
    def dependent_products(n):
        weights = [tf.zeros(shape) for shape in LAYERS]
        _, weights = tf.while_loop(lambda i, _: i < n, step, (tf.constant(0), weights))
        return weights[0][0, 0]

    return lambda n: dependent_products(tf.constant(n)).numpy()


# --conv: the ceiling of a model's step. Its FLOPs are counted by ae_tutorial.flops
# (``forward_layers``, ``step_gflop``), its products are tools/ceiling.py's.


def tf_step_products(model, batch=B):
    """``run(n)``: the step's convolutions and matrix products, n times, in one compiled
    TensorFlow graph, dependent as in ``tf_step_matmuls`` (the ceiling of ``model``'s step):
    the next step's products wait for this step's kernel gradients, which stand in for the
    updated kernels. The operands are zeros, as there."""
    layers = forward_layers(model, batch)
    x = tf.zeros((batch, model.config.num_input))

    @tf.function
    def dependent_products(n):
        kernels = [tf.zeros(layer.kernel.shape) for layer, _, _ in layers]
        _, kernels = tf.while_loop(
            lambda i, _: i < n,
            lambda i, kernels: (i + 1, step_products_graph(layers, x, kernels)),
            (tf.constant(0), kernels),
        )
        return tf.reshape(kernels[0], [-1])[0]

    return lambda n: dependent_products(tf.constant(n)).numpy()


def square_rate(size=SQUARE):
    """GFLOP/s of one large square float32 product, NumPy and TensorFlow."""
    a = np.random.default_rng(0).random((size, size), np.float32)
    flop = 2 * size**3 / 1e9
    ta, tb = tf.constant(a), tf.constant(a.T.copy())
    product = tf.function(lambda: tf.reduce_sum(tf.matmul(ta, tb)[:1, :1]))
    return (
        flop / time_median(lambda: a @ a, number=3),
        flop / time_median(lambda: product().numpy(), number=3),
    )


def timed_command(command, **env):
    """Seconds ``command`` took, or None if it failed; and the text printed for it."""
    t0 = time.perf_counter()
    done = subprocess.run(
        command, shell=True, capture_output=True, text=True, env={**os.environ, **env}
    )
    if done.returncode != 0:
        return None, f"failed ({command}: exit {done.returncode})"
    seconds = time.perf_counter() - t0
    return seconds, f"{seconds:.1f} s"


def full_run_peak_memory():
    """Seconds and peak resident memory (GiB) of the original's 30,000 steps, in a fresh process.

    The peak is the child's VmHWM, the high-water mark of its own memory map: ru_maxrss
    would also count the memory of this (large) parent process that forked it.
    """
    code = (
        "import re, time, ae_tutorial as ae; c = ae.OriginalConfig(); "
        "d = ae.read_data_sets(seed=0); t = time.perf_counter(); "
        "ae.train(ae.Autoencoder(c), d.train, c, verbose=False); "
        "hwm = re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()); "
        "print(time.perf_counter() - t, hwm.group(1))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, kib = out.stdout.split()
    return float(seconds), int(kib) / 2**20


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            return next(
                line.split(":", 1)[1].strip() for line in f if line.startswith("model name")
            )
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


def write_json(path, results):
    """Write ``results`` to ``path`` atomically: a temporary file in the same folder, renamed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(results, f, indent=2)
            f.write("\n")
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's file is private; a plain file is not
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


#: The loops' keys in the JSON file, and their names in the printed table.
LOOPS = {
    "tf1": "TF1 loop (original's code)",
    "ae_train": "ae.train",
    "ae_train_plain": "ae.train (plain, fast=False)",
    "keras_fit": "Keras Model.fit",
}


def machine_facts():
    return {
        "cpu": cpu_model(),
        "cores": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "gpus": len(tf.config.list_physical_devices("GPU")),
    }


def print_machine(date, machine):
    print(
        f"# {date}, {machine['cpu']}, {machine['cores']} cores, "
        f"TensorFlow {tf.__version__}, Keras {keras.__version__}, NumPy {np.__version__}"
    )


def main(full=False, json_path=None):
    data = ae.read_data_sets(seed=0)
    machine = machine_facts()
    results = {
        "date": time.strftime("%Y-%m-%d"),
        "command": " ".join(["python", *sys.argv]),
        "full": full,
        "machine": machine,
        "method": {
            "short_steps": SHORT,
            "steps": STEPS,
            "repeats": REPEATS,
            "batch_size": CONFIG.batch_size,
            "parameters": PARAMETERS,
            "step_gflop": STEP_GFLOP,
            "matmuls": len(STEP_MATMULS),
            "matmul_shapes": STEP_MATMULS,
            "matmul_gflop": MATMUL_GFLOP,
            "square_size": SQUARE,
        },
    }
    print_machine(results["date"], machine)
    loops = {
        LOOPS["tf1"]: tf1_loop(data),
        LOOPS["ae_train"]: ae_train(data),
        LOOPS["ae_train_plain"]: ae_train(data, fast=False),
        LOOPS["keras_fit"]: keras_fit(data),
    }
    rates = steady_rates(
        {
            **loops,
            "TF matmuls": tf_step_matmuls(),
            "TF matmuls, independent": tf_step_matmuls(dependent=False),
            "NumPy matmuls": numpy_step_matmuls(),
        }
    )
    ceiling = {
        name: rates.pop(name) for name in ("TF matmuls", "TF matmuls, independent", "NumPy matmuls")
    }
    square_np, square_tf = square_rate()
    base = rates[LOOPS["tf1"]]
    print(
        f"\n{'loop':<30}{'steps/s':>9}{'GFLOP/s':>9}{'x TF1':>7}{'of TF matmuls':>15}"
        f"{'of independent':>16}{'of NumPy square':>17}"
    )
    results["loops"] = {}
    for key, name in LOOPS.items():
        rate = rates[name]
        row = {
            "label": name,
            "steps_per_s": rate,
            "gflop_per_s": rate * STEP_GFLOP,
            "x_tf1": rate / base,
            "of_ceiling": rate / ceiling["TF matmuls"],
            "of_independent": rate / ceiling["TF matmuls, independent"],
            "of_numpy_square": rate * STEP_GFLOP / square_np,
        }
        results["loops"][key] = row
        print(
            f"{name:<30}{rate:>9.1f}{row['gflop_per_s']:>9.1f}{row['x_tf1']:>7.2f}"
            f"{row['of_ceiling']:>15.0%}"
            f"{row['of_independent']:>16.0%}{row['of_numpy_square']:>17.0%}"
        )
    results["matmuls_steps_per_s"] = {
        "tensorflow_dependent": ceiling["TF matmuls"],  # the ceiling
        "tensorflow_independent": ceiling["TF matmuls, independent"],
        "numpy": ceiling["NumPy matmuls"],
    }
    results["square_gflop_per_s"] = {"numpy": square_np, "tensorflow": square_tf}
    print(
        f"\nthe step's {len(STEP_MATMULS)} matmuls alone, steps/s: "
        f"TensorFlow {ceiling['TF matmuls']:.1f} with the step's dependences (the ceiling), "
        f"{ceiling['TF matmuls, independent']:.1f} all independent (several at a time); "
        f"NumPy {ceiling['NumPy matmuls']:.1f} one at a time"
    )
    print(
        f"one {SQUARE} x {SQUARE} matmul: NumPy {square_np:.1f} GFLOP/s, "
        f"TensorFlow {square_tf:.1f} GFLOP/s"
    )
    print(
        f"(a step is {STEP_GFLOP:.3f} GFLOP by 6 x parameters x batch; its "
        f"{len(STEP_MATMULS)} matmuls are {MATMUL_GFLOP:.3f} GFLOP)"
    )
    if full:
        results["full_run"] = full_measurements()
    if json_path is not None:
        write_json(json_path, results)
        print(f"\nwrote {json_path}")


#: --conv: the two models' keys in the JSON file, and their names in the printed table.
MODELS = {"dense": "dense (the original's)", "conv": "convolutional, code 16"}


def conv_method():
    """Each model's config, steps and arithmetic, for the JSON file; and its ``run(n)``s."""
    method = {"batch_size": B, "repeats": CONV_REPEATS}
    for key, config, short, steps in (
        ("dense", CONFIG, SHORT, STEPS),
        ("conv", CONV_CONFIG, CONV_SHORT, CONV_STEPS),
    ):
        model = ae.Autoencoder(config)
        layers = forward_layers(model, B)
        products = step_products(layers)
        method[key] = {
            "config": {  # the fields that depart from the original (steps: the benchmark's)
                f.name: getattr(config, f.name)
                for f in dataclasses.fields(config)
                if getattr(config, f.name) != getattr(CONFIG, f.name) and f.name != "num_steps"
            },
            "short_steps": short,
            "steps": steps,
            "parameters": model.count_params(),
            "layers": [
                {
                    "name": layer.name,
                    "kind": layer_kind(layer),
                    "input": shape[1:],
                    "output": output[1:],
                    "kernel": tuple(layer.kernel.shape),
                    "multiply_adds": layer_multiply_adds(layer, shape, output),  # per image
                }
                for layer, shape, output in layers
            ],
            "step_gflop": step_gflop(layers),
            "products": products,
            "products_gflop": sum(gflop for _, _, gflop in products),
        }
    return method


def main_conv(json_path=None):
    """--conv: ae.train on the dense original and on the convolutional model, taking turns,
    each against the ceiling of its own step's products."""
    data = ae.read_data_sets(seed=0)
    results = {
        "date": time.strftime("%Y-%m-%d"),
        "command": " ".join(["python", *sys.argv]),
        "machine": machine_facts(),
        "method": conv_method(),
    }
    print_machine(results["date"], results["machine"])
    runs = {
        "dense": ae_train(data),
        "dense ceiling": tf_step_matmuls(),
        "conv": ae_train(data, config=CONV_CONFIG),
        "conv ceiling": tf_step_products(ae.Autoencoder(CONV_CONFIG)),
    }
    for run in runs.values():  # with only CONV_REPEATS rounds, the first must not count
        run(CONV_SHORT)  # the ceilings' tracing, TensorFlow's first convolutions
    conv_sizes = (CONV_SHORT, CONV_STEPS)
    rates = steady_rates(
        runs, sizes={"conv": conv_sizes, "conv ceiling": conv_sizes}, repeats=CONV_REPEATS
    )
    print(
        f"\n{'ae.train on':<25}{'steps/s':>9}{'GFLOP/s':>9}{'ceiling steps/s':>17}"
        f"{'ceiling GFLOP/s':>17}{'of ceiling':>12}"
    )
    results["models"] = {}
    for key, name in MODELS.items():
        method, rate, ceiling = results["method"][key], rates[key], rates[f"{key} ceiling"]
        row = {
            "label": name,
            "steps_per_s": rate,
            "gflop_per_s": rate * method["step_gflop"],
            "ceiling_steps_per_s": ceiling,
            "ceiling_gflop_per_s": ceiling * method["products_gflop"],
            "of_ceiling": rate / ceiling,
        }
        results["models"][key] = row
        print(
            f"{name:<25}{rate:>9.1f}{row['gflop_per_s']:>9.1f}{ceiling:>17.1f}"
            f"{row['ceiling_gflop_per_s']:>17.1f}{row['of_ceiling']:>12.0%}"
        )
    ratio = rates["dense"] / rates["conv"]
    results["conv_over_dense_step_time"] = ratio
    print(
        f"\na convolutional step takes {ratio:.2f} times as long as a dense one; a step is "
        f"{results['method']['conv']['step_gflop']:.3f} GFLOP against "
        f"{results['method']['dense']['step_gflop']:.3f}"
    )
    if json_path is not None:
        write_json(json_path, results)
        print(f"\nwrote {json_path}")


def full_measurements():
    """--full: the 30,000-step run, imports, MNIST load, book build, pytest --nbval; printed,
    and returned as a dict (seconds; None for a command that failed)."""
    seconds, gib = full_run_peak_memory()
    print(
        f"\nthe original's 30,000 steps with ae.train: {seconds:.0f} s, peak memory {gib:.2f} GiB"
    )
    out = {"train_30000_s": seconds, "peak_memory_gib": gib}
    py = sys.executable
    # The package loads its names lazily; ae.tf is what the first chapter cell waits for.
    out["import_ae_tutorial_s"], text = timed_command(f"{py} -c 'import ae_tutorial as ae; ae.tf'")
    print("import ae_tutorial, then ae.tf (TensorFlow):", text)
    out["import_tensorflow_s"], text = timed_command(f"{py} -c 'import tensorflow'")
    print("import tensorflow:", text)
    t0 = time.perf_counter()
    ae.read_data_sets(seed=0)
    out["load_mnist_s"] = time.perf_counter() - t0
    print(f"load MNIST (files cached, digests checked): {out['load_mnist_s']:.2f} s")
    jupyter_book = os.path.join(os.path.dirname(py), "jupyter-book")  # this environment's
    with tempfile.TemporaryDirectory() as site:  # the reader's book/_build stays as it is
        out["book_build_s"], text = timed_command(
            f"{jupyter_book} build book/ --path-output {site}"
        )
    print("jupyter-book build book/ (into a temporary folder):", text)
    with tempfile.TemporaryDirectory() as cache:  # from scratch: the chapters train
        out["nbval_s"], text = timed_command(f"{py} -m pytest --nbval -q", AE_TUTORIAL_CACHE=cache)
        out["nbval_cached_networks"] = len(list(Path(cache).glob("*.npz")))
    print(
        "pytest --nbval (empty weight cache):",
        text,
        f"({out['nbval_cached_networks']} networks trained into the cache)",
    )
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--full",
        action="store_true",
        help="also time the 30,000-step run, "
        "imports, MNIST loading, the book build and pytest --nbval",
    )
    parser.add_argument(
        "--json",
        metavar="PATH",
        help="also write every number measured to "
        "PATH as JSON (atomically), e.g. book/data/train_speed.json",
    )
    parser.add_argument(
        "--conv",
        action="store_true",
        help="instead: ae.train on the convolutional model (code 16) against the dense "
        "original, each against its own ceiling",
    )
    args = parser.parse_args()
    if args.conv and args.full:
        parser.error("--conv measures the two models only; run --full on its own")
    if args.conv:
        main_conv(args.json)
    else:
        main(args.full, args.json)
