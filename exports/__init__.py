"""Files the app hands back to users: the reporting template and the error report (.xlsx bytes)."""
from __future__ import annotations

from exports.error_report import error_report
from exports.template import reporting_template

__all__ = ["error_report", "reporting_template"]
