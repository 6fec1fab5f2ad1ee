"""The Python toolbox: every piece of Python and pandas a learner reads or writes in the course, and where
each one is first met.

``ENTRIES`` is the list, in the order the core path meets it; notebooks/toolbox.ipynb shows each entry with
one example (a code cell whose metadata names it: ``{"toolbox": "<id>"}``). ``idioms(code)`` reads a code
cell and names the entries it uses, so tests can hold two promises:

- every idiom a lesson, a Going further notebook or an exercise uses is an entry of the toolbox;
- a core lesson introduces at most two entries the lessons before it did not use, and names them in its
  objectives (by their ``title``).

The hidden setup cells are not read: learners run them but never need to read or change them. In the
exercises, the learner's answer cells and the tables they read are read; the teacher's check cells are not.
Calls to the course's own functions (``quiz``, ``table``, ``bar_chart`` ...) count as *call a function*:
what each does is in its own docstring and in the toolbox's list of course helpers.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Entry:
    id: str
    title: str  # the words a lesson's objectives and the toolbox's heading use to name it


ENTRIES = (  # in the order the core path 00, 01, ... brings them in; notebooks/toolbox.ipynb explains each
    Entry("arithmetic", "work out a number"),
    Entry("call", "call a function"),
    Entry("name", "keep a result under a name"),
    Entry("columns", "pick or add columns"),
    Entry("match", "keep the rows that match"),
    Entry("between", "keep the rows between two values"),
    Entry("count", "count each value"),
    Entry("rows", "count the rows"),
    Entry("total", "the total, smallest and largest of a column"),
    Entry("print", "print a result with words"),
    Entry("head", "the first rows"),
    Entry("isin", "keep the rows whose value is in a list"),
    Entry("sum_by", "add up by group"),
    Entry("year", "the year of a date"),
    Entry("sort", "sort the rows"),
    # met only in Going further notebooks and in exercises, in the order a class meets them:
    Entry("text", "work with text in a column"),
    Entry("one_value", "take one value out"),
    Entry("both", "two tests at once"),
    Entry("dates", "days between two dates by hand"),
    Entry("merge", "join two tables"),
    Entry("unique", "the different values"),
    Entry("crosstab", "count two columns against each other"),
    Entry("rename", "rename columns"),
    Entry("lists", "a list and a dictionary"),
    Entry("compare", "compare two numbers"),
    Entry("explode", "one row per item of a list"),
    Entry("label_rows", "label the rows that match"),
    Entry("new_table", "make a table of your own"),
)
BY_ID = {entry.id: entry for entry in ENTRIES}
PAGE = "toolbox.ipynb"  # in notebooks/: one example per entry

# pandas methods and attributes, by entry
METHODS = {
    "value_counts": "count", "isin": "isin", "between": "between", "groupby": "sum_by", "size": "sum_by",
    "sort_values": "sort", "sort_index": "sort", "sum": "total", "min": "total", "max": "total", "mean": "total",
    "head": "head", "tail": "head", "merge": "merge", "explode": "explode", "unique": "unique",
    "nunique": "unique", "tolist": "unique", "rename": "rename", "dropna": "match", "set_index": "one_value",
}
ATTRIBUTES = {"dt": "year", "year": "year", "days": "dates", "str": "text", "loc": "one_value",
              "iloc": "one_value", "index": "one_value"}
FUNCTIONS = {"len": "rows", "print": "print", "round": "arithmetic", "int": "arithmetic", "float": "arithmetic"}
PANDAS = {"DataFrame": "new_table", "crosstab": "crosstab", "Timestamp": "dates"}
COMPARISONS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)


class _Reader(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: set[str] = set()
        self.unknown: set[str] = set()

    def generic_visit(self, node):
        known = (ast.Module, ast.Expr, ast.Constant, ast.Load, ast.Store, ast.keyword, ast.operator,
                 ast.unaryop, ast.cmpop, ast.boolop, ast.expr_context, ast.Name, ast.Tuple,
                 ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.List, ast.Dict)  # each read by its visit_
        if not isinstance(node, known):
            self.unknown.add(type(node).__name__)
        super().generic_visit(node)

    def visit_Import(self, node):  # only in hidden setup cells, which are not read
        self.unknown.add("import")

    visit_ImportFrom = visit_Import

    def visit_Assign(self, node):
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.found.add("name")
            elif isinstance(target, ast.Tuple):
                self.unknown.add("several names at once (a, b = ...)")
            elif isinstance(target, ast.Subscript):
                inner = target.value
                if isinstance(inner, ast.Attribute) and inner.attr == "loc":
                    self.found.add("label_rows" if isinstance(target.slice, ast.Tuple) else "new_table")
                    self.visit(target.slice)
                    self.visit(inner.value)
                    continue
                self.found.add("columns")
                self.visit(target.value)
                self.visit(target.slice)
            else:
                self.unknown.add(type(target).__name__)
        self.visit(node.value)

    def visit_BinOp(self, node):
        if isinstance(node.op, (ast.BitAnd, ast.BitOr)):
            self.found.add("both")
        elif isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)):
            texts = [side for side in (node.left, node.right)
                     if isinstance(side, (ast.Constant, ast.JoinedStr)) and isinstance(getattr(side, "value", ""), str)]
            if texts:
                self.unknown.add("text joined with +")
            else:
                self.found.add("arithmetic")
        else:
            self.unknown.add(type(node.op).__name__)
        self.generic_visit(node)

    def visit_UnaryOp(self, node):
        if isinstance(node.op, (ast.Invert, ast.Not)):
            self.found.add("both")
        elif not (isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant)):
            self.unknown.add(type(node.op).__name__)
        self.generic_visit(node)

    def visit_BoolOp(self, node):
        self.found.add("both")
        self.generic_visit(node)

    def visit_Compare(self, node):
        if not all(isinstance(op, COMPARISONS) for op in node.ops):
            self.unknown.add("in/is")
        self.found.add("compare")
        self.generic_visit(node)

    def visit_Subscript(self, node):
        index = node.slice
        if isinstance(node.value, ast.Attribute) and node.value.attr in ("loc", "iloc", "str"):
            self.found.add("text" if node.value.attr == "str" else "one_value")
            self.visit(node.value.value)
            self.visit(index)
            return
        if isinstance(index, ast.List):  # table[["a", "b"]]
            self.found.add("columns")
            for item in index.elts:
                self.visit(item)
        elif isinstance(index, ast.Constant) and isinstance(index.value, str):  # table["a"]
            self.found.add("columns")
        elif isinstance(index, ast.Constant) and isinstance(index.value, int):
            self.found.add("one_value")
        else:  # table[test]
            self.found.add("match")
            tests = [index]
            while tests:  # a test inside table[...] is a row filter, not a comparison to read
                test = tests.pop()
                if isinstance(test, ast.Compare):
                    self.visit(test.left)
                    for part in test.comparators:
                        self.visit(part)
                    continue
                if isinstance(test, ast.BinOp) and isinstance(test.op, (ast.BitAnd, ast.BitOr)):
                    self.found.add("both")
                    tests += [test.left, test.right]
                    continue
                if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Invert):
                    self.found.add("both")
                    tests.append(test.operand)
                    continue
                self.visit(test)
        self.visit(node.value)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Name):
            self.found.add(FUNCTIONS.get(func.id, "call"))
        elif isinstance(func, ast.Attribute):
            owner = func.value
            if isinstance(owner, ast.Name) and owner.id == "pd":
                if func.attr in PANDAS:
                    self.found.add(PANDAS[func.attr])
                else:
                    self.unknown.add(f"pd.{func.attr}")
            elif isinstance(owner, ast.Attribute) and owner.attr == "str":
                self.found.add("text")
                self.visit(owner.value)
            elif func.attr in METHODS:
                self.found.add(METHODS[func.attr])
                self.visit(owner)
            else:
                self.unknown.add(f".{func.attr}()")
                self.visit(owner)
        else:
            self.unknown.add("call of " + type(func).__name__)
            self.visit(func)
        for argument in node.args:
            if isinstance(argument, ast.List) and isinstance(func, ast.Attribute) and func.attr in ("isin", "sort_values",
                                                                                                    "groupby"):
                for item in argument.elts:  # the list is part of the idiom: .isin(["a", "b"])
                    self.visit(item)
            else:
                self.visit(argument)
        for keyword in node.keywords:
            self.visit(keyword.value)

    def visit_Attribute(self, node):
        if node.attr in ATTRIBUTES:
            self.found.add(ATTRIBUTES[node.attr])
        elif not (isinstance(node.value, ast.Name) and node.value.id in ("pd", "plt")):
            self.unknown.add(f".{node.attr}")
        self.visit(node.value)

    def visit_List(self, node):
        self.found.add("lists")
        self.generic_visit(node)

    visit_Dict = visit_List

    def visit_JoinedStr(self, node):
        self.unknown.add("f-string")
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                self.visit(value.value)

    def visit_FormattedValue(self, node):
        self.visit(node.value)


def read(code: str) -> tuple[set[str], set[str]]:
    """The toolbox entries a piece of code uses, and what in it is not in the toolbox (an empty set if all is)."""
    reader = _Reader()
    reader.visit(ast.parse(code))
    return reader.found, reader.unknown


def idioms(code: str) -> set[str]:
    return read(code)[0]


def learner_code(path: Path) -> list[str]:
    """The code cells a learner reads in a notebook: not the hidden setup cell, and in an exercise not the
    teacher's check cells (an nbgrader cell with points)."""
    import nbformat

    cells = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code" or "setup" in cell.metadata.get("tags", []):
            continue
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("grade") or grading.get("grade_id") == "setup":
            continue
        cells.append(cell.source)
    return cells


