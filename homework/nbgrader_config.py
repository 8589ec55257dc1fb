"""nbgrader settings for the course's homework; run nbgrader from this directory."""

c = get_config()  # noqa: F821 - nbgrader defines get_config when it loads this file

c.CourseDirectory.course_id = "weight-init-course"
# Every assignment runs in seconds; a submission stuck in a loop is stopped after a minute per
# cell, graded with a CellTimeoutError in that cell, and the next cells still run.
c.Execute.timeout = 60
