import type { Run } from '@/types/api';

import { toCsv } from './csv';

const RUN_COLUMNS = ['run_id', 'run_name', 'model_type', 'model_name', 'model_status', 'status', 'start_time', 'end_time'] as const;

/** One row per run: identity columns, then every metric and param any run has. */
export function runsToCsv(runs: Run[]): string {
  const metricNames = [...new Set(runs.flatMap((run) => Object.keys(run.metrics)))].sort();
  const paramNames = [...new Set(runs.flatMap((run) => Object.keys(run.params)))].sort();
  const header = [...RUN_COLUMNS, ...metricNames, ...paramNames.map((name) => `param.${name}`)];
  const rows = runs.map((run) => [
    ...RUN_COLUMNS.map((column) =>
      column === 'start_time' || column === 'end_time'
        ? run[column] ? new Date(run[column] as number).toISOString() : ''
        : (run[column] ?? ''),
    ),
    ...metricNames.map((name) => run.metrics[name]),
    ...paramNames.map((name) => run.params[name]),
  ]);
  return toCsv(header, rows);
}
