"""A client for Fillbook, the order & fill ledger for trading bots (standard library only)."""

from .client import PAGE_SIZE_MAX, RETRIES_MAX, Client, format_decimal
from .errors import (
    AuthenticationError,
    ConflictError,
    FillbookConnectionError,
    FillbookError,
    NotFoundError,
    ServiceUnavailableError,
    ValidationError,
)
from .models import Account, Fill, FillResult, Finding, Holding, Order, OrderEvent, OrderLeg, Position, PositionLeg, ReconciliationRun

__version__ = "0.1.0"

__all__ = [
    "Client", "format_decimal", "PAGE_SIZE_MAX", "RETRIES_MAX",
    "FillbookError", "AuthenticationError", "NotFoundError", "ConflictError", "ValidationError", "ServiceUnavailableError", "FillbookConnectionError",
    "Account", "Position", "PositionLeg", "Order", "OrderLeg", "OrderEvent", "Fill", "FillResult", "Holding", "ReconciliationRun", "Finding",
]
