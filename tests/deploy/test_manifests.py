"""deploy/: the Kubernetes manifests and the compose file, loaded with PyYAML and checked: made
from the agent cards (no drift), every Deployment probed on /health/ready with resources,
Services that select their pods on the right ports, agent URLs for the registry, autoscalers
that name a Deployment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from a2a_mcp.registry import AgentRegistry
from video_generator.settings import AGENT_URLS_PREFIX, agent_urls_variable

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def card_ports() -> dict[str, int]:
    ports = {}
    for path in (ROOT / "agents").glob("*.json"):
        card = json.loads(path.read_text())
        ports[card["name"]] = urlparse(card["url"]).port
    return ports


@pytest.fixture(scope="module")
def k8s() -> list[dict[str, Any]]:
    docs = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        docs.extend(doc for doc in yaml.safe_load_all(path.read_text()) if doc)
    return docs


def of_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def test_the_files_are_what_the_generator_writes() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "deploy_manifests.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_every_deployment_is_probed_and_sized(k8s: list[dict[str, Any]]) -> None:
    deployments = of_kind(k8s, "Deployment")
    assert {"orchestrator", "script-writer", "render-worker", "redis", "postgres"} <= set(
        deployments
    )
    for name, deployment in deployments.items():
        spec = deployment["spec"]
        labels = spec["template"]["metadata"]["labels"]
        assert spec["selector"]["matchLabels"] == labels, name
        for container in spec["template"]["spec"]["containers"]:
            ports = {port["containerPort"] for port in container["ports"]}
            for probe in ("readinessProbe", "livenessProbe"):
                check = container[probe]
                target = check.get("httpGet") or check.get("tcpSocket")
                assert target["port"] in ports, (name, probe)
            if container["image"].startswith("vidgen"):
                assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
                assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
            requests = container["resources"]["requests"]
            assert requests["cpu"] and requests["memory"], name
            assert container["resources"]["limits"]["memory"], name


def test_services_select_their_pods_on_the_agents_ports(k8s: list[dict[str, Any]]) -> None:
    deployments = of_kind(k8s, "Deployment")
    services = of_kind(k8s, "Service")
    for agent, port in card_ports().items():
        name = agent.replace("_", "-")
        service = services[name]
        pod_labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= pod_labels.items()
        assert [(p["port"], p["targetPort"]) for p in service["spec"]["ports"]] == [(port, port)]
        container = deployments[name]["spec"]["template"]["spec"]["containers"][0]
        assert container["ports"][0]["containerPort"] == port
        assert container["args"][:2] == ["agent", agent]
        assert container["args"][container["args"].index("--port") + 1] == str(port)


def test_the_registry_reads_every_agent_from_the_config(k8s: list[dict[str, Any]]) -> None:
    config = of_kind(k8s, "ConfigMap")["vidgen-config"]["data"]
    services = of_kind(k8s, "Service")
    registry = AgentRegistry({}).with_env(config, prefix=AGENT_URLS_PREFIX)
    for agent, port in card_ports().items():
        assert agent_urls_variable(agent) in config
        (url,) = registry.urls(agent)
        parsed = urlparse(url)
        assert parsed.hostname in services and parsed.port == port
        # Every agent container gets the config, so the orchestrator sees these URLs.
        container = of_kind(k8s, "Deployment")[agent.replace("_", "-")]["spec"]["template"]
        env_from = container["spec"]["containers"][0]["envFrom"]
        assert {"configMapRef": {"name": "vidgen-config"}} in env_from
    assert config["VG_RENDER_QUEUE"].startswith("redis://redis:")
    assert "VG_TASK_DB" not in config  # the database password lives in the Secret


def test_autoscalers_and_shared_render_storage(k8s: list[dict[str, Any]]) -> None:
    deployments = of_kind(k8s, "Deployment")
    autoscalers = of_kind(k8s, "HorizontalPodAutoscaler")
    assert {"render-worker", "orchestrator"} <= set(autoscalers)
    for scaler in autoscalers.values():
        target = scaler["spec"]["scaleTargetRef"]
        assert target["kind"] == "Deployment" and target["name"] in deployments
        assert 1 <= scaler["spec"]["minReplicas"] <= scaler["spec"]["maxReplicas"]
    claim = of_kind(k8s, "PersistentVolumeClaim")["vidgen-renders"]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    for name in ("orchestrator", "render-worker"):
        pod = deployments[name]["spec"]["template"]["spec"]
        assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == "vidgen-renders"
        assert pod["containers"][0]["volumeMounts"][0]["mountPath"] == "/data/renders"


def test_compose_runs_the_mesh_on_one_host() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"redis", "postgres", "render-worker"} <= set(services)
    for agent, port in card_ports().items():
        service = services[agent.replace("_", "-")]
        assert service["command"][:2] == ["agent", agent]
        assert str(port) in " ".join(service["healthcheck"]["test"])
        env = service["environment"]
        for other, other_port in card_ports().items():
            parsed = urlparse(env[agent_urls_variable(other)])
            assert parsed.hostname in services and parsed.port == other_port
        assert env["VG_TASK_DB"].startswith("postgresql://") and "@postgres:" in env["VG_TASK_DB"]
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
    worker = services["render-worker"]
    assert worker["command"][0] == "worker" and "replicas" in worker["deploy"]
    assert (
        worker["environment"]["VG_RENDER_DIR"]
        == services["orchestrator"]["environment"]["VG_RENDER_DIR"]
    )
    assert services["orchestrator"]["ports"] == ["10100:10100"]
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["vidgen"]' in dockerfile
