"""Shapes of the champion history and roll back (champion_history.py, promotion.py); the
OpenAPI document is generated from them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from .schemas import PromotionData, Success

# The numbers a change of champion is judged by: validation picks, test is only reported.
KEY_METRICS = ("val_ndcg_at_10", "ndcg_at_10")


class ChampionChange(BaseModel):
    action: Literal["promote", "rollback"]
    version: str = Field(description="the registered version that became champion")
    run_id: str
    run_name: str | None
    previous_version: str | None = Field(description="the champion it replaced, if any")
    previous_run_id: str | None
    previous_run_name: str | None
    promoted_by: str = Field(description="the MLflow user the change was made as")
    promoted_at: str = Field(description="UTC, ISO 8601")
    metrics: dict[str, float | None] = Field(
        description="the new champion's run: " + ", ".join(KEY_METRICS) + " (null: not known)"
    )
    previous_metrics: dict[str, float | None] = Field(description="the same of the replaced one")


class ChampionHistoryData(BaseModel):
    registered_model: str
    current_version: str | None = Field(description="where the champion alias is now")
    changes: list[ChampionChange] = Field(description="newest first")


class ChampionHistoryResponse(Success):
    data: ChampionHistoryData
    count: int


class RollbackResponse(Success):
    data: PromotionData
