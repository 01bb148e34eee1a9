import type { Run } from '@/types/api';

// The metrics that tell a model type's story at a glance (issue 6: model cards).
const KEY_METRICS: Record<string, string[]> = {
  retrieval: ['recall_at_10', 'recall_at_50', 'recall_at_100', 'coverage_at_100', 'training_time_seconds'],
  ranking: ['ndcg_at_10', 'recall_at_10', 'train_loss', 'val_loss', 'epochs_trained', 'total_parameters'],
  baseline: ['recall_at_10', 'ndcg_at_10', 'coverage_at_100'],
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

export const TRAINING_CURVES = ['train_loss', 'val_loss', 'learning_rate'] as const;

export const MAX_COMPARE = 5;
