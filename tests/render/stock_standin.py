"""Stand-ins of the Pexels and Pixabay video search APIs and their media hosts, on loopback.

They check the key as each service does (Pexels: `Authorization: <key>` header, 401 without
it; Pixabay: `key=` parameter, 400 `[ERROR 400] "key" is invalid`), answer searches in each
service's shape (Pexels `videos[].video_files[]`, Pixabay `hits[].videos.{large,medium,...}`),
send their rate-limit headers, and serve the files. Faults are scripted per service.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

PEXELS_KEY = "pexels-test-key"
PIXABAY_KEY = "pixabay-test-key"


@dataclass
class Fault:
    status: int
    headers: dict[str, str] = field(default_factory=dict)


class StockStandIn:
    def __init__(self, portrait: Path, landscape: Path) -> None:
        self.files = {"portrait.mp4": portrait, "landscape.mp4": landscape}
        self.faults: dict[str, list[Fault]] = {"pexels": [], "pixabay": []}
        self.searches: dict[str, list[tuple[float, dict[str, str]]]] = {"pexels": [], "pixabay": []}
        self.downloads: list[str] = []
        self.remaining: dict[str, int | None] = {"pexels": None, "pixabay": None}
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> StockStandIn:
        app = web.Application()
        app.router.add_get("/pexels/v1/videos/search", self._pexels)
        app.router.add_get("/pixabay/api/videos/", self._pixabay)
        app.router.add_get("/media/{name}", self._media)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _limits(self, name: str) -> dict[str, str]:
        remaining = self.remaining[name]
        if remaining is None:
            return {}
        headers = {"X-Ratelimit-Limit": "200", "X-Ratelimit-Remaining": str(remaining)}
        headers["X-Ratelimit-Reset"] = str(int(time.time()) + 1) if name == "pexels" else "1"
        self.remaining[name] = max(0, remaining - 1)
        return headers

    def _fault(self, name: str) -> web.Response | None:
        if self.faults[name]:
            fault = self.faults[name].pop(0)
            return web.json_response(
                {"error": "scripted"}, status=fault.status, headers=fault.headers
            )
        return None

    async def _pexels(self, request: web.Request) -> web.Response:
        self.searches["pexels"].append((time.monotonic(), dict(request.query)))
        if request.headers.get("Authorization") != PEXELS_KEY:
            return web.json_response({"error": "Unauthorized"}, status=401)
        fault = self._fault("pexels")
        if fault is not None:
            return fault
        query = request.query.get("query", "")
        portrait = request.query.get("orientation") == "portrait"
        media = f"{self.url}/media/{'portrait' if portrait else 'landscape'}.mp4"
        videos = []
        for n in range(3):
            vid = 1000 + n + 10 * len(query)
            big = (1080, 1920) if portrait else (1920, 1080)
            small = (360, 640) if portrait else (640, 360)
            videos.append(
                {
                    "id": vid,
                    "width": big[0],
                    "height": big[1],
                    "url": f"https://www.pexels.com/video/{vid}/",
                    "duration": 8,
                    "user": {"id": 7, "name": "Ada Lens", "url": "https://www.pexels.com/@ada"},
                    "video_files": [
                        {
                            "id": vid * 10 + 1,
                            "quality": "sd",
                            "file_type": "video/mp4",
                            "width": small[0],
                            "height": small[1],
                            "link": f"{media}?too-small",
                        },
                        {
                            "id": vid * 10 + 2,
                            "quality": "hd",
                            "file_type": "video/mp4",
                            "width": big[0],
                            "height": big[1],
                            "link": f"{media}?v={vid}",
                        },
                    ],
                }
            )
        return web.json_response(
            {"page": 1, "per_page": 15, "total_results": 3, "videos": videos},
            headers=self._limits("pexels"),
        )

    async def _pixabay(self, request: web.Request) -> web.Response:
        self.searches["pixabay"].append((time.monotonic(), dict(request.query)))
        if request.query.get("key") != PIXABAY_KEY:
            return web.Response(status=400, text='[ERROR 400] "key" is invalid')
        fault = self._fault("pixabay")
        if fault is not None:
            return fault
        # Pixabay filters by min_width/min_height: a tall request gets tall videos.
        tall = int(request.query.get("min_height", 0)) > int(request.query.get("min_width", 0))
        sizes = {
            "large": (1920, 1080),
            "medium": (1280, 720),
            "small": (960, 540),
            "tiny": (640, 360),
        }
        hits = []
        for n in range(3):
            vid = 5000 + n + 10 * len(request.query.get("q", ""))
            name = "portrait" if tall else "landscape"
            hits.append(
                {
                    "id": vid,
                    "pageURL": f"https://pixabay.com/videos/id-{vid}/",
                    "tags": request.query.get("q", ""),
                    "user": "Pix Maker",
                    "videos": {
                        rendition: {
                            "url": f"{self.url}/media/{name}.mp4?{rendition}={vid}",
                            "width": h if tall else w,
                            "height": w if tall else h,
                        }
                        for rendition, (w, h) in sizes.items()
                    },
                }
            )
        return web.json_response(
            {"total": 3, "totalHits": 3, "hits": hits}, headers=self._limits("pixabay")
        )

    async def _media(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.downloads.append(f"{name}?{request.query_string}")
        if name not in self.files:
            return web.Response(status=404)
        return web.FileResponse(self.files[name])
