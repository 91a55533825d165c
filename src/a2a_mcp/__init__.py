"""a2a_mcp: a small framework for A2A agents, workflows over them, caches and pooled clients."""

import os

# a2a-sdk wraps its server and client classes in OpenTelemetry spans whenever the OTel API is
# importable (it is, through other dependencies). With no tracer configured the spans record
# nothing yet cost dozens of wrapper calls per request; set this variable to "true" to trace.
os.environ.setdefault("OTEL_INSTRUMENTATION_A2A_SDK_ENABLED", "false")
