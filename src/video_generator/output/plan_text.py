"""plan.txt: the run's DAG levels, each node's status and time, and the critical path."""

from __future__ import annotations

from video_generator.core.models import NodeTiming, RunPlan


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def plan_text(plan: RunPlan | None) -> str:
    """Plain text with aligned columns; 'not recorded' when the run kept no plan."""
    if plan is None:
        return "Run plan: not recorded\n"
    nodes = {node.id: node for node in plan.nodes}
    levels = [list(level) for level in plan.levels]
    placed = {node_id for level in levels for node_id in level}
    # A node the levels do not list still ran; show it rather than hide it.
    stray = [node.id for node in plan.nodes if node.id not in placed]
    if stray:
        levels.append(stray)
    width = max([len("node")] + [len(node_id) for level in levels for node_id in level])
    status_width = max([len("status")] + [len(node.status) for node in plan.nodes])
    out = [
        f"Run plan: workflow {plan.workflow}, mode {plan.mode}",
        f"Makespan: {_ms(plan.makespan_ms)}",
        f"Nodes: {sum(len(level) for level in levels)} in {len(levels)} levels",
        "",
        f"{'level':<6} {'node':<{width}}  {'status':<{status_width}}  {'start':>10}  "
        f"{'duration':>10}  attempts",
    ]
    for number, level in enumerate(levels):
        label = f"L{number}" if number < len(plan.levels) else "other"
        for node_id in level:
            node = nodes.get(node_id) or NodeTiming(id=node_id, level=number, status="unknown")
            out.append(
                f"{label:<6} {node_id:<{width}}  {node.status:<{status_width}}  "
                f"{_ms(node.started_ms):>10}  {_ms(node.duration_ms):>10}  {node.attempts}"
            )
            label = ""
    out += ["", "Critical path: " + (" -> ".join(plan.critical_path) or "(none)")]
    return "\n".join(out) + "\n"
