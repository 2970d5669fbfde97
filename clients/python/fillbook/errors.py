"""Errors the Fillbook client raises.

Every error the service answers is ``{"error": {"code", "message", "details"}}``; the client raises it
as a :class:`FillbookError` carrying the stable ``code`` (``FILLBOOK_ERR_EXPOSURE_EXCEEDED``, ...), the
HTTP ``status`` and the ``details``. A few statuses have their own subclass, so that a bot can catch
what it can act on::

    try:
        client.create_order(...)
    except fillbook.ConflictError as e:
        if e.code == "FILLBOOK_ERR_EXPOSURE_EXCEEDED": ...
"""

from __future__ import annotations

from typing import Any, Dict, Optional


class FillbookError(Exception):
    """An error answered by the service: ``code``, ``status``, ``message`` and ``details``."""

    def __init__(self, code: str, message: str, status: Optional[int] = None, details: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(f"{code}: {message}" if status is None else f"{status} {code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.details: Dict[str, Any] = details or {}


class AuthenticationError(FillbookError):
    """401: no API key, or one that is unknown or revoked."""


class NotFoundError(FillbookError):
    """404: the resource does not exist, or is not yours (the two are indistinguishable)."""


class ConflictError(FillbookError):
    """409: idempotency conflict, exposure guard, refused transition, conflicting or overfilling fill."""


class ValidationError(FillbookError):
    """422 (or 400): the request is malformed or invalid; ``details`` says which field."""


class ServiceUnavailableError(FillbookError):
    """503: the venue (or the service) is unavailable; retried by the client where that is safe."""


class FillbookConnectionError(FillbookError):
    """The service could not be reached (after the retries that were safe). ``status`` is None."""

    def __init__(self, message: str) -> None:
        super().__init__("FILLBOOK_ERR_CONNECTION", message)


_BY_STATUS = {400: ValidationError, 401: AuthenticationError, 404: NotFoundError, 409: ConflictError, 422: ValidationError, 503: ServiceUnavailableError}


def error_from_response(status: int, body: Any) -> FillbookError:
    """The error for a non-2xx answer; a body that is not Fillbook's error shape still gives a coded error."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get("code"), str):
        code, message, details = error["code"], str(error.get("message", "")), error.get("details") or {}
    else:
        code, message, details = "FILLBOOK_ERR_HTTP", f"HTTP {status} without a Fillbook error body", {}
    cls = _BY_STATUS.get(status, FillbookError)
    return cls(code, message, status, details if isinstance(details, dict) else {"details": details})
