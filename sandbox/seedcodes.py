"""The master data both simulated systems share after `sandbox_seed`.

Coachview's setup asks institutes to use the same codes as Exact, so the seeded Coachview invoices
use these codes; the deliberate gaps (each used by at least one sent invoice, together at most a
fifth of them) are marked. The Exact seed and the Coachview seed both read this module.
"""

DIVISION = 1234567
DIVISION_NAME = "Opleidingsinstituut De Leerboom B.V."
CURRENCY = "EUR"

# (code as Exact stores it, description, percentage, Type, VATTransactionType, blocked)
# Type: E excluding, I including, B 0 % (base only), N no VAT. Codes are padded to 3 characters.
VAT_CODES = [
    ("0  ", "Geen BTW", 0.0, "N", "B", False),
    ("1  ", "BTW laag verkopen (9%)", 0.09, "E", "S", False),
    ("2  ", "BTW hoog verkopen (21%)", 0.21, "E", "S", False),
    ("3  ", "BTW 0% verkopen", 0.0, "B", "S", False),
    ("4  ", "BTW hoog inkopen (21%)", 0.21, "E", "P", False),
    ("5  ", "BTW hoog verkopen inclusief (21%)", 0.21, "I", "S", False),  # gap: inclusive
]
VAT_CODE_INCLUSIVE = "5"  # as Coachview writes it (no padding)

# (code, description, Type, blocked, UseCostcenter 0 optional / 1 mandatory / 2 no)
GL_ACCOUNTS = [
    ("1300", "Debiteuren", 20, False, 2),  # not revenue: refused on a sales line
    ("1500", "Af te dragen BTW", 24, False, 2),
    ("1100", "Bank", 12, False, 2),
    ("8000", "Omzet open trainingen", 110, False, 0),
    ("8010", "Omzet incompany trainingen", 110, False, 0),
    ("8020", "Omzet e-learning", 110, False, 0),
    ("8100", "Omzet lesmateriaal", 110, False, 2),
    ("8300", "Omzet examens", 110, False, 0),
    ("8900", "Omzet oude cursussen", 110, True, 0),  # gap: blocked
    ("8910", "Betalingsverschillen", 140, False, 2),
    ("8920", "Koersverschillen", 140, False, 2),
]
GL_ACCOUNT_BLOCKED = "8900"
GL_ACCOUNT_NOT_REVENUE = "1300"

# (code, description, end date or None)
COST_CENTERS = [
    ("100", "Open trainingen", None),
    ("200", "Incompany", None),
    ("300", "E-learning", None),
    ("900", "Vervallen afdeling", "2020-12-31"),
]
COST_CENTER_MISSING_IN_EXACT = "Intern"  # gap: Coachview's placeholder; Exact has no such cost centre

# (code, description, Type) Type: 12 bank, 20 sales, 21 return invoice, 90 general
JOURNALS = [
    ("70", "Verkoopboek", 20),
    ("71", "Creditnota's", 21),
    ("20", "Bank", 12),
    ("90", "Memoriaal", 90),
]
SALES_JOURNAL = "70"
BANK_JOURNAL = "20"

# (code, description, PaymentDays)
PAYMENT_CONDITIONS = [
    ("00", "Direct", 0),
    ("14", "14 dagen", 14),
    ("30", "30 dagen", 30),
]
PAYMENT_CONDITION = "30"

# Coachview debtor numbers run from here; Exact already holds some of them.
FIRST_DEBTOR_NUMBER = 10001
EXISTING_CUSTOMER_NUMBERS = [10001, 10002, 10003, 10004, 10005]
SUPPLIER_NUMBER = 10006  # gap: Exact holds a supplier (not a customer) with this code
