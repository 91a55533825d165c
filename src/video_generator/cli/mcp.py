"""`vidgen mcp`: vidgen (or one agent) as an MCP server over stdio or streamable HTTP."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from typing import Any

from video_generator.cli.common import EXIT_OK, UserError, add_command
from video_generator.cli.serve import AGENT_NAMES
from video_generator.settings import get_settings


def register(commands: Any) -> None:
    mcp = add_command(
        commands,
        "mcp",
        cmd_mcp,
        "serve vidgen's tools to MCP clients (Claude Desktop, VS Code, Cursor): stdio by "
        "default, --http for streamable HTTP at /mcp (docs/mcp.md)",
    )
    mcp.add_argument("--http", action="store_true", help="streamable HTTP instead of stdio")
    mcp.add_argument("--host", default="127.0.0.1", help="with --http: address (default 127.0.0.1)")
    mcp.add_argument("--port", type=int, default=10110, help="with --http: port (default 10110)")
    mcp.add_argument(
        "--remote",
        nargs="?",
        const="",
        metavar="URL",
        help="make videos on a running mesh (`vidgen up`): the orchestrator's URL (default: "
        "from agents/orchestrator.json or VG_AGENT_ORCHESTRATOR_URLS)",
    )
    mcp.add_argument(
        "--agent",
        choices=AGENT_NAMES,
        metavar="NAME",
        help="serve this one agent's skills as the tools instead, e.g. scene_designer",
    )


def cmd_mcp(args: argparse.Namespace) -> int:
    # Imported here: the SDK is only loaded for this command (`vidgen --help` stays fast).
    from video_generator.mcp_server.app import api_keys, build_agent_server, build_vidgen_server

    if args.remote and not args.remote.startswith(("http://", "https://")):
        raise UserError(
            f"--remote takes the orchestrator's URL, like http://127.0.0.1:10100, not "
            f"'{args.remote}'"
        )
    if args.agent and args.remote is not None:
        raise UserError(
            "--agent serves that agent in this process; to reach a running mesh, leave --agent "
            "out and use --remote (the tools then run on its orchestrator)"
        )
    if not args.http and (args.host != "127.0.0.1" or args.port != 10110):
        raise UserError("--host and --port apply to --http; stdio needs neither")
    if args.agent:
        server, close = build_agent_server(args.agent)
    else:
        server, close = build_vidgen_server(remote=args.remote)
    keys = api_keys()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(server, close, args, keys))
    return EXIT_OK


async def _serve(server: Any, close: Any, args: argparse.Namespace, keys: tuple[str, ...]) -> None:
    from a2a_mcp.mcp import serve_stdio
    from a2a_mcp.mcp.http import McpHttpServer

    try:
        if not args.http:
            await serve_stdio(server)
            return
        http = McpHttpServer(
            server,
            host=args.host,
            port=args.port,
            api_keys=keys,
            log_level=get_settings().log_level.lower(),
        )
        await http.start()
        auth = (
            f"bearer keys: {len(keys)}" if keys else "no key asked: set VG_API_KEYS to require one"
        )
        if not keys and args.host not in ("127.0.0.1", "localhost", "::1"):
            print(
                f"warning: serving on {args.host} without VG_API_KEYS: anyone who reaches this "
                "address can make videos here",
                file=sys.stderr,
            )
        # stderr: stdout belongs to the protocol when on stdio, and to nothing here.
        print(f"vidgen MCP server at {http.url} ({auth})", file=sys.stderr, flush=True)
        await http.wait_closed()
    finally:
        await close()
