"""What a production start needs: image-like virtual environments and each service's environment as deploy/
and docker-compose.yml give it, with secrets from a test Secret (tests/e2e/fixtures/production-secrets.yaml)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S_BASE = ROOT / "deploy" / "k8s" / "base"
SECRETS = Path(__file__).parent / "fixtures" / "production-secrets.yaml"
PACKAGE = {"scheduler": "iop-scheduler", "notifier": "iop-notifier", "attendance": "iop-attendance",
           "dashboard": "iop-dashboard"}
_INTERPOLATION = re.compile(r"\$\{([A-Z0-9_]+)(?::([?-])([^}]*))?\}")


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def secret_values() -> dict[str, dict[str, str]]:
    """Secret name -> key -> value, from the test Secret."""
    return {d["metadata"]["name"]: dict(d["stringData"]) for d in _docs(SECRETS) if d["kind"] == "Secret"}




def kubernetes_env(service: str) -> dict[str, str]:
    """The container environment the Kubernetes base gives a service: envFrom ConfigMaps, then env."""
    kustomization = yaml.safe_load((K8S_BASE / "kustomization.yaml").read_text())
    docs = [d for name in kustomization["resources"] for d in _docs(K8S_BASE / name)]
    configmaps = {d["metadata"]["name"]: d["data"] for d in docs if d["kind"] == "ConfigMap"}
    secrets = secret_values()
    deployment = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == service)
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        env.update({k: str(v) for k, v in configmaps[source["configMapRef"]["name"]].items()})
    for item in container["env"]:
        ref = item.get("valueFrom", {})
        if "secretKeyRef" in ref:
            env[item["name"]] = secrets[ref["secretKeyRef"]["name"]][ref["secretKeyRef"]["key"]]
        elif "configMapKeyRef" in ref:
            env[item["name"]] = str(configmaps[ref["configMapKeyRef"]["name"]][ref["configMapKeyRef"]["key"]])
        else:
            env[item["name"]] = str(item["value"])
    return env


def _interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error} (the forms docker-compose.yml uses)."""
    def one(match: re.Match[str]) -> str:
        name, kind, rest = match.groups()
        if variables.get(name):
            return variables[name]
        if kind == "?":
            raise AssertionError(f"compose requires {name}: {rest}")
        return rest or ""
    return _INTERPOLATION.sub(one, value)


def compose_service(name: str) -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"][name])


def compose_env(service: str) -> dict[str, str]:
    """The environment docker-compose.yml gives a service, with the test Secret as its `.env`."""
    variables = secret_values()["compose-env"]
    return {k: _interpolate(str(v), variables) for k, v in compose_service(service)["environment"].items()}


def image_command(service: str) -> list[str]:
    """The Dockerfile's CMD, in exec form, and the environment its ENV lines give the image."""
    text = (ROOT / "deploy" / "docker" / "Dockerfile").read_text()
    cmd = next(line for line in text.splitlines() if line.startswith("CMD "))
    return [part.replace("${SERVICE}", service) for part in json.loads(cmd.removeprefix("CMD "))]


def image_env(service: str, venv: Path) -> dict[str, str]:
    """ENV of the runtime stage (PATH to the venv first, SERVICE, unbuffered output); nothing of this shell."""
    return {"PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin", "SERVICE": service, "PYTHONUNBUFFERED": "1",
            "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}


def build_venv(package: str, target: Path) -> Path:
    """The Dockerfile's `uv sync --frozen --no-dev --no-editable --package ...`, into `target`."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["UV_PROJECT_ENVIRONMENT"] = str(target)
    dockerfile = (ROOT / "deploy" / "docker" / "Dockerfile").read_text()
    line = next(x for x in dockerfile.splitlines() if x.startswith("RUN uv sync"))
    argv = [a.replace("iop-${SERVICE}", package) for a in shlex.split(line.removeprefix("RUN "))]
    # uv caches a local package's wheel by its pyproject.toml, so a warm cache would install yesterday's code;
    # a docker build has no cache and always builds the workspace fresh. Dependencies still come from the lock.
    argv += [flag for member in ("iop-shared", package) for flag in ("--reinstall-package", member)]
    subprocess.run(argv, cwd=ROOT, env=env, check=True, capture_output=True, timeout=600)
    return target


class _Venvs(dict[str, Path]):
    """Service -> its image-like venv, built on first use."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def __missing__(self, service: str) -> Path:
        self[service] = build_venv(PACKAGE[service], self.root / service)
        return self[service]


@pytest.fixture(scope="session")
def image_venvs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One image-like virtual environment per service, built once per test session and reused."""
    return _Venvs(tmp_path_factory.mktemp("image-venvs"))


@pytest.fixture(scope="session")
def deploy() -> SimpleNamespace:
    """The deploy-file readers above, for the tests (conftest modules are not importable by name)."""
    return SimpleNamespace(secret_values=secret_values, kubernetes_env=kubernetes_env, compose_env=compose_env,
                           compose_service=compose_service, image_command=image_command, image_env=image_env)
