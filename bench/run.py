"""The course's performance suite: what a reader of the site and a Binder user feel.

Rows (each with its target where the course sets one):

- ``build``: clean build of the whole book in every language, executing every notebook once
  (wall time, and each language's share);
- ``notebooks``: each chapter in a fresh kernel: execution time (< 60 s) and the kernel's peak
  resident memory (< 500 MB; Binder gives 1-2 GB);
- ``widgets``: each chapter's widget in a kernel: median time of one update (compute, draw,
  PNG) over 20 changes of its controls (< 50 ms; chapter 6, cached epochs: < 100 ms);
- ``states``: each widget's precomputed states for the static site: count, kilobytes and the
  seconds they add to the build (all widgets together < 60 s);
- ``pages``: the heaviest page of the built site, HTML and images (< 3 MB);
- ``mlp_vs_torch``: one SGD step of ``lib.network.MLP`` against the same network in PyTorch on
  the CPU, same batch, dtype and thread count (ours no slower than 1.5x); skipped without torch;
- ``rbm_vs_sklearn``: :func:`bench.rbm_vs_sklearn.run`.

Run from the repository root: ``python -m bench [--skip-build] [--quick] [--json PATH]``.
It prints a table and writes every number to JSON (``_build/bench.json`` by default).
"""

import argparse
import importlib.util
import inspect
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
from nbclient import NotebookClient
from threadpoolctl import threadpool_limits

from bench import page_weight, rbm_vs_sklearn

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "notebook_s": 60.0,
    "notebook_mb": 500.0,
    "widget_ms": 50.0,
    "widget_ms_rbm": 100.0,
    "states_s": 60.0,
    "page_mb": page_weight.LIMIT_BYTES / 2**20,
    "mlp_vs_torch": 1.5,
}
WIDGET_UPDATES = 20


def _notebooks() -> list[Path]:
    """The chapter notebooks in table-of-contents order."""
    pages = page_weight.toc_pages()
    return [ROOT / f"{name}.ipynb" for name in pages if (ROOT / f"{name}.ipynb").is_file()]


# --- build ------------------------------------------------------------------------------------


def bench_build() -> dict:
    """Wall time of the README's build command on a clean output folder (every language; the
    notebooks run once, in the English build), each language's share, and the page weights."""
    with tempfile.TemporaryDirectory() as output:
        options = ["--output", output, "-W", "--keep-going"]
        command = [sys.executable, "tools/book.py", "build", *options]
        start = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if result.returncode != 0:
            tail = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            raise RuntimeError(f"the build failed:\n{tail}")
        site = Path(output) / "_build" / "html"
        weights = page_weight.page_weights(site)
        weights |= {f"ko/{name}": w for name, w in page_weight.page_weights(site / "ko").items()}
    per_language = dict(re.findall(r"^(\w+) site built in ([\d.]+) s$", result.stdout, re.M))
    return {
        "seconds": seconds,
        "language_s": {language: float(s) for language, s in per_language.items()},
        "page_bytes": weights,
    }


# --- notebooks --------------------------------------------------------------------------------


