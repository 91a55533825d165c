"""Published files served by Starlette's StaticFiles: media types, the key, nothing outside."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pydantic import BaseModel

from a2a_mcp.agent import Agent, Progress, skill

KEY = "files-test-key"


class Nothing(BaseModel):
    pass


class Publisher(Agent):
    """An agent with a folder of files, as the orchestrator has its renders."""

    name = "publisher"
    description = "Publishes files."

    def __init__(self, root: Path) -> None:
        super().__init__()
        self._root = root

    @skill(id="noop")
    async def noop(self, request: Nothing, progress: Progress) -> Nothing:
        """Do nothing."""
        return Nothing()

    @property
    def files_dir(self) -> Path:
        return self._root


async def _get(url: str, target: str, *headers: str, method: str = "GET") -> tuple[int, bytes]:
    """A raw HTTP/1.1 request, so the path reaches the server exactly as written (clients
    normalise `..` away)."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", "Connection: close", *headers]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), head + b"\n\n" + body


async def test_files_are_served_with_their_type_and_nothing_outside_the_folder(
    serve, tmp_path: Path
) -> None:
    root = tmp_path / "served"
    (root / "task" / "tiktok").mkdir(parents=True)
    (root / "task" / "tiktok" / "contact.png").write_bytes(b"\x89PNG fake")
    (root / "task" / "captions.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nhi\n")
    (tmp_path / "secret.txt").write_text("not for you")
    (root / "task" / "link.txt").symlink_to(tmp_path / "secret.txt")
    server = await serve(Publisher(root), api_keys=[KEY])
    auth = f"Authorization: Bearer {KEY}"

    status, raw = await _get(server.url, "/files/task/tiktok/contact.png", auth)
    assert status == 200 and b"content-type: image/png" in raw.lower() and raw.endswith(b"fake")
    status, raw = await _get(server.url, "/files/task/captions.srt", auth)
    assert status == 200 and b"-->" in raw
    status, raw = await _get(server.url, "/files/task/tiktok/contact.png", auth, method="HEAD")
    assert status == 200

    # The key guards files as it guards the skills.
    status, _ = await _get(server.url, "/files/task/tiktok/contact.png")
    assert status == 401
    # Nothing outside the folder: dot-dot (plain and encoded), absolute, or through a symlink.
    for target in (
        "/files/task/../../secret.txt",
        "/files/task/..%2F..%2Fsecret.txt",
        "/files/%2E%2E/secret.txt",
        "/files//etc/passwd",
        "/files/task/link.txt",
    ):
        status, raw = await _get(server.url, target, auth)
        assert status == 404, target
        assert b"not for you" not in raw and b"root:" not in raw
    status, raw = await _get(server.url, "/files/task/gone.mp4", auth)
    assert status == 404 and b"pruned" in raw
    status, _ = await _get(server.url, "/files/task/captions.srt", auth, method="DELETE")
    assert status == 405
