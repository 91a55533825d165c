"""A creator's script over A2A: a script DataPart to a served orchestrator, and the CLI's
--remote for `make --script` and `render DIR`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from a2a.helpers import get_data_parts
from a2a.types import Message, Role, SendMessageRequest, TaskState

from a2a_helpers import artifacts_of, last_status, stock_client
from a2a_mcp.protocol import data_part, skill_request
from video_generator.cli import main
from video_generator.core.models import VideoPackage
from video_generator.output.package import read_package

SCRIPT = {
    "title": "Why cats purr",
    "segments": [
        {"type": "hook", "narration": "Ever wondered why your cat purrs?"},
        {
            "narration": "Purring comes from the muscles of the larynx, which twitch many "
            "times a second while the cat breathes in and out.",
            "on_screen_text": "Where it comes from",
        },
        {"type": "cta", "narration": "Follow for more about cats."},
    ],
}


async def test_a_script_data_part_is_spoken_as_written(start_mesh) -> None:
    mesh = await start_mesh()
    client = await stock_client(mesh.url("orchestrator"))
    try:
        request = {"brief": "a TikTok, calm", "script": SCRIPT}
        message = skill_request("make_video", request)
        events = [e async for e in client.send_message(SendMessageRequest(message=message))]
        # Without the skill named, a lone DataPart still reaches make_video (its only skill).
        bare = Message(role=Role.ROLE_USER, message_id="bare", parts=[data_part(request)])
        again = [e async for e in client.send_message(SendMessageRequest(message=bare))]
    finally:
        await client.close()
    for run in (events, again):
        assert last_status(run).state == TaskState.TASK_STATE_COMPLETED
        (data,) = get_data_parts(artifacts_of(run)["make_video"].parts)
        package = VideoPackage.model_validate(data)
        assert [s.narration for s in package.script.segments] == [
            " ".join(s["narration"].split()) for s in SCRIPT["segments"]
        ]
        assert package.brief.topic == "Why cats purr" and package.brief.platforms == ["tiktok"]
        assert package.script.hook.pattern == "creator"


async def test_make_script_and_render_over_remote(start_mesh, tmp_path: Path) -> None:
    mesh = await start_mesh()
    url = mesh.url("orchestrator")
    path = tmp_path / "cats.md"
    path.write_text(
        "# Why cats purr\nBrief: a TikTok, calm\n\n## Hook\nEver wondered why your cat purrs?\n"
        "\n## Science\nPurring comes from the muscles of the larynx, which twitch many times a "
        "second.\n\n## CTA\nFollow for more about cats.\n"
    )
    out = tmp_path / "cats"
    args = ["make", "--script", str(path), "-o", str(out), "--quiet", "--remote", url]
    assert await asyncio.to_thread(main, args) == 0
    assert read_package(out).script.segments[1].narration.startswith("Purring comes from")
    script_md = out / "script.md"
    edited = "Cats purr at about 25 beats a second, the same range that helps bones heal."
    script_md.write_text(
        script_md.read_text().replace(
            "Purring comes from the muscles of the larynx, which twitch many times a second.",
            edited,
        )
    )
    args = ["render", str(out), "--no-video", "--quiet", "--remote", url]
    assert await asyncio.to_thread(main, args) == 0
    package = read_package(out)
    assert package.script.segments[1].narration == edited
    assert "25 beats" in (out / "tiktok" / "captions.srt").read_text()
