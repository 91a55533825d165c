"""Local images to fal storage URLs, once per content: cached by sha256 in memory and on disk.

fal's storage upload (as the fal-client library does it): POST {rest}/storage/auth/token for a
short-lived CDN token, then POST the bytes to {cdn}/files/upload, which answers access_url.
"""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from a2a_mcp.observability import get_logger
from video_generator.render.fal.errors import FalRequestError
from video_generator.render.fal.queue import FalQueueClient

log = get_logger("fal.uploads")

INDEX_NAME = "uploads.json"

# Per process: sha256 -> URL, shared by every run (a frame uploaded once is never sent again).
_MEMORY: dict[str, str] = {}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class UploadCache:
    """sha256 of the bytes -> fal URL, in memory and in a small JSON index in `folder`."""

    def __init__(self, client: FalQueueClient, folder: Path | None) -> None:
        self.client = client
        self.index_path = folder / INDEX_NAME if folder is not None else None
        self._index = self._read_index()
        self._inflight: dict[str, asyncio.Future[str]] = {}
        self._token: tuple[str, datetime] | None = None
        self._token_lock = asyncio.Lock()
        self.uploaded = 0
        self.reused = 0

    async def url_for(self, path: Path) -> str:
        """The fal URL of the file's bytes, uploading them only if no cache knows them."""
        data = await asyncio.to_thread(Path(path).read_bytes)
        digest = sha256_bytes(data)
        known = _MEMORY.get(digest) or self._index.get(digest)
        if known:
            self.reused += 1
            _MEMORY[digest] = known
            return known
        running = self._inflight.get(digest)
        if running is not None:  # the same picture is on its way up for another shot
            self.reused += 1
            return await asyncio.shield(running)
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._inflight[digest] = future
        try:
            url = await self._upload(data, Path(path).name)
        except BaseException as exc:
            if isinstance(exc, asyncio.CancelledError):
                future.cancel()
            else:
                future.set_exception(exc)
                future.exception()  # mark retrieved: waiters (if any) get it re-raised
            raise
        finally:
            self._inflight.pop(digest, None)
        future.set_result(url)
        self.uploaded += 1
        _MEMORY[digest] = url
        self._index[digest] = url
        self._write_index()
        return url

    async def _upload(self, data: bytes, file_name: str) -> str:
        content_type = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        token = await self._cdn_token()
        body = await self.client.call(
            "POST",
            f"{self.client.settings.cdn_url}/files/upload",
            what=f"upload of {file_name}",
            data=data,
            auth={"Authorization": token},
            headers={"Content-Type": content_type, "X-Fal-File-Name": file_name},
            # Sending the same bytes twice only makes a second copy: safe to retry.
            idempotent=True,
            timeout_s=self.client.settings.download_timeout_s,
        )
        url = body.get("access_url") if isinstance(body, dict) else None
        if not url:
            raise FalRequestError(
                f"fal storage answered the upload of {file_name} with {body!r:.200}"
            )
        log.info("fal_uploaded", file=file_name, bytes=len(data))
        return str(url)

    async def _cdn_token(self) -> str:
        """The CDN upload token ("<type> <token>"), fetched once and reused until it expires."""
        async with self._token_lock:
            now = datetime.now(UTC)
            if self._token is not None and now < self._token[1]:
                return self._token[0]
            body = await self.client.call(
                "POST",
                f"{self.client.settings.rest_url}/storage/auth/token",
                params={"storage_type": "fal-cdn-v3"},
                json_body={},
                what="storage token",
            )
            if not isinstance(body, dict) or not body.get("token"):
                raise FalRequestError(f"fal storage answered the token request with {body!r:.200}")
            try:
                expires = datetime.fromisoformat(str(body.get("expires_at")))
                if expires.tzinfo is None:
                    expires = expires.replace(tzinfo=UTC)
            except ValueError:
                expires = now + timedelta(minutes=5)
            header = f"{body.get('token_type') or 'Bearer'} {body['token']}"
            # A minute's margin: a token must not expire between this check and the upload.
            self._token = (header, expires - timedelta(seconds=60))
            return header

    def _read_index(self) -> dict[str, str]:
        if self.index_path is None:
            return {}
        try:
            data = orjson.loads(self.index_path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return {}  # no index yet, or a damaged one: uploads just happen again
        if not isinstance(data, dict):
            return {}
        return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}

    def _write_index(self) -> None:
        if self.index_path is None:
            return
        self.index_path.parent.mkdir(parents=True, exist_ok=True)
        payload = orjson.dumps(dict(sorted(self._index.items())), option=orjson.OPT_INDENT_2)
        fd, temp = tempfile.mkstemp(dir=self.index_path.parent, prefix=".uploads-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(payload)
            os.replace(temp, self.index_path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


def forget_memory() -> None:
    """Empty the per-process cache (tests use it to show the disk index at work)."""
    _MEMORY.clear()
