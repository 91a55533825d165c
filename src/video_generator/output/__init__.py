"""Renderers for the output folder's files: subtitles, Markdown, storyboard page, plan.txt."""
