"""The instructor's and maintainer's side of the course: not shipped in the student hand-out.

- ``exercise``: the Exercise model, built once from ``solutions/`` (questions, compiled tests, answer names,
  secret lines, prompts and rubrics); everything below reads it.
- ``release``: the learners' copies in ``exercises/`` and ``docs/rubrics.md``.
- ``grading``, ``sandbox``, ``gradebook``: grading a class.
- ``handout``: the student zip (no solutions, no hidden tests, none of this subpackage).
- ``lessons``, ``toolbox``, ``report``, ``notebooks``, ``site``, ``tally``: lesson time model and report,
  notebook refresh, the static site and the class tally.
- ``cli``: ``python -m twopowers COMMAND``.

Learners' notebooks import only the package top (``from twopowers import ...``).
"""
