"""nbgrader settings for the course's homework; run nbgrader from this directory."""

c = get_config()  # noqa: F821 - nbgrader defines get_config when it loads this file

c.CourseDirectory.course_id = "weight-init-course"
# Every assignment runs in seconds; a submission stuck in a loop is stopped after a minute per
# cell, graded with a CellTimeoutError in that cell, and the next cells still run.
c.Execute.timeout = 60

# nbgrader zip_collect ASSIGNMENT collects files downloaded from a learning platform
# (homework/README.md, step 4): put them, or the zip file they came in, into
# downloaded/ASSIGNMENT/archive/. Each file's full path is matched against this pattern, hence
# the leading ".*/": the file alice_12345_67890_initializers.ipynb (LATE_ after the name when
# late, -1 after the file name when resubmitted) goes to
# submitted/alice/ASSIGNMENT/initializers.ipynb.
c.ZipCollectApp.archive_directory = "archive"
c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[^/_]+)_(?:LATE_)?\d+_\d+_(?P<file_id>[^/]+?)(?:-\d+)?\.ipynb$"
)
