// Display helpers shared by cards, tables, charts and CSV export.

const LABELS: Record<string, string> = {
  training_time_seconds: 'Training time',
  total_parameters: 'Parameters',
  epochs_trained: 'Epochs',
  best_epoch: 'Best epoch',
  train_loss: 'Train loss',
  val_loss: 'Val loss',
  learning_rate: 'Learning rate',
  num_users: 'Users',
  num_movies: 'Movies',
  num_interactions: 'Interactions',
};

/** `recall_at_10` → `Recall@10`; `val_ndcg_at_10` → `Val NDCG@10`. */
export function metricLabel(name: string): string {
  if (LABELS[name]) return LABELS[name];
  const match = /^(val_)?(recall|ndcg|coverage)_at_(\d+)$/.exec(name);
  if (match) {
    const base = match[2] === 'ndcg' ? 'NDCG' : match[2][0].toUpperCase() + match[2].slice(1);
    return `${match[1] ? 'Val ' : ''}${base}@${match[3]}`;
  }
  return name;
}

export function formatMetric(name: string, value: number | null | undefined): string {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  if (name === 'training_time_seconds') return formatDuration(value);
  if (name === 'total_parameters' || name.startsWith('num_')) return formatCount(value);
  if (name === 'epochs_trained' || name === 'best_epoch') return String(Math.round(value));
  if (Math.abs(value) >= 100) return value.toFixed(1);
  return value.toFixed(4);
}

export function formatCount(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return Math.round(value).toLocaleString('en-US');
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

// One formatter for every timestamp: Date#toLocaleString with options builds a new one per
// call, which made drawing the first 100 rows of a 10,000-run table measurably slower.
const timeFormat = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit',
});

export function formatTime(ms: number | null | undefined): string {
  if (!ms) return '—';
  return timeFormat.format(ms);
}
