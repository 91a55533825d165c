"""vidgen's MCP tools, resources and prompt, through the SDK's in-memory client."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import anyio
from mcp import Client
from mcp_helpers import (
    FAST_RENDER,
    SHORT_BRIEF,
    ProgressLog,
    cancelled_calls,
    wait_cancelled,
)

from video_generator.mcp_server.models import PackageSummary
from video_generator.output.package import read_package

TOOLS = {
    "make_video",
    "plan_video",
    "estimate_cost",
    "render_package",
    "validate_package",
    "get_package",
    "list_platforms",
    "list_models",
    "list_voices",
    "cache_stats",
}


def packages_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/package.json"))


def resolved(path: Path) -> Path:
    return path.resolve()


def links(result: Any) -> dict[str, str]:
    """The result's resource links, by file name relative to the package."""
    return {
        block.uri.split("/", 4)[-1]: block.uri
        for block in result.content
        if block.type == "resource_link"
    }


async def test_every_tool_is_listed_with_schemas_and_a_description(vidgen_server: Any) -> None:
    async with Client(vidgen_server) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"
        assert len(tool.description or "") > 40, tool.name
    assert tools["list_platforms"].annotations.read_only_hint is True
    assert tools["make_video"].annotations.read_only_hint is False
    make = tools["make_video"].input_schema
    assert make["required"] == ["brief"]
    assert {"platforms", "length_s", "render", "render_options"} <= set(make["properties"])
    render_options = make["$defs"]["RenderRequest"]["properties"]
    assert {"full_res", "model", "budget_usd", "voice", "caption_style"} <= set(render_options)


async def test_make_video_streams_progress_and_returns_the_package(
    vidgen_server: Any, out_dir: Path, progress_log: ProgressLog
) -> None:
    async with Client(vidgen_server) as client:
        # no_cache: a cached brief answers at once, without a step to report.
        result = await client.call_tool(
            "make_video", {"brief": SHORT_BRIEF, "no_cache": True}, progress_callback=progress_log
        )
        assert not result.is_error, result.content[0].text
        summary = PackageSummary.model_validate(result.structured_content)
        script_uri = links(result)["script.md"]
        script = await client.read_resource(script_uri)
    folder = Path(summary.folder)
    assert folder.parent == resolved(out_dir)
    assert read_package(folder).script.title == summary.title
    assert [cut.platform for cut in summary.cuts] == ["tiktok"]
    assert summary.quality_passed and summary.quality_checks > 10
    # A notification per workflow step, climbing to 100 %.
    messages = " | ".join(progress_log.messages)
    for node in ("script", "scenes", "timing", "adapt[tiktok]", "package"):
        assert f"{node}: node_completed" in messages
    values = [value for value, _, _ in progress_log.seen]
    assert values == sorted(values) and values[-1] <= 100.0
    # Links to what people open, readable as resources.
    assert {"package.json", "script.md", "storyboard.html", "tiktok/captions.srt"} <= set(
        links(result)
    )
    assert script.contents[0].text == (folder / "script.md").read_text()


async def test_platforms_and_length_fields_win_over_the_brief(vidgen_server: Any) -> None:
    async with Client(vidgen_server) as client:
        result = await client.call_tool(
            "make_video",
            {"brief": SHORT_BRIEF, "platforms": ["youtube_shorts", "LinkedIn"], "length_s": 20},
        )
    summary = PackageSummary.model_validate(result.structured_content)
    assert [cut.platform for cut in summary.cuts] == ["youtube_shorts", "linkedin"]
    assert summary.brief.duration_s == 20
    assert "platforms" not in summary.brief.assumed


