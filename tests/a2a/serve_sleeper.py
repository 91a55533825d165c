"""Serve the tests' SleepAgent with its tasks in a database: `python serve_sleeper.py PORT DB`."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from a2a_test_agents import SleepAgent

from a2a_mcp.serve import AgentServer


async def main(port: int, db: str) -> None:
    server = AgentServer(SleepAgent(), port=port, task_db=db, drain_timeout_s=1)
    await server.start()
    print("listening", server.url, flush=True)
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
