"""The one import of litellm, done lazily so the offline path never pays for it.

litellm fetches its model cost map from the internet at import unless
``LITELLM_LOCAL_MODEL_COST_MAP`` is set, so it is set first (offline first: nothing is
downloaded at run time). litellm's "give feedback / get help" banner is switched off and its
logger is kept to warnings (unless ``LITELLM_LOG`` asks otherwise), since the gateway reports
every call and failure itself.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from types import ModuleType


@cache
def load_litellm() -> ModuleType:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    if "LITELLM_LOG" not in os.environ:
        logging.getLogger("LiteLLM").setLevel(logging.WARNING)
    return litellm
