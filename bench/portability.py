"""Portability: does every printed number come out the same on every CPU?

Different CPUs run different kernels: OpenBLAS picks a matrix-product kernel for the CPU it
finds (SkylakeX, Haswell, Sandybridge, Zen, ...), and numpy picks SIMD versions of ``exp``,
``log1p``, ``tanh``... (AVX512 or not). They agree to the last few bits only, and a chaotic
computation (training from a bad init, a count of values just above a threshold) can turn
those bits into a different printed number: a test that fails on a reader's machine and a
sentence that a reader cannot reproduce.

This diagnostic executes every notebook in a fresh kernel under several *profiles* of this
machine (each forces other kernels through ``OPENBLAS_CORETYPE`` and
``NPY_DISABLE_CPU_FEATURES``) and compares every code cell's outputs with the committed ones,
the way strict nbval does (same sanitizers, images and widget views skipped). It prints each
cell that differs under any profile, with the lines that differ.

Run from the repository root (about two minutes per profile on two cores)::

    python -m bench.portability                       # every profile, every notebook
    python -m bench.portability chapters/07_comparison.ipynb --profiles default haswell

It is a tool for people writing chapters, not a CI step: CI must test the kernels its machine
picks. Exit status 1 when a cell differs or a notebook fails to run.
"""

import argparse
import difflib
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbval.plugin import (
    coalesce_streams,
    find_comment_markers,
    find_metadata_tags,
    get_sanitize_patterns,
)

ROOT = Path(__file__).resolve().parent.parent
SANITIZE_CONFIG = ROOT / "tests" / "nbval_sanitize.cfg"
#: What nbval leaves out of the comparison (images: it runs without ``--nbdime``).
SKIPPED_KEYS = {
    "metadata",
    "traceback",
    "prompt_number",
    "output_type",
    "name",
    "execution_count",
    "application/vnd.jupyter.widget-view+json",
    "image/png",
    "image/jpeg",
}
#: numpy's dispatch targets of x86-64-v3 (AVX2) and v4 (AVX512). Disabling them makes numpy's
#: ufuncs take the code path of a CPU without those extensions; only the targets this numpy
#: dispatches to on this CPU are passed (numpy refuses others).
AVX2_TARGETS = ("X86_V3", "AVX2", "FMA3", "AVX512F")
AVX512_TARGETS = ("X86_V4", "AVX512_SKX", "AVX512_CLX", "AVX512_CNL", "AVX512_ICL", "AVX512_SPR")
#: The cell appended to each notebook to report which kernels actually ran.
PROBE = (
    "import threadpoolctl as _t, numpy as _n\n"
    "from numpy._core._multiarray_umath import __cpu_features__ as _f\n"
    "_simd = 'AVX512' if _f.get('X86_V4') else 'AVX2' if _f.get('X86_V3') else 'SSE4'\n"
    "print(sorted({i.get('architecture') for i in _t.threadpool_info()} - {None}),"
    " f'numpy: {_simd}', end='')"
)


@dataclass(frozen=True)
class Profile:
    """A way to run this machine as another CPU would: environment variables for the kernel.

    ``blas_core`` is an ``OPENBLAS_CORETYPE`` (``None``: the one OpenBLAS picks here);
    ``numpy_off`` names numpy dispatch targets to disable (``NPY_DISABLE_CPU_FEATURES``).
    """

    name: str
    blas_core: str | None
    numpy_off: tuple[str, ...] = ()

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("NPY_DISABLE_CPU_FEATURES", None)
        if self.blas_core:
            env["OPENBLAS_CORETYPE"] = self.blas_core
        disabled = _dispatched(self.numpy_off)
        if disabled:
            env["NPY_DISABLE_CPU_FEATURES"] = " ".join(disabled)
        return env


#: OpenBLAS's distinct x86-64 double-precision kernels (others map onto these), alone and
#: with numpy's ufuncs on the matching instruction set.
PROFILES = {
    profile.name: profile
    for profile in (
        Profile("default", None),
        Profile("haswell", "Haswell"),
        Profile("sandybridge", "Sandybridge"),
        Profile("avx2-machine", "Haswell", AVX512_TARGETS),
        Profile("sse4-machine", "Nehalem", AVX512_TARGETS + AVX2_TARGETS),
        Profile("core2", "Core2", AVX512_TARGETS + AVX2_TARGETS),
    )
}


def _dispatched(targets: tuple[str, ...]) -> list[str]:
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    return [t for t in targets if t in __cpu_dispatch__ and __cpu_features__.get(t)]


def default_notebooks() -> list[Path]:
    """The chapters and the homework's source notebooks (their model answers)."""
    chapters = sorted((ROOT / "chapters").glob("*.ipynb"))
    homework = sorted((ROOT / "homework" / "source").glob("*/*.ipynb"))
    return chapters + homework


