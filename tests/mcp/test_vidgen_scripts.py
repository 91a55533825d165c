"""The MCP make_video tool with the creator's own script, and render_package after hand edits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcp import Client
from mcp_helpers import FAST_RENDER

from video_generator.output.package import edited_files, read_package

SCRIPT = """# Green tea at night
## Hook
Does green tea keep you awake?
## The caffeine
A cup of green tea holds less caffeine than coffee, but enough to notice late in the evening.
## Call to action
Follow for more about tea.
"""


async def test_make_video_speaks_a_script_and_render_package_remakes_edits(
    vidgen_server: Any, out_dir: Path
) -> None:
    async with Client(vidgen_server) as client:
        made = await client.call_tool(
            "make_video", {"brief": "a TikTok, calm", "script": SCRIPT, "name": "tea"}
        )
        assert not made.is_error, made.content[0].text
        folder = Path(made.structured_content["folder"])
        package = read_package(folder)
        assert package.script.segments[1].narration.startswith("A cup of green tea holds")
        assert made.structured_content["hook"] == "Does green tea keep you awake?"
        script_md = folder / "script.md"
        script_md.write_text(
            script_md.read_text().replace("Does green tea keep you awake?", "Tea before bed?")
        )
        assert edited_files(folder) == ["script.md"]
        rendered = await client.call_tool(
            "render_package", {"package": "tea", "render_options": FAST_RENDER}
        )
        assert not rendered.is_error, rendered.content[0].text
        bad = await client.call_tool("make_video", {"brief": "a TikTok", "script": "One."})
    after = read_package(folder)
    assert after.script.segments[0].narration == "Tea before bed?"
    assert after.render is not None and edited_files(folder) == []
    assert "Tea before bed" in (folder / "tiktok" / "captions.srt").read_text()
    assert bad.is_error and "one sentence" in bad.content[0].text
