import type { Run } from '@/types/api';

// The metrics that tell a model type's story at a glance (issue 6: model cards). Validation
// (`val_*`, what every choice is made on) comes first, the test score read once beside it.
const KEY_METRICS: Record<string, string[]> = {
  retrieval: ['val_recall_at_10', 'recall_at_10', 'recall_at_100', 'coverage_at_100', 'training_time_seconds'],
  ranking: ['val_ndcg_at_10', 'ndcg_at_10', 'recall_at_10', 'val_loss', 'epochs_trained', 'total_parameters'],
  baseline: ['val_ndcg_at_10', 'ndcg_at_10', 'recall_at_10', 'coverage_at_100'],
};

export function keyMetricsFor(run: Pick<Run, 'model_type'>): string[] {
  return KEY_METRICS[run.model_type ?? ''] ?? KEY_METRICS.baseline;
}

/** Metrics compared as grouped bars: quality first, then coverage. */
export const COMPARE_METRIC_GROUPS: { title: string; metrics: string[] }[] = [
  { title: 'Recall', metrics: ['recall_at_10', 'recall_at_50', 'recall_at_100'] },
  { title: 'NDCG', metrics: ['ndcg_at_10', 'ndcg_at_50', 'ndcg_at_100'] },
  { title: 'Coverage', metrics: ['coverage_at_10', 'coverage_at_50', 'coverage_at_100'] },
];

/** Per-epoch curves (step = epoch); `val_ndcg_at_10` is the validation curve that picks the checkpoint. */
export const TRAINING_CURVES = ['val_ndcg_at_10', 'train_loss', 'val_loss', 'learning_rate'] as const;

/** The test metric reported beside a validation curve (`val_ndcg_at_10` → `ndcg_at_10`), if any. */
export function testBeside(metric: string): string | null {
  return metric.startsWith('val_') && metric !== 'val_loss' ? metric.slice(4) : null;
}

export const MAX_COMPARE = 5;
