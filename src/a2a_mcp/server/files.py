"""Files an agent publishes: A2A file artifacts (a URL part) and the GET route that serves them."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from a2a.types import Part
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

FILES_PREFIX = "/files"


def media_type(name: str) -> str:
    """The file's media type from its name (application/octet-stream when unknown)."""
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


class ServedFiles:
    """One folder an agent may serve from, under `<public_url>/files/`; nothing outside it."""

    def __init__(self, root: Path, public_url: str) -> None:
        self.root = Path(root).resolve()
        self.base_url = public_url.rstrip("/") + FILES_PREFIX

    def url_for(self, path: Path) -> str | None:
        """The URL of a file under the root, or None for one outside it."""
        resolved = Path(path).resolve()
        if not resolved.is_relative_to(self.root):
            return None
        return f"{self.base_url}/{resolved.relative_to(self.root).as_posix()}"

    def parts(self, files: Mapping[str, Path]) -> list[tuple[str, Part]]:
        """(artifact name, URL part) for each published file the root holds."""
        out = []
        for name, path in files.items():
            url = self.url_for(path)
            if url is not None:
                filename = PurePosixPath(name).name
                out.append((name, Part(url=url, media_type=media_type(name), filename=filename)))
        return out

    def locate(self, relative: str) -> Path | None:
        """The file a request path names, or None when it leaves the root or names no file."""
        pure = PurePosixPath(relative)
        if pure.is_absolute() or any(part in ("..", "") for part in pure.parts):
            return None
        candidate = (self.root / pure).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate

    def routes(self) -> list[BaseRoute]:
        async def get_file(request: Request) -> Response:
            relative = request.path_params["path"]
            found = self.locate(relative)
            if found is None:
                return JSONResponse(
                    {
                        "error": "not_found",
                        "message": (
                            f"no file '{relative}' here: it was never made, or its task's "
                            "folder has been pruned since (only the most recent tasks' files "
                            "are kept); run the task again to make it anew"
                        ),
                    },
                    status_code=404,
                )
            return FileResponse(found, media_type=media_type(found.name))

        return [Route(FILES_PREFIX + "/{path:path}", get_file, methods=["GET"])]
