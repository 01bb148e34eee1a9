import { Link } from 'react-router';

import { ErrorState } from '@/components/ui/error-state';
import { LoadingBlock, Skeleton } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { formatMetric, metricLabel } from '@/lib/format';
import { formatInteger } from '@/lib/format-number';
import type { RunFilters } from '@/types/api';

import { useSummary } from '../api/get-summary';

function Card({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section data-testid={testId} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{title}</h3>
      <div className="mt-2">{children}</div>
    </section>
  );
}

function Counts({ counts }: { counts: Record<string, number> }) {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) return <p className="text-sm text-slate-500">—</p>;
  return (
    <dl className="space-y-0.5 text-sm">
      {entries.map(([key, value]) => (
        <div key={key} className="flex justify-between">
          <dt className="text-slate-600">{key}</dt>
          <dd className="font-semibold tabular-nums">{formatInteger(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function SummaryCards({ filters = {} }: { filters?: RunFilters }) {
  const summary = useSummary(filters);

  if (summary.isPending)
    return (
      <LoadingBlock label="Loading summary">
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
          {Array.from({ length: 5 }, (_, i) => <Skeleton key={i} className="h-28" />)}
        </div>
      </LoadingBlock>
    );
  if (summary.isError) return <ErrorState error={summary.error} onRetry={() => summary.refetch()} />;

  const data = summary.data;
  const active = data.active_models;
  const best = Object.entries(data.best_runs ?? {}).sort(([a], [b]) => a.localeCompare(b));

  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
      <Card title={Object.values(filters).some(Boolean) ? 'Matching runs' : 'Total runs'} testId="summary-total">
        <p data-testid="total-runs" className="text-3xl font-bold tabular-nums">{formatInteger(data.total_runs)}</p>
      </Card>
      <Card title="By model type"><Counts counts={data.counts_by_type} /></Card>
      <Card title="By status"><Counts counts={data.counts_by_status} /></Card>
      <Card title="Active models" testId="summary-active">
        {active.length ? (
          <ul className="space-y-1 text-sm">
            {active.map((run) => (
              <li key={run.run_id} className="flex items-center justify-between gap-2">
                <Link className="truncate text-indigo-700 hover:underline" to={`/metrics/runs/${run.run_id}`}>
                  {run.model_name ?? run.run_name}
                </Link>
                <StatusBadge modelStatus={run.model_status} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-500">None promoted yet</p>
        )}
      </Card>
      <Card title={`Best by ${metricLabel(data.best_metric)}`} testId="summary-best">
        {best.length ? (
          <dl className="space-y-1 text-sm">
            {best.map(([type, run]) => (
              <div key={type} className="flex justify-between gap-2">
                <dt className="text-slate-600">{type}</dt>
                <dd>
                  <Link className="text-indigo-700 hover:underline" to={`/metrics/runs/${run.run_id}`}>
                    {formatMetric(data.best_metric, run.metrics[data.best_metric])}
                  </Link>
                </dd>
              </div>
            ))}
          </dl>
        ) : (
          <p className="text-sm text-slate-500">—</p>
        )}
      </Card>
    </div>
  );
}
