"""The secret redactor: typed placeholders and fingerprints in place of secrets.

Shared by the model gateway, logs, storage and the plugin SDK, so a secret found in an event or
a learner's message never reaches a model, a log line, the database or a cassette.
"""

from tutor.redaction.detectors import PLACEHOLDER_RE
from tutor.redaction.redactor import Finding, Redacted, fingerprint, redact, redact_data

__all__ = ["PLACEHOLDER_RE", "Finding", "Redacted", "fingerprint", "redact", "redact_data"]
