"""The output folder: write a VideoPackage as files a person and a machine can use, read it back.

Layout (docs/output.md describes each file):

    package.json  script.md  storyboard.md  storyboard.html  timing.json  quality.json  plan.txt
    checksums.sha256  <platform>/cut.json  <platform>/captions.srt  <platform>/captions.vtt

package.json is the source of truth; every other file is rendered from it, byte for byte the
same for the same package, so check_files can tell a hand-edited or damaged folder.
checksums.sha256 (`sha256sum -c` reads it) records every file as written, so edited_files can
tell which ones the creator changed since, package.json included.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError

from a2a_mcp.errors import describe_validation_error
from a2a_mcp.observability import get_logger
from video_generator.core.models import Brief, VideoPackage
from video_generator.output.common import clock, platform_name
from video_generator.output.markdown import script_markdown, storyboard_markdown
from video_generator.output.plan_text import plan_text
from video_generator.output.storyboard_html import storyboard_html
from video_generator.output.subtitles import to_srt, to_vtt

__all__ = [
    "PACKAGE_VERSION",
    "PackageEditedError",
    "PackageError",
    "PackageFiles",
    "PackageReadError",
    "PlatformFiles",
    "check_files",
    "default_out_dir",
    "edited_files",
    "read_package",
    "render_files",
    "slugify",
    "summary",
    "to_srt",
    "to_vtt",
    "write_package",
]

log = get_logger("package")

PACKAGE_VERSION = "1"
PACKAGE_JSON = "package.json"
CHECKSUMS = "checksums.sha256"
CREATOR = "creator"  # Hook.pattern of a script in the creator's own words
TOP_FILES = (
    CHECKSUMS,
    "script.md",
    "storyboard.md",
    "storyboard.html",
    "timing.json",
    "quality.json",
    "plan.txt",
    PACKAGE_JSON,
)
PLATFORM_FILES = ("cut.json", "captions.srt", "captions.vtt")
SLUG_MAX = 48
_PLATFORM_DIR = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_TEMP_PREFIX = ".vidgen-tmp-"


def _read_umask() -> int:
    # Read once at import: os.umask can only be read by setting it, which is not thread-safe.
    current = os.umask(0o022)
    os.umask(current)
    return current


_UMASK = _read_umask()


class PackageError(ValueError):
    """A folder that is not a readable package, or a package that cannot be written.

    str(error) is one readable message: which file, what is wrong, how to fix it.
    """

    def __init__(self, path: Path, problem: str, fix: str) -> None:
        self.path = path
        self.problem = problem
        self.fix = fix
        super().__init__(f"{path}: {problem}. {fix}")


class PackageReadError(PackageError):
    """DIR is not a package, or its package.json cannot be read as one."""


class PackageEditedError(PackageError):
    """The folder holds hand edits that writing a new package would overwrite."""

    def __init__(self, path: Path, edited: list[str], problem: str | None = None) -> None:
        self.edited = edited
        shown = ", ".join(edited[:4]) + (" ..." if len(edited) > 4 else "")
        super().__init__(
            path,
            problem or f"holds hand edits ({shown} changed since vidgen wrote it)",
            f"Re-render your edits with `vidgen render {path}`, write elsewhere with -o, or "
            "pass --force to overwrite them",
        )


class PlatformFiles(BaseModel):
    model_config = ConfigDict(frozen=True)

    cut_json: Path
    captions_srt: Path
    captions_vtt: Path


class PackageFiles(BaseModel):
    """Every path write_package wrote."""

    model_config = ConfigDict(frozen=True)

    root: Path
    package_json: Path
    script_md: Path
    storyboard_md: Path
    storyboard_html: Path
    timing_json: Path
    quality_json: Path
    plan_txt: Path
    checksums: Path
    platforms: dict[str, PlatformFiles]
    bytes_written: int = 0

    def paths(self) -> list[Path]:
        top = [
            self.package_json,
            self.script_md,
            self.storyboard_md,
            self.storyboard_html,
            self.timing_json,
            self.quality_json,
            self.plan_txt,
            self.checksums,
        ]
        per_platform = [
            path
            for files in self.platforms.values()
            for path in (files.cut_json, files.captions_srt, files.captions_vtt)
        ]
        return top + per_platform

    @classmethod
    def at(cls, root: Path, platforms: list[str], bytes_written: int = 0) -> PackageFiles:
        return cls(
            root=root,
            package_json=root / PACKAGE_JSON,
            script_md=root / "script.md",
            storyboard_md=root / "storyboard.md",
            storyboard_html=root / "storyboard.html",
            timing_json=root / "timing.json",
            quality_json=root / "quality.json",
            plan_txt=root / "plan.txt",
            checksums=root / CHECKSUMS,
            platforms={
                p: PlatformFiles(
                    cut_json=root / p / "cut.json",
                    captions_srt=root / p / "captions.srt",
                    captions_vtt=root / p / "captions.vtt",
                )
                for p in platforms
            },
            bytes_written=bytes_written,
        )


# ---------------------------------------------------------------- rendering


def _json(model: BaseModel) -> bytes:
    # Field order follows the model (readable); orjson keeps floats exact for the round trip.
    return orjson.dumps(model.model_dump(mode="json"), option=orjson.OPT_INDENT_2) + b"\n"


def _platform_dirs(pkg: VideoPackage) -> list[str]:
    names = [cut.platform for cut in pkg.cuts]
    for name in names:
        # The platform id becomes a folder name: keep it to a plain, lower-case word so it can
        # never climb out of the package or shadow one of the top-level files.
        if not _PLATFORM_DIR.fullmatch(name):
            raise PackageError(
                Path(name),
                f"platform id '{name}' cannot be a folder name",
                "Use a platform id from the registry (lower-case letters, digits, '_' or '-').",
            )
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise PackageError(
            Path(duplicates[0]),
            f"the package has more than one cut for {', '.join(duplicates)}",
            "Keep one cut per platform.",
        )
    return names


def render_files(pkg: VideoPackage) -> dict[str, bytes]:
    """Every file of the folder, by path relative to it; package.json comes last."""
    files: dict[str, bytes] = {
        "script.md": script_markdown(pkg).encode(),
        "storyboard.md": storyboard_markdown(pkg).encode(),
        "storyboard.html": storyboard_html(pkg).encode(),
        "timing.json": _json(pkg.timing),
        "quality.json": _json(pkg.quality),
        "plan.txt": plan_text(pkg.plan).encode(),
    }
    for platform, cut in zip(_platform_dirs(pkg), pkg.cuts, strict=True):
        files[f"{platform}/cut.json"] = _json(cut)
        files[f"{platform}/captions.srt"] = to_srt(cut.captions).encode()
        files[f"{platform}/captions.vtt"] = to_vtt(cut.captions).encode()
    package_json = _json(pkg)
    sums = {**files, PACKAGE_JSON: package_json}
    files[CHECKSUMS] = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(sums.items())
    ).encode()
    # Written last: a folder with package.json in it is a complete package.
    files[PACKAGE_JSON] = package_json
    return files


def _recorded_sums(out_dir: Path) -> dict[str, str] | None:
    """checksums.sha256 as {file: hex digest}, or None when the folder has none."""
    try:
        text = (out_dir / CHECKSUMS).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    sums: dict[str, str] = {}
    for line in text.splitlines():
        digest, _, name = line.partition("  ")
        if len(digest) == 64 and name:
            sums[name] = digest
    return sums


def edited_files(out_dir: Path) -> list[str]:
    """Files of a package folder changed (or removed) since vidgen wrote them.

    From checksums.sha256 when the folder has one; an older folder without it is compared
    with what its package.json renders (so an edit to package.json alone goes unseen there).
    """
    out_dir = Path(out_dir)
    if not (out_dir / PACKAGE_JSON).is_file():
        return []
    sums = _recorded_sums(out_dir)
    if sums is None:
        try:
            return [p.split(":")[0] for p in check_files(out_dir) if "differs" in p]
        except PackageError:
            return [PACKAGE_JSON]
    edited = []
    for name, digest in sums.items():
        path = out_dir / name
        head, _, tail = name.partition("/")
        ours = name in TOP_FILES if not tail else bool(_PLATFORM_DIR.fullmatch(head))
        if not ours or (tail and tail not in PLATFORM_FILES):
            continue  # a name vidgen never writes: never read outside the folder for it
        try:
            if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                edited.append(name)
        except OSError:
            edited.append(name)
    return edited


# ---------------------------------------------------------------- writing


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a directory; the rename is still atomic
    finally:
        os.close(fd)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary name beside the target, sync, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=_TEMP_PREFIX + path.name + ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            # mkstemp makes the file 0600; give it the mode any other new file would get.
            os.fchmod(handle.fileno(), 0o666 & ~_UMASK)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _owned(entry: Path) -> bool:
    """True for a name this module writes, so a folder holding only these may be overwritten."""
    name = entry.name
    if entry.is_dir():
        return bool(_PLATFORM_DIR.fullmatch(name)) and all(
            child.name in PLATFORM_FILES or child.name.startswith(_TEMP_PREFIX)
            for child in entry.iterdir()
        )
    return name in TOP_FILES or name.startswith(_TEMP_PREFIX)


def _check_target(out_dir: Path) -> None:
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise PackageError(
            out_dir, "exists and is not a folder", "Choose another output path with -o."
        )
    if (out_dir / PACKAGE_JSON).is_file():
        return
    strangers = sorted(entry.name for entry in out_dir.iterdir() if not _owned(entry))
    if strangers:
        shown = ", ".join(strangers[:3]) + (" ..." if len(strangers) > 3 else "")
        raise PackageError(
            out_dir,
            f"the folder is not empty and is not a video package (it holds {shown})",
            "Choose an empty or new folder with -o, so no file of yours is overwritten.",
        )


def _old_platforms(out_dir: Path) -> list[str]:
    try:
        data = orjson.loads((out_dir / PACKAGE_JSON).read_bytes())
        return [str(cut["platform"]) for cut in data["cuts"]]
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
        return []


def _remove_stale(out_dir: Path, old: list[str], keep: set[str]) -> None:
    """Drop the files of platforms the previous package had and this one does not."""
    for platform in old:
        if platform in keep or not _PLATFORM_DIR.fullmatch(platform):
            continue
        folder = out_dir / platform
        for name in PLATFORM_FILES:
            (folder / name).unlink(missing_ok=True)
        try:
            folder.rmdir()
        except OSError:
            pass  # not empty: something else lives there, leave it


def _creator_words_replaced(out_dir: Path, pkg: VideoPackage) -> bool:
    """True when the folder holds a creator's own words (made with --script or re-made from
    edits by `vidgen render`) and pkg would replace them with generated text."""
    if pkg.script.hook.pattern == CREATOR or not (out_dir / PACKAGE_JSON).is_file():
        return False
    try:
        stored = orjson.loads((out_dir / PACKAGE_JSON).read_bytes())
        return bool(stored["script"]["hook"]["pattern"] == CREATOR)
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
        return False


def write_package(pkg: VideoPackage, out_dir: Path, *, force: bool = False) -> PackageFiles:
    """Write the folder. A crash never leaves a half-written file, and package.json, written
    last, is present only when every other file is complete.

    A new folder is built under a temporary name and renamed into place. An existing package
    folder is updated in place: package.json is removed first and written again last. A folder
    holding hand edits is refused (PackageEditedError) unless `force`.
    """
    out_dir = Path(out_dir)
    files = render_files(pkg)  # render first: a rendering bug must not touch the disk
    platforms = _platform_dirs(pkg)
    _check_target(out_dir)
    if not force and out_dir.is_dir():
        edited = edited_files(out_dir)
        if edited:
            raise PackageEditedError(out_dir, edited)
        if _creator_words_replaced(out_dir, pkg):
            raise PackageEditedError(
                out_dir,
                ["script.md"],
                "holds your own words (a --script or a `vidgen render` of your edits), which "
                "this generated script would replace",
            )
    size = sum(len(data) for data in files.values())
    if not out_dir.exists():
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.tmp-"))
        try:
            for relative, data in files.items():
                _write_atomic(staging / relative, data)
            os.chmod(staging, 0o777 & ~_UMASK)
            staging.rename(out_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _fsync_dir(out_dir.parent)
    else:
        old = _old_platforms(out_dir)
        (out_dir / PACKAGE_JSON).unlink(missing_ok=True)
        _fsync_dir(out_dir)
        _remove_stale(out_dir, old, set(platforms))
        for relative, data in files.items():
            _write_atomic(out_dir / relative, data)
        _fsync_dir(out_dir)
    written = PackageFiles.at(out_dir, platforms, bytes_written=size)
    log.info("package_written", path=str(out_dir), files=len(files), bytes=size)
    return written


# ---------------------------------------------------------------- reading


_REMAKE = 'Make it again with `vidgen make "<brief>" -o DIR`.'


def read_package(out_dir: Path) -> VideoPackage:
    """Load DIR/package.json; PackageReadError says which file, what is wrong, how to fix it."""
    out_dir = Path(out_dir)
    if not out_dir.exists():
        raise PackageReadError(
            out_dir, "no such folder", "Pass the folder `vidgen make` wrote (with package.json)."
        )
    if not out_dir.is_dir():
        raise PackageReadError(
            out_dir, "is a file, not a package folder", "Pass the folder that holds package.json."
        )
    path = out_dir / PACKAGE_JSON
    if not path.is_file():
        raise PackageReadError(
            out_dir,
            "not a video package: it has no package.json "
            "(or the run that wrote it stopped before the end)",
            "Pass the folder `vidgen make` printed. " + _REMAKE,
        )
    try:
        data: Any = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise PackageReadError(
            path,
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            "The file is damaged or was edited by hand; undo the edit. " + _REMAKE,
        ) from None
    except OSError as exc:
        problem = f"cannot be read ({exc.strerror})"
        raise PackageReadError(path, problem, "Check its permissions.") from None
    if not isinstance(data, dict):
        raise PackageReadError(path, "holds JSON but not a package object", _REMAKE)
    version = str(data.get("version", PACKAGE_VERSION))
    if version != PACKAGE_VERSION:
        raise PackageReadError(
            path,
            f"package version {version} is not one this vidgen reads (it reads {PACKAGE_VERSION})",
            "Use the vidgen version that wrote it, or make the package again.",
        )
    try:
        return VideoPackage.model_validate(data)
    except ValidationError as exc:
        problems, errors = describe_validation_error(exc)
        raise PackageReadError(
            path,
            f"does not match the package schema ({len(errors)} problem(s): {problems})",
            "Fix those fields or undo the hand edit. " + _REMAKE,
        ) from None


def check_files(out_dir: Path, pkg: VideoPackage | None = None) -> list[str]:
    """Problems with the rendered files: each one missing or not what package.json gives.

    An empty list means every file is exactly what write_package would write now.
    """
    out_dir = Path(out_dir)
    pkg = pkg or read_package(out_dir)
    problems = []
    for relative, expected in render_files(pkg).items():
        path = out_dir / relative
        if not path.is_file():
            problems.append(f"{relative}: missing")
        elif path.read_bytes() != expected:
            problems.append(f"{relative}: differs from package.json (edited by hand or damaged)")
    return problems


# ---------------------------------------------------------------- naming


def slugify(text: str, max_length: int = SLUG_MAX) -> str:
    """ASCII, lower-case, hyphenated, at most max_length characters, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[1:] else slug[:max_length]
        slug = slug[:max_length].strip("-")
    return slug or "video"


