"""`vidgen cache stats|clear|warm`, `vidgen templates`, and `vidgen make` with Redis down."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import redis
from caching_helpers import EXAMPLE

from redis_server import free_port
from video_generator.cli import main

BRIEFS = [EXAMPLE, "60 second YouTube Short explaining compound interest to teenagers"]


def write_briefs(tmp_path: Path, *extra: str) -> Path:
    path = tmp_path / "briefs.txt"
    path.write_text("# briefs to warm\n" + "\n".join([*BRIEFS, *extra]) + "\n\n")
    return path


def entries(url: str, agent: str = "") -> list[bytes]:
    with redis.Redis.from_url(url, socket_timeout=5) as raw:
        return list(raw.scan_iter(match=f"vgc:d:vg:{agent}*"))


def test_warm_fills_the_cache_and_stats_show_it(
    redis_url: str, vg_env, tmp_path: Path, capsys
) -> None:
    vg_env(VG_CACHE_URL=redis_url)
    briefs = write_briefs(tmp_path)
    assert main(["cache", "warm", "--briefs", str(briefs)]) == 0
    assert "2 computed, 0 already cached, 0 failed" in capsys.readouterr().out
    assert len(entries(redis_url, "orchestrator")) == 2
    assert main(["cache", "warm", "--briefs", str(briefs)]) == 0
    assert "0 computed, 2 already cached" in capsys.readouterr().out

    assert main(["cache", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["backend"] == "redis" and stats["url"] == redis_url
    assert stats["agents"]["orchestrator"]["hits"] == 2
    assert stats["agents"]["orchestrator"]["misses"] == 2
    assert stats["agents"]["orchestrator"]["hit_ratio"] == 0.5
    assert stats["agents"]["orchestrator"]["seconds_saved"] > 0
    assert stats["agents"]["script_writer"]["misses"] == 2
    assert stats["entries"] == len(entries(redis_url))

    assert main(["cache", "stats"]) == 0
    table = capsys.readouterr().out
    assert "orchestrator" in table and "50.0%" in table and "total" in table


def test_clear_one_agent_then_all(redis_url: str, vg_env, tmp_path: Path, capsys) -> None:
    vg_env(VG_CACHE_URL=redis_url)
    assert main(["cache", "warm", "--briefs", str(write_briefs(tmp_path))]) == 0
    scripts = len(entries(redis_url, "script_writer"))
    assert scripts == 2
    assert main(["cache", "clear", "--agent", "script_writer"]) == 0
    assert "removed 2 cached entries (script_writer's)" in capsys.readouterr().out
    assert entries(redis_url, "script_writer") == []
    assert len(entries(redis_url, "orchestrator")) == 2
    assert main(["cache", "clear", "--reset-stats"]) == 0
    assert "(every agent's)" in capsys.readouterr().out
    assert entries(redis_url) == []
    assert main(["cache", "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["agents"] == {}


def test_warm_reports_bad_briefs_and_carries_on(
    redis_url: str, vg_env, tmp_path: Path, capsys
) -> None:
    vg_env(VG_CACHE_URL=redis_url)
    briefs = write_briefs(tmp_path, "a 10 minute Instagram Reel about tea")
    assert main(["cache", "warm", "--briefs", str(briefs)]) == 2
    out, err = capsys.readouterr()
    assert "warmed 2 of 3 briefs" in out and "1 failed" in out
    assert "invalid_brief" in err and "Traceback" not in err


def test_warm_reads_yaml_lists(redis_url: str, vg_env, tmp_path: Path, capsys) -> None:
    vg_env(VG_CACHE_URL=redis_url)
    path = tmp_path / "briefs.yaml"
    path.write_text(
        "briefs:\n"
        f'  - text: "{EXAMPLE}"\n'
        "  - text: a 10 minute Instagram Reel about tea\n    error: too_long\n"
    )
    assert main(["cache", "warm", "--briefs", str(path)]) == 0
    assert "warmed 1 of 1 briefs" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["cache", "warm", "--briefs", "/nonexistent/briefs.txt"], "cannot read briefs file"),
        (["cache", "warm", "--briefs", "EMPTY"], "holds no briefs"),
        (["cache", "warm", "--briefs", "BRIEFS"], "memory://"),
        (["cache"], "vidgen cache stats"),
        (["templates", "--kind", "nonsense"], "no template kind 'nonsense'"),
    ],
)
def test_mistakes_are_one_clear_message(tmp_path: Path, capsys, args, says) -> None:
    (tmp_path / "empty.txt").write_text("# nothing\n\n")
    args = [str(tmp_path / "empty.txt") if a == "EMPTY" else a for a in args]
    args = [str(write_briefs(tmp_path)) if a == "BRIEFS" else a for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and says in err and "Traceback" not in err


def test_stats_with_redis_unreachable_says_so(vg_env, capsys) -> None:
    vg_env(VG_CACHE_URL=f"redis://127.0.0.1:{free_port()}/0")
    assert main(["cache", "stats"]) == 3
    err = capsys.readouterr().err
    assert "cannot reach the cache at redis://127.0.0.1:" in err and "Traceback" not in err


def test_a_bad_cache_url_stops_make_with_a_clear_message(vg_env, capsys) -> None:
    vg_env(VG_CACHE_URL="memory://?size=3")
    assert main(["make", EXAMPLE, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "size" in err and "VG_CACHE_URL" in err and "Traceback" not in err


def test_make_with_redis_down_still_makes_the_package(vg_env, tmp_path: Path, capsys) -> None:
    vg_env(VG_CACHE_URL=f"redis://127.0.0.1:{free_port()}/0")
    out = tmp_path / "pkg"
    assert main(["make", EXAMPLE, "-o", str(out), "--quiet"]) == 0
    assert (out / "package.json").is_file()
    captured = capsys.readouterr()
    assert "cache_unavailable_skipped" in captured.err
    assert "Traceback" not in captured.err


def test_templates_lists_usage_from_redis(redis_url: str, vg_env, tmp_path: Path, capsys) -> None:
    vg_env(VG_CACHE_URL=redis_url)
    assert main(["cache", "warm", "--briefs", str(write_briefs(tmp_path))]) == 0
    capsys.readouterr()
    assert main(["templates", "--used", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing["store"] == redis_url
    assert listing["templates"] and all(row["uses"] >= 1 for row in listing["templates"])
    with redis.Redis.from_url(redis_url, socket_timeout=5) as raw:
        stored = {k.decode(): int(v) for k, v in raw.hgetall("vgc:tpl:uses").items()}
    assert {row["id"]: row["uses"] for row in listing["templates"]} == stored
    assert main(["templates", "--kind", "hook", "--sort", "uses"]) == 0
    text = capsys.readouterr().out
    assert "hook." in text and "cta." not in text and f"usage from {redis_url}" in text
