"""The output folder: every file written, read back equal, strict HTML, safe text, clear errors."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pysubs2
import pytest
import webvtt
from markdown_it import MarkdownIt

from video_generator.core.frame import Box, Resolution, SafeZone
from video_generator.core.models import (
    BeatGrid,
    Brief,
    CameraMovement,
    CaptionCue,
    ExportSettings,
    GateResult,
    GenerationPrompts,
    Hook,
    NodeTiming,
    PlatformCut,
    QualityReport,
    RunPlan,
    Scene,
    Script,
    Segment,
    SegmentEdit,
    SegmentEditAction,
    SegmentType,
    Shot,
    ShotType,
    Storyboard,
    Style,
    TimedSegment,
    TimedShot,
    TimingPlan,
    Tone,
    Transition,
    VideoPackage,
)
from video_generator.output import package as package_module
from video_generator.output.package import (
    PackageError,
    PackageReadError,
    check_files,
    default_out_dir,
    read_package,
    render_files,
    slugify,
    summary,
    write_package,
)

HOSTILE = "<script>alert(\"x\")</script> & 'q' &amp; ]]> --> 😀 مرحبا שלום"
XHTML = "{http://www.w3.org/1999/xhtml}"


# ---------------------------------------------------------------- a package built by hand


def build_package(
    *,
    extra: str = "",
    platforms: tuple[str, ...] = ("tiktok", "instagram_reels"),
    plan: bool = True,
    brief_text: str = "a 30-second TikTok and Reel about cold brew for busy parents",
    passed: bool = True,
) -> VideoPackage:
    """A small, consistent package; `extra` is appended to every user-derived string."""

    def t(text: str) -> str:
        return f"{text} {extra}".strip() if extra else text

    brief = Brief(
        text=t(brief_text),
        topic=t("cold brew"),
        audience=t("busy parents"),
        tone=Tone.UPBEAT,
        style=Style.VIRAL,
        platforms=list(platforms),
        duration_s=30,
        key_points=[t("saves time")],
        call_to_action=t("link in bio"),
    )
    kinds = [(SegmentType.HOOK, 2), (SegmentType.POINT, 2), (SegmentType.CTA, 1)]
    segments = [
        Segment(
            id=f"seg-{n:02d}",
            type=kind,
            narration=t(f"Narration number {n} about cold brew."),
            on_screen_text=t(f"On screen {n}"),
            word_count=6,
            estimated_s=8.0,
            shot_count=shots,
            optional=kind == SegmentType.POINT,
            key_point=t("saves time") if kind == SegmentType.POINT else None,
        )
        for n, (kind, shots) in enumerate(kinds, start=1)
    ]
    script = Script(
        title=t("Cold brew in 30 seconds"),
        hook=Hook(text=t("Tired of cold coffee?"), pattern="question"),
        segments=segments,
        call_to_action=t("link in bio"),
        hashtags=["coldbrew", t("#parents")],
        words_per_minute=150,
        total_words=18,
        estimated_s=24.0,
    )
    palette = ["#ffb703", "#023047", "#8ecae6"]
    scenes = []
    timed_segments, timed_shots = [], []
    clock = 0.0
    for n, seg in enumerate(segments, start=1):
        shots = []
        seg_start = clock
        for k in range(1, seg.shot_count + 1):
            shot_id = f"{seg.id}-sh{k}"
            shots.append(
                Shot(
                    id=shot_id,
                    segment_id=seg.id,
                    type=ShotType.CLOSE_UP,
                    camera_movement=CameraMovement.PUSH_IN,
                    composition="rule_of_thirds",
                    subject=t("a glass of cold brew"),
                    visual_description=t("Ice cubes fall into dark coffee, slow motion."),
                    on_screen_text=t(f"Shot text {shot_id}") if k == 1 else "",
                    transition=Transition.CUT,
                    mood=t("bright"),
                    palette=[*palette, t("not-a-colour")] if extra else palette,
                    prompts=GenerationPrompts(
                        prompt=t(f"Close-up of cold brew, shot {shot_id}, warm light"),
                        motion_prompt=t("slow push in"),
                        negative_prompt=t("blurry, text artifacts"),
                    ),
                )
            )
            timed_shots.append(
                TimedShot(shot_id=shot_id, segment_id=seg.id, start_s=clock, end_s=clock + 4.0)
            )
            clock += 4.0
        timed_segments.append(TimedSegment(segment_id=seg.id, start_s=seg_start, end_s=clock))
        scenes.append(
            Scene(
                id=f"scene-{n:02d}",
                segment_id=seg.id,
                title=t(f"Scene {n}"),
                mood=t("bright"),
                palette=palette,
                shots=shots,
            )
        )
    storyboard = Storyboard(title=script.title, style=Style.VIRAL, scenes=scenes)
    captions = [
        CaptionCue(
            index=n,
            start_s=(n - 1) * 2.5,
            end_s=(n - 1) * 2.5 + 2.345,
            lines=[t(f"Caption line {n}"), "second line"],
            segment_id="seg-01",
        )
        for n in range(1, 6)
    ]
    timing = TimingPlan(
        words_per_minute=150,
        pause_s=0.3,
        segments=timed_segments,
        shots=timed_shots,
        captions=captions,
        beat_grid=BeatGrid(bpm=120, beats_s=[0.0, 0.5, 1.0]),
        total_s=clock,
    )
    cuts = [
        PlatformCut(
            platform=p,
            resolution=Resolution(width=1080, height=1920),
            aspect="9:16",
            fps=30,
            duration_s=clock - 4.0,
            hook_end_s=2.8,
            edits=[
                SegmentEdit(
                    segment_id="seg-01", action=SegmentEditAction.KEPT, original_s=8, new_s=8
                ),
                SegmentEdit(
                    segment_id="seg-02",
                    action=SegmentEditAction.TIGHTENED,
                    original_s=8,
                    new_s=4,
                ),
            ],
            kept_segments=["seg-01", "seg-02", "seg-03"],
            trimmed_segments=["seg-02"],
            segments=timed_segments,
            shots=timed_shots,
            caption_safe_zone=SafeZone(top=250, bottom=460, left=60, right=180),
            caption_box=Box(x=60, y=250, width=840, height=1210),
            captions=captions,
            title=t("Cold brew"),
            description=t("Cold brew for busy parents"),
            hashtags=["#coldbrew"],
            export=ExportSettings(video_bitrate_kbps=6000),
        )
        for p in platforms
    ]
    quality = QualityReport(
        passed=passed,
        gates=[
            GateResult(
                gate="caption_line_length",
                scope="tiktok",
                value=38,
                limit="<= 42",
                unit="chars",
                passed=passed,
                detail=t("longest line"),
            )
        ],
    )
    run_plan = RunPlan(
        workflow="video_generation",
        mode="eager",
        levels=[["brief"], ["script"], ["scenes", "timing"], ["package"]],
        nodes=[
            NodeTiming(id=i, level=lv, status="done", started_ms=lv * 10.0, duration_ms=9.5)
            for lv, ids in enumerate([["brief"], ["script"], ["scenes", "timing"], ["package"]])
            for i in ids
        ],
        critical_path=["brief", "script", "scenes", "package"],
        makespan_ms=40.0,
    )
    return VideoPackage(
        brief=brief,
        script=script,
        storyboard=storyboard,
        timing=timing,
        cuts=cuts,
        quality=quality,
        plan=run_plan if plan else None,
        engine={"engine": "template", "version": "1"},
    )


# ---------------------------------------------------------------- helpers


def parse_html(path: Path) -> ET.Element:
    """Strict parse: expat rejects any unclosed tag, bad nesting, unquoted attribute or raw '&'/'<'.

    xml.etree over html5lib: the page is written as polyglot markup, so the standard library's
    XML parser is the strictest check available with no extra dependency.
    """
    return ET.fromstring(path.read_text(encoding="utf-8"))


def all_text(root: ET.Element) -> str:
    return "".join(root.itertext())


# ---------------------------------------------------------------- write and read


def test_write_then_read_gives_an_equal_package(tmp_path: Path) -> None:
    pkg = build_package()
    files = write_package(pkg, tmp_path / "out")
    assert read_package(tmp_path / "out") == pkg
    assert len(files.paths()) == 8 + 3 * 2
    for path in files.paths():
        assert path.is_file() and path.stat().st_size > 0, path
    assert sorted(files.platforms) == ["instagram_reels", "tiktok"]
    assert files.bytes_written == sum(p.stat().st_size for p in files.paths())
    assert check_files(tmp_path / "out") == []


def test_files_get_the_usual_permissions(tmp_path: Path) -> None:
    files = write_package(build_package(), tmp_path / "out")
    umask = package_module._UMASK
    assert (files.root.stat().st_mode & 0o777) == 0o777 & ~umask
    for path in files.paths():
        assert (path.stat().st_mode & 0o777) == 0o666 & ~umask, path


def test_json_files_hold_their_models(tmp_path: Path) -> None:
    pkg = build_package()
    files = write_package(pkg, tmp_path / "out")
    assert TimingPlan.model_validate_json(files.timing_json.read_bytes()) == pkg.timing
    assert QualityReport.model_validate_json(files.quality_json.read_bytes()) == pkg.quality
    for cut in pkg.cuts:
        raw = files.platforms[cut.platform].cut_json.read_bytes()
        assert PlatformCut.model_validate_json(raw) == cut
    assert json.loads(files.package_json.read_text())["version"] == "1"


def test_the_same_package_gives_the_same_bytes(tmp_path: Path) -> None:
    first = write_package(build_package(), tmp_path / "a")
    second = write_package(build_package(), tmp_path / "b")
    for a, b in zip(first.paths(), second.paths(), strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_captions_files_parse_with_subtitle_libraries(tmp_path: Path) -> None:
    pkg = build_package()
    files = write_package(pkg, tmp_path / "out")
    cues = pkg.cuts[0].captions
    srt = pysubs2.load(str(files.platforms["tiktok"].captions_srt), format_="srt")
    vtt = webvtt.read(str(files.platforms["tiktok"].captions_vtt))
    assert [e.plaintext for e in srt] == [c.text for c in cues]
    assert [c.text for c in vtt] == [c.text for c in cues]
    assert [e.end for e in srt] == [round(c.end_s * 1000) for c in cues]


# ---------------------------------------------------------------- the page


def test_storyboard_html_is_well_formed_and_shows_every_shot(tmp_path: Path) -> None:
    pkg = build_package()
    files = write_package(pkg, tmp_path / "out")
    root = parse_html(files.storyboard_html)
    codes = {el.text for el in root.iter("code")}
    for shot in pkg.storyboard.shots():
        assert shot.id in codes
        assert root.find(f".//section[@id='shot-{shot.id}']") is not None
    text = all_text(root)
    for needle in ["Cold brew in 30 seconds", "TikTok", "Instagram Reels", "seg-02 (tightened)"]:
        assert needle in text
    for shot in pkg.storyboard.shots():
        assert shot.prompts.prompt in text
    # one card per scene, timings from the TimingPlan
    assert len([a for a in root.iter("article") if a.get("class") == "scene"]) == 3
    assert "0:04.0–0:08.0 (4.0 s)" in text


def test_storyboard_html_is_self_contained(tmp_path: Path) -> None:
    files = write_package(build_package(), tmp_path / "out")
    root = parse_html(files.storyboard_html)
    tags = {el.tag for el in root.iter()}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed"}
    raw = files.storyboard_html.read_text()
    assert "http://" not in raw and "https://" not in raw and "url(" not in raw
    assert raw.startswith("<!DOCTYPE html>")
    assert root.find(".//meta[@name='viewport']") is not None


def test_hostile_text_is_escaped_everywhere(tmp_path: Path) -> None:
    pkg = build_package(extra=HOSTILE)
    files = write_package(pkg, tmp_path / "out")

    root = parse_html(files.storyboard_html)  # raw '<' or '&' would break the strict parse
    assert "script" not in {el.tag for el in root.iter()}
    assert HOSTILE in all_text(root)
    assert root.find("head/title").text.startswith(pkg.script.title)
    # A colour that is not hex never reaches a style attribute.
    styles = [el.get("style") for el in root.iter() if el.get("style")]
    assert styles and not any("not-a-colour" in s or "<" in s for s in styles)

    for md_file in (files.script_md, files.storyboard_md):
        rendered = MarkdownIt("commonmark").render(md_file.read_text())
        assert "<script>" not in rendered
        assert "&lt;script&gt;" in rendered  # shown as text, not dropped

    srt = pysubs2.load(str(files.platforms["tiktok"].captions_srt), format_="srt")
    vtt = list(webvtt.read(str(files.platforms["tiktok"].captions_vtt)))
    assert len(srt) == len(vtt) == len(pkg.cuts[0].captions)
    assert read_package(tmp_path / "out") == pkg


def test_markdown_files_hold_the_script_and_storyboard(tmp_path: Path) -> None:
    pkg = build_package()
    files = write_package(pkg, tmp_path / "out")
    script_md = files.script_md.read_text()
    for needle in [
        "# Cold brew in 30 seconds",
        "Tired of cold coffee?",
        "### 2. Point · `seg-02` · 0:08.0–0:16.0 (8.0 s)",
        "On screen: **On screen 1**",
        "## Call to action",
        "#coldbrew #parents",
    ]:
        assert needle in script_md
    for seg in pkg.script.segments:
        assert seg.narration in script_md
    board_md = files.storyboard_md.read_text()
    for shot in pkg.storyboard.shots():
        assert f"### Shot `{shot.id}`" in board_md
        assert f"```text\n{shot.prompts.prompt}\n```" in board_md


def test_plan_txt_lists_levels_nodes_and_critical_path(tmp_path: Path) -> None:
    files = write_package(build_package(), tmp_path / "out")
    plan = files.plan_txt.read_text()
    assert "Critical path: brief -> script -> scenes -> package" in plan
    assert "Makespan: 40.0 ms" in plan
    lines = plan.splitlines()
    for node in ["brief", "script", "scenes", "timing", "package"]:
        row = next(line for line in lines if f" {node} " in line and "done" in line)
        assert "9.5 ms" in row
    assert any(line.startswith("L2 ") and "scenes" in line for line in lines)

    files = write_package(build_package(plan=False), tmp_path / "no-plan")
    assert files.plan_txt.read_text() == "Run plan: not recorded\n"


# ---------------------------------------------------------------- errors people read


def test_read_package_on_a_folder_that_is_not_a_package(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(PackageReadError) as info:
        read_package(tmp_path)
    message = str(info.value)
    assert str(tmp_path) in message and "no package.json" in message and "vidgen make" in message

    with pytest.raises(PackageReadError, match="no such folder"):
        read_package(tmp_path / "missing")
    with pytest.raises(PackageReadError, match="is a file"):
        read_package(tmp_path / "notes.txt")


def test_read_package_on_damaged_package_json(tmp_path: Path) -> None:
    files = write_package(build_package(), tmp_path / "out")
    raw = files.package_json.read_bytes()

    files.package_json.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(PackageReadError) as info:
        read_package(tmp_path / "out")
    assert "package.json: not valid JSON (line" in str(info.value)

    data = json.loads(raw)
    del data["script"]["title"]
    data["cuts"][0]["duration_s"] = -1
    files.package_json.write_text(json.dumps(data))
    with pytest.raises(PackageReadError) as info:
        read_package(tmp_path / "out")
    message = str(info.value)
    assert "script.title: Field required" in message
    assert "cuts.0.duration_s" in message and "2 problem(s)" in message

    data = json.loads(raw)
    data["version"] = "9"
    files.package_json.write_text(json.dumps(data))
    with pytest.raises(PackageReadError, match="package version 9"):
        read_package(tmp_path / "out")

    files.package_json.write_text("[1, 2]")
    with pytest.raises(PackageReadError, match="not a package object"):
        read_package(tmp_path / "out")


def test_refuses_to_write_into_a_folder_of_other_files(tmp_path: Path) -> None:
    (tmp_path / "thesis.docx").write_text("precious")
    with pytest.raises(PackageError, match="not empty and is not a video package"):
        write_package(build_package(), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.docx"]
    with pytest.raises(PackageError, match="not a folder"):
        write_package(build_package(), tmp_path / "thesis.docx")


def test_platform_ids_cannot_escape_the_folder(tmp_path: Path) -> None:
    pkg = build_package()
    bad = pkg.model_copy(update={"cuts": [pkg.cuts[0].model_copy(update={"platform": "../x"})]})
    with pytest.raises(PackageError, match="cannot be a folder name"):
        write_package(bad, tmp_path / "out")
    twice = pkg.model_copy(update={"cuts": [pkg.cuts[0], pkg.cuts[0]]})
    with pytest.raises(PackageError, match="more than one cut for tiktok"):
        write_package(twice, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- crash safety


class Crash(Exception):
    pass


def _crash_on_replace(monkeypatch: pytest.MonkeyPatch, after: int) -> None:
    calls = {"n": 0}
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        calls["n"] += 1
        if calls["n"] > after:
            raise Crash("disk gone")
        real_replace(src, dst)

    monkeypatch.setattr(package_module.os, "replace", replace)


@pytest.mark.parametrize("after", [0, 3, 12])
def test_a_crash_while_writing_a_new_folder_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: int
) -> None:
    _crash_on_replace(monkeypatch, after)
    with pytest.raises(Crash):
        write_package(build_package(), tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("after", [0, 5, 12])
def test_a_crash_while_updating_never_leaves_a_half_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: int
) -> None:
    out = tmp_path / "out"
    write_package(build_package(), out)
    _crash_on_replace(monkeypatch, after)
    with pytest.raises(Crash):
        write_package(build_package(extra="v2"), out)
    monkeypatch.undo()
    # package.json is written last, so its absence marks the folder as incomplete...
    with pytest.raises(PackageReadError, match=r"no package\.json"):
        read_package(out)
    assert not [p for p in out.rglob("*") if p.name.startswith(".vidgen-tmp-")]
    # ...and writing again over the remains works.
    pkg = build_package(extra="v2")
    write_package(pkg, out)
    assert read_package(out) == pkg and check_files(out) == []


def test_updating_a_package_drops_platforms_it_no_longer_has(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_package(build_package(), out)
    (out / "tiktok" / "my-notes.txt").write_text("keep me")
    write_package(build_package(platforms=("instagram_reels", "youtube_shorts")), out)
    assert not (out / "tiktok" / "cut.json").exists()
    assert (out / "tiktok" / "my-notes.txt").read_text() == "keep me"
    write_package(build_package(platforms=("youtube_shorts",)), out)
    assert not (out / "instagram_reels").exists()
    assert check_files(out) == []


def test_check_files_finds_missing_and_edited_files(tmp_path: Path) -> None:
    files = write_package(build_package(), tmp_path / "out")
    files.platforms["tiktok"].captions_srt.unlink()
    files.script_md.write_text("# my own script\n")
    assert check_files(tmp_path / "out") == [
        "script.md: differs from package.json (edited by hand or damaged)",
        "tiktok/captions.srt: missing",
    ]


# ---------------------------------------------------------------- names


def test_slugify() -> None:
    assert slugify("Cold Brew: the 5-minute guide!") == "cold-brew-the-5-minute-guide"
    assert slugify("Crème brûlée") == "creme-brulee"
    assert slugify("咖啡 😀") == "video"
    long = slugify("why " * 40)
    assert len(long) <= 48 and not long.endswith("-") and long.startswith("why-why")
    assert len(slugify("x" * 100)) == 48


def test_default_out_dir_is_stable_and_never_overwrites_another_package(tmp_path: Path) -> None:
    pkg = build_package()
    first = default_out_dir(pkg.brief, tmp_path)
    assert first.parent == tmp_path
    assert first.name.startswith("cold-brew-") and len(first.name) == len("cold-brew-") + 8
    assert default_out_dir(pkg.brief, tmp_path) == first  # deterministic

    write_package(pkg, first)
    assert default_out_dir(pkg.brief, tmp_path) == first  # same brief: same folder
    assert default_out_dir(pkg.brief, tmp_path, package=pkg) == first

    # Another package in that folder (a different engine's output): go to -2, then -3.
    other = build_package(extra="llm")
    assert default_out_dir(pkg.brief, tmp_path, package=other).name == first.name + "-2"
    write_package(other.model_copy(update={"brief": pkg.brief}), Path(f"{first}-2"))
    assert default_out_dir(pkg.brief, tmp_path, package=other).name == first.name + "-3"

    # A different brief text gets a different folder.
    other_brief = pkg.brief.model_copy(update={"text": "something else"})
    assert default_out_dir(other_brief, tmp_path).name != first.name

    # A non-package folder in the way is skipped, never written into.
    fresh = build_package(brief_text="a brief nobody wrote yet")
    target = default_out_dir(fresh.brief, tmp_path)
    target.mkdir()
    (target / "x.txt").write_text("x")
    assert default_out_dir(fresh.brief, tmp_path).name == target.name + "-2"


def test_summary_names_the_folder_and_the_verdict(tmp_path: Path) -> None:
    pkg = build_package(passed=False)
    files = write_package(pkg, tmp_path / "out")
    text = summary(pkg, files)
    assert text.splitlines()[-1] == f"Package: {tmp_path / 'out'}"
    assert "FAILED 1 of 1 quality gates: caption_line_length (tiktok)" in text
    assert "TikTok 0:16.0" in text


def test_render_files_puts_package_json_last() -> None:
    files = render_files(build_package())
    assert list(files)[-1] == "package.json"
    assert not any(name.startswith("/") or ".." in name for name in files)
