"""The homework's nbgrader workflow, run end to end in a temporary course directory.

Every assignment under ``homework/source`` is turned into its student version, which must hold
no solution and no hidden test, and is autograded for three students: the solution (full
marks), the unmodified student version (zero, no crash) and a known mistake (it loses exactly
the points of the tests that should catch it). Three more submissions raise, flood the output
and loop forever: they are graded too, and no submitted file is ever modified.

Needs nbgrader (``pip install -r requirements-homework.txt``); skipped without it.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
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
class Submission:
    """A student's work: the solution with ``edit`` applied, and the tests it must fail."""

    assignment: str
    edit: Edit | None
    failed_tests: tuple[str, ...]


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


def answered(release: dict, source: dict, edit: Edit | None) -> dict:
    """The student version with every solution cell filled in as in the source."""
    answers = {nbgrader_meta(cell).get("grade_id"): cell for cell in source["cells"]}
    notebook = json.loads(json.dumps(release))
    for cell in notebook["cells"]:
        meta = nbgrader_meta(cell)
        if not meta.get("solution"):
            continue
        text = "".join(answers[meta["grade_id"]]["source"])
        text = "\n".join(line for line in text.splitlines() if line.strip() not in SOLUTION_MARKERS)
        cell["source"] = edit.apply(meta["grade_id"], text) if edit else text
    return notebook


def nbgrader(course: Path, *args: str) -> None:
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
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stderr[-3000:]}"


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
            work = release if submission is None else answered(release, source, submission.edit)
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


def test_every_assignment_has_a_known_mistake():
    assert set(MISTAKES) == set(ASSIGNMENTS)


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
