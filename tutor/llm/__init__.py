"""The one gateway to language models (litellm), and its scripted fake for unit tests.

Importing this package does not import litellm: that happens on the first real request, so
the offline engine starts fast and never touches the network.
"""

from tutor.llm.errors import (
    ModelConfigError,
    ModelRequestRefused,
    ModelUnavailable,
    StreamTruncated,
)
from tutor.llm.fake import BrokenStream, Fail, FakeModel, FakeScriptExhausted, Hang, Reply
from tutor.llm.gateway import SCHEMA_MODES, GatewayResult, ModelGateway, SchemaMode
from tutor.llm.usage import CallRecord, UsageLedger

__all__ = [
    "BrokenStream",
    "CallRecord",
    "Fail",
    "FakeModel",
    "FakeScriptExhausted",
    "GatewayResult",
    "Hang",
    "ModelConfigError",
    "ModelGateway",
    "ModelRequestRefused",
    "ModelUnavailable",
    "Reply",
    "SCHEMA_MODES",
    "SchemaMode",
    "StreamTruncated",
    "UsageLedger",
]