def used(path: Path) -> set[str]:
    """Every toolbox entry a notebook's learner code uses."""
    return set().union(set(), *(idioms(code) for code in learner_code(path)))


def introduced() -> dict[str, list[str]]:
    """For each core notebook in course order (00, 01, ...), the entries it is the first to use."""
    from ..data import lesson_paths

    seen: set[str] = set()
    first: dict[str, list[str]] = {}
    for path in lesson_paths():
        new = used(path) - seen
        first[path.stem] = [entry.id for entry in ENTRIES if entry.id in new] + sorted(new - set(BY_ID))
        seen |= new
    return first


def exercise_paths() -> list[Path]:
    from .exercise import solution_notebooks

    return solution_notebooks()


def first_met() -> dict[str, str]:
    """Where a learner first meets each entry that the course uses: the core notebook that brings it in, else
    the first Going further notebook or exercise, in the order a class meets them (02g, ex02, 03g, ex03 ...)."""
    from ..data import going_further_paths, lesson_paths

    where: dict[str, str] = {}
    extra = sorted([*going_further_paths(), *exercise_paths()],  # 02g, ex02, 03g, ex03 ...: as a class meets them
                   key=lambda p: (p.stem.removeprefix("ex")[:2], p.stem.startswith("ex")))
    for path in [*lesson_paths(), *extra]:
        for entry in used(path):
            where.setdefault(entry, path.stem)
    return where


def place(stem: str) -> str:
    """How the toolbox names a notebook: "lesson 01", "Going further 02g" or "exercise 02"."""
    from ..data import is_going_further

    if stem.startswith("ex"):
        return f"exercise {stem[2:4]}"
    if is_going_further(stem):
        return f"Going further {stem[:3]}"
    return "Start here" if stem.startswith("00") else f"lesson {stem[:2]}"


def functions_called(path: Path) -> set[str]:
    """The names of the functions a notebook's learner code calls by name (quiz, table, len ...)."""
    names = set()
    for code in learner_code(path):
        names |= {node.func.id for node in ast.walk(ast.parse(code))
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    return names
