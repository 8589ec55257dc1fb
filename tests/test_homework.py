"""The homework's nbgrader workflow, run end to end in a temporary course directory.

Every assignment under ``homework/source`` is turned into its student version, which must hold
no solution and no hidden test, and is autograded for four students: the solution (full
marks), the unmodified student version (zero, no crash), a known mistake (it loses exactly
the points of the tests that should catch it) and a wrapper (every function written as a call
to the course's reference implementation in ``lib``: zero on exactly those items). More
submissions raise, flood the output, loop forever, or make the mistakes whose feedback is
checked: they are graded too, and no submitted file is ever modified. The feedback nbgrader
generates must show each check's message, not a traceback through ``lib``. Last, the guide's
``zip_collect`` example is run as written.

Needs nbgrader (``pip install -r requirements-homework.txt``); skipped without it.
"""

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")

from nbgrader.api import Gradebook  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HOMEWORK = ROOT / "homework"
ASSIGNMENTS = sorted(path.name for path in (HOMEWORK / "source").iterdir() if path.is_dir())
#: Per-cell time limit here: far above any assignment's slowest cell, short enough that the
#: looping submission costs little.
CELL_TIMEOUT = 20
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


@dataclass(frozen=True)
class Edit:
    """A change to one solution cell: replace ``old`` by ``new`` in the source's answer."""

    cell: str
    old: str
    new: str

    def apply(self, grade_id: str, text: str) -> str:
        if grade_id != self.cell:
            return text
        assert self.old in text, f"{self.old!r} is not in cell {self.cell!r}"
        return text.replace(self.old, self.new)


@dataclass(frozen=True)
class Replace:
    """A solution cell's whole answer replaced by ``new``."""

    cell: str
    new: str

    def apply(self, grade_id: str, text: str) -> str:
        return self.new if grade_id == self.cell else text


@dataclass(frozen=True)
class Submission:
    """A student's work: the solution with ``edit`` (one change or several) applied, and the
    tests it must fail."""

    assignment: str
    edit: Edit | Replace | tuple[Edit | Replace, ...] | None
    failed_tests: tuple[str, ...]

    def apply(self, grade_id: str, text: str) -> str:
        edits = self.edit if isinstance(self.edit, tuple) else (self.edit,)
        for edit in edits:
            text = edit.apply(grade_id, text) if edit else text
        return text


#: The typical mistake of each assignment and the test cells that catch it.
MISTAKES = {
    "hw1_initializers": Submission(
        "hw1_initializers",
        Edit("he_normal", "np.sqrt(2 / fan_in)", "2 / np.sqrt(fan_in)"),
        ("test_he_normal",),
    ),
    "hw2_diagnose": Submission(
        "hw2_diagnose",
        Edit("fixed_b", "np.prod(shape[:-2]) * shape[-2]", "np.prod(shape[:-2]) * shape[-1]"),
        ("test_fixed_b",),
    ),
    "hw3_rbm": Submission(
        "hw3_rbm",
        Edit("free_energy", "return -v @ visible_bias", "return v @ visible_bias"),
        ("test_free_energy",),
    ),
}

