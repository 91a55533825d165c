"""The domain core: models, platforms, captions, timeline, quality; it imports no other package."""
