import { Link } from 'react-router';

import { RunProgress } from '@/components/ui/run-progress';
import { StatusBadge } from '@/components/ui/status-badge';
import { formatMetric, formatTime, metricLabel } from '@/lib/format';
import { keyMetricsFor } from '@/lib/key-metrics';
import { mlflowRunUrl } from '@/lib/mlflow-link';
import type { Run } from '@/types/api';

export function RunCard({
  run,
  mlflowUiUrl,
  compared,
  compareDisabled,
  onToggleCompare,
}: {
  run: Run;
  mlflowUiUrl: string | null;
  compared: boolean;
  compareDisabled: boolean;
  onToggleCompare: (runId: string) => void;
}) {
  const link = mlflowRunUrl(mlflowUiUrl, run);
  return (
    <article
      data-testid="run-card"
      data-run-id={run.run_id}
      data-model-type={run.model_type ?? ''}
      className={`flex flex-col rounded-lg border bg-white p-4 shadow-sm ${
        compared ? 'border-indigo-500 ring-2 ring-indigo-200' : 'border-slate-200'
      }`}
    >
      <header className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <Link
            to={`/metrics/runs/${run.run_id}`}
            className="block truncate font-semibold text-slate-900 hover:text-indigo-700"
          >
            {run.run_name || run.run_id}
          </Link>
          <p className="text-xs text-slate-500">
            {run.model_name ?? 'unknown model'} · {run.model_type ?? 'unknown type'}
          </p>
        </div>
        <StatusBadge modelStatus={run.model_status} runStatus={run.status} />
      </header>

      <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
        {keyMetricsFor(run).map((name) => (
          <div key={name} className="flex justify-between gap-2">
            <dt className="text-slate-500">{metricLabel(name)}</dt>
            <dd className="font-medium tabular-nums">{formatMetric(name, run.metrics[name])}</dd>
          </div>
        ))}
      </dl>

      <RunProgress run={run} className="mt-3" />

      <footer className="mt-auto flex items-center justify-between gap-2 pt-3 text-xs text-slate-500">
        <span>Started {formatTime(run.start_time)}</span>
        <span className="flex items-center gap-3">
          {link && (
            <a href={link} target="_blank" rel="noreferrer" className="text-indigo-700 hover:underline">
              MLflow ↗
            </a>
          )}
          <label className="flex items-center gap-1">
            <input
              type="checkbox"
              checked={compared}
              disabled={!compared && compareDisabled}
              onChange={() => onToggleCompare(run.run_id)}
              aria-label={`Compare ${run.run_name || run.run_id}`}
            />
            Compare
          </label>
        </span>
      </footer>
    </article>
  );
}
