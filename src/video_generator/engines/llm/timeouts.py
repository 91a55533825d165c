"""Workflow node timeouts that fit an LLM's work: the nodes whose agents ask a model get room
for the structured call and its repair round, each with its own VG_LLM_TIMEOUT_S deadline."""

from __future__ import annotations

from typing import Any

# The skills that ask the model (one structured call each, plus at most one repair).
TEXT_SKILLS = frozenset(
    {("script_writer", "write_script"), ("scene_designer", "design_storyboard")}
)
REQUESTS_PER_NODE = 2
MARGIN_S = 15.0  # planning, validation and the hop to the agent


def text_node_timeout_s(llm_timeout_s: float) -> float:
    """The longest a text node may take: every request at its deadline, and the margin."""
    return llm_timeout_s * REQUESTS_PER_NODE + MARGIN_S


def fit_text_timeouts(spec: Any, llm_timeout_s: float) -> Any:
    """The workflow with each text node's timeout raised to text_node_timeout_s (never
    lowered); a new spec, the given one is left as it is."""
    needed = text_node_timeout_s(llm_timeout_s)
    nodes = [
        node.model_copy(update={"timeout_s": needed})
        if (node.agent, node.skill) in TEXT_SKILLS
        and node.timeout_s is not None
        and node.timeout_s < needed
        else node
        for node in spec.nodes
    ]
    return spec.model_copy(update={"nodes": nodes})
