import { lazy, type ReactNode, Suspense } from 'react';
import { Link, useSearchParams } from 'react-router';

import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingBlock, Skeleton } from '@/components/ui/skeleton';
import { Tabs } from '@/components/ui/tabs';
import { parseRunIds } from '@/hooks/use-compare-selection';
import { downloadCsv } from '@/lib/csv';
import { COMPARE_METRIC_GROUPS, TRAINING_CURVES } from '@/lib/key-metrics';
import { runsToCsv } from '@/lib/runs-csv';
import type { RunWithHistory } from '@/types/api';

import { useCompareRuns } from '../api/compare-runs';

import { ParamsTab } from './params-tab';

// Recharts is the heaviest dependency: load it only when a chart is on screen.
const MetricBarChart = lazy(() => import('@/components/charts/metric-bar-chart'));
const CurveChart = lazy(() => import('@/components/charts/curve-chart'));

/** A tab another feature adds (the app composes them): drawn from the compared runs. */
export type ExtraTab = { id: string; label: string; render: (runs: RunWithHistory[]) => ReactNode };

const TABS: { id: string; label: string }[] = [
  { id: 'metrics', label: 'Metrics' },
  { id: 'training', label: 'Training' },
  { id: 'params', label: 'Parameters' },
];

const chartFallback = (
  <LoadingBlock label="Loading chart">
    <Skeleton className="h-72" />
  </LoadingBlock>
);

export function CompareView({ extraTabs = [] }: { extraTabs?: ExtraTab[] }) {
  const [params, setParams] = useSearchParams();
  const runIds = parseRunIds(params.get('runs'));
  const tabs = [...TABS, ...extraTabs];
  const tab = tabs.find((t) => t.id === params.get('tab'))?.id ?? 'metrics';
  const extra = extraTabs.find((t) => t.id === tab);
  const logScale = params.get('log') === '1';
  const compare = useCompareRuns(runIds);

  const update = (key: string, value: string | null) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value) next.set(key, value);
      else next.delete(key);
      return next;
    });

  if (runIds.length < 2)
    return (
      <EmptyState title="Pick at least two runs to compare">
        Tick “Compare” on up to five run cards on the <Link className="text-indigo-700 underline" to="/metrics">dashboard</Link>.
      </EmptyState>
    );
  if (compare.isPending)
    return (
      <LoadingBlock label="Loading comparison">
        <Skeleton className="h-96" />
      </LoadingBlock>
    );
  if (compare.isError) return <ErrorState error={compare.error} onRetry={() => compare.refetch()} />;

  const runs = compare.data;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-slate-600">
          Comparing {runs.map((run) => run.run_name || run.run_id).join(', ')}
        </p>
        <Button onClick={() => downloadCsv('compare.csv', runsToCsv(runs))}>Export CSV</Button>
      </div>
      <Tabs tabs={tabs} selected={tab} onSelect={(id) => update('tab', id === 'metrics' ? null : id)} />

      {tab === 'metrics' && (
        <Suspense fallback={chartFallback}>
          <div className="grid gap-4 lg:grid-cols-3">
            {COMPARE_METRIC_GROUPS.map((group) => (
              <MetricBarChart key={group.title} title={group.title} metrics={group.metrics} runs={runs} />
            ))}
          </div>
        </Suspense>
      )}

      {tab === 'training' && (
        <div className="space-y-3">
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" checked={logScale} onChange={(e) => update('log', e.target.checked ? '1' : null)} />
            Log scale
          </label>
          <Suspense fallback={chartFallback}>
            <div className="grid gap-4 lg:grid-cols-3">
              {TRAINING_CURVES.map((metric) => (
                <CurveChart key={metric} metric={metric} runs={runs} logScale={logScale} />
              ))}
            </div>
          </Suspense>
        </div>
      )}

      {tab === 'params' && <ParamsTab runs={runs} />}

      {extra?.render(runs)}
    </div>
  );
}