#: Every function of each assignment written as a wrapper around the course's reference
#: implementation, in the ways a student might reach it (a call through the module, a name
#: imported from it, the function itself, ``get``, ``std_of``, ``functools.partial``, an RBM
#: method). Each must score 0 on exactly its own item, and nothing else may change.
WRAPPERS = {
    "hw1_initializers": Submission(
        "hw1_initializers",
        (
            Replace(
                "fans",
                "import lib.initializers\n\n\n"
                "def fans(shape):\n"
                "    return lib.initializers.fans(shape)\n",
            ),
            Replace(
                "lecun_normal",
                "def lecun_normal(shape, rng=None):\n"
                "    return lib.initializers.lecun_normal(shape, rng=rng)\n",
            ),
            Replace("lecun_uniform", "from lib.initializers import lecun_uniform\n"),
            Replace(
                "xavier_normal",
                "def xavier_normal(shape, rng=None):\n"
                '    return lib.initializers.get("xavier_normal")(shape, rng=rng)\n',
            ),
            Replace("xavier_uniform", "xavier_uniform = lib.initializers.xavier_uniform\n"),
            Replace(
                "he_normal",
                "def he_normal(shape, rng=None):\n"
                "    rng = np.random.default_rng(rng)\n"
                '    std = lib.initializers.std_of("he_normal", shape)\n'
                "    return rng.normal(0.0, std, size=shape)\n",
            ),
        ),
        (
            "test_fans",
            "test_lecun_normal",
            "test_lecun_uniform",
            "test_xavier_normal",
            "test_xavier_uniform",
            "test_he_normal",
        ),
    ),
    "hw2_diagnose": Submission(
        "hw2_diagnose",
        (
            Replace(
                "broken_a",
                "from lib import initializers\n\n\ndef broken_init_a(shape, rng=None):\n"
                "    return np.sqrt(2) * initializers.he_normal(shape, rng=rng)\n",
            ),
            Replace("fixed_a", "fixed_init_a = initializers.he_normal\n"),
            Replace(
                "broken_b",
                "def broken_init_b(shape, rng=None):\n"
                '    return initializers.he_normal(shape, mode="fan_out", rng=rng)\n',
            ),
            Replace(
                "fixed_b",
                "def fixed_init_b(shape, rng=None):\n"
                "    return initializers.he_normal(shape, rng=rng)\n",
            ),
            Replace(
                "broken_c",
                "import functools\n\n"
                "broken_init_c = functools.partial(initializers.normal, std=1.0)\n",
            ),
            Replace("fixed_c", "from lib.initializers import xavier_normal as fixed_init_c\n"),
        ),
        (
            "test_broken_a",
            "test_fixed_a",
            "test_broken_b",
            "test_fixed_b",
            "test_broken_c",
            "test_fixed_c",
        ),
    ),
    "hw3_rbm": Submission(
        "hw3_rbm",
        (
            Replace(
                "free_energy",
                "def free_energy(v, W, visible_bias, hidden_bias):\n"
                "    return RBM.from_parameters(W, visible_bias, hidden_bias).free_energy(v)\n",
            ),
            Replace(
                "cd1_update",
                "def cd1_update(W, visible_bias, hidden_bias, v0, lr, rng):\n"
                "    machine = RBM.from_parameters(W, visible_bias, hidden_bias)\n"
                "    steps = machine.cd_gradients(v0, k=1, rng=rng)\n"
                "    old = (W, visible_bias, hidden_bias)\n"
                "    return tuple(p + lr * s for p, s in zip(old, steps))\n",
            ),
        ),
        # The training cell uses the student's cd1_update as told, so it keeps its points.
        ("test_free_energy", "test_cd1_update"),
    ),
}

#: Failures whose feedback the tests read: (assignment, student, test cell) -> what the message
#: must say. A wrong diagnosis in homework 2 names the init the student's behaves like, and
#: He's std on a sigmoid network is named as He's (not as wrong fans).
FEEDBACK = {
    ("hw1_initializers", "mistake", "test_he_normal"): (
        "Likely mistake: 2/sqrt(fan_in) instead of sqrt(2/fan_in)"
    ),
    ("hw1_initializers", "wrapper", "test_xavier_normal"): (
        "calls lib.initializers.registry.get from the course package"
    ),
    ("hw2_diagnose", "mistake", "test_fixed_b"): "Likely mistake: fans swapped",
    ("hw2_diagnose", "diagnosis", "test_broken_a"): (
        "Likely mistake: your init behaves like LeCun's 1 / sqrt(fan_in)"
    ),
    ("hw2_diagnose", "diagnosis", "test_fixed_c"): (
        "Likely mistake: that is He's sqrt(2 / fan_in), made for ReLU networks"
    ),
    ("hw3_rbm", "mistake", "test_free_energy"): (
        "Likely mistake: the sign of the visible-bias term is flipped"
    ),
}
#: Homework 2's wrong diagnosis (LeCun's std for network A) and He's std for the sigmoid network.
DIAGNOSIS = Submission(
    "hw2_diagnose",
    (
        Edit("broken_a", "2 / np.sqrt(fan_in)", "1 / np.sqrt(fan_in)"),
        Edit("fixed_c", "np.sqrt(2 / (fan_in + fan_out))", "np.sqrt(2 / fan_in)"),
    ),
    ("test_broken_a", "test_fixed_c"),
)

