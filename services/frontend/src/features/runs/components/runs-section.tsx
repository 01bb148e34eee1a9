import { lazy, Suspense, useState } from 'react';

import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingBlock, Skeleton } from '@/components/ui/skeleton';
import { sortText, TABLE_VIEW_FROM, useRunView } from '@/hooks/use-run-view';
import { ApiError } from '@/lib/api-client';
import { formatInteger } from '@/lib/format-number';
import { runsCsvUrl } from '@/lib/runs-csv-url';
import type { RunFilters } from '@/types/api';

import { useRuns } from '../api/get-runs';
import { useSummary } from '../api/get-summary';

import { ColumnPicker } from './column-picker';
import { RunCard } from './run-card';
import { RunsTable } from './runs-table';
import { SortControl } from './sort-control';

// Canvas scatter of every matching run; loaded only when opened.
const SettingsChart = lazy(() => import('./settings-chart'));
const EXPORT_COLUMNS = ['run_id', 'run_name', 'model_name', 'model_type', 'model_status', 'status', 'start_time'];

export function RunsSection({
  filters,
  mlflowUiUrl,
  selected,
  onToggleCompare,
  compareFull,
}: {
  filters: RunFilters;
  mlflowUiUrl: string | null;
  selected: string[];
  onToggleCompare: (runId: string) => void;
  compareFull: boolean;
}) {
  const layout = useRunView();
  const orderBy = sortText(layout.sort);
  const runs = useRuns(filters, orderBy);
  const everything = useSummary();
  const [chartOpen, setChartOpen] = useState(false);

  if (runs.isPending)
    return (
      <LoadingBlock label="Loading runs">
        <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
          {Array.from({ length: 6 }, (_, i) => <Skeleton key={i} className="h-44" />)}
        </div>
      </LoadingBlock>
    );
  if (runs.isError) {
    if (runs.error instanceof ApiError && runs.error.status === 400 && filters.q)
      return <EmptyState title="Fix the search to see runs">The search box says what is wrong.</EmptyState>;
    return <ErrorState error={runs.error} onRetry={() => runs.refetch()} />;
  }

  const all = runs.data.pages.flatMap((page) => page.runs);
  const matching = runs.data.pages[0]?.total ?? all.length;
  const filtered = Object.values(filters).some(Boolean);
  if (!all.length)
    return filtered ? (
      <EmptyState title="No runs match these filters">Clear a filter or change the search to see more runs.</EmptyState>
    ) : (
      <EmptyState title="No runs yet">
        Train a model to see it here: run <code className="rounded bg-slate-100 px-1">make train</code>.
      </EmptyState>
    );

  const view = layout.view ?? (matching > TABLE_VIEW_FROM ? 'table' : 'grid');
  const total = everything.data?.total_runs;
  const metricNames = [...new Set(all.flatMap((run) => Object.keys(run.metrics)))].sort();
  const paramNames = [...new Set(all.flatMap((run) => Object.keys(run.params)))].sort();
  const fields = [...metricNames.map((name) => `metrics.${name}`), ...paramNames.map((name) => `params.${name}`)];

  return (
    <section aria-label="Runs" className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <p className="text-sm text-slate-600" data-testid="runs-count">
          {filtered && total !== undefined
            ? `${formatInteger(matching)} of ${formatInteger(total)} runs`
            : `${formatInteger(matching)} run${matching === 1 ? '' : 's'}`}
          {all.length < matching ? ` · showing the first ${formatInteger(all.length)}` : ''}
        </p>
        <div className="flex flex-wrap items-end gap-2">
          <SortControl sort={layout.sort} fields={fields} onChange={layout.setSort} />
          {view === 'table' && <ColumnPicker fields={fields} columns={layout.columns} onChange={layout.setColumns} />}
          <Button onClick={() => layout.setView(view === 'grid' ? 'table' : 'grid')}>
            {view === 'grid' ? 'Table view' : 'Card view'}
          </Button>
          <Button onClick={() => setChartOpen(!chartOpen)} aria-expanded={chartOpen}>
            {chartOpen ? 'Hide chart' : 'Settings vs results'}
          </Button>
          <a
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50"
            href={runsCsvUrl(filters, orderBy, [...EXPORT_COLUMNS, ...layout.columns])}
            download="runs.csv"
          >
            Export CSV
          </a>
        </div>
      </div>

      {chartOpen && (
        <Suspense fallback={<Skeleton className="h-96" />}>
          <SettingsChart filters={filters} orderBy={orderBy} metricNames={metricNames} paramNames={paramNames} />
        </Suspense>
      )}

      {view === 'table' ? (
        <RunsTable runs={all} columns={layout.columns} sort={layout.sort} onSort={layout.setSort} />
      ) : (
        <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
          {all.map((run) => (
            <RunCard
              key={run.run_id}
              run={run}
              mlflowUiUrl={mlflowUiUrl}
              compared={selected.includes(run.run_id)}
              compareDisabled={compareFull}
              onToggleCompare={onToggleCompare}
            />
          ))}
        </div>
      )}

      {runs.hasNextPage && (
        <div className="text-center">
          <Button onClick={() => runs.fetchNextPage()} disabled={runs.isFetchingNextPage}>
            {runs.isFetchingNextPage ? 'Loading…' : 'Load more runs'}
          </Button>
        </div>
      )}
    </section>
  );
}
