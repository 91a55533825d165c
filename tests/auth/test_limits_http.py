"""Per-client rate limits (429 with Retry-After) and the request body limit (413)."""

from __future__ import annotations

import uuid

from a2a_mcp.server.guard import RateLimit, TokenBuckets

KEY = "k-" + uuid.uuid4().hex


def _rpc_bytes(padding: int = 0) -> bytes:
    text = "word " * 3 + " " * padding
    return (
        '{"jsonrpc":"2.0","id":"1","method":"SendMessage","params":{"message":{"messageId":"'
        + uuid.uuid4().hex
        + '","role":"ROLE_USER","parts":[{"data":{"text":"'
        + text
        + '"}}]},"configuration":{"blocking":true}}}'
    ).encode()


def test_a_bucket_allows_its_burst_then_says_how_long_to_wait() -> None:
    now = [100.0]
    buckets = TokenBuckets(RateLimit(per_second=2, burst=3), clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == 0.5  # one token comes back every half second
    assert buckets.take("b") == 0.0  # another client has its own bucket
    now[0] += 0.5
    assert buckets.take("a") == 0.0


def test_buckets_forget_the_least_recent_clients() -> None:
    buckets = TokenBuckets(RateLimit(per_second=1, burst=1), max_clients=100)
    for n in range(1000):
        buckets.take(f"ip-{n}")
    assert len(buckets._buckets) == 100


async def test_a_client_over_its_rate_gets_429_and_retry_after(serve, pool) -> None:
    server = await serve(api_keys=[KEY], rate_limit=RateLimit(per_second=0.2, burst=2))
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    statuses = []
    for _ in range(3):
        async with pool.session.post(server.url, data=_rpc_bytes(), headers=headers) as response:
            await response.read()
            statuses.append(response.status)
            retry_after = response.headers.get("Retry-After")
            body = await response.json()
    assert statuses == [200, 200, 429]
    assert retry_after is not None and int(retry_after) >= 1
    assert body["error"]["code"] == "rate_limited"
    # Probes are never limited.
    for _ in range(5):
        async with pool.session.get(f"{server.url}/health/ready") as response:
            assert response.status == 200


async def test_a_body_over_the_limit_is_refused_with_413(serve, pool) -> None:
    server = await serve(max_body_bytes=4096)
    headers = {"Content-Type": "application/json"}
    async with pool.session.post(server.url, data=_rpc_bytes(), headers=headers) as response:
        assert response.status == 200
    async with pool.session.post(
        server.url, data=_rpc_bytes(padding=10_000), headers=headers
    ) as response:
        assert response.status == 413
        assert "4,096" in (await response.json())["error"]["message"]

    async def chunks():  # no Content-Length: counted as it arrives
        for _ in range(10):
            yield b" " * 1000

    async with pool.session.post(server.url, data=chunks(), headers=headers) as response:
        assert response.status == 413
    async with pool.session.get(f"{server.url}/health") as response:
        assert response.status == 200  # still serving


async def test_the_pooled_client_waits_as_long_as_retry_after_says(serve, pool) -> None:
    import time

    from a2a_mcp.client import A2AClient, A2AClientSettings
    from a2a_mcp.registry import AgentRegistry

    server = await serve(rate_limit=RateLimit(per_second=2, burst=1))
    settings = A2AClientSettings(
        health_interval_s=0, retry={"attempts": 3, "initial_delay_s": 0, "jitter_s": 0}
    )
    client = A2AClient(
        AgentRegistry({"counter": [server.url]}), session_pool=pool, settings=settings
    )
    try:
        started = time.perf_counter()
        first = await client.call("counter", "count", {"text": "a b"})
        second = await client.call("counter", "count", {"text": "a b c"})  # over the rate
        waited = time.perf_counter() - started
    finally:
        await client.aclose()
    assert (first["words"], second["words"]) == (2, 3)
    assert waited >= 0.9  # Retry-After: 1, not the 0 s backoff of the policy