#: Submissions that misbehave. The loop and the exception sit in cells before others, so the
#: other tests passing shows that grading carried on after them.
MISBEHAVING = {
    "raises": Submission(
        "hw1_initializers",
        Edit(
            "xavier_normal",
            "def xavier_normal",
            'raise RuntimeError("not done")\n\n\ndef xavier_normal',
        ),
        ("test_xavier_normal",),
    ),
    "floods_output": Submission(
        "hw1_initializers",
        Edit(
            "fans",
            "def fans",
            'for line in range(50_000):\n    print("debug", line, "=" * 60)\n\n\ndef fans',
        ),
        (),
    ),
    "loops_forever": Submission(
        "hw1_initializers",
        Edit("lecun_normal", "def lecun_normal", "while True:\n    pass\n\n\ndef lecun_normal"),
        ("test_lecun_normal",),
    ),
}


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text())


def nbgrader_meta(cell: dict) -> dict:
    return cell["metadata"].get("nbgrader", {})


def graded_test_ids(notebook: dict) -> list[str]:
    """grade_ids of the autograded test cells (graded code cells without a solution)."""
    return [
        nbgrader_meta(cell)["grade_id"]
        for cell in notebook["cells"]
        if nbgrader_meta(cell).get("grade") and not nbgrader_meta(cell).get("solution")
    ]


def regions(text: str, markers: tuple[str, str]) -> set[str]:
    """The lines between each pair of ``markers`` in ``text`` that occur nowhere else in it.

    (A line such as ``)`` may close a hidden test and a public one alike.)"""
    inside_lines, outside_lines, inside = set(), set(), False
    for line in text.splitlines():
        if line.strip() in markers:
            inside = line.strip() == markers[0]
        else:
            (inside_lines if inside else outside_lines).add(line.strip())
    return inside_lines - outside_lines - {""}


def answered(release: dict, source: dict, submission: Submission) -> dict:
    """The student version with every solution cell filled in as in the source, then edited."""
    answers = {nbgrader_meta(cell).get("grade_id"): cell for cell in source["cells"]}
    notebook = json.loads(json.dumps(release))
    for cell in notebook["cells"]:
        meta = nbgrader_meta(cell)
        if not meta.get("solution"):
            continue
        text = "".join(answers[meta["grade_id"]]["source"])
        text = "\n".join(line for line in text.splitlines() if line.strip() not in SOLUTION_MARKERS)
        cell["source"] = submission.apply(meta["grade_id"], text)
    return notebook


