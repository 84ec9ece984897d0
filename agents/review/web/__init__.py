"""The reviewers' web pages (FastAPI, Jinja2): `create_app`, served by `claimflow review serve`."""

from agents.review.web.app import create_app

__all__ = ["create_app"]
