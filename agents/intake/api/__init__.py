"""The HTTPS intake API (`claimflow api serve`): claims in over multipart, status and trail out.

Needs the `api` extra (FastAPI, uvicorn, python-multipart, PyJWT, limits).
"""

from agents.intake.api.app import Intake, create_app, open_intake
from agents.intake.api.clients import ADMIN, READ, SCOPES, SUBMIT, Client, local_tokens, mint
from agents.intake.api.errors import IntakeRefused
from agents.intake.api.registry import IntakeRegistry
from agents.intake.api.settings import ApiSettings
from agents.intake.api.uploads import sniff

__all__ = [
    "ADMIN",
    "READ",
    "SCOPES",
    "SUBMIT",
    "ApiSettings",
    "Client",
    "Intake",
    "IntakeRefused",
    "IntakeRegistry",
    "create_app",
    "local_tokens",
    "mint",
    "open_intake",
    "sniff",
]