def _sanitize(text: str) -> str:
    for pattern, replacement in get_sanitize_patterns(SANITIZE_CONFIG.read_text()):
        text = re.sub(pattern, replacement, text)
    return text


def compared_text(outputs) -> str:
    """A cell's outputs as nbval compares them: streams merged by name, sanitized, no images."""
    parts = []
    for output in coalesce_streams([nbformat.from_dict(o) for o in outputs]):
        if output.output_type == "stream":
            parts.append(f"[{output.name}]\n{output.text}")
        elif output.output_type == "error":
            parts.append(f"[error] {output.ename}: {output.evalue}")
        for mime, value in sorted(output.get("data", {}).items()):
            if mime not in SKIPPED_KEYS:
                text = value if isinstance(value, str) else "".join(value)
                parts.append(f"[{mime}]\n{text}")
    return _sanitize("\n".join(parts))


def execute(notebook: Path, profile_name: str) -> tuple[list[str], str, str | None]:
    """Run ``notebook`` in a fresh kernel under a profile.

    Returns each code cell's compared text, what the probe saw, and an error message if a cell
    raised (the cells after it are then reported empty).
    """
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(
        nb, timeout=1200, kernel_name="python3", resources={"metadata": {"path": notebook.parent}}
    )
    error = None
    try:
        client.execute(env=PROFILES[profile_name].environment(), stderr=subprocess.DEVNULL)
    except CellExecutionError as exc:
        error = str(exc).strip().splitlines()[-1]
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    probe = "".join(o.get("text", "") for o in code[-1].outputs) or "probe did not run"
    return [compared_text(cell.outputs) for cell in code[:-1]], probe, error


def _compared_by_nbval(cell) -> bool:
    """False for cells that nbval runs without comparing (``nbval-ignore-output`` and kin)."""
    options = dict(find_metadata_tags(cell.metadata)) | dict(find_comment_markers(cell.source))
    return options.get("check", True)


def _line_diff(committed: str, produced: str, limit: int = 6) -> list[str]:
    lines = [
        line
        for line in difflib.unified_diff(
            committed.splitlines(), produced.splitlines(), lineterm="", n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    return lines[:limit] + (
        [f"  ... {len(lines) - limit} more lines"] if len(lines) > limit else []
    )


def report(notebooks: list[Path], profiles: list[str], jobs: int) -> int:
    """Run everything, print what differs; the number of differing cells and failed runs."""
    tasks = [(notebook, profile) for profile in profiles for notebook in notebooks]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = dict(
            zip(tasks, pool.map(execute, [n for n, _ in tasks], [p for _, p in tasks]), strict=True)
        )
    print(f"ran {len(tasks)} notebooks in {time.perf_counter() - started:.0f} s")
    for profile in profiles:
        probe = results[(notebooks[0], profile)][1]
        print(f"  profile {profile:<13} kernels seen: {probe}")

    problems = 0
    for notebook in notebooks:
        name = notebook.relative_to(ROOT)
        committed_cells = [
            cell for cell in nbformat.read(notebook, as_version=4).cells if cell.cell_type == "code"
        ]
        for profile in profiles:
            error = results[(notebook, profile)][2]
            if error:
                problems += 1
                print(f"\n{name}: FAILED to run under {profile}: {error}")
        for index, cell in enumerate(committed_cells):
            if cell.execution_count is None or not _compared_by_nbval(cell):
                continue
            committed = compared_text(cell.outputs)
            produced = {p: results[(notebook, p)][0][index] for p in profiles}
            differing = [p for p in profiles if produced[p] != committed]
            if not differing:
                continue
            problems += 1
            print(
                f"\n{name}::Cell {index} (In [{cell.execution_count}]) differs under: "
                + ", ".join(differing)
            )
            for profile in differing:
                print(f"  {profile}:")
                for line in _line_diff(committed, produced[profile]):
                    print(f"    {line}")
    verdict = "every cell agrees under every profile" if not problems else f"{problems} problems"
    print(f"\n{verdict}")
    return problems


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return int(text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: chapters and homework")
    parser.add_argument(
        "--profiles",
        nargs="+",
        choices=sorted(PROFILES),
        default=list(PROFILES),
        help="default: all of them",
    )
    parser.add_argument(
        "--jobs", type=_positive_int, default=os.cpu_count() or 1, help="notebooks at once"
    )
    args = parser.parse_args(argv)
    notebooks = [path.resolve() for path in args.notebooks] or default_notebooks()
    return 1 if report(notebooks, args.profiles, args.jobs) else 0


if __name__ == "__main__":
    sys.exit(main())
