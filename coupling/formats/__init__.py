"""One way to write dates and times on screen, whatever the language: 05-03-2026 and 05-03-2026 14:05.

Django reads these through FORMAT_MODULE_PATH before its own locale formats, so the admin's lists,
inlines and read-only fields show dates exactly as the front page and the CSV do.
"""
