"""Fuzzing every skill with random and hostile payloads, in process and over A2A.

Each payload is a valid input with one part broken (a huge count, a non-finite number, a
100,000-character string, a deep nest, a long list, a missing or unknown field) or random JSON.
Every answer must come within a bound and be the skill's output or a clear refusal: never an
unexpected exception, an HTTP 500, or a stack trace in the answer or the logs. Memory stays
bounded and every service still serves afterwards. Example counts are small and fixed, so the
suite stays fast; the same seeds run every time (derandomised).
"""

from __future__ import annotations

import asyncio
import copy
import resource
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from a2a_mcp.errors import AgentError
from a2a_mcp.serve import AgentServer
from video_generator.app.runtime import all_agents
from video_generator.brief import EXAMPLE_BRIEF, parse_brief

ANSWER_BOUND_S = 30.0  # the largest valid input (3,000 shots) takes a few seconds
RSS_GROWTH_BOUND = 768 * 2**20  # a huge shot count once took 3.8 GiB
SKILLS = {
    "orchestrator": "make_video",
    "script_writer": "write_script",
    "scene_designer": "design_storyboard",
    "timing_coordinator": "plan_timing",
    "platform_adapter": "adapt_cut",
}
FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _deep(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = [value]
    return value


# Names that look right and are wrong: an unknown platform, an id nothing else has.
WRONG_NAMES = st.sampled_from(["myspace", "", "seg-99", "seg-01-sh99", "scene-99", "zz-ZZ"])
# Values that break a field: sizes far past any limit, wrong types, non-finite numbers.
JSON_HOSTILE = st.one_of(
    WRONG_NAMES,
    WRONG_NAMES,
    st.lists(WRONG_NAMES, min_size=1, max_size=3),
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([10**9, -(10**9), 2**62, 1e308, -1e308, 0, -1, 1e-300]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=300),
    st.sampled_from(["x" * 100_000, "word " * 25_000, "\x00" * 1000, "${input.render}"]),
    st.just(_deep(200)),
    st.just(list(range(50_000))),
    st.dictionaries(st.text(max_size=10), st.integers(), max_size=4),
    st.lists(st.text(max_size=20), max_size=10),
)
HOSTILE = st.one_of(JSON_HOSTILE, st.sampled_from([float("inf"), float("-inf"), float("nan")]))
RANDOM_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=25,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON value: dict keys and list items (the first two of a list)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:2]):
            yield (*prefix, index)
            yield from _paths(item, (*prefix, index))


def _mutate(base: dict[str, Any], path: tuple[Any, ...], how: str, value: Any) -> Any:
    payload = copy.deepcopy(base)
    parent = payload
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "delete":
        del parent[last]
    elif how == "unknown_field" and isinstance(parent[last], dict):
        parent[last]["not_a_field"] = value
    elif how == "flood" and isinstance(parent[last], list) and parent[last]:
        parent[last] = parent[last] * 5000  # a list far past its limit
    else:
        parent[last] = value
    return payload


MUTATIONS = st.sampled_from(["replace", "replace", "replace", "delete", "unknown_field", "flood"])


@pytest.fixture(scope="module")
def world() -> Iterator[dict[str, Any]]:
    """The five agents, one valid input per skill (made by the pipeline itself), and a loop."""
    loop = asyncio.new_event_loop()
    agents = {agent.name: agent for agent in all_agents()}
    brief = parse_brief(EXAMPLE_BRIEF).model_dump(mode="json")

    async def valid_inputs() -> dict[str, dict[str, Any]]:
        script = (await agents["script_writer"].run("write_script", {"brief": brief})).model_dump(
            mode="json"
        )
        pair = {"brief": brief, "script": script}
        storyboard = await agents["scene_designer"].run("design_storyboard", pair)
        timing = await agents["timing_coordinator"].run("plan_timing", pair)
        cut = {
            "platform": brief["platforms"][0],
            **pair,
            "storyboard": storyboard.model_dump(mode="json"),
            "timing": timing.model_dump(mode="json"),
        }
        return {
            "orchestrator": {"brief": EXAMPLE_BRIEF},
            "script_writer": {"brief": brief},
            "scene_designer": pair,
            "timing_coordinator": pair,
            "platform_adapter": cut,
        }

    inputs = loop.run_until_complete(valid_inputs())
    paths = {name: list(_paths(payload)) for name, payload in inputs.items()}
    yield {"loop": loop, "agents": agents, "inputs": inputs, "paths": paths}
    loop.run_until_complete(agents["orchestrator"].client.aclose())
    loop.close()


