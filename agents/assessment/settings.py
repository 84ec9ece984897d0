"""The decision's settings: the review threshold and the reporting window (`CLAIMFLOW_REVIEW_*`, …)."""

from __future__ import annotations

from pydantic import Field

from agents.assessment.rules import DEFAULT_DUPLICATE_WINDOW_DAYS, DEFAULT_REPORTING_WINDOW_DAYS, RuleSettings
from streams import SettingsSection


class AssessmentSettings(SettingsSection):
    """When a claim is approved without a person, and the rules' thresholds."""

    review_threshold: float = Field(
        default=0.9, gt=0, le=1, description="Below this confidence a person reviews the claim."
    )
    reporting_window_days: int = Field(
        default=DEFAULT_REPORTING_WINDOW_DAYS,
        ge=0,
        description="Days after the incident a claim may be filed.",
    )
    duplicate_window_days: int = Field(
        default=DEFAULT_DUPLICATE_WINDOW_DAYS,
        ge=0,
        description="Days apart two losses on one policy for the same amount may be and still be one loss.",
    )

    def rule_settings(self) -> RuleSettings:
        """The thresholds the rules take."""
        return RuleSettings(
            reporting_window_days=self.reporting_window_days, duplicate_window_days=self.duplicate_window_days
        )
