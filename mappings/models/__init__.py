"""Exact's reference data (mirror), our mappings onto it, and the coupling's options."""

from mappings.models.mapping import (
    MAPPING_MODELS,
    CostCenterMapping,
    GLAccountMapping,
    MappingKind,
    VatCodeMapping,
)
from mappings.models.options import CouplingOptions
from mappings.models.reference import (
    SALES_GL_ACCOUNT_TYPES,
    SALES_JOURNAL_TYPES,
    ExactCostCenter,
    ExactFinancialPeriod,
    ExactGLAccount,
    ExactJournal,
    ExactPaymentCondition,
    ExactVatCode,
    ReferenceRefresh,
    ReferenceSync,
)

__all__ = [
    "MAPPING_MODELS",
    "SALES_GL_ACCOUNT_TYPES",
    "SALES_JOURNAL_TYPES",
    "CostCenterMapping",
    "CouplingOptions",
    "ExactCostCenter",
    "ExactFinancialPeriod",
    "ExactGLAccount",
    "ExactJournal",
    "ExactPaymentCondition",
    "ExactVatCode",
    "GLAccountMapping",
    "MappingKind",
    "ReferenceRefresh",
    "ReferenceSync",
    "VatCodeMapping",
]
