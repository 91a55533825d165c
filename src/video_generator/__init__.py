"""video_generator: turns a natural-language brief into a short-video package with A2A agents."""
