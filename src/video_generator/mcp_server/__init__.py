"""vidgen as an MCP server: the video tools, the package resources, `vidgen mcp`."""
