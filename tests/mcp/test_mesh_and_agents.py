"""`vidgen mcp --remote` before an orchestrator served over A2A; one agent's skills as tools."""

from __future__ import annotations

from pathlib import Path

from mcp import Client
from mcp_helpers import FAST_RENDER, SHORT_BRIEF, ProgressLog

from a2a_mcp.serve import AgentServer
from video_generator.app.runtime import build_orchestrator
from video_generator.brief import parse_brief
from video_generator.core.models import Brief, Script, Storyboard, StoryboardRequest


def file_size(path: Path) -> int:
    return path.stat().st_size


async def test_remote_mode_makes_the_video_on_the_orchestrator_over_a2a(
    out_dir: Path, progress_log: ProgressLog
) -> None:
    from video_generator.mcp_server.app import build_vidgen_server

    orchestrator = build_orchestrator()
    async with AgentServer(orchestrator, port=0, drain_timeout_s=1) as served:
        server, close = build_vidgen_server(remote=served.url)
        try:
            async with Client(server) as client:
                made = await client.call_tool(
                    "make_video",
                    {
                        "brief": SHORT_BRIEF,
                        "platforms": ["youtube_shorts"],
                        "render": True,
                        "render_options": FAST_RENDER,
                    },
                    progress_callback=progress_log,
                )
                bad = await client.call_tool("make_video", {"brief": "hello"})
        finally:
            await close()
    await orchestrator.client.aclose()
    assert not made.is_error, made.content[0].text
    # The platforms field crossed A2A; the preview came back as a file artifact, downloaded.
    assert [cut["platform"] for cut in made.structured_content["cuts"]] == ["youtube_shorts"]
    folder = Path(made.structured_content["folder"])
    assert file_size(folder / "youtube_shorts" / "preview.mp4") > 10_000
    assert made.structured_content["notes"] == []
    assert any("render: node_completed" in m for m in progress_log.messages)
    # The remote orchestrator's error code and message, unchanged.
    assert bad.is_error
    assert "Could not find what the video is about" in bad.content[0].text


async def test_a_specialist_agent_serves_its_skills_as_tools(out_dir: Path) -> None:
    from video_generator.mcp_server.app import build_agent_server

    writer, close_writer = build_agent_server("script_writer")
    designer, close_designer = build_agent_server("scene_designer")
    brief = parse_brief(SHORT_BRIEF)
    try:
        async with Client(writer) as client:
            tools = (await client.list_tools()).tools
            script = await client.call_tool(
                "write_script", {"brief": brief.model_dump(mode="json")}
            )
        async with Client(designer) as client:
            listed = {tool.name: tool for tool in (await client.list_tools()).tools}
            board = await client.call_tool(
                "design_storyboard",
                {"brief": brief.model_dump(mode="json"), "script": script.structured_content},
            )
            wrong = await client.call_tool("design_storyboard", {"brief": {"topic": ""}})
    finally:
        await close_writer()
        await close_designer()
    assert [tool.name for tool in tools] == ["write_script"]
    Script.model_validate(script.structured_content)
    assert listed["design_storyboard"].input_schema == StoryboardRequest.model_json_schema()
    storyboard = Storyboard.model_validate(board.structured_content)
    assert storyboard.shots()
    assert wrong.is_error and "input for scene_designer.design_storyboard is not valid" in (
        wrong.content[0].text
    )
    assert Brief.model_validate(brief.model_dump())  # the tool took the model's own JSON


async def test_remote_mode_without_a_mesh_says_how_to_start_one(out_dir: Path) -> None:
    import socket

    from video_generator.mcp_server.app import build_vidgen_server

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server, close = build_vidgen_server(remote=url)
    try:
        async with Client(server) as client:
            result = await client.call_tool("make_video", {"brief": SHORT_BRIEF})
    finally:
        await close()
    assert result.is_error
    text = result.content[0].text
    assert text.startswith(f"error (agent_unavailable): no orchestrator answers at {url}")
    assert "start the mesh with `vidgen up`" in text and "Traceback" not in text
