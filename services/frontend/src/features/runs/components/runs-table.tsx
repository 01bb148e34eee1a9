import type { MouseEvent } from 'react';
import { useNavigate } from 'react-router';

import { StatusBadge } from '@/components/ui/status-badge';
import { formatMetric, formatTime, metricLabel } from '@/lib/format';
import type { Sort } from '@/hooks/use-run-view';
import type { Run } from '@/types/api';

/** `metrics.val_ndcg_at_10` → "Val NDCG@10"; `params.model.embedding_dim` → "model.embedding_dim". */
export function columnLabel(column: string): string {
  if (column === 'start_time') return 'Started';
  const [kind, ...rest] = column.split('.');
  const key = rest.join('.');
  return kind === 'metrics' ? metricLabel(key) : key;
}

export function cellText(run: Run, column: string): string {
  const [kind, ...rest] = column.split('.');
  const key = rest.join('.');
  if (kind === 'metrics') return formatMetric(key, run.metrics[key]);
  if (kind === 'params') return run.params[key] ?? '—';
  if (kind === 'tags') return run.tags[key] ?? '—';
  return '—';
}

function SortHeader({
  field,
  sort,
  onSort,
  className = '',
}: {
  field: string;
  sort: Sort;
  onSort: (next: Sort) => void;
  className?: string;
}) {
  const active = sort.field === field;
  return (
    <th className={`px-3 py-2 ${className}`} aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
      <button
        type="button"
        className="uppercase hover:text-slate-900"
        onClick={() => onSort({ field, descending: active ? !sort.descending : true })}
      >
        {columnLabel(field)}
        {active ? (sort.descending ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
}

/** A plain left click on a run's link opens it in the app (as a router Link would); other
 *  clicks (new tab, modifiers) are the browser's. One handler for the whole table: a router
 *  Link per row made drawing the first 100 rows noticeably slower. */
function useRunLinkClicks() {
  const navigate = useNavigate();
  return (event: MouseEvent<HTMLElement>) => {
    const link = (event.target as Element).closest<HTMLAnchorElement>('a[data-run-link]');
    if (!link || event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(link.getAttribute('href')!);
  };
}

export function RunsTable({
  runs,
  columns,
  sort,
  onSort,
}: {
  runs: Run[];
  columns: string[];
  sort: Sort;
  onSort: (next: Sort) => void;
}) {
  const openRun = useRunLinkClicks();
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
          <tr>
            <th className="px-3 py-2">Run</th>
            <th className="px-3 py-2">Model</th>
            <th className="px-3 py-2">Status</th>
            <SortHeader field="start_time" sort={sort} onSort={onSort} />
            {columns.map((column) => (
              <SortHeader key={column} field={column} sort={sort} onSort={onSort} className="text-right" />
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100" onClick={openRun}>
          {runs.map((run) => (
            <tr key={run.run_id} data-testid="run-row" data-run-id={run.run_id}>
              <td className="px-3 py-2">
                <a className="text-indigo-700 hover:underline" href={`/metrics/runs/${run.run_id}`} data-run-link>
                  {run.run_name || run.run_id}
                </a>
              </td>
              <td className="px-3 py-2">{run.model_name} <span className="text-slate-400">({run.model_type})</span></td>
              <td className="px-3 py-2"><StatusBadge modelStatus={run.model_status} runStatus={run.status} /></td>
              <td className="px-3 py-2 whitespace-nowrap">{formatTime(run.start_time)}</td>
              {columns.map((column) => (
                <td key={column} className="px-3 py-2 text-right tabular-nums" data-column={column}>
                  {cellText(run, column)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