# Fields whose values steer the work (ids that must match, counts, the platform registry):
# half the mutations aim at one of them, so a few examples reach the skills' own checks.
STEERING = frozenset(
    "platforms platform duration_s shot_count words_per_minute word_count segments shots "
    "scenes captions id segment_id shot_id language tone style estimated_s total_s".split()
)


def _payloads(world: dict[str, Any], name: str, values: st.SearchStrategy[Any]) -> Any:
    base = world["inputs"][name]
    paths = world["paths"][name]
    steering = [p for p in paths if any(step in STEERING for step in p[-2:])] or paths
    mutated = st.builds(
        lambda path, how, value: _mutate(base, path, how, value),
        st.one_of(st.sampled_from(paths), st.sampled_from(steering)),
        MUTATIONS,
        values,
    )
    return st.one_of(mutated, mutated, mutated, RANDOM_JSON)


@pytest.mark.parametrize("name", list(SKILLS))
def test_in_process_every_skill_answers_or_refuses_clearly(
    world: dict[str, Any],
    name: str,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    agent = world["agents"][name]
    skill = agent.get_skill(SKILLS[name])
    before = _rss()

    @FUZZ
    @given(payload=_payloads(world, name, HOSTILE))
    def check(payload: Any) -> None:
        started = time.perf_counter()
        try:
            output = world["loop"].run_until_complete(
                asyncio.wait_for(agent.run(skill.id, payload), ANSWER_BOUND_S)
            )
        except AgentError as error:
            assert error.code and error.message
            assert "Traceback" not in error.message
        else:
            assert isinstance(output, skill.output_model)
        assert time.perf_counter() - started < ANSWER_BOUND_S

    check()
    assert _rss() - before < RSS_GROWTH_BOUND
    assert "Traceback" not in "".join(capfd.readouterr()) + caplog.text


# ---------------------------------------------------------------- over A2A


class _Served:
    """The five agents served on 127.0.0.1 from a thread of their own (the test talks to them
    with a blocking client, as any outside caller would)."""

    def __init__(self, agents: dict[str, Any]) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.servers = {
            name: self._run(AgentServer(agent, port=0, drain_timeout_s=1).start())
            for name, agent in agents.items()
        }

    def _run(self, work: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(60)

    def url(self, name: str) -> str:
        return self.servers[name].url

    def stop(self) -> None:
        for server in self.servers.values():
            self._run(server.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture(scope="module")
def served(world: dict[str, Any]) -> Iterator[_Served]:
    mesh = _Served(world["agents"])
    yield mesh
    mesh.stop()


def _send(client: httpx.Client, url: str, skill: str, body: bytes) -> httpx.Response:
    return client.post(
        url, content=body, headers={"Content-Type": "application/json", "A2A-Version": "1.0"}
    )


def _request(skill: str, payload: Any) -> bytes:
    return orjson.dumps(
        {
            "jsonrpc": "2.0",
            "id": uuid.uuid4().hex,
            "method": "SendMessage",
            "params": {
                "message": {
                    "messageId": uuid.uuid4().hex,
                    "role": "ROLE_USER",
                    "metadata": {"skill": skill},
                    "parts": [{"data": payload}],
                },
                "configuration": {"blocking": True},
            },
        }
    )


def _check_answer(response: httpx.Response, started: float) -> None:
    assert response.status_code in (200, 400, 413), response.text[:300]
    assert "Traceback" not in response.text
    assert time.perf_counter() - started < ANSWER_BOUND_S
    if response.status_code != 200:
        return
    body = response.json()
    if "error" in body:
        assert body["error"]["message"]
        return
    state = body["result"]["task"]["status"]["state"]
    assert state in ("TASK_STATE_COMPLETED", "TASK_STATE_FAILED"), state


@pytest.mark.parametrize("name", list(SKILLS))
def test_over_a2a_every_skill_answers_or_refuses_clearly(
    world: dict[str, Any],
    served: _Served,
    name: str,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    url, skill = served.url(name), SKILLS[name]
    before = _rss()
    with httpx.Client(timeout=ANSWER_BOUND_S * 2) as client:

        @settings(FUZZ, max_examples=12)
        @given(payload=_payloads(world, name, JSON_HOSTILE))
        def check(payload: Any) -> None:
            started = time.perf_counter()
            _check_answer(_send(client, url, skill, _request(skill, payload)), started)

        check()
        # Still serving: healthy, and a valid call completes.
        assert client.get(f"{url}/health").status_code == 200
        good = _send(client, url, skill, _request(skill, world["inputs"][name])).json()
        assert good["result"]["task"]["status"]["state"] == "TASK_STATE_COMPLETED"
    assert _rss() - before < RSS_GROWTH_BOUND
    assert "Traceback" not in "".join(capfd.readouterr()) + caplog.text


RAW_BODIES = {
    "not json": b"\xff\xfe not json at all",
    "empty": b"",
    "a batch": b"[]",
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "deep data": _request("plan_timing", "DEEP").replace(b'"DEEP"', b"[" * 5000 + b"]" * 5000),
    # Deep enough for a2a-sdk's protobuf conversion to fail (with a stack trace in its log),
    # shallow enough for every JSON parser: only the guard's depth limit stops it.
    "60 deep data": _request("plan_timing", "DEEP").replace(b'"DEEP"', b"[" * 60 + b"]" * 60),
    "infinity": _request("plan_timing", "INF").replace(b'"INF"', b"1e400"),
    "nan": _request("plan_timing", {"brief": "NAN"}).replace(b'"NAN"', b"NaN"),
    "huge int": _request("plan_timing", {"brief": "BIG"}).replace(b'"BIG"', b"9" * 5000),
    "over the size limit": _request("plan_timing", {"brief": "x" * (9 * 2**20)}),
    "no method": b'{"jsonrpc": "2.0", "id": 1}',
    "params of the wrong shape": (
        b'{"jsonrpc": "2.0", "id": 1, "method": "SendMessage",'
        b' "params": {"message": {"parts": "not a list"}}}'
    ),
}


@pytest.mark.parametrize("body", list(RAW_BODIES.values()), ids=list(RAW_BODIES))
def test_hostile_bodies_are_refused_without_a_stack_trace(
    served: _Served,
    body: bytes,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = served.url("timing_coordinator")
    with httpx.Client(timeout=ANSWER_BOUND_S) as client:
        started = time.perf_counter()
        _check_answer(_send(client, url, "plan_timing", body), started)
        assert client.get(f"{url}/health").status_code == 200
    assert "Traceback" not in "".join(capfd.readouterr()) + caplog.text


def test_a_huge_shot_count_over_a2a_is_refused_not_computed(
    world: dict[str, Any], served: _Served
) -> None:
    payload = copy.deepcopy(world["inputs"]["scene_designer"])
    payload["script"]["segments"][0]["shot_count"] = 10**9
    before = _rss()
    with httpx.Client(timeout=ANSWER_BOUND_S) as client:
        started = time.perf_counter()
        answer = _send(
            client,
            served.url("scene_designer"),
            "design_storyboard",
            _request("design_storyboard", payload),
        ).json()
    assert time.perf_counter() - started < 5
    status = answer["result"]["task"]["status"]
    assert status["state"] == "TASK_STATE_FAILED"
    error = next(p["data"] for p in status["message"]["parts"] if "data" in p)
    assert error["code"] == "invalid_input" and "shot_count" in error["message"]
    assert _rss() - before < 64 * 2**20


@pytest.mark.parametrize(
    "brief", ["a 999999999 seconds video about tea", "a 1e309 second TikTok about tea"]
)
def test_absurd_briefs_over_a2a_are_refused_at_once(served: _Served, brief: str) -> None:
    with httpx.Client(timeout=ANSWER_BOUND_S) as client:
        started = time.perf_counter()
        body = _request("make_video", {"brief": brief})
        answer = _send(client, served.url("orchestrator"), "make_video", body).json()
    assert time.perf_counter() - started < 5  # it used to hang the request for 60 s
    status = answer["result"]["task"]["status"]
    assert status["state"] == "TASK_STATE_FAILED"
    error = next(p["data"] for p in status["message"]["parts"] if "data" in p)
    assert error["code"] == "invalid_brief" and "longer than every" in error["message"]


# Every field that steers the work, given each of these: a systematic grid beside the random
# search above (which rarely lands on one given field).
GRID_VALUES: list[Any] = [
    "myspace", "", "seg-99", None, -1, 0, 10**9, 1e308, [], {}, "x" * 100_000, ["myspace"],
]  # fmt: skip


@pytest.mark.parametrize("name", list(SKILLS))
def test_every_steering_field_with_every_hostile_value(
    world: dict[str, Any], name: str, caplog: pytest.LogCaptureFixture
) -> None:
    agent = world["agents"][name]
    skill = agent.get_skill(SKILLS[name])
    paths = [p for p in world["paths"][name] if p[-1] in STEERING or p[-2:-1] == ("platforms",)]
    paths = paths or world["paths"][name]  # the orchestrator takes the brief's text alone
    for path in paths[:25]:
        for value in GRID_VALUES:
            payload = _mutate(world["inputs"][name], path, "replace", value)
            try:
                output = world["loop"].run_until_complete(
                    asyncio.wait_for(agent.run(skill.id, payload), ANSWER_BOUND_S)
                )
            except AgentError as error:
                assert error.code and error.message, (path, value)
            else:
                assert isinstance(output, skill.output_model), (path, value)
    assert "Traceback" not in caplog.text
