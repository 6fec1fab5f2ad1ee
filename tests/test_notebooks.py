"""`python3 course.py refresh` as a maintainer uses it: a fresh kernel, a new learner, no editor noise."""
import nbformat

from twopowers.teach.notebooks import refresh


def test_refresh_reruns_a_notebook_as_a_new_learner_and_strips_editor_noise(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TWOPOWERS_PROGRESS_DIR", str(tmp_path / "my-real-progress"))
    path = tmp_path / "lesson.ipynb"
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import os\nprint(os.environ['TWOPOWERS_PROGRESS_DIR'])",
                                         metadata={"tags": ["setup"], "collapsed": True, "scrolled": True}),
               nbformat.v4.new_code_cell("6 * 7", outputs=[nbformat.v4.new_output("stream", text="stale\n")])],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"},
                  "widgets": {"application/vnd.jupyter.widget-state+json": {}}, "toc": {"number_sections": True}})
    nbformat.write(nb, path)

    assert refresh([path]) == 0
    done = nbformat.read(path, as_version=4)
    printed = done.cells[0].outputs[0]["text"].strip()
    assert printed and "my-real-progress" not in printed, "the run saves into a temporary learner's folder"
    assert done.cells[1].outputs[0]["data"]["text/plain"] == "42", "outputs come from running the cell"
    assert set(done.metadata) == {"kernelspec", "language_info"}
    assert done.cells[0].metadata == {"tags": ["setup"]}
    assert "refreshed" in capsys.readouterr().out
    assert not (tmp_path / "my-real-progress").exists()


def test_each_kernel_that_refresh_starts_is_shut_down(tmp_path, monkeypatch):
    from jupyter_client.manager import AsyncKernelManager

    stopped = []
    original = AsyncKernelManager.shutdown_kernel

    async def spy(self, *args, **kwargs):
        stopped.append(self.connection_file)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(AsyncKernelManager, "shutdown_kernel", spy)
    paths = [tmp_path / "a.ipynb", tmp_path / "b.ipynb"]
    for path in paths:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nbformat.write(nb, path)
    refresh(paths)
    assert len(set(stopped)) == 2, "a kernel left running would hold its memory until the command ends"