def _peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (Linux ``VmHWM``), in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def bench_notebook(path: Path) -> dict:
    """Run every cell of ``path`` in a fresh kernel; time (kernel start excluded) and peak RSS."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": path.parent}}
    )
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        start = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        peak = _peak_rss_mb(pid)
    return {"seconds": seconds, "peak_mb": peak}


# --- widgets ----------------------------------------------------------------------------------


def _widget_builders(path: Path) -> list[str]:
    """Names of the ``lib.widgets`` builders a notebook calls (``widgets.NAME_widget(``)."""
    source = "\n".join("".join(cell["source"]) for cell in nbformat.read(path, as_version=4).cells)
    return sorted(set(re.findall(r"widgets\.(\w+_widget)\(", source)))


#: The chapter 7 widget reads a grid of runs; the bench trains a small one.
_BENCH_GRID = {
    "activations": ["tanh", "relu"],
    "inits": [0.01, "he_normal"],
    "layer_sizes": [64, 100, 100, 10],
    "epochs": 1,
    "lr": 0.02,
    "seeds": [0, 1],
    "check_chaos": False,
}


def _build_widget(name: str):
    from lib import comparison, widgets
    from lib.data import load_digits

    builder = getattr(widgets, name)
    parameters = inspect.signature(builder).parameters
    if "grid" in parameters:
        data = load_digits()
        grid = comparison.run_grid(data, **_BENCH_GRID)
        return builder(grid, data, _BENCH_GRID["layer_sizes"])
    # Builders that train on data (chapters 1 and 6) take the digits, as the chapters give them.
    return builder(load_digits()) if "data" in parameters else builder()


def _moves(control):
    """Values that move ``control`` one step from its start and back, alternately."""
    import ipywidgets

    if hasattr(control, "options"):  # Dropdown, SelectionSlider, ToggleButtons
        start = control.index
        other = start + 1 if start + 1 < len(control.options) else start - 1
        return [("index", other), ("index", start)]
    if isinstance(control, ipywidgets.FloatLogSlider):
        factor = control.base**control.step
        up = np.log(control.value * factor) / np.log(control.base) <= control.max
        return [
            ("value", control.value * factor if up else control.value / factor),
            ("value", control.value),
        ]
    up = control.value + control.step <= control.max
    return [
        ("value", control.value + (control.step if up else -control.step)),
        ("value", control.value),
    ]


def bench_widget(name: str, n_updates: int = WIDGET_UPDATES) -> dict:
    """Median kernel-side update time (compute, draw, PNG: the widget's ``last_update_ms``)
    over ``n_updates`` changes, each control in turn moved one step and back, through the
    widget's own observer as a reader's move."""
    box = _build_widget(name)
    plan = [(control, move) for control in box.controls.values() for move in _moves(control)]
    times = []
    for i in range(n_updates):
        control, (attribute, value) = plan[i % len(plan)]
        setattr(control, attribute, value)
        times.append(box.last_update_ms)
    return {
        "controls": list(box.controls),
        "median_ms": float(np.median(times)),
        "min_ms": min(times),
        "max_ms": max(times),
        "target_ms": TARGETS["widget_ms_rbm"] if name == "rbm_widget" else TARGETS["widget_ms"],
    }


def bench_precomputed(name: str) -> dict:
    """What the book's build spends on one widget's static states: seconds, states, bytes."""
    from lib import widgets

    os.environ[widgets.STATIC_ENV] = "1"
    try:
        start = time.perf_counter()
        box = _build_widget(name)
        seconds = time.perf_counter() - start
    finally:
        del os.environ[widgets.STATIC_ENV]
    return {
        "seconds": seconds,
        "states": len(box.states),
        "kb": sum(len(png) for png in box.states.values()) / 1024,
    }


# --- the MLP against PyTorch ------------------------------------------------------------------

MLP_SIZES = (64, 256, 256, 256, 10)
MLP_BATCH = 64


def _batch(rng):
    x = rng.standard_normal((MLP_BATCH, MLP_SIZES[0]))
    y = rng.integers(0, MLP_SIZES[-1], MLP_BATCH)
    return x, y


def _time_steps(step, n_steps, warmup=20) -> float:
    for _ in range(warmup):
        step()
    times = []
    for _ in range(n_steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _numpy_step_seconds(x, y, lr, n_steps) -> float:
    from lib.network import MLP

    net = MLP(list(MLP_SIZES), activation="relu", init="he_normal", rng=0)

    def step():
        _, grads = net.loss_and_grads(x, y)
        for w, b, grad_w, grad_b in zip(
            net.weights, net.biases, grads.weights, grads.biases, strict=True
        ):
            w -= lr * grad_w
            b -= lr * grad_b

    return _time_steps(step, n_steps)


def _torch_step_seconds(x, y, lr, n_steps) -> float:
    import torch

    layers = []
    for n_in, n_out in zip(MLP_SIZES[:-1], MLP_SIZES[1:], strict=True):
        layers += [torch.nn.Linear(n_in, n_out, dtype=torch.float64), torch.nn.ReLU()]
    net = torch.nn.Sequential(*layers[:-1])
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    x_t, y_t = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        optimizer.zero_grad()
        loss_fn(net(x_t), y_t).backward()
        optimizer.step()

    return _time_steps(step, n_steps)


def bench_mlp_vs_torch(n_steps: int = 300, lr: float = 0.01) -> dict:
    """Median time of one SGD step (forward, backward, update), ours and PyTorch's, 1 thread.

    Same network (``MLP_SIZES``, ReLU, softmax cross-entropy), batch (``MLP_BATCH``), dtype
    (float64) and one BLAS / intra-op thread for both (a Binder-class machine has 1-2 cores).
    """
    if importlib.util.find_spec("torch") is None:
        return {"skipped": "torch is not installed"}
    import torch

    x, y = _batch(np.random.default_rng(0))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            ours = _numpy_step_seconds(x, y, lr, n_steps)
            theirs = _torch_step_seconds(x, y, lr, n_steps)
    finally:
        torch.set_num_threads(threads)
    return {
        "network": list(MLP_SIZES),
        "batch": MLP_BATCH,
        "dtype": "float64",
        "threads": 1,
        "torch_version": torch.__version__,
        "numpy_ms": 1e3 * ours,
        "torch_ms": 1e3 * theirs,
        "ratio": ours / theirs,
    }


# --- the suite --------------------------------------------------------------------------------


def run(skip_build=False, quick=False) -> dict:
    """Every row of the suite; ``quick`` trims the RBM comparison and the update counts."""
    result = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()}}
    if skip_build:
        result["pages"] = page_weight.page_weights()
    else:
        build = bench_build()
        result["build_s"] = build["seconds"]
        result["build_language_s"] = build["language_s"]
        result["pages"] = build["page_bytes"]
    notebooks = _notebooks()
    result["notebooks"] = {path.stem: bench_notebook(path) for path in notebooks}
    n_updates = 5 if quick else WIDGET_UPDATES
    result["widgets"] = {
        f"{path.stem}: {name}": bench_widget(name, n_updates)
        for path in notebooks
        for name in _widget_builders(path)
    }
    result["states"] = {
        f"{path.stem}: {name}": bench_precomputed(name)
        for path in notebooks
        for name in _widget_builders(path)
    }
    result["mlp_vs_torch"] = bench_mlp_vs_torch(n_steps=50 if quick else 300)
    rbm_options = {"epochs": 5, "seeds": (0,), "n_draws": 5} if quick else {}
    result["rbm_vs_sklearn"] = rbm_vs_sklearn.run(**rbm_options)
    return result


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def format_table(result: dict) -> str:
    """The result of :func:`run` as a text table, one line per measurement."""
    rows = [("measurement", "value", "target", "")]
    if "build_s" in result:
        rows.append(("clean build, both languages", f"{result['build_s']:.1f} s", "", ""))
        for language, seconds in result["build_language_s"].items():
            rows.append((f"  of which the {language} site", f"{seconds:.1f} s", "", ""))
    for name, row in result["notebooks"].items():
        rows.append(
            (
                f"notebook {name}: time",
                f"{row['seconds']:.1f} s",
                "< 60 s",
                _verdict(row["seconds"] < TARGETS["notebook_s"]),
            )
        )
        rows.append(
            (
                f"notebook {name}: peak memory",
                f"{row['peak_mb']:.0f} MB",
                "< 500 MB",
                _verdict(row["peak_mb"] < TARGETS["notebook_mb"]),
            )
        )
    for name, row in result["widgets"].items():
        rows.append(
            (
                f"widget {name}: median update",
                f"{row['median_ms']:.0f} ms",
                f"< {row['target_ms']:.0f} ms",
                _verdict(row["median_ms"] < row["target_ms"]),
            )
        )
    for name, row in result["states"].items():
        rows.append(
            (
                f"static states {name}",
                f"{row['states']} states, {row['kb']:.0f} KB, {row['seconds']:.1f} s",
                "",
                "",
            )
        )
    total = sum(row["seconds"] for row in result["states"].values())
    rows.append(
        (
            "static states, all widgets: build time",
            f"{total:.1f} s",
            "< 60 s",
            _verdict(total < TARGETS["states_s"]),
        )
    )
    heaviest = max(result["pages"], key=result["pages"].get)
    mb = result["pages"][heaviest] / 2**20
    rows.append(
        (
            f"heaviest page ({heaviest}), with images",
            f"{mb:.2f} MB",
            "<= 3 MB",
            _verdict(mb <= TARGETS["page_mb"]),
        )
    )
    mlp = result["mlp_vs_torch"]
    if "skipped" in mlp:
        rows.append(("MLP step vs PyTorch", "skipped", "", mlp["skipped"]))
    else:
        rows.append(
            (
                f"MLP step {mlp['network']}, batch {mlp['batch']}: numpy",
                f"{mlp['numpy_ms']:.3f} ms",
                "",
                "",
            )
        )
        rows.append(("MLP step: PyTorch (CPU, 1 thread)", f"{mlp['torch_ms']:.3f} ms", "", ""))
        rows.append(
            (
                "MLP step: numpy / PyTorch",
                f"{mlp['ratio']:.2f}x",
                "<= 1.5x",
                _verdict(mlp["ratio"] <= TARGETS["mlp_vs_torch"]),
            )
        )
    rbm = result["rbm_vs_sklearn"]
    rows.append(("RBM fit: lib.rbm (median)", f"{rbm['lib.rbm']['time_median_s']:.2f} s", "", ""))
    rows.append(("RBM fit: sklearn (median)", f"{rbm['sklearn']['time_median_s']:.2f} s", "", ""))
    rows.append(
        (
            "RBM pseudo-likelihood, ours - sklearn",
            f"{rbm['pseudo_likelihood_difference']:+.3f}",
            "",
            "",
        )
    )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(line.rstrip() for line in lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-build", action="store_true", help="no clean build; page weights from _build/html"
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument("--json", metavar="PATH", default=str(ROOT / "_build" / "bench.json"))
    args = parser.parse_args(argv)
    result = run(skip_build=args.skip_build, quick=args.quick)
    print(format_table(result))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2))
    print(f"\nwritten to {args.json}")


if __name__ == "__main__":
    main()
