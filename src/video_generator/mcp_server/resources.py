"""vidgen's MCP resources: the packages made, the agent cards, the platform registry; a prompt."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import mcp_types as types

from a2a_mcp.mcp import PromptSpec, ResourceNotFoundError, file_contents
from a2a_mcp.mcp.resources import Contents, mime_type
from video_generator.mcp_server.models import URI_PREFIX, package_uri
from video_generator.output.package import PACKAGE_JSON

# The files of a package listed as resources (any file inside a package can be read).
LISTED = ("package.json", "script.md", "storyboard.html")
LISTED_PER_PLATFORM = ("captions.srt", "captions.vtt", "preview.mp4")


class PackageResources:
    """Every package folder under `root` (one with package.json), file by file."""

    prefix = URI_PREFIX

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def packages(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        found = [p.parent for p in self.root.glob(f"*/{PACKAGE_JSON}") if p.is_file()]
        return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)

    def resources(self) -> list[types.Resource]:
        out = []
        for folder in self.packages():
            names = [*LISTED]
            for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
                names += [f"{sub.name}/{n}" for n in LISTED_PER_PLATFORM if (sub / n).is_file()]
            for name in names:
                path = folder / name
                if path.is_file():
                    out.append(
                        types.Resource(
                            uri=package_uri(folder.name, name),
                            name=f"{folder.name}/{name}",
                            mime_type=mime_type(path),
                            size=path.stat().st_size,
                        )
                    )
        return out

    def templates(self) -> list[types.ResourceTemplate]:
        return [
            types.ResourceTemplate(
                uri_template=f"{URI_PREFIX}{{package}}/{{+path}}",
                name="package-file",
                description="Any file of a package folder, e.g. tiktok/captions.srt or "
                "tiktok/preview.mp4 (binary files come base64-encoded).",
            )
        ]

    def read(self, uri: str) -> list[Contents]:
        relative = uri[len(self.prefix) :]
        root = self.root.resolve()
        path = (root / relative).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise ResourceNotFoundError(
                f"no package file {uri}: list the resources, or call get_package for a "
                "package's files"
            )
        return file_contents(uri, path)


class DocumentResources:
    """Fixed JSON documents by URI: the platform registry, each agent card."""

    prefix = "vidgen://"

    def __init__(self, cards_dir: Path) -> None:
        self.cards_dir = Path(cards_dir)

    def cards(self) -> dict[str, Path]:
        return {p.stem: p for p in sorted(self.cards_dir.glob("*.json"))}

    def resources(self) -> list[types.Resource]:
        found = [
            types.Resource(
                uri="vidgen://platforms",
                name="platforms",
                description="The platform registry: limits, aspect, safe zones, pacing.",
                mime_type="application/json",
            )
        ]
        for name in self.cards():
            found.append(
                types.Resource(
                    uri=f"vidgen://agents/{name}/card",
                    name=f"agent card: {name}",
                    description=f"The A2A agent card of {name} (skills and their schemas).",
                    mime_type="application/json",
                )
            )
        return found

    def templates(self) -> list[types.ResourceTemplate]:
        return []

    def read(self, uri: str) -> list[Contents]:
        if uri == "vidgen://platforms":
            from video_generator.core.platforms import PLATFORMS

            text = json.dumps([p.model_dump(mode="json") for p in PLATFORMS.values()], indent=2)
            return [types.TextResourceContents(uri=uri, mime_type="application/json", text=text)]
        parts = uri.removeprefix("vidgen://").split("/")
        cards = self.cards()
        if len(parts) == 3 and parts[0] == "agents" and parts[2] == "card" and parts[1] in cards:
            return file_contents(uri, cards[parts[1]])
        raise ResourceNotFoundError(
            f"no resource {uri}: try vidgen://platforms or vidgen://agents/<name>/card "
            f"({', '.join(cards)})"
        )


def _make_short_video(arguments: Mapping[str, str]) -> str:
    topic = arguments.get("topic", "").strip()
    platform = arguments.get("platform", "").strip() or "TikTok"
    length = arguments.get("length", "").strip() or "30 seconds"
    audience = arguments.get("audience", "").strip()
    brief = f"a {platform} video about {topic}" + (f" for {audience}" if audience else "")
    brief += f", {length} long"
    return (
        f'Make a short video with the vidgen tools. Brief: "{brief}".\n'
        "1. Call plan_video with the brief and show me the plan in one line.\n"
        "2. Call make_video with the brief and render=true; tell me the progress as it comes.\n"
        "3. Show me the script's hook and the quality result; if a gate failed, say which and "
        "why, and suggest how to change the brief.\n"
        "4. Give me the links to script.md, storyboard.html and each preview.mp4."
    )


MAKE_SHORT_VIDEO = PromptSpec(
    name="make_short_video",
    title="Make a short video",
    description="Plan, make and render a short video from a topic, then report the result.",
    render=_make_short_video,
    arguments=[
        types.PromptArgument(name="topic", description="What the video is about.", required=True),
        types.PromptArgument(
            name="platform", description="TikTok, Reels, YouTube Shorts ... (default TikTok)."
        ),
        types.PromptArgument(name="length", description="e.g. '30 seconds' (the default)."),
        types.PromptArgument(name="audience", description="Who it is for, e.g. 'busy parents'."),
    ],
)
