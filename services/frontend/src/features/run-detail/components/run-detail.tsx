import type { ReactNode } from 'react';
import { Link } from 'react-router';

import { ErrorState } from '@/components/ui/error-state';
import { RunProgress } from '@/components/ui/run-progress';
import { LoadingBlock, Skeleton } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { formatMetric, formatTime, metricLabel } from '@/lib/format';
import { mlflowRunUrl } from '@/lib/mlflow-link';
import type { Run } from '@/types/api';

import { useRun } from '../api/get-run';

import { ChampionHistoryPanel } from './champion-history';
import { PromotePanel } from './promote-panel';
import { RunCurves } from './run-curves';

const LINEAGE: { label: string; tags: string[] }[] = [
  { label: 'Git commit', tags: ['git_commit', 'mlflow.source.git.commit'] },
  { label: 'Data version', tags: ['data_version'] },
  { label: 'DVC stage', tags: ['dvc_stage'] },
  { label: 'Dataset', tags: ['dataset'] },
];

function KeyValueTable({ title, entries, testId }: { title: string; entries: [string, string][]; testId: string }) {
  return (
    <section data-testid={testId} className="rounded-lg border border-slate-200 bg-white">
      <h2 className="border-b border-slate-100 px-4 py-2 font-semibold">{title} <span className="text-sm font-normal text-slate-500">({entries.length})</span></h2>
      {entries.length ? (
        <dl className="divide-y divide-slate-100 text-sm">
          {entries.map(([key, value]) => (
            <div key={key} className="flex justify-between gap-4 px-4 py-1.5">
              <dt className="text-slate-600">{key}</dt>
              <dd className="break-all text-right font-mono text-xs">{value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="px-4 py-3 text-sm text-slate-500">None logged.</p>
      )}
    </section>
  );
}

function lineage(run: Run): [string, string][] {
  return LINEAGE.map(({ label, tags }) => [label, tags.map((tag) => run.tags[tag]).find(Boolean) ?? '—']);
}

/** `panels`: what other features show about the loaded run (the app composes them here). */
export function RunDetail({
  runId,
  mlflowUiUrl,
  panels,
}: {
  runId: string;
  mlflowUiUrl: string | null;
  panels?: (run: Run) => ReactNode;
}) {
  const query = useRun(runId);
  if (query.isPending)
    return (
      <LoadingBlock label="Loading run">
        <Skeleton className="h-24" />
        <Skeleton className="mt-4 h-64" />
      </LoadingBlock>
    );
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;

  const run = query.data;
  const link = mlflowRunUrl(mlflowUiUrl, run);
  const metrics = Object.entries(run.metrics)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]): [string, string] => [metricLabel(name), formatMetric(name, value)]);
  const params = Object.entries(run.params).sort(([a], [b]) => a.localeCompare(b));
  const tags = Object.entries(run.tags).filter(([key]) => !key.startsWith('mlflow.')).sort(([a], [b]) => a.localeCompare(b));

  return (
    <div className="space-y-4">
      <header className="flex flex-wrap items-start justify-between gap-3 rounded-lg border border-slate-200 bg-white p-4">
        <div>
          <h1 className="text-xl font-bold" data-testid="run-title">{run.run_name || run.run_id}</h1>
          <p className="text-sm text-slate-600">
            {run.model_name} · {run.model_type} · {run.framework} · run {run.status.toLowerCase()}
          </p>
          <p className="text-xs text-slate-500">
            {formatTime(run.start_time)} → {formatTime(run.end_time)} · <span className="font-mono">{run.run_id}</span>
          </p>
        </div>
        <div className="flex items-center gap-3">
          <StatusBadge modelStatus={run.model_status} runStatus={run.status} />
          {link && <a className="text-sm text-indigo-700 hover:underline" href={link} target="_blank" rel="noreferrer">Open in MLflow ↗</a>}
          <Link className="text-sm text-indigo-700 hover:underline" to="/metrics">Back to dashboard</Link>
        </div>
        <RunProgress run={run} className="w-full" />
      </header>
      <RunCurves run={run} />
      {panels?.(run)}
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="space-y-4">
          <PromotePanel run={run} />
          {run.model_name && <ChampionHistoryPanel modelName={run.model_name} />}
          <KeyValueTable title="Lineage" entries={lineage(run)} testId="lineage" />
          <KeyValueTable title="Metrics" entries={metrics} testId="metrics" />
        </div>
        <div className="space-y-4">
          <KeyValueTable title="Parameters" entries={params} testId="params" />
          <KeyValueTable title="Tags" entries={tags} testId="tags" />
        </div>
      </div>
    </div>
  );
}
