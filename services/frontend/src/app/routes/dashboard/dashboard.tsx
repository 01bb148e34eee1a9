import { useMlflowUiUrl } from '@/features/health/api/get-health';
import { useRuns } from '@/features/runs/api/get-runs';
import { CompareTray } from '@/features/runs/components/compare-tray';
import { RunFilters } from '@/features/runs/components/run-filters';
import { RunsSection } from '@/features/runs/components/runs-section';
import { SummaryCards } from '@/features/runs/components/summary-cards';
import { SearchBox } from '@/features/search/components/search-box';
import { useCompareSelection } from '@/hooks/use-compare-selection';
import { useRunFilters } from '@/hooks/use-run-filters';
import { sortText, useRunView } from '@/hooks/use-run-view';

export function DashboardRoute() {
  const { filters, setFilter } = useRunFilters();
  const { sort } = useRunView();
  const runs = useRuns(filters, sortText(sort)); // the same query RunsSection reads: its error is the search's
  const compare = useCompareSelection();
  const mlflowUiUrl = useMlflowUiUrl();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Model runs</h1>
      <SummaryCards filters={filters} />
      <SearchBox value={filters.q ?? ''} onSearch={(query) => setFilter('q', query)} error={runs.error} />
      <RunFilters filters={filters} onChange={setFilter} />
      <RunsSection
        filters={filters}
        mlflowUiUrl={mlflowUiUrl}
        selected={compare.selected}
        onToggleCompare={compare.toggle}
        compareFull={compare.isFull}
      />
      <CompareTray selected={compare.selected} onClear={compare.clear} />
    </div>
  );
}
