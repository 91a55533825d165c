"""The four specialist agents of the video mesh (and the orchestrator), one module each."""
