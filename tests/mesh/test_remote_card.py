"""make_remote resolves the orchestrator's card once per process, and forgets it when it is gone."""

from __future__ import annotations

from typing import Any

import pytest

from a2a_mcp.client import A2AClient, A2AClientSettings
from a2a_mcp.errors import AgentUnavailableError
from video_generator.app import remote
from video_generator.app.remote import make_remote
from video_generator.request import VideoRequest

BRIEF = "a 30-second TikTok about cold brew for busy parents, upbeat"


async def test_the_card_is_fetched_once_for_many_briefs(start_mesh, monkeypatch) -> None:
    fetched: list[str] = []
    fetch = A2AClient._fetch_card

    async def counting(self: A2AClient, agent: str, url: str) -> Any:
        fetched.append(agent)
        return await fetch(self, agent, url)

    monkeypatch.setattr(A2AClient, "_fetch_card", counting)
    monkeypatch.setattr(remote, "_CARDS", {})
    mesh = await start_mesh()
    url = mesh.url("orchestrator")
    first = await make_remote(VideoRequest(brief=BRIEF), url=url, pool=mesh.pool)
    second = await make_remote(VideoRequest(brief=BRIEF), url=url, pool=mesh.pool)
    assert first.quality.passed and second.quality.passed
    assert fetched.count("orchestrator") == 1
    assert remote._CARDS[(url,)].name == "orchestrator"


async def test_a_gone_orchestrator_is_forgotten(start_mesh, monkeypatch) -> None:
    monkeypatch.setattr(remote, "_CARDS", {})
    mesh = await start_mesh()
    url = mesh.url("orchestrator")
    await make_remote(VideoRequest(brief=BRIEF), url=url, pool=mesh.pool)
    assert (url,) in remote._CARDS
    await mesh.servers["orchestrator"][0].stop()
    quick = A2AClientSettings(health_interval_s=0, retry={"attempts": 1})
    with pytest.raises(AgentUnavailableError):
        await make_remote(VideoRequest(brief=BRIEF), url=url, pool=mesh.pool, settings=quick)
    assert (url,) not in remote._CARDS
