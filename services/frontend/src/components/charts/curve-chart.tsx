import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import { metricLabel } from '@/lib/format';
import type { RunWithHistory } from '@/types/api';

import { runColor } from './chart-colors';

/** One metric's history per run, overlaid with the step (epoch) on the x axis. */
export default function CurveChart({
  metric,
  runs,
  logScale,
}: {
  metric: string;
  runs: RunWithHistory[];
  logScale: boolean;
}) {
  const byStep = new Map<number, Record<string, number | null>>();
  for (const run of runs) {
    for (const point of run.history?.[metric] ?? []) {
      // A log axis cannot place zero or negative values: leave a gap instead.
      const value = point.value === null || (logScale && point.value <= 0) ? null : point.value;
      byStep.set(point.step, { ...byStep.get(point.step), step: point.step, [run.run_id]: value });
    }
  }
  const data = [...byStep.values()].sort((a, b) => (a.step as number) - (b.step as number));
  const hasPoints = data.length > 0;

  return (
    <figure data-testid={`curve-chart-${metric}`} className="rounded-lg border border-slate-200 bg-white p-3">
      <figcaption className="mb-2 text-sm font-semibold text-slate-700">{metricLabel(metric)}</figcaption>
      {hasPoints ? (
        <ResponsiveContainer width="100%" height={260} initialDimension={{ width: 480, height: 260 }}>
          <LineChart data={data} margin={{ top: 5, right: 10, bottom: 5, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} tick={{ fontSize: 12 }} />
            <YAxis
              scale={logScale ? 'log' : 'auto'}
              domain={['auto', 'auto']}
              allowDataOverflow={logScale}
              tick={{ fontSize: 12 }}
              width={64}
              tickFormatter={(value: number) => (Math.abs(value) < 0.01 ? value.toExponential(1) : value.toFixed(3))}
            />
            <Tooltip />
            <Legend />
            {runs.map((run, index) => (
              <Line
                key={run.run_id}
                dataKey={run.run_id}
                name={run.run_name || run.run_id}
                stroke={runColor(index)}
                dot={{ r: 3 }}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      ) : (
        <p className="py-8 text-center text-sm text-slate-500">No {metricLabel(metric)} history logged for these runs.</p>
      )}
    </figure>
  );
}
