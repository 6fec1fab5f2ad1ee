"""Test-wide setup: every test run, and every notebook kernel it starts, saves progress in a temporary place."""
import os
import tempfile


def pytest_configure(config):
    # Kernels started by nbval inherit these, so running the tests never touches a learner's real progress.
    os.environ["TWOPOWERS_PROGRESS_DIR"] = tempfile.mkdtemp(prefix="twopowers-progress-")
    os.environ["TWOPOWERS_EXPORT_DIR"] = tempfile.mkdtemp(prefix="twopowers-exports-")
