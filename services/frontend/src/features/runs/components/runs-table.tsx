import { Link } from 'react-router';

import { StatusBadge } from '@/components/ui/status-badge';
import { formatMetric, formatTime } from '@/lib/format';
import type { Run } from '@/types/api';

const COLUMNS = ['val_ndcg_at_10', 'ndcg_at_10', 'recall_at_10', 'coverage_at_100', 'training_time_seconds'];

export function RunsTable({ runs }: { runs: Run[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
          <tr>
            <th className="px-3 py-2">Run</th>
            <th className="px-3 py-2">Model</th>
            <th className="px-3 py-2">Status</th>
            <th className="px-3 py-2">Started</th>
            {COLUMNS.map((name) => (
              <th key={name} className="px-3 py-2 text-right">{name}</th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {runs.map((run) => (
            <tr key={run.run_id} data-testid="run-row">
              <td className="px-3 py-2">
                <Link className="text-indigo-700 hover:underline" to={`/metrics/runs/${run.run_id}`}>
                  {run.run_name || run.run_id}
                </Link>
              </td>
              <td className="px-3 py-2">{run.model_name} <span className="text-slate-400">({run.model_type})</span></td>
              <td className="px-3 py-2"><StatusBadge modelStatus={run.model_status} runStatus={run.status} /></td>
              <td className="px-3 py-2 whitespace-nowrap">{formatTime(run.start_time)}</td>
              {COLUMNS.map((name) => (
                <td key={name} className="px-3 py-2 text-right tabular-nums">{formatMetric(name, run.metrics[name])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
