"""The error catalogue's logic: splitting and matching messages, seeding, affected invoices.

The public functions are re-exported by `sync.catalogue`; import them from there.
"""
