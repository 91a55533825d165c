"""Stock footage from Pexels and Pixabay: video search per shot, downloads into a cache.

- Search: each shot's search terms (the scene designer's, best first) with the platform's
  orientation and at least the frame's size; the first video not yet used in this render wins.
  Pexels: GET {VG_PEXELS_URL}/search (header `Authorization: <key>`,
  https://www.pexels.com/api/documentation/#videos-search); Pixabay: GET {VG_PIXABAY_URL}
  (`key=<key>`, https://pixabay.com/api/docs/#api_search_videos).
- Rate limits: a 429 waits for Retry-After (or the reset the X-Ratelimit-Reset header gives:
  a Unix time at Pexels, seconds from now at Pixabay) when that is at most VG_STOCK_MAX_WAIT_S,
  then tries again; and when X-Ratelimit-Remaining says 0, the next call waits for the reset
  first. A longer wait, or a refused key, stops that service for the rest of the render (the
  platform's warnings say why) and the shot goes to the next source.
- Downloads: over the process's pooled aiohttp session with a timeout, into a
  content-addressed cache (`<sha256 of the bytes>.mp4`, plus an index from the service's
  file id to that hash), so a clip is fetched once however many renders use it.
- Credit: each shot records the video's id, page, author and licence; both services ask that
  people see where the footage is from (Pexels: https://www.pexels.com/api/documentation/#guidelines,
  Pixabay: https://pixabay.com/api/docs/ - "show your users where the videos are from").
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import orjson
from prometheus_client import Counter
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from a2a_mcp.client.pool import HttpPool, get_pool
from a2a_mcp.observability import REGISTRY, get_logger
from video_generator.core.models import Shot, ShotMedia

if TYPE_CHECKING:
    from video_generator.settings import Settings

log = get_logger("render.stock")

SEARCHES = Counter(
    "stock_searches",
    "Stock footage searches, by service and answer (200, 401, 429, error...).",
    ["service", "status"],
    registry=REGISTRY,
)
DOWNLOADS = Counter(
    "stock_downloads",
    "Stock clips wanted, by service and where from (downloaded, cached).",
    ["service", "source"],
    registry=REGISTRY,
)

PEXELS_LICENCE = "Pexels License (https://www.pexels.com/license/)"
PIXABAY_LICENCE = "Pixabay Content License (https://pixabay.com/service/license-summary/)"


class StockUnavailable(Exception):
    """This service can serve no more shots in this render; the message says why."""


@dataclass(frozen=True)
class StockSettings:
    """Where the stock APIs are, their keys (never in a repr) and limits; no key: no search."""

    pexels_key: str | None = field(default=None, repr=False)
    pixabay_key: str | None = field(default=None, repr=False)
    pexels_url: str = "https://api.pexels.com/v1/videos"
    pixabay_url: str = "https://pixabay.com/api/videos/"
    timeout_s: float = 20.0
    download_timeout_s: float = 300.0
    max_wait_s: float = 30.0
    attempts: int = 3
    per_page: int = 15

    @classmethod
    def from_settings(cls, s: Settings) -> StockSettings:
        return cls(
            pexels_key=s.pexels_api_key.get_secret_value() if s.pexels_api_key else None,
            pixabay_key=s.pixabay_api_key.get_secret_value() if s.pixabay_api_key else None,
            pexels_url=s.pexels_url,
            pixabay_url=s.pixabay_url,
            timeout_s=s.stock_timeout_s,
            max_wait_s=s.stock_max_wait_s,
        )

    @property
    def any_key(self) -> bool:
        return bool(self.pexels_key or self.pixabay_key)


@dataclass(frozen=True)
class StockVideo:
    service: str  # "pexels" or "pixabay"
    id: str
    page_url: str
    author: str
    file_id: str
    file_url: str
    width: int
    height: int

    def record(self, shot_id: str) -> ShotMedia:
        where = "Pexels" if self.service == "pexels" else "Pixabay"
        return ShotMedia(
            shot_id=shot_id,
            source=self.service,  # type: ignore[arg-type]
            kind="clip",
            id=self.id,
            url=self.page_url,
            licence=PEXELS_LICENCE if self.service == "pexels" else PIXABAY_LICENCE,
            attribution=f"Video by {self.author} on {where}",
        )


def orientation(width: int, height: int) -> str:
    if width == height or abs(width - height) / max(width, height) < 0.1:
        return "square"
    return "portrait" if height > width else "landscape"


def _fits(w: int, h: int, width: int, height: int) -> bool:
    """Same orientation as the frame and at least as large (so cropping never upscales)."""
    return orientation(w, h) == orientation(width, height) and w >= width and h >= height


def _smallest_fit(
    files: list[tuple[str, str, int, int]], width: int, height: int
) -> tuple[str, str, int, int] | None:
    """The smallest file at least the frame's size (less to download), else None."""
    fitting = [f for f in files if _fits(f[2], f[3], width, height)]
    return min(fitting, key=lambda f: f[2] * f[3]) if fitting else None


