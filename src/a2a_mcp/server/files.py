"""Files an agent publishes: A2A file artifacts (a URL part) and the mount that serves them."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from a2a.types import Part
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

FILES_PREFIX = "/files"


def media_type(name: str) -> str:
    """The file's media type from its name (application/octet-stream when unknown)."""
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


class _Published(StaticFiles):
    """Starlette's StaticFiles (it keeps requests inside the folder, symlinks resolved) with
    our media types and a 404 that says why a file may be gone."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404:
                raise
            return JSONResponse(
                {
                    "error": "not_found",
                    "message": (
                        f"no file '{scope['path'].removeprefix(FILES_PREFIX + '/')}' here: it "
                        "was never made, or its task's folder has been pruned since (only the "
                        "most recent tasks' files are kept); run the task again to make it anew"
                    ),
                },
                status_code=404,
            )

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = FileResponse(
            full_path,
            status_code=status_code,
            stat_result=stat_result,
            media_type=media_type(os.fspath(full_path)),
        )
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response


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

    def routes(self) -> list[BaseRoute]:
        # check_dir off: the folder may be made by the first task, after the server started.
        files = _Published(directory=self.root, check_dir=False)
        return [Mount(FILES_PREFIX, app=files, name="files")]