def nbgrader(course: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    # nbgrader runs the database migrations with the `alembic` script next to the interpreter.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if check:
        assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done


def digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@dataclass
class Course:
    root: Path
    scores: dict  # (assignment, student) -> {test cell grade_id: (score, max_score)}
    submitted_before: dict[str, str]

    def notebook(self, folder: str, assignment: str, student: str | None = None) -> Path:
        base = self.root / folder / (student or "") / assignment
        (path,) = base.glob("*.ipynb")
        return path


def submissions_of(assignment: str) -> dict[str, Submission | None]:
    """Student id -> submission; None is the unmodified student version."""
    students = {"solution": Submission(assignment, None, ()), "unmodified": None}
    if assignment in MISTAKES:
        students["mistake"] = MISTAKES[assignment]
    if assignment in WRAPPERS:
        students["wrapper"] = WRAPPERS[assignment]
    if assignment == DIAGNOSIS.assignment:
        students["diagnosis"] = DIAGNOSIS
    students.update(
        {name: sub for name, sub in MISBEHAVING.items() if sub.assignment == assignment}
    )
    return students


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(HOMEWORK / "source", root / "source")
    config = (HOMEWORK / "nbgrader_config.py").read_text()
    (root / "nbgrader_config.py").write_text(config + f"\nc.Execute.timeout = {CELL_TIMEOUT}\n")
    for assignment in ASSIGNMENTS:
        nbgrader(root, "generate_assignment", assignment)
        (source_path,) = (root / "source" / assignment).glob("*.ipynb")
        release_path = root / "release" / assignment / source_path.name
        source, release = read_notebook(source_path), read_notebook(release_path)
        for student, submission in submissions_of(assignment).items():
            folder = root / "submitted" / student / assignment
            folder.mkdir(parents=True)
            work = release if submission is None else answered(release, source, submission)
            (folder / source_path.name).write_text(json.dumps(work, indent=1))
    submitted_before = digests(root / "submitted")
    scores = {}
    for assignment in ASSIGNMENTS:
        nbgrader(root, "autograde", assignment, "--create")
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
            for student in submissions_of(assignment):
                submission = gradebook.find_submission(assignment, student)
                scores[assignment, student] = {
                    grade.name: (grade.score, grade.max_score)
                    for notebook in submission.notebooks
                    for grade in notebook.grades
                    if grade.cell.cell_type == "code"
                }
    return Course(root, scores, submitted_before)


def test_every_assignment_has_a_known_mistake_and_a_wrapper():
    assert set(MISTAKES) == set(ASSIGNMENTS)
    assert set(WRAPPERS) == set(ASSIGNMENTS)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_check_of_a_function_forbids_calls_into_lib(assignment):
    """Each graded check of a student's function runs with own_work=True, hidden ones too."""
    (path,) = (HOMEWORK / "source" / assignment).glob("*.ipynb")
    for cell in read_notebook(path)["cells"]:
        if nbgrader_meta(cell).get("grade_id") not in WRAPPERS[assignment].failed_tests:
            continue
        code = "\n".join(
            line for line in "".join(cell["source"]).splitlines() if not line.startswith("#")
        )
        calls = re.findall(r"checks\.check_\w+\(", code)
        assert len(calls) >= 2, code  # the public check and a hidden one
        assert code.count("own_work=True") == len(calls), code


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_version_has_no_solution_and_no_hidden_test(course, assignment):
    source = read_notebook(course.notebook("source", assignment))
    release_path = course.notebook("release", assignment)
    release = read_notebook(release_path)
    release_code = {
        line.strip()
        for cell in release["cells"]
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
    }
    release_text = release_path.read_text()
    source_text = "\n".join("".join(cell["source"]) for cell in source["cells"])
    solution_lines = regions(source_text, SOLUTION_MARKERS)
    hidden_lines = regions(source_text, HIDDEN_MARKERS)
    assert solution_lines and graded_test_ids(source)
    for marker in SOLUTION_MARKERS + HIDDEN_MARKERS:
        assert marker not in release_text
    for line in sorted(solution_lines | hidden_lines):
        assert line not in release_code, f"{line!r} leaked into the student version"
    for cell in release["cells"]:
        if nbgrader_meta(cell).get("solution") and cell["cell_type"] == "markdown":
            assert "".join(cell["source"]).strip() == "YOUR ANSWER HERE"
    assert graded_test_ids(release) == graded_test_ids(source)
    assert all(not cell.get("outputs") for cell in release["cells"])


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_gets_full_marks(course, assignment):
    scores = course.scores[assignment, "solution"]
    assert set(scores) == set(graded_test_ids(read_notebook(course.notebook("source", assignment))))
    assert all(score == maximum > 0 for score, maximum in scores.values()), scores


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_unmodified_student_version_gets_zero(course, assignment):
    scores = course.scores[assignment, "unmodified"]
    assert scores and all(score == 0 for score, _ in scores.values()), scores
    assert course.notebook("autograded", assignment, "unmodified").exists()


def failed(scores: dict) -> set[str]:
    assert all(score in (0, maximum) for score, maximum in scores.values()), scores
    return {name for name, (score, maximum) in scores.items() if score < maximum}


@pytest.mark.parametrize("assignment", sorted(MISTAKES))
def test_known_mistake_loses_exactly_the_points_of_its_tests(course, assignment):
    scores = course.scores[assignment, "mistake"]
    assert failed(scores) == set(MISTAKES[assignment].failed_tests)


@pytest.mark.parametrize("student", sorted(MISBEHAVING))
def test_misbehaving_submission_is_graded(course, student):
    assignment = MISBEHAVING[student].assignment
    assert failed(course.scores[assignment, student]) == set(MISBEHAVING[student].failed_tests)
    autograded = course.notebook("autograded", assignment, student)
    # nbgrader keeps at most 1000 lines of each cell's output.
    assert autograded.stat().st_size < 500_000


def test_timeout_is_reported_in_the_looping_cell(course):
    autograded = read_notebook(course.notebook("autograded", "hw1_initializers", "loops_forever"))
    (cell,) = [c for c in autograded["cells"] if nbgrader_meta(c).get("grade_id") == "lecun_normal"]
    assert any(output.get("ename") == "CellTimeoutError" for output in cell["outputs"])


def test_submitted_files_are_never_modified(course):
    assert digests(course.root / "submitted") == course.submitted_before


@pytest.mark.parametrize("assignment", sorted(WRAPPERS))
def test_wrappers_around_lib_score_zero_on_exactly_their_items(course, assignment):
    wrapper = WRAPPERS[assignment]
    assert failed(course.scores[assignment, "wrapper"]) == set(wrapper.failed_tests)
    # They fail because they call lib, not for any other error: each message names the call.
    autograded = read_notebook(course.notebook("autograded", assignment, "wrapper"))
    for test in wrapper.failed_tests:
        error = error_output(autograded, test)
        assert error["ename"] == "CheckFailed", error
        assert "from the course package" in error["evalue"] or "course's own" in error["evalue"]
        assert "scores 0 for this item" in error["evalue"]


def test_diagnosis_mistakes_lose_exactly_their_points(course):
    assert failed(course.scores["hw2_diagnose", "diagnosis"]) == set(DIAGNOSIS.failed_tests)


ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: What a traceback through the grader's files would show.
GRADER_TRACES = ("Traceback (most recent call last)", "lib/checks", str(ROOT / "lib"), "File ")


def error_output(notebook: dict, grade_id: str) -> dict:
    (cell,) = [c for c in notebook["cells"] if nbgrader_meta(c).get("grade_id") == grade_id]
    (error,) = [output for output in cell["outputs"] if output["output_type"] == "error"]
    return error


@pytest.mark.parametrize(("assignment", "student", "test"), sorted(FEEDBACK))
def test_a_failed_check_shows_its_message_without_a_traceback(course, assignment, student, test):
    error = error_output(read_notebook(course.notebook("autograded", assignment, student)), test)
    shown = ANSI.sub("", "\n".join(error["traceback"]))
    assert error["ename"] == "CheckFailed"
    assert FEEDBACK[assignment, student, test] in shown
    assert shown.startswith("CheckFailed: ")
    # The message and nothing else: no frame of the test cell or of lib.
    assert shown.count("\n") == error["evalue"].count("\n"), shown
    for trace in GRADER_TRACES:
        assert trace not in shown, shown


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_an_unfinished_function_shows_the_students_frame_not_the_graders(course, assignment):
    autograded = read_notebook(course.notebook("autograded", assignment, "unmodified"))
    unfinished = 0
    for test in graded_test_ids(autograded):
        (cell,) = [c for c in autograded["cells"] if nbgrader_meta(c).get("grade_id") == test]
        errors = [output for output in cell["outputs"] if output["output_type"] == "error"]
        if not errors or errors[0]["ename"] != "NotImplementedError":
            continue  # a cell that reads a variable the student never set
        shown = ANSI.sub("", "\n".join(errors[0]["traceback"]))
        assert "skipping hidden" in shown and "raise NotImplementedError()" in shown
        assert "lib/checks" not in shown and "lib/propagation" not in shown, shown
        unfinished += 1
    assert unfinished >= 2


@pytest.fixture(scope="module")
def feedback(course) -> Path:
    for assignment in ASSIGNMENTS:
        nbgrader(course.root, "generate_feedback", assignment)
    return course.root / "feedback"


def html_text(path: Path) -> str:
    """The text of an HTML page, tags removed and white space collapsed."""
    page = path.read_text()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


@pytest.mark.parametrize(("assignment", "student", "test"), sorted(FEEDBACK))
def test_feedback_shows_the_message_not_the_graders_files(feedback, assignment, student, test):
    (page,) = (feedback / student / assignment).glob("*.html")
    text = html_text(page)
    assert " ".join(FEEDBACK[assignment, student, test].split()) in text
    assert "CheckFailed:" in text
    for trace in GRADER_TRACES[:3]:
        assert trace not in text


# --- zip_collect: the guide's worked example ------------------------------------------------

#: The files of the guide's example, in the style of a learning platform's bulk download, and
#: the student each belongs to.
ZIP_EXAMPLE = {
    "alice_12345_67890_initializers.ipynb": "alice",
    "bob_LATE_12346_67891_initializers.ipynb": "bob",
    "carol_12347_67892_initializers-1.ipynb": "carol",
}


def course_config() -> dict:
    """The settings homework/nbgrader_config.py makes, as nbgrader reads them."""
    from traitlets.config import Config

    config = Config()
    exec((HOMEWORK / "nbgrader_config.py").read_text(), {"get_config": lambda: config})
    return config


def submission_of(release: dict, student: str) -> str:
    notebook = json.loads(json.dumps(release))
    notebook["metadata"]["submitted_by"] = student  # tells the files apart
    return json.dumps(notebook, indent=1)


def test_zip_collect_runs_as_the_guide_says(tmp_path):
    guide = (HOMEWORK / "README.md").read_text()
    config = course_config()
    pattern = config.FileNameCollectorPlugin.named_regexp
    # The guide shows the configuration, the folder, the file names and the commands used here.
    assert config.ZipCollectApp.archive_directory == "archive"
    assert 'c.ZipCollectApp.archive_directory = "archive"' in guide
    assert pattern and f'r"{pattern}"' in guide
    assert "downloaded/hw1_initializers/archive/" in guide
    for name in ZIP_EXAMPLE:
        assert name in guide
    for command in ("nbgrader zip_collect hw1_initializers", "nbgrader zip_collect --force"):
        assert command in guide

    course = tmp_path / "course"
    shutil.copytree(
        HOMEWORK / "source" / "hw1_initializers", course / "source" / "hw1_initializers"
    )
    shutil.copy(HOMEWORK / "nbgrader_config.py", course)
    nbgrader(course, "generate_assignment", "hw1_initializers")
    release = read_notebook(course / "release" / "hw1_initializers" / "initializers.ipynb")
    archive = course / "downloaded" / "hw1_initializers" / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "submissions.zip", "w") as download:
        for name, student in ZIP_EXAMPLE.items():
            download.writestr(name, submission_of(release, student))

    # The guide's command, then a rerun: refused without --force, done again with it.
    first = nbgrader(course, "zip_collect", "hw1_initializers")
    assert "3 files collected" in first.stderr
    check_collected(course / "submitted")
    refused = nbgrader(course, "zip_collect", "hw1_initializers", check=False)
    assert refused.returncode != 0 and "use the --force option" in refused.stderr
    again = nbgrader(course, "zip_collect", "--force", "hw1_initializers")
    assert "3 files collected" in again.stderr
    check_collected(course / "submitted")
    # Without the pattern nbgrader collects nothing, and says so only in a warning.
    silent = nbgrader(
        course,
        "zip_collect",
        "--force",
        "hw1_initializers",
        "--FileNameCollectorPlugin.named_regexp=",
    )
    assert silent.returncode == 0
    assert "0 files collected, 3 files skipped" in silent.stderr


