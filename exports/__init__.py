"""Files the app hands back to users: the reporting template (exports.template), the error report
(exports.error_report), tables (exports.tables), briefings (exports.briefing) and the targets template.

Import from the modules themselves. This package imports nothing, so a page that offers a table download does not
import openpyxl (0.2 s with lxml) before a file is made.
"""
