import { useSearchParams } from 'react-router';

import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingBlock, Skeleton } from '@/components/ui/skeleton';
import { downloadCsv } from '@/lib/csv';
import { runsToCsv } from '@/lib/runs-csv';
import type { RunFilters } from '@/types/api';

import { useRuns } from '../api/get-runs';

import { RunCard } from './run-card';
import { RunsTable } from './runs-table';

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
  const runs = useRuns(filters);
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'table' ? 'table' : 'grid';

  const setView = (next: 'grid' | 'table') =>
    setParams((current) => {
      const updated = new URLSearchParams(current);
      if (next === 'table') updated.set('view', 'table');
      else updated.delete('view');
      return updated;
    });

  if (runs.isPending)
    return (
      <LoadingBlock label="Loading runs">
        <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
          {Array.from({ length: 6 }, (_, i) => <Skeleton key={i} className="h-44" />)}
        </div>
      </LoadingBlock>
    );
  if (runs.isError) return <ErrorState error={runs.error} onRetry={() => runs.refetch()} />;

  const all = runs.data.pages.flatMap((page) => page.runs);
  const filtered = Object.values(filters).some(Boolean);
  if (!all.length)
    return filtered ? (
      <EmptyState title="No runs match these filters">Clear a filter to see more runs.</EmptyState>
    ) : (
      <EmptyState title="No runs yet">
        Train a model to see it here: run <code className="rounded bg-slate-100 px-1">make train</code>.
      </EmptyState>
    );

  return (
    <section aria-label="Runs" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-slate-600" data-testid="runs-count">
          Showing {all.length} run{all.length === 1 ? '' : 's'}
        </p>
        <div className="flex gap-2">
          <Button onClick={() => setView(view === 'grid' ? 'table' : 'grid')}>
            {view === 'grid' ? 'Table view' : 'Card view'}
          </Button>
          <Button onClick={() => downloadCsv('runs.csv', runsToCsv(all))}>Export CSV</Button>
        </div>
      </div>

      {view === 'table' ? (
        <RunsTable runs={all} />
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
