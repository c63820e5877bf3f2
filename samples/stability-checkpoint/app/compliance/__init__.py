"""Continuous compliance monitoring (SOC 2 control testing)."""

from app.compliance.monitor import ControlMonitor, ControlStatus, ControlTestResult

__all__ = ["ControlMonitor", "ControlStatus", "ControlTestResult"]
