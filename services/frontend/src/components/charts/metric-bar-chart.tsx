import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import { formatMetric, metricLabel } from '@/lib/format';
import type { Run } from '@/types/api';

import { runColor } from './chart-colors';

/** Grouped bars: one group per metric, one bar per run. Loaded lazily with Recharts. */
export default function MetricBarChart({ title, metrics, runs }: { title: string; metrics: string[]; runs: Run[] }) {
  const data = metrics.map((name) => ({
    metric: metricLabel(name),
    ...Object.fromEntries(runs.map((run) => [run.run_id, run.metrics[name] ?? null])),
  }));
  return (
    <figure data-testid="metric-bar-chart" className="rounded-lg border border-slate-200 bg-white p-3">
      <figcaption className="mb-2 text-sm font-semibold text-slate-700">{title}</figcaption>
      <ResponsiveContainer width="100%" height={260} initialDimension={{ width: 480, height: 260 }}>
        <BarChart data={data} margin={{ top: 5, right: 10, bottom: 5, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="metric" tick={{ fontSize: 12 }} />
          <YAxis tick={{ fontSize: 12 }} width={56} />
          <Tooltip formatter={(value) => formatMetric('', Number(value))} />
          <Legend />
          {runs.map((run, index) => (
            <Bar
              key={run.run_id}
              dataKey={run.run_id}
              name={run.run_name || run.run_id}
              fill={runColor(index)}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
