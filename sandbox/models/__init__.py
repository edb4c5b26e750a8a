"""The sandbox's state (database alias `sandbox`): simulated Exact Online and Coachview tables.

Exact's tables live in `sandbox/models/exact.py`, Coachview's in `sandbox/models/coachview.py`.
"""

from sandbox.models.coachview import (
    CoachviewDebtor,
    CoachviewInvoice,
    CoachviewRateWindow,
    CoachviewRawFile,
    CoachviewRawRecord,
    CoachviewRawWrite,
    CoachviewState,
    CoachviewStatusWrite,
    CoachviewToken,
)
from sandbox.models.common import SandboxRequest
from sandbox.models.exact import (
    ExactAuthCode,
    ExactEndpointBlock,
    ExactErrorCounter,
    ExactOAuthClient,
    ExactRateCounter,
    ExactRecord,
    ExactToken,
    ExactTokenChain,
)
from sandbox.models.exact_payments import ExactPaymentMatch, ExactReceivable

__all__ = [
    "CoachviewDebtor",
    "CoachviewInvoice",
    "CoachviewRateWindow",
    "CoachviewRawFile",
    "CoachviewRawRecord",
    "CoachviewRawWrite",
    "CoachviewState",
    "CoachviewStatusWrite",
    "CoachviewToken",
    "ExactAuthCode",
    "ExactEndpointBlock",
    "ExactErrorCounter",
    "ExactOAuthClient",
    "ExactPaymentMatch",
    "ExactRateCounter",
    "ExactReceivable",
    "ExactRecord",
    "ExactToken",
    "ExactTokenChain",
    "SandboxRequest",
]
