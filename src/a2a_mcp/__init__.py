"""a2a_mcp: a small framework for A2A agents, workflows over them, caches and pooled clients."""
