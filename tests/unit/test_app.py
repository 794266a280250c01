"""The composition root is the one place the API and the pages meet."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "seatledger"


def imported(path: Path) -> set[str]:
    """The seatledger (and framework) modules a file imports, by their dotted names."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def importers_of(package: str, prefix: str) -> list[str]:
    """Files under ``package`` that import anything under ``prefix``."""
    return sorted(
        str(path.relative_to(SOURCE))
        for path in (SOURCE / package).rglob("*.py")
        if any(name == prefix or name.startswith(prefix + ".") for name in imported(path))
    )


def test_the_api_knows_nothing_of_the_pages() -> None:
    assert importers_of("api", "seatledger.web") == []
    assert importers_of("api", "seatledger.app") == []


def test_the_pages_import_nothing_from_the_api() -> None:
    assert importers_of("web", "seatledger.api") == []
    assert importers_of("web", "seatledger.app") == []


def test_the_error_table_uses_no_web_framework() -> None:
    frameworks = ("fastapi", "starlette", "pydantic", "sqlalchemy", "jinja2")
    used = imported(SOURCE / "error_codes.py")

    assert [name for name in used if name.split(".")[0] in frameworks] == []


def test_one_database_dependency_serves_the_api_and_the_pages() -> None:
    defined = sorted(
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "DatabaseDep" for t in node.targets)
    )

    assert defined == ["dependencies.py"]
    assert importers_of("api", "seatledger.dependencies") != []
    assert importers_of("web", "seatledger.dependencies") != []