async def test_user_mistakes_are_tool_errors_with_the_cli_messages(
    vidgen_server: Any, out_dir: Path
) -> None:
    calls = {
        "no topic": ("make_video", {"brief": "hello"}),
        "unknown platform": ("make_video", {"brief": SHORT_BRIEF, "platforms": ["myspace"]}),
        "too long": ("make_video", {"brief": SHORT_BRIEF, "length_s": 4000}),
        "model without render": (
            "make_video",
            {"brief": SHORT_BRIEF, "render_options": {"model": "veo-3-fast"}},
        ),
        "budget without model": (
            "render_package",
            {"package": "x", "render_options": {"budget_usd": 2}},
        ),
        "unknown voice": (
            "make_video",
            {"brief": SHORT_BRIEF, "render": True, "render_options": {"voice": "nobody"}},
        ),
        "unknown model": ("estimate_cost", {"brief": SHORT_BRIEF, "model": "sora-9"}),
        "no package": ("get_package", {"package": "nothing-here"}),
        "outside": ("validate_package", {"package": "/etc"}),
        "unknown field": ("list_platforms", {"verbose": True}),
    }
    async with Client(vidgen_server) as client:
        results = {name: await client.call_tool(*call) for name, call in calls.items()}
    texts = {name: result.content[0].text for name, result in results.items()}
    for name, result in results.items():
        assert result.is_error, name
        assert "Traceback" not in texts[name]
    assert "Could not find what the video is about in the brief" in texts["no topic"]
    assert "Unknown platform(s): myspace" in texts["unknown platform"]
    assert "longer than every requested platform allows" in texts["too long"]
    assert (
        "render_options applies to the rendered video: set render to true"
        in (texts["model without render"])
    )
    assert "budget_usd applies to AI clips: set model too" in texts["budget without model"]
    assert "nobody" in texts["unknown voice"] and "voices" in texts["unknown voice"]
    assert "unknown fal model 'sora-9'" in texts["unknown model"]
    assert "no such folder" in texts["no package"]
    assert "not a package folder inside this server's package folder" in texts["outside"]
    assert "verbose" in texts["unknown field"]
    assert packages_in(out_dir) == []  # nothing was written


async def test_the_package_tools_read_what_make_video_wrote(vidgen_server: Any) -> None:
    async with Client(vidgen_server) as client:
        made = await client.call_tool("make_video", {"brief": SHORT_BRIEF})
        name = made.structured_content["package"]
        got = await client.call_tool("get_package", {"package": name, "include_package": True})
        valid = await client.call_tool("validate_package", {"package": name})
        cost = await client.call_tool(
            "estimate_cost", {"package": name, "model": "kling-2.1-standard", "budget_usd": 0.5}
        )
        plan = await client.call_tool("plan_video", {"brief": SHORT_BRIEF, "render": True})
        from_brief = await client.call_tool(
            "estimate_cost",
            {"brief": SHORT_BRIEF, "model": "veo-3-fast", "platforms": ["tiktok", "linkedin"]},
        )
    assert got.structured_content["detail"]["script"]["title"] == made.structured_content["title"]
    assert valid.structured_content["valid"] is True
    assert valid.structured_content["file_problems"] == []
    estimate = cost.structured_content
    assert estimate["estimate"]["total_usd"] > 0.5
    assert estimate["within_budget"] is False
    assert "over the budget of $0.50" in estimate["budget_note"]
    priced = [p["platform"] for p in from_brief.structured_content["estimate"]["platforms"]]
    assert priced == ["tiktok", "linkedin"]
    levels = plan.structured_content["levels"]
    assert levels[0] == ["script"] and levels[-1] == ["render"]
    assert "flowchart" in plan.structured_content["mermaid"]


async def test_registry_tools(vidgen_server: Any) -> None:
    async with Client(vidgen_server) as client:
        platforms = await client.call_tool("list_platforms", {})
        models = await client.call_tool("list_models", {})
        voices = await client.call_tool("list_voices", {"language": "en"})
        stats = await client.call_tool("cache_stats", {})
    ids = [p["id"] for p in platforms.structured_content["platforms"]]
    assert {"tiktok", "youtube_shorts", "instagram_reels"} <= set(ids)
    assert "kling-2.1-standard" in [m["id"] for m in models.structured_content["models"]]
    voice_list = voices.structured_content["voices"]
    assert voice_list, voices.structured_content["note"]
    defaults = [v for v in voice_list if v["default"]]
    assert len(defaults) == 1 and defaults[0]["language"].lower().startswith("en")
    assert {v["engine"] for v in voice_list} <= {"piper", "espeak"}
    assert stats.structured_content["url"].startswith("memory://")
    assert "agents" in stats.structured_content["stats"]


