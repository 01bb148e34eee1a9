import type { MetricPoint, Movie, Recommendations, Run, RunWithHistory, Summary } from '@/types/api';

// Runs shaped exactly like the metrics-api contract, as the trainer logs them.

let counter = 0;

export function makeRun(overrides: Partial<Run> = {}): Run {
  counter += 1;
  const modelName = overrides.model_name ?? 'two-tower';
  const modelType = overrides.model_type ?? (modelName === 'bert4rec' ? 'ranking' : 'retrieval');
  return {
    run_id: `run${counter}`,
    run_name: `${modelName}-20250101-00000${counter}`,
    experiment_id: '1',
    status: 'FINISHED',
    start_time: Date.UTC(2025, 0, 1, 12, counter),
    end_time: Date.UTC(2025, 0, 1, 12, counter + 1),
    artifact_uri: `mlflow-artifacts:/1/run${counter}/artifacts`,
    model_type: modelType,
    model_name: modelName,
    framework: 'pytorch',
    model_status: 'inactive',
    metrics: {
      recall_at_10: 0.1 + counter / 100,
      recall_at_50: 0.3,
      recall_at_100: 0.45,
      ndcg_at_10: 0.05 + counter / 100,
      ndcg_at_50: 0.08,
      ndcg_at_100: 0.1,
      val_recall_at_10: 0.12 + counter / 100,
      val_ndcg_at_10: 0.06 + counter / 100,
      coverage_at_10: 0.2,
      coverage_at_50: 0.4,
      coverage_at_100: 0.55,
      train_loss: 1.2,
      val_loss: 1.4,
      epochs_trained: 3,
      total_parameters: 125000,
      training_time_seconds: 42.5,
    },
    params: { 'model.embedding_dim': '64', 'training.learning_rate': '0.001', 'training.epochs': '3' },
    tags: {
      model_type: modelType,
      model_name: modelName,
      status: 'inactive',
      git_commit: 'abc1234',
      data_version: 'md5:feedbeef',
      dvc_stage: modelName === 'bert4rec' ? 'train_bert4rec' : 'train_two_tower',
      dataset: 'ml-100k',
    },
    progress: null,
    ...overrides,
  };
}

export function history(values: number[]): MetricPoint[] {
  return values.map((value, step) => ({ step, value, timestamp: 1_700_000_000_000 + step }));
}

export function withHistory(run: Run): RunWithHistory {
  return {
    ...run,
    history: {
      train_loss: history([2, 1.5, 1.2]),
      val_loss: history([2.1, 1.7, 1.4]),
      learning_rate: history([0.001, 0.0005, 0.00025]),
      val_ndcg_at_10: history([0.03, 0.05, 0.06]),
    },
  };
}

export function summarize(runs: Run[], metric = 'val_ndcg_at_10'): Summary {
  const count = (key: (run: Run) => string | null) =>
    runs.reduce<Record<string, number>>((acc, run) => {
      const value = key(run) ?? 'unknown';
      acc[value] = (acc[value] ?? 0) + 1;
      return acc;
    }, {});
  const best: Record<string, Run> = {};
  for (const run of runs) {
    const type = run.model_type ?? 'unknown';
    if (!best[type] || (run.metrics[metric] ?? -1) > (best[type].metrics[metric] ?? -1)) best[type] = run;
  }
  return {
    total_runs: runs.length,
    counts_by_type: count((run) => run.model_type),
    counts_by_status: count((run) => run.model_status),
    latest_models: runs.slice(0, 5),
    active_models: runs.filter((run) => run.model_status === 'active'),
    best_runs: best,
    best_metric: metric,
    goal: 'max',
    experiment: 'movie-genie-models',
    refreshed_at: Date.UTC(2025, 0, 2),
    stale: false,
  };
}

// A small catalogue for the recommendation previews (ids 1..30; made-up titles that carry their
// year as MovieLens titles do, "Movie A (1990)", except where the year is unknown).
const GENRES = ['Action', 'Comedy', 'Drama', 'Sci-Fi', 'Thriller'];
/** The title as the dashboard shows it, without the year written into it. */
export const bare = (movie: Movie) => `Movie ${String.fromCharCode(65 + ((movie.movie_id - 1) % 26))}${movie.movie_id > 26 ? movie.movie_id : ''}`;
export const MOVIES: Movie[] = Array.from({ length: 30 }, (_, index) => {
  const year = index % 7 === 6 ? null : 1990 + index;
  const movie = { movie_id: index + 1, title: '', year, genres: [GENRES[index % 5], ...(index % 3 ? [] : [GENRES[(index + 2) % 5]])] };
  return { ...movie, title: year === null ? bare(movie) : `${bare(movie)} (${year})` };
});

/** Set on runs that logged a model (the trainer's digest tag). */
export const withModel = (run: Run): Run => ({ ...run, tags: { ...run.tags, model_sha256: 'ab'.repeat(32) } });

/** What the fake recommender answers: the n-th run of the scene recommends movies 1+5n..10+5n,
 *  so neighbouring runs share five; an evaluation user watched 12 movies from the end of the
 *  catalogue and movie 4 next. */
export function recommend(runIndex: number, run: Run, viewer: { userId: number } | { history: number[] }, k: number): Recommendations {
  const history = 'userId' in viewer ? MOVIES.slice(-12).map((m) => m.movie_id) : viewer.history;
  const watchedNext = 'userId' in viewer ? MOVIES[3] : null;
  const picks = MOVIES.filter((m) => !history.includes(m.movie_id)).slice(runIndex * 5, runIndex * 5 + k);
  return {
    run_id: run.run_id,
    model_name: run.model_name ?? 'two-tower',
    k,
    user_id: 'userId' in viewer ? viewer.userId : null,
    history_length: history.length,
    history: history.slice(-10).reverse().map((id) => MOVIES[id - 1]),
    watched_next: watchedNext,
    recommendations: picks.map((movie, index) => ({
      ...movie,
      rank: index + 1,
      score: 10 - index * 0.5 - runIndex * 0.125,
      watched_next: movie.movie_id === watchedNext?.movie_id,
    })),
  };
}