def pexels_videos(body: Any, width: int, height: int) -> list[StockVideo]:
    out = []
    for video in body.get("videos", []) if isinstance(body, dict) else []:
        files = [
            (
                str(f.get("id")),
                f.get("link", ""),
                int(f.get("width") or 0),
                int(f.get("height") or 0),
            )
            for f in video.get("video_files", [])
            if f.get("file_type", "video/mp4") == "video/mp4" and f.get("link")
        ]
        best = _smallest_fit(files, width, height)
        if best is None:
            continue
        user = video.get("user") or {}
        out.append(
            StockVideo(
                "pexels",
                str(video.get("id")),
                video.get("url", ""),
                user.get("name", "a Pexels contributor"),
                best[0],
                best[1],
                best[2],
                best[3],
            )
        )
    return out


def pixabay_videos(body: Any, width: int, height: int) -> list[StockVideo]:
    out = []
    for hit in body.get("hits", []) if isinstance(body, dict) else []:
        files = [
            (name, f.get("url", ""), int(f.get("width") or 0), int(f.get("height") or 0))
            for name, f in (hit.get("videos") or {}).items()
            if f.get("url")
        ]
        best = _smallest_fit(files, width, height)
        if best is None:
            continue
        out.append(
            StockVideo(
                "pixabay",
                str(hit.get("id")),
                hit.get("pageURL", ""),
                hit.get("user", "a Pixabay contributor"),
                f"{hit.get('id')}-{best[0]}",
                best[1],
                best[2],
                best[3],
            )
        )
    return out


@dataclass
class _Service:
    name: str
    blocked: str | None = None  # why this service serves no more shots
    resume_at: float = 0.0  # monotonic time before which no call goes out (rate limit)
    searches: dict[tuple[str, int, int], list[StockVideo]] = field(default_factory=dict)


def _reset_wait(name: str, headers: Any) -> float | None:
    """Seconds until the service's rate-limit window resets, from its headers."""
    retry_after = headers.get("Retry-After")
    if retry_after:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            pass
    reset = headers.get("X-Ratelimit-Reset") or headers.get("X-RateLimit-Reset")
    if reset:
        try:
            value = float(reset)
        except ValueError:
            return None
        # Pexels gives a Unix time; Pixabay gives seconds from now.
        return max(0.0, value - time.time()) if value > 1e9 else value
    return None


class _TryAgain(Exception):
    """A search attempt failed in a way the next one may not; tenacity waits `wait_s` first."""

    def __init__(self, problem: str, wait_s: float = 0.0) -> None:
        super().__init__(problem)
        self.wait_s = wait_s


def _asked_wait(state: RetryCallState) -> float:
    # A rate limit's wait is the service's resume_at (shared by its searches), not ours.
    error = state.outcome.exception() if state.outcome is not None else None
    return error.wait_s if isinstance(error, _TryAgain) else 0.0


