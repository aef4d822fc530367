"""The code's layout cannot rot: no import circle among the package's modules, no module over 450 lines.

An import counts wherever it is written, inside a function too: an import moved
into a function to dodge a circle is still a circle.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("binarydream", "alignment")
MAX_LINES = 450


def modules(root: Path, packages) -> dict:
    """``{dotted name: path}`` of every module under ``packages`` (a package by its ``__init__``)."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(found: dict) -> dict:
    """``{module: set of modules it imports}``, among ``found``, from every import statement anywhere in it."""
    graph = {}
    for name, path in found.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                # from a package import a module: the module; from a module import a name: the module
                targets.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in found else base
                               for alias in node.names)
        graph[name] = set()
        for target in targets:
            while target and target not in found:
                target = target.rpartition(".")[0]
            if target and target != name:
                graph[name].add(target)
    return graph


def circles(graph: dict) -> list[list[str]]:
    """The groups of modules that import each other, through any path (strongly connected, more than one)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return sorted(groups)


def test_the_checker_finds_a_circle_hidden_in_a_function_and_none_in_a_chain(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from .a import A\n")
    (package / "a.py").write_text("from .b import B\nA = 1\n")
    (package / "b.py").write_text("def f():\n    from .sub import c\nB = 2\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "c.py").write_text("def g():\n    from .. import a\n")
    (package / "d.py").write_text("import pkg.a\n")
    graph = imports(modules(tmp_path, ["pkg"]))
    assert graph["pkg.b"] == {"pkg.sub.c"} and graph["pkg.sub.c"] == {"pkg.a"} and graph["pkg.d"] == {"pkg.a"}
    assert circles(graph) == [["pkg.a", "pkg.b", "pkg.sub.c"]]
    (package / "sub" / "c.py").write_text("C = 3\n")
    assert circles(imports(modules(tmp_path, ["pkg"]))) == []


def test_no_module_imports_itself_back_through_others():
    assert circles(imports(modules(ROOT, PACKAGES))) == []


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_is_over_450_lines(package):
    sizes = {path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
             for path in (ROOT / package).rglob("*.py")}
    assert {path: n for path, n in sizes.items() if n > MAX_LINES} == {}
    assert len(sizes) > 20  # the package was found