def check_collected(submitted: Path) -> None:
    """Each student of the example has exactly their own notebook, under the released name."""
    assert sorted(path.name for path in submitted.iterdir()) == sorted(ZIP_EXAMPLE.values())
    for student in ZIP_EXAMPLE.values():
        folder = submitted / student / "hw1_initializers"
        notebooks = sorted(path.name for path in folder.glob("*.ipynb"))
        assert notebooks == ["initializers.ipynb"], notebooks
        notebook = read_notebook(folder / "initializers.ipynb")
        assert notebook["metadata"]["submitted_by"] == student


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_sites_student_version_is_what_nbgrader_releases(course, assignment):
    """The zip on the book's intro page holds the homework as ``_ext/downloads.student_version``
    makes it; cell by cell it must read as nbgrader's own release."""
    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        from downloads import student_version
    finally:
        sys.path.remove(str(ROOT / "_ext"))
    (source_path,) = (HOMEWORK / "source" / assignment).glob("*.ipynb")
    ours = student_version(read_notebook(source_path))
    nbgraders = read_notebook(course.root / "release" / assignment / source_path.name)
    assert len(ours["cells"]) == len(nbgraders["cells"])
    for mine, theirs in zip(ours["cells"], nbgraders["cells"], strict=True):
        assert "".join(mine["source"]).strip() == "".join(theirs["source"]).strip()
        assert mine.get("outputs", []) == [] and theirs.get("outputs", []) == []
