"""Inside one process a brief's data is validated where it is made and passed on as models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from a2a_mcp.client import InProcessClient
from a2a_mcp.client.base import CallOptions
from video_generator.agents.orchestrator import Orchestrator, brief_for_request
from video_generator.app.runtime import build_specialists
from video_generator.request import VideoRequest
from video_generator.settings import Settings

BRIEF = "a 30 second TikTok and YouTube Short about sourdough starters for beginners"


class RecordingClient(InProcessClient):
    """The in-process transport, keeping what each skill got and gave."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(build_specialists(settings))
        self.calls: list[tuple[str, Any, BaseModel]] = []

    async def call(
        self,
        agent: str,
        skill: str,
        input: Any,
        on_progress: Any = None,
        options: CallOptions | None = None,
    ) -> BaseModel:
        output = await super().call(agent, skill, input, on_progress, options)
        self.calls.append((skill, input, output))
        return output

    def outputs(self, skill: str) -> list[BaseModel]:
        return [output for name, _, output in self.calls if name == skill]

    def inputs(self, skill: str) -> list[Any]:
        return [given for name, given, _ in self.calls if name == skill]


async def test_each_agents_output_reaches_the_next_nodes_and_the_package_as_made() -> None:
    settings = Settings()
    client = RecordingClient(settings)
    orchestrator = Orchestrator(client, settings=settings)
    package = await orchestrator.run("make_video", VideoRequest(brief=BRIEF, no_cache=True))
    (script,) = client.outputs("write_script")
    (storyboard,) = client.outputs("design_storyboard")
    (timing,) = client.outputs("plan_timing")
    cuts = client.outputs("adapt_cut")
    # The same objects, not copies made by a JSON round trip and a second validation.
    assert package.script is script
    assert package.storyboard is storyboard and package.timing is timing
    assert sorted(map(id, package.cuts)) == sorted(map(id, cuts)) and len(cuts) == 2
    for skill in ("design_storyboard", "plan_timing", "adapt_cut"):
        for given in client.inputs(skill):
            assert given["script"] is script, skill
    for given in client.inputs("adapt_cut"):
        assert given["storyboard"] is storyboard and given["timing"] is timing
    assert package.quality.passed, package.quality.failures()


async def test_a_skill_takes_the_wires_json_or_models_alike() -> None:
    """Over A2A a skill gets JSON (validated into models at the boundary); in process the
    models themselves: the same answer either way."""
    settings = Settings()
    (writer, designer, *_) = build_specialists(settings)
    client = InProcessClient([writer, designer])
    brief = brief_for_request(VideoRequest(brief=BRIEF), settings.words_per_minute)
    script = await client.call("script_writer", "write_script", {"brief": brief})
    as_json = {"script": script.model_dump(mode="json"), "brief": brief.model_dump(mode="json")}
    storyboard = await client.call("scene_designer", "design_storyboard", as_json)
    again = await client.call(
        "scene_designer", "design_storyboard", {"script": script, "brief": brief}
    )
    assert storyboard.model_dump() == again.model_dump()
