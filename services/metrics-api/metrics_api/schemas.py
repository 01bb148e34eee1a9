"""Request and response shapes. Requests are validated with these models; the OpenAPI document
(``openapi.py``) is generated from the same models, so docs and checks cannot drift apart."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

RUN_ID_PATTERN = r"^[0-9a-f]{32}$"
# Letters, digits and underscores, joined by single separators: no quotes, no "..", no "//".
METRIC_PATTERN = r"^[A-Za-z0-9_]+(?:[.\- /][A-Za-z0-9_]+)*$"
NAME_PATTERN = r"^[A-Za-z0-9_]+(?:[.\-][A-Za-z0-9_]+)*$"
EXPERIMENT_PATTERN = r"^[A-Za-z0-9_]+(?:[.\- /:][A-Za-z0-9_]+)*$"
ORDER_BY_PATTERN = (
    r"^(?:(?:attributes\.)?(?:start_time|end_time|run_name|status)"
    r"|(?:metrics|params)\.[A-Za-z0-9_]+(?:[.\-/][A-Za-z0-9_]+)*)"
    r"(?: (?:ASC|DESC|asc|desc))?$"
)
PAGE_TOKEN_PATTERN = r"^[A-Za-z0-9_\-]+=*$"

RunId = Annotated[str, Field(pattern=RUN_ID_PATTERN, description="MLflow run id (32 hex digits)")]
MetricName = Annotated[str, Field(pattern=METRIC_PATTERN, max_length=250)]
ExperimentName = Annotated[str, Field(pattern=EXPERIMENT_PATTERN, max_length=250)]


class ModelType(StrEnum):
    retrieval = "retrieval"
    ranking = "ranking"
    baseline = "baseline"


class ModelStatus(StrEnum):
    active = "active"
    inactive = "inactive"
    failed = "failed"
    running = "running"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- requests -------------------------------------------------------------------------------

Q_DESCRIPTION = (
    "search, e.g. `metrics.val_ndcg_at_10 > 0.05 and (params.model.embedding_dim >= 64 or "
    "run_name LIKE 'bert4rec-%')`: `metrics.<name>`, `params.<name>`, `tags.<name>` or a run "
    "attribute, `= != < <= > >=`, `[NOT] LIKE|ILIKE`, `IS [NOT] NULL`, `and` before `or`, "
    "parentheses; a run lacking the key matches no comparison. A bad query is a 400 whose "
    "`position` is the 0-based offset of the error"
)


class RunFilters(Strict):
    model_type: ModelType | None = None
    model_name: Annotated[str, Field(pattern=NAME_PATTERN, max_length=100)] | None = None
    status: ModelStatus | None = Field(None, description="the run's `status` tag")
    q: str | None = Field(None, max_length=2000, description=Q_DESCRIPTION)
    experiment_name: ExperimentName | None = None


def order_by_field():
    return Field(
        "start_time DESC",
        pattern=ORDER_BY_PATTERN,
        max_length=260,
        description="`start_time|end_time|run_name|status|metrics.<name>|"
        "params.<name>` then `ASC` or `DESC`; missing values last",
    )


class RunsQuery(RunFilters):
    limit: int = Field(50, ge=1, le=1000)
    order_by: str = order_by_field()
    page_token: str | None = Field(
        None,
        pattern=PAGE_TOKEN_PATTERN,
        max_length=2000,
        description="`next_page_token` of the previous page",
    )


class RunsCsvQuery(RunFilters):
    order_by: str = order_by_field()
    columns: str | None = Field(
        None,
        max_length=20000,
        description="comma-separated: run attributes, `metrics.<name>`, `params.<name>`, "
        "`tags.<name>`; default: the attributes, then every metric and param",
    )


class SummaryQuery(RunFilters):
    # Validation picks the best run (issue 12): test is read once and only reported.
    metric: MetricName = Field(
        "val_ndcg_at_10", description="metric that picks the best run per type"
    )
    goal: Literal["max", "min"] | None = Field(
        None, description="default: `min` for metrics named like a loss, else `max`"
    )


class ExperimentQuery(Strict):
    experiment_name: ExperimentName | None = None


# One MLflow call per run plus one per (run, history metric): a comparison makes at most
# 50 of them: 10 runs with 4 histories each, or 5 with 8 (the dashboard: 5 x (1 + 3)).
MAX_COMPARE_CALLS = 50


class CompareRequest(Strict):
    run_ids: list[RunId] = Field(
        min_length=1, max_length=10, json_schema_extra={"uniqueItems": True}
    )
    history_metrics: list[MetricName] = Field(
        default_factory=list, max_length=8, json_schema_extra={"uniqueItems": True}
    )

    @field_validator("run_ids", "history_metrics")
    @classmethod
    def no_repeats(cls, values: list[str]) -> list[str]:
        if len(set(values)) != len(values):
            raise ValueError("must not repeat an entry")
        return values

    @model_validator(mode="after")
    def bounded_fan_out(self) -> CompareRequest:
        calls = len(self.run_ids) * (1 + len(self.history_metrics))
        if calls > MAX_COMPARE_CALLS:
            raise ValueError(
                f"asks for {calls} runs and histories; at most {MAX_COMPARE_CALLS} "
                "(fewer runs or fewer history_metrics)"
            )
        return self


# ---- responses ------------------------------------------------------------------------------


class RunProgress(BaseModel):
    epoch: int = Field(description="epochs done (the step of the run's latest heartbeat)")
    epochs: int | None = Field(description="epochs planned (the `training.epochs` param)")
    eta_at: int | None = Field(
        description="ms since the epoch when it should end at the pace so far (early stopping "
        "may end it sooner); null before the first epoch ends"
    )


class RunOut(BaseModel):
    run_id: str
    run_name: str | None
    experiment_id: str
    status: str = Field(description="MLflow status: RUNNING, SCHEDULED, FINISHED, FAILED, KILLED")
    start_time: int | None = Field(description="ms since the epoch")
    end_time: int | None
    artifact_uri: str | None
    model_type: str | None
    model_name: str | None
    framework: str | None
    model_status: str | None = Field(
        description="the `status` tag: running, inactive, active (promoted), failed or killed; "
        "`stale` for a RUNNING run whose trainer sent no heartbeat for "
        "METRICS_API_STALE_AFTER_SECONDS"
    )
    metrics: dict[str, float | None] = Field(description="latest value; NaN/Infinity as null")
    params: dict[str, str]
    tags: dict[str, str] = Field(description="run tags without MLflow's internal `mlflow.*`")
    progress: RunProgress | None = Field(
        description="a RUNNING run's epoch i / N and ETA (updated with every epoch); null for "
        "other runs and before the first heartbeat"
    )


class MetricPoint(BaseModel):
    step: int
    value: float | None
    timestamp: int


class RunWithHistory(RunOut):
    history: dict[str, list[MetricPoint]]


class ExperimentOut(BaseModel):
    experiment_id: str
    name: str
    lifecycle_stage: str
    artifact_location: str | None
    tags: dict[str, str]


class MlflowHealth(BaseModel):
    reachable: bool
    tracking_uri: str


class HealthData(BaseModel):
    status: Literal["ok"]
    mlflow: MlflowHealth
    experiment: str
    mlflow_ui_url: str


class SummaryData(BaseModel):
    experiment: str
    total_runs: int
    counts_by_type: dict[str, int]
    counts_by_status: dict[str, int] = Field(
        description="by `status` tag; runs without one by their lower-cased MLflow status"
    )
    latest_models: list[RunOut] = Field(description="newest run per model_name")
    active_models: list[RunOut] = Field(description="every model's champion run")
    best_runs: dict[str, RunOut] = Field(description="best finished run per model_type")
    best_metric: str
    goal: Literal["max", "min"]
    refreshed_at: int | None = Field(description="ms epoch of the cache refresh this reflects")
    stale: bool = Field(description="MLflow could not be asked lately: the last snapshot")


class PromotionData(BaseModel):
    run: RunOut
    previous_active_run_id: str | None = Field(description="the champion's run before")
    registered_model: str
    version: str
    alias: Literal["champion"]
    promoted_by: str = Field(description="the MLflow user the promotion was made as")


class Success(BaseModel):
    success: Literal[True]


class HealthResponse(Success):
    data: HealthData


class ExperimentsResponse(Success):
    data: list[ExperimentOut]
    count: int


class RunsResponse(Success):
    data: list[RunOut]
    count: int = Field(description="runs on this page")
    total: int = Field(description="runs matching the filters")
    next_page_token: str | None
    stale: bool = Field(description="MLflow could not be asked lately: the last snapshot")
    refreshed_at: int | None = Field(description="ms epoch of the snapshot's last refresh")


class RunResponse(Success):
    data: RunOut


class HistoryResponse(Success):
    data: list[MetricPoint]
    count: int


class CompareResponse(Success):
    data: list[RunWithHistory]
    count: int


class SummaryResponse(Success):
    data: SummaryData
    stale: bool
    refreshed_at: int | None


class PromotionResponse(Success):
    data: PromotionData


class ErrorResponse(BaseModel):
    success: Literal[False]
    error: str
    position: int | None = Field(None, description="for a bad `q`: 0-based offset of the error")