async def test_render_package_then_read_the_preview_back(vidgen_server: Any) -> None:
    async with Client(vidgen_server) as client:
        made = await client.call_tool(
            "make_video", {"brief": "a 6 second TikTok about green tea", "name": "tea"}
        )
        assert made.structured_content["rendered"] == []
        log = ProgressLog()
        rendered = await client.call_tool(
            "render_package",
            {"package": "tea", "render_options": FAST_RENDER},
            progress_callback=log,
        )
        assert not rendered.is_error, rendered.content[0].text
        preview_uri = links(rendered)["tiktok/preview.mp4"]
        preview = await client.read_resource(preview_uri)
        listed = [r.uri for r in (await client.list_resources()).resources]
    video = base64.b64decode(preview.contents[0].blob)
    assert preview.contents[0].mime_type == "video/mp4"
    assert video[4:8] == b"ftyp"  # an MP4 file
    assert preview_uri in listed
    folder = Path(rendered.structured_content["folder"])
    assert video == (folder / "tiktok" / "preview.mp4").read_bytes()
    assert read_package(folder).render is not None  # package.json records the render
    assert any("encoding" in m for m in log.messages)


async def test_cancelling_make_video_stops_the_run_and_writes_nothing(
    vidgen_server: Any, out_dir: Path, progress_log: ProgressLog
) -> None:
    before = cancelled_calls("make_video")
    async with Client(vidgen_server) as client:
        async with anyio.create_task_group() as group:
            group.start_soon(
                lambda: client.call_tool(
                    "make_video",
                    {"brief": "a 40 second TikTok about cold brew", "render": True},
                    progress_callback=progress_log,
                )
            )
            with anyio.fail_after(60):
                await progress_log.wait_for("render: node_started")
            group.cancel_scope.cancel()
        await wait_cancelled("make_video", before)
        # The server is still there for the next call.
        assert not (await client.call_tool("list_models", {})).is_error
    assert packages_in(out_dir) == []
    assert not any("node_completed" in m and "render" in m for m in progress_log.messages)


async def test_resources_and_the_prompt(vidgen_server: Any) -> None:
    async with Client(vidgen_server) as client:
        listed = {r.uri for r in (await client.list_resources()).resources}
        templates = (await client.list_resource_templates()).resource_templates
        platforms = await client.read_resource("vidgen://platforms")
        card = await client.read_resource("vidgen://agents/scene_designer/card")
        prompts = (await client.list_prompts()).prompts
        prompt = await client.get_prompt(
            "make_short_video", {"topic": "cold brew", "audience": "busy parents"}
        )
    assert {"vidgen://platforms", "vidgen://agents/orchestrator/card"} <= listed
    assert templates[0].uri_template == "vidgen://packages/{package}/{+path}"
    assert "tiktok" in [p["id"] for p in json.loads(platforms.contents[0].text)]
    assert json.loads(card.contents[0].text)["name"] == "scene_designer"
    assert [p.name for p in prompts] == ["make_short_video"]
    text = prompt.messages[0].content.text
    assert "a TikTok video about cold brew for busy parents, 30 seconds long" in text
    assert "make_video" in text


async def test_two_calls_with_one_brief_at_once_share_its_folder(vidgen_server: Any) -> None:
    arguments = {"brief": "a 15 second Reel about oat milk", "no_cache": True}
    async with Client(vidgen_server) as client:
        first, second = await asyncio.gather(
            client.call_tool("make_video", arguments), client.call_tool("make_video", arguments)
        )
    assert not first.is_error and not second.is_error, (first.content, second.content)
    assert first.structured_content["folder"] == second.structured_content["folder"]
    assert read_package(Path(first.structured_content["folder"])).brief.topic == "oat milk"


async def test_renders_from_two_connections_at_once_keep_their_own_files(
    vidgen_server: Any,
) -> None:
    """Request ids start again on every connection; each call still renders in its own folder."""

    async def render(brief: str) -> dict[str, Any]:
        async with Client(vidgen_server) as client:
            arguments = {"brief": brief, "render": True, "render_options": FAST_RENDER}
            result = await client.call_tool("make_video", arguments)
        assert not result.is_error, result.content[0].text
        return result.structured_content

    tea, coffee = await asyncio.gather(
        render("a 6 second TikTok about green tea"), render("a 6 second TikTok about espresso")
    )
    for made, topic in ((tea, "green tea"), (coffee, "espresso")):
        folder = Path(made["folder"])
        assert read_package(folder).brief.topic == topic
        assert read_package(folder).render is not None
    assert preview_bytes(tea) != preview_bytes(coffee)


def preview_bytes(made: dict[str, Any]) -> bytes:
    return (Path(made["folder"]) / "tiktok" / "preview.mp4").read_bytes()