def _same_run(folder: Path, brief: Brief, package: VideoPackage | None) -> bool:
    """May this existing folder be written again for this brief (and package)?"""
    if not folder.is_dir():
        return False
    if not any(folder.iterdir()):
        return True
    try:
        stored = read_package(folder)
    except PackageError:
        return False
    if package is not None:
        # The run plan holds wall-clock timings, so two runs of one brief differ only there.
        return stored.model_copy(update={"plan": None}) == package.model_copy(update={"plan": None})
    return stored.brief == brief


def default_out_dir(brief: Brief, base: Path, *, package: VideoPackage | None = None) -> Path:
    """base/<topic slug>-<8 hex of sha256(brief text)>, with -2, -3 ... when that folder holds
    another package; the same brief (and package, if given) gets the same folder again."""
    digest = hashlib.sha256(brief.text.encode()).hexdigest()[:8]
    stem = f"{slugify(brief.topic)}-{digest}"
    base = Path(base)
    candidate = base / stem
    number = 1
    while candidate.exists() and not _same_run(candidate, brief, package):
        number += 1
        candidate = base / f"{stem}-{number}"
    return candidate


# ---------------------------------------------------------------- summary


def summary(pkg: VideoPackage, files: PackageFiles) -> str:
    """A few lines for the terminal: what was made, whether it passed, where it is."""
    quality = pkg.quality
    verdict = (
        f"passed all {len(quality.gates)} quality gates"
        if quality.passed
        else f"FAILED {len(quality.failures())} of {len(quality.gates)} quality gates: "
        + ", ".join(sorted({f"{g.gate} ({g.scope})" for g in quality.failures()}))
    )
    cuts = ", ".join(f"{platform_name(c.platform)} {clock(c.duration_s)}" for c in pkg.cuts)
    shots = len(pkg.storyboard.shots())
    return "\n".join(
        [
            f"{pkg.script.title}",
            f"  {len(pkg.script.segments)} segments, {len(pkg.storyboard.scenes)} scenes, "
            f"{shots} shots, {clock(pkg.timing.total_s)} timed",
            f"  cuts: {cuts}",
            f"  {verdict}",
            f"  open {files.storyboard_html}",
            f"Package: {files.root}",
        ]
    )