class StockClient:
    """Pexels and Pixabay for one render: search, pick, download, with their limits kept."""

    def __init__(
        self, settings: StockSettings, cache_dir: Path, pool: HttpPool | None = None
    ) -> None:
        self.settings = settings
        self.cache_dir = Path(cache_dir)
        self.pool = pool or get_pool()
        self.services = [
            _Service(name)
            for name, key in (("pexels", settings.pexels_key), ("pixabay", settings.pixabay_key))
            if key
        ]
        self.used: set[tuple[str, str, str]] = set()
        self.warnings: list[str] = []
        self._downloads = asyncio.Semaphore(4)
        self._lock = asyncio.Lock()

    # ------------------------------------------------------------ HTTP

    def _request(
        self, service: _Service, query: str, width: int, height: int
    ) -> tuple[str, dict, dict]:
        s = self.settings
        if service.name == "pexels":
            params = {
                "query": query,
                "orientation": orientation(width, height),
                "size": "medium" if max(width, height) > 1280 else "small",
                "per_page": str(s.per_page),
            }
            return (
                f"{s.pexels_url.rstrip('/')}/search",
                params,
                {"Authorization": s.pexels_key or ""},
            )
        params = {
            "key": s.pixabay_key or "",
            "q": query[:100],
            "min_width": str(width),
            "min_height": str(height),
            "safesearch": "true",
            "per_page": str(max(3, s.per_page)),
        }
        return s.pixabay_url, params, {}

    async def _get_json(self, service: _Service, query: str, width: int, height: int) -> Any:
        url, params, headers = self._request(service, query, width, height)
        attempts = self.settings.attempts
        retrying = AsyncRetrying(
            stop=stop_after_attempt(attempts),
            wait=_asked_wait,
            retry=retry_if_exception_type(_TryAgain),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    number = attempt.retry_state.attempt_number
                    found = await self._get_once(service, url, params, headers, number)
        except _TryAgain as exc:  # only a last attempt gives up, so tenacity never gets here
            problem = f"{service.name}: no answer after {attempts} tries ({exc})"
            raise StockUnavailable(problem) from None
        return found

    async def _get_once(
        self, service: _Service, url: str, params: dict, headers: dict, attempt: int
    ) -> Any:
        """One search request (attempt 1, 2, ...): its JSON, or _TryAgain, or StockUnavailable."""
        last = attempt == self.settings.attempts
        if service.blocked:
            raise StockUnavailable(service.blocked)
        wait = service.resume_at - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        try:
            async with self.pool.session.get(
                url,
                params=params,
                headers=headers,
                timeout=self.pool.timeout(self.settings.timeout_s),
            ) as resp:
                status, raw, resp_headers = resp.status, await resp.read(), resp.headers
        except (aiohttp.ClientError, TimeoutError) as exc:
            SEARCHES.labels(service.name, "error").inc()
            problem = f"{service.name} could not be reached ({type(exc).__name__})"
            if last:
                raise StockUnavailable(problem) from None
            raise _TryAgain(problem, wait_s=0.5 * attempt) from None
        SEARCHES.labels(service.name, str(status)).inc()
        remaining = resp_headers.get("X-Ratelimit-Remaining") or resp_headers.get(
            "X-RateLimit-Remaining"
        )
        if status == 200 and remaining is not None and remaining.strip() == "0":
            # The window is spent: the next call waits for the reset (or gives up on it).
            reset = _reset_wait(service.name, resp_headers) or 0.0
            if reset > self.settings.max_wait_s:
                service.blocked = (
                    f"{service.name}'s rate limit is spent for {reset:.0f} s "
                    f"(over VG_STOCK_MAX_WAIT_S={self.settings.max_wait_s:g})"
                )
            service.resume_at = time.monotonic() + reset
        if status == 200:
            try:
                return orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise StockUnavailable(f"{service.name} answered with something not JSON") from None
        if status in (401, 403) or (
            service.name == "pixabay" and status == 400 and b"key" in raw.lower()
        ):
            env = "PEXELS_API_KEY" if service.name == "pexels" else "PIXABAY_API_KEY"
            page = (
                "https://www.pexels.com/api/"
                if service.name == "pexels"
                else "https://pixabay.com/api/docs/"
            )
            service.blocked = (
                f"{service.name} refused {env} (HTTP {status}): check the key at {page}"
            )
            raise StockUnavailable(service.blocked)
        if status == 429 or status >= 500:
            reset_s = _reset_wait(service.name, resp_headers)
            wait = reset_s if reset_s is not None else 1.0 * attempt
            if wait > self.settings.max_wait_s or last:
                service.blocked = (
                    f"{service.name} is rate limiting (HTTP {status}, retry in {wait:.0f} s, "
                    f"over VG_STOCK_MAX_WAIT_S={self.settings.max_wait_s:g})"
                    if status == 429
                    else f"{service.name} failed (HTTP {status})"
                )
                raise StockUnavailable(service.blocked)
            log.info("stock_retry", service=service.name, status=status, wait_s=wait)
            # Every search of this service waits, not only this one: the next attempt too.
            service.resume_at = time.monotonic() + wait
            raise _TryAgain(f"HTTP {status}")
        raise StockUnavailable(f"{service.name} answered HTTP {status} to a search")

    # ------------------------------------------------------------ search and pick

    async def _search(
        self, service: _Service, query: str, width: int, height: int
    ) -> list[StockVideo]:
        key = (query, width, height)
        if key not in service.searches:
            body = await self._get_json(service, query, width, height)
            parse = pexels_videos if service.name == "pexels" else pixabay_videos
            service.searches[key] = parse(body, width, height)
        return service.searches[key]

    async def find(self, shot: Shot, width: int, height: int) -> StockVideo | None:
        """The first unused video for the shot's terms, Pexels before Pixabay."""
        terms = shot.search_terms or [shot.subject]
        for service in self.services:
            if service.blocked:
                continue
            try:
                for term in terms:
                    for video in await self._search(service, term, width, height):
                        # Once per cut: each orientation (one cut's frame) has its own set.
                        key = (video.service, video.id, orientation(width, height))
                        if key not in self.used:
                            self.used.add(key)
                            return video
            except StockUnavailable as exc:
                if str(exc) not in self.warnings:
                    self.warnings.append(f"stock footage: {exc}; later shots use the next source")
        return None

    # ------------------------------------------------------------ download

    async def download(self, video: StockVideo) -> Path:
        """The video's file in the content-addressed cache (fetched once)."""
        index = self.cache_dir / "by-id" / f"{video.service}-{video.file_id}"
        if index.is_file():
            cached = self.cache_dir / index.read_text().strip()
            if cached.is_file():
                DOWNLOADS.labels(video.service, "cached").inc()
                return cached
        async with self._downloads:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            partial = self.cache_dir / f".{video.service}-{video.file_id}.part"
            digest = hashlib.sha256()
            try:
                async with self.pool.session.get(
                    video.file_url,
                    timeout=self.pool.timeout(
                        self.settings.download_timeout_s, read_s=self.settings.timeout_s
                    ),
                ) as resp:
                    if resp.status != 200:
                        raise StockUnavailable(
                            f"{video.service} video {video.id}: the download answered "
                            f"HTTP {resp.status}"
                        )
                    with partial.open("wb") as out:
                        async for chunk in resp.content.iter_chunked(1 << 16):
                            out.write(chunk)
                            digest.update(chunk)
            except (aiohttp.ClientError, TimeoutError) as exc:
                partial.unlink(missing_ok=True)
                raise StockUnavailable(
                    f"{video.service} video {video.id}: download failed ({type(exc).__name__})"
                ) from None
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            name = f"{digest.hexdigest()}.mp4"
            partial.replace(self.cache_dir / name)
            index.parent.mkdir(parents=True, exist_ok=True)
            index.write_text(name)
            DOWNLOADS.labels(video.service, "downloaded").inc()
            return self.cache_dir / name
