"""The validator agent: the claim's policy from the book, every business rule, an overall confidence."""

from agents.validator.handler import Assessment, Validator, assess

__all__ = ["Assessment", "Validator", "assess"]
