"""Deployment files are valid and agree with the code: Kubernetes schemas, probes and limits, compose and
manifest environment variables that every service's settings class really reads, a non-root multi-stage image."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
SERVICES = ("scheduler", "notifier", "attendance", "dashboard")
NOT_SETTINGS = {"IOP_TOPIC_PREFIX"}  # read by the topic registry itself


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _manifests() -> list[tuple[Path, dict[str, Any]]]:
    base = K8S / "base"
    kustomization = yaml.safe_load((base / "kustomization.yaml").read_text())
    return [(base / name, doc) for name in kustomization["resources"] for doc in _docs(base / name)]


def env_names(settings: type[BaseSettings]) -> set[str]:
    """Every environment variable a settings class reads."""
    prefix = settings.model_config.get("env_prefix", "")
    names: set[str] = set()
    for field_name, field in settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, str):
            names.add(alias.upper())
        elif isinstance(alias, AliasChoices):
            names.update(str(c).upper() for c in alias.choices)
        else:
            names.add(f"{prefix}{field_name}".upper())
    return names


def _settings(service: str) -> type[BaseSettings]:
    module = importlib.import_module(f"iop_{service}.settings")
    cls: type[BaseSettings] = module.Settings
    return cls


@pytest.mark.parametrize(("path", "doc"), _manifests(), ids=lambda v: v.name if isinstance(v, Path) else v["kind"])
def test_every_manifest_validates_against_the_kubernetes_schema(path: Path, doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, desired_version="1.33", strict=True)


def test_every_service_has_a_deployment_with_probes_limits_pdb_hpa_and_non_root() -> None:
    by_kind: dict[str, set[str]] = {}
    for _, doc in _manifests():
        by_kind.setdefault(doc["kind"], set()).add(doc["metadata"]["name"])
        if doc["kind"] == "Deployment":
            pod = doc["spec"]["template"]["spec"]
            assert pod["securityContext"]["runAsNonRoot"] is True
            for c in pod["containers"]:
                assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
                assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
                assert {"cpu", "memory"} <= set(c["resources"]["requests"]) & set(c["resources"]["limits"])
    for kind in ("Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler"):
        assert set(SERVICES) <= by_kind[kind], kind
    assert "default-deny" in by_kind["NetworkPolicy"]


def test_production_overlay_patches_what_the_base_defines() -> None:
    overlay = K8S / "overlays" / "production"
    kustomization = yaml.safe_load((overlay / "kustomization.yaml").read_text())
    deployments = {d["metadata"]["name"] for _, d in _manifests() if d["kind"] == "Deployment"}
    for patch in kustomization["patches"]:
        if "path" in patch:
            for doc in _docs(overlay / patch["path"]):
                assert doc["metadata"]["name"] in deployments


@pytest.mark.parametrize("service", SERVICES)
def test_manifest_environment_is_read_by_the_service(service: str) -> None:
    known = env_names(_settings(service)) | NOT_SETTINGS
    config = {k for _, d in _manifests() if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "iop-common"
              for k in d["data"]}
    deployment = next(d for _, d in _manifests() if d["kind"] == "Deployment" and d["metadata"]["name"] == service)
    env = {e["name"] for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert (config | env) - known == set()


@pytest.mark.parametrize("service", SERVICES)
def test_compose_environment_is_read_by_the_service(service: str) -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert {"kafka", "postgres", "topics", *SERVICES} <= set(compose["services"])
    env = set(compose["services"][service]["environment"])
    assert env - env_names(_settings(service)) == set()
    assert compose["services"][service]["build"]["args"]["SERVICE"] == service


def test_dockerfile_is_multi_stage_non_root_locked_with_a_health_check() -> None:
    text = (ROOT / "deploy" / "docker" / "Dockerfile").read_text()
    assert text.count("\nFROM ") + text.startswith("FROM ") >= 2
    assert "uv sync --frozen" in text and "USER 10001" in text and "HEALTHCHECK" in text


@pytest.mark.parametrize("service", SERVICES)
def test_compose_migrates_each_service_in_its_own_image_before_it_starts(service: str) -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    step = compose[f"{service}-migrate"]
    assert step["build"]["args"]["SERVICE"] == service and step["command"] == [f"iop-{service}", "migrate"]
    assert step["environment"] == compose[service]["environment"]  # the same settings checks pass
    assert compose[service]["depends_on"][f"{service}-migrate"]["condition"] == "service_completed_successfully"
    for name, other in compose.items():  # no step runs another service's command in the wrong image
        command = " ".join(other.get("command") or [])
        if f"iop-{service} " in command + " ":
            assert other["build"]["args"]["SERVICE"] == service, name


def test_compose_and_kubernetes_run_as_production() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for service in SERVICES:
        assert compose[service]["environment"]["IOP_ENVIRONMENT"] == "production"
    common = next(d for _, d in _manifests() if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "iop-common")
    assert common["data"]["IOP_ENVIRONMENT"] == "production"


def test_every_configmap_and_secret_a_deployment_reads_is_declared_or_documented() -> None:
    configmaps = {d["metadata"]["name"]: d["data"] for _, d in _manifests() if d["kind"] == "ConfigMap"}
    readme = (ROOT / "README.md").read_text()
    for _, doc in _manifests():
        if doc["kind"] != "Deployment":
            continue
        for env in doc["spec"]["template"]["spec"]["containers"][0]["env"]:
            ref = env.get("valueFrom", {})
            if "configMapKeyRef" in ref:
                assert ref["configMapKeyRef"]["key"] in configmaps[ref["configMapKeyRef"]["name"]], env["name"]
            if "secretKeyRef" in ref:
                key = ref["secretKeyRef"]
                assert f"`{key['name']}` / `{key['key']}`" in readme, f"README lists the Secret of {env['name']}"
