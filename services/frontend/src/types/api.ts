// Mirrors the metrics-api contract (docs: shared/design/SYSTEM.md, "API contract").

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED' | 'SCHEDULED';
export type ModelType = 'retrieval' | 'ranking' | 'baseline';
export type ModelName = 'two-tower' | 'bert4rec' | 'popularity';
export type ModelStatus = 'active' | 'inactive' | 'failed' | 'killed' | 'running' | 'stale';

export type Run = {
  run_id: string;
  run_name: string;
  experiment_id: string;
  status: RunStatus;
  start_time: number | null;
  end_time: number | null;
  artifact_uri: string;
  model_type: ModelType | string | null;
  model_name: ModelName | string | null;
  framework: string | null;
  model_status: ModelStatus | string | null;
  // null: a non-finite value (NaN, Infinity), which JSON cannot carry.
  metrics: Record<string, number | null>;
  params: Record<string, string>;
  tags: Record<string, string>;
};

export type MetricPoint = { step: number; value: number | null; timestamp: number };

export type RunWithHistory = Run & { history: Record<string, MetricPoint[]> };

export type Summary = {
  total_runs: number;
  counts_by_type: Record<string, number>;
  counts_by_status: Record<string, number>;
  latest_models: Run[];
  /** Every model's champion run, however old (the API derives it from the registry alias). */
  active_models: Run[];
  best_runs: Record<string, Run>;
  best_metric: string;
  refreshed_at: number | string;
  stale?: boolean;
};

export type Health = {
  status: string;
  mlflow: { reachable: boolean; tracking_uri: string };
  experiment: string;
  mlflow_ui_url: string;
};

export type Experiment = {
  experiment_id: string;
  name: string;
  lifecycle_stage?: string;
  [key: string]: unknown;
};

export type PromotionResult = {
  run: Run;
  previous_active_run_id: string | null;
  registered_model: string;
  version: string | number;
  alias: string;
  promoted_by: string;
};

export type RunFilters = {
  model_type?: string;
  model_name?: string;
  status?: string;
  /** The search language (services/metrics-api/README.md, "Searching runs"). */
  q?: string;
};

export type SuccessEnvelope<T> = {
  success: true;
  data: T;
  count?: number;
  total?: number;
  next_page_token?: string | null;
};

/** `position`: for a bad search query, the 0-based offset of the error. */
export type ErrorEnvelope = { success: false; error: string; position?: number };
