"""Rendering: Document -> PDF. The only modules that import ReportLab."""
