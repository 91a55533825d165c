"""The outside services a render may call (stock footage, fal.ai) and their keys, from settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import SecretStr

from video_generator.render.stock import StockSettings

if TYPE_CHECKING:  # the fal client (and aiohttp) load only when a render calls fal
    from video_generator.render.fal.queue import FalQueueClient, FalSettings
    from video_generator.settings import Settings


@dataclass(frozen=True)
class RenderServices:
    """Where Pexels, Pixabay and fal.ai are and the keys to them; empty: no outside calls."""

    stock: StockSettings = field(default_factory=StockSettings)
    fal: FalSettings | None = None
    fal_key: SecretStr | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> RenderServices:
        from video_generator.render.fal.queue import FalSettings

        return cls(
            stock=StockSettings.from_settings(settings),
            fal=FalSettings.from_settings(settings),
            fal_key=settings.fal_key,
        )

    def fal_client(self) -> FalQueueClient:
        """A fal queue client with this key (FalAuthError, saying how to set one, without)."""
        from video_generator.render.fal.queue import FalQueueClient

        return FalQueueClient(self.fal_key, settings=self.fal)
