"""PublishedPackage: a VideoPackage as the orchestrator publishes it over A2A (SRTs, files)."""

from __future__ import annotations

from pathlib import Path

from pydantic import ConfigDict

from video_generator.core.models import VideoPackage
from video_generator.output.subtitles import to_srt


# The package plus the A2A artifacts that go with it (a2a_mcp.offers.TextArtifacts and
# FileArtifacts), kept out of the core so the models reach no writer. No docstring and the
# same schema title: its JSON schema, and so the agent card, is the VideoPackage's.
class PublishedPackage(VideoPackage):
    model_config = ConfigDict(title="VideoPackage")

    def a2a_text_artifacts(self) -> dict[str, str]:
        """Each platform's captions as SRT text ("captions-tiktok.srt"), published over A2A."""
        return {f"captions-{cut.platform}.srt": to_srt(cut.captions) for cut in self.cuts}

    def a2a_file_artifacts(self) -> dict[str, Path]:
        """The rendered files by name ("tiktok/preview.mp4"), published over A2A as URLs."""
        if self.render is None or self.render.folder is None:
            return {}
        return {name: self.render.folder / name for name in self.render.files()}
