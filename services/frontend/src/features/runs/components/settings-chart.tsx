import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';

import { ErrorState } from '@/components/ui/error-state';
import { Skeleton } from '@/components/ui/skeleton';
import { useElementWidth } from '@/hooks/use-element-width';
import { formatMetric } from '@/lib/format';
import { formatInteger } from '@/lib/format-number';
import { runsCsvUrl } from '@/lib/runs-csv-url';
import type { RunFilters } from '@/types/api';

import { fetchColumns } from '../api/get-chart-columns';
import { layoutParallel, unmark } from '../lib/parallel-layout';

import { ParallelCoordinates } from './parallel-coordinates';
import { columnLabel } from './runs-table';

// Settings against a result for every matching run (10,000 and more): one parameter as a
// scatter, or several as parallel coordinates (parallel-coordinates.tsx). Points and lines are
// drawn on a canvas (an SVG element per run would not stay responsive); the data comes from the
// API's streamed CSV with just the columns needed (a few hundred KB for 10,000 runs).

const HEIGHT = 380;
const PAD = { left: 64, right: 16, top: 12, bottom: 44 };
const RADIUS = 3;
const PICK_DISTANCE = 8;

type Point = { id: string; name: string; x: number; y: number; label: string; value: number };
type Axis = { kind: 'numeric'; min: number; max: number } | { kind: 'category'; values: string[] };


function layoutPoints(rows: string[][]): { points: Point[]; axis: Axis; missing: number } {
  const usable = rows.filter(([, , x, y]) => x !== '' && y !== '' && Number.isFinite(Number(y)));
  const xs = usable.map(([, , x]) => unmark(x));
  const numeric = xs.length > 0 && xs.every((x) => Number.isFinite(Number(x)));
  let axis: Axis;
  let position: (x: string, index: number) => number;
  if (numeric) {
    const values = xs.map(Number);
    axis = { kind: 'numeric', min: Math.min(...values), max: Math.max(...values) };
    position = (x) => Number(x);
  } else {
    const values = [...new Set(xs)].sort();
    const index = new Map(values.map((value, i) => [value, i]));
    axis = { kind: 'category', values };
    // Spread runs of one category sideways (deterministically) so they do not hide each other.
    position = (x, i) => index.get(x)! + (((i * 2654435761) % 1000) / 1000 - 0.5) * 0.6;
  }
  const points = usable.map(([id, name, , y], i) => ({
    id, name, x: position(xs[i], i), y: Number(y), label: xs[i], value: Number(y),
  }));
  return { points, axis, missing: rows.length - usable.length };
}

function ticks(min: number, max: number, count = 5): number[] {
  if (min === max) return [min];
  return Array.from({ length: count + 1 }, (_, i) => min + ((max - min) * i) / count);
}

function Scatter({ points, axis, metric, param }: { points: Point[]; axis: Axis; metric: string; param: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [frame, width] = useElementWidth<HTMLDivElement>(800, 320);
  const [hover, setHover] = useState<Point | null>(null);
  const navigate = useNavigate();

  const scale = useMemo(() => {
    const [x0, x1] = axis.kind === 'numeric' ? [axis.min, axis.max] : [-0.5, axis.values.length - 0.5];
    const ys = points.map((p) => p.y);
    const y0 = Math.min(...ys);
    const y1 = Math.max(...ys);
    const spanX = x1 - x0 || 1;
    const spanY = y1 - y0 || 1;
    const plotW = width - PAD.left - PAD.right;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    return {
      x: (v: number) => PAD.left + ((v - x0) / spanX) * plotW,
      y: (v: number) => PAD.top + plotH - ((v - y0) / spanY) * plotH,
      xTicks: axis.kind === 'numeric' ? ticks(x0, x1) : [],
      yTicks: ticks(y0, y1),
    };
  }, [points, axis, width]);

  useEffect(() => {
    const element = canvas.current;
    const context = element?.getContext('2d');
    if (!element || !context) return;
    const ratio = window.devicePixelRatio || 1;
    element.width = width * ratio;
    element.height = HEIGHT * ratio;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, HEIGHT);
    context.fillStyle = 'rgba(79, 70, 229, 0.55)';
    context.beginPath();
    for (const point of points) {
      const x = scale.x(point.x);
      const y = scale.y(point.y);
      context.moveTo(x + RADIUS, y);
      context.arc(x, y, RADIUS, 0, Math.PI * 2);
    }
    context.fill();
  }, [points, scale, width]);

  const nearest = (event: React.MouseEvent<HTMLCanvasElement>): Point | null => {
    const box = event.currentTarget.getBoundingClientRect();
    const mx = event.clientX - box.left;
    const my = event.clientY - box.top;
    let best: Point | null = null;
    let bestDistance = PICK_DISTANCE ** 2;
    for (const point of points) {
      const distance = (scale.x(point.x) - mx) ** 2 + (scale.y(point.y) - my) ** 2;
      if (distance <= bestDistance) {
        best = point;
        bestDistance = distance;
      }
    }
    return best;
  };

  return (
    <div ref={frame} className="relative" style={{ height: HEIGHT }}>
      <svg className="absolute inset-0" width={width} height={HEIGHT} aria-hidden="true">
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={HEIGHT - PAD.bottom} stroke="#94a3b8" />
        <line x1={PAD.left} x2={width - PAD.right} y1={HEIGHT - PAD.bottom} y2={HEIGHT - PAD.bottom} stroke="#94a3b8" />
        {scale.yTicks.map((tick) => (
          <text key={tick} x={PAD.left - 6} y={scale.y(tick)} fontSize={11} textAnchor="end" dominantBaseline="middle" fill="#475569">
            {formatMetric(metric, tick)}
          </text>
        ))}
        {axis.kind === 'numeric'
          ? scale.xTicks.map((tick) => (
              <text key={tick} x={scale.x(tick)} y={HEIGHT - PAD.bottom + 16} fontSize={11} textAnchor="middle" fill="#475569">
                {Number(tick.toPrecision(3)).toLocaleString()}
              </text>
            ))
          : axis.values.slice(0, 30).map((value, i) => (
              <text key={value} x={scale.x(i)} y={HEIGHT - PAD.bottom + 16} fontSize={11} textAnchor="middle" fill="#475569">
                {value.length > 12 ? `${value.slice(0, 11)}…` : value}
              </text>
            ))}
        <text x={(PAD.left + width - PAD.right) / 2} y={HEIGHT - 6} fontSize={12} textAnchor="middle" fill="#334155">
          {columnLabel(param)}
        </text>
      </svg>
      <canvas
        ref={canvas}
        data-testid="settings-chart-points"
        data-points={points.length}
        className="absolute inset-0 cursor-crosshair"
        style={{ width, height: HEIGHT }}
        onMouseMove={(event) => setHover(nearest(event))}
        onMouseLeave={() => setHover(null)}
        onClick={(event) => {
          const point = nearest(event);
          if (point) navigate(`/metrics/runs/${point.id}`);
        }}
      />
      {hover && (
        <div
          data-testid="settings-chart-tooltip"
          data-run-id={hover.id}
          className="pointer-events-none absolute rounded bg-slate-900 px-2 py-1 text-xs text-white"
          style={{ left: Math.min(scale.x(hover.x) + 8, width - 200), top: Math.max(scale.y(hover.y) - 36, 0) }}
        >
          {hover.name}: {hover.label} → {formatMetric(metric, hover.value)}
        </div>
      )}
    </div>
  );
}

type Mode = 'one' | 'several';

/** The settings drawn as parallel axes: a checkbox per parameter, kept in the order picked. */
function AxesPicker({ paramNames, axes, onChange }: { paramNames: string[]; axes: string[]; onChange: (next: string[]) => void }) {
  return (
    <details className="relative text-sm">
      <summary className="cursor-pointer rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-700">
        Settings (axes) ({axes.length})
      </summary>
      <fieldset className="absolute left-0 z-10 mt-1 max-h-80 w-72 overflow-y-auto rounded-md border border-slate-200 bg-white p-2 shadow-lg">
        <legend className="sr-only">Settings drawn as axes</legend>
        {paramNames.map((name) => (
          <label key={name} className="flex items-center gap-2 py-0.5 text-xs">
            <input
              type="checkbox"
              checked={axes.includes(name)}
              onChange={(event) => onChange(event.target.checked ? [...axes, name] : axes.filter((a) => a !== name))}
            />
            {name}
          </label>
        ))}
      </fieldset>
    </details>
  );
}

export default function SettingsChart({
  filters,
  orderBy,
  metricNames,
  paramNames,
}: {
  filters: RunFilters;
  orderBy: string;
  metricNames: string[];
  paramNames: string[];
}) {
  const sortedMetric = orderBy.startsWith('metrics.') ? orderBy.split(' ')[0].slice('metrics.'.length) : null;
  const [metric, setMetric] = useState(sortedMetric ?? (metricNames.includes('val_ndcg_at_10') ? 'val_ndcg_at_10' : metricNames[0]));
  const [mode, setMode] = useState<Mode>('one');
  const [param, setParam] = useState(paramNames[0]);
  const [axes, setAxes] = useState(() => paramNames.slice(0, 4));
  const paramColumn = `params.${param}`;
  const columns = mode === 'one' ? [paramColumn, `metrics.${metric}`] : [...axes.map((name) => `params.${name}`), `metrics.${metric}`];
  const url = runsCsvUrl(filters, orderBy, ['run_id', 'run_name', ...columns]);
  const data = useQuery({
    queryKey: ['runs', 'chart', url],
    queryFn: ({ signal }) => fetchColumns(url, signal),
    enabled: Boolean(metric) && (mode === 'one' ? Boolean(param) : axes.length > 0),
  });
  const columnsKey = columns.join(',');
  const laid = useMemo(() => (data.data && mode === 'one' ? layoutPoints(data.data) : null), [data.data, mode]);
  const parallel = useMemo(
    () =>
      data.data && mode === 'several'
        ? layoutParallel(data.data, columnsKey.split(','), (column, value) =>
            column.startsWith('metrics.') ? formatMetric(metric, value) : Number(value.toPrecision(3)).toLocaleString(),
          )
        : null,
    [data.data, mode, columnsKey, metric],
  );
  const modeButton = (value: Mode, label: string) => (
    <button
      type="button"
      aria-pressed={mode === value}
      onClick={() => setMode(value)}
      className={`px-3 py-1.5 text-sm font-medium ${mode === value ? 'bg-indigo-600 text-white' : 'bg-white text-slate-700 hover:bg-slate-50'}`}
    >
      {label}
    </button>
  );

  return (
    <section aria-label="Settings against results" data-testid="settings-chart" className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="mb-2 flex flex-wrap items-end gap-3">
        <div className="flex overflow-hidden rounded-md border border-slate-300" role="group" aria-label="Chart">
          {modeButton('one', 'One setting')}
          {modeButton('several', 'Several settings')}
        </div>
        {mode === 'one' ? (
          <label className="flex flex-col text-xs font-medium text-slate-600">
            Setting (x)
            <select className="mt-1 rounded-md border border-slate-300 px-2 py-1 text-sm" value={param} onChange={(e) => setParam(e.target.value)}>
              {paramNames.map((name) => <option key={name} value={name}>{name}</option>)}
            </select>
          </label>
        ) : (
          <AxesPicker paramNames={paramNames} axes={axes} onChange={setAxes} />
        )}
        <label className="flex flex-col text-xs font-medium text-slate-600">
          {mode === 'one' ? 'Result (y)' : 'Result (last axis)'}
          <select className="mt-1 rounded-md border border-slate-300 px-2 py-1 text-sm" value={metric} onChange={(e) => setMetric(e.target.value)}>
            {metricNames.map((name) => <option key={name} value={name}>{columnLabel(`metrics.${name}`)}</option>)}
          </select>
        </label>
        {laid && (
          <p className="text-sm text-slate-600" data-testid="settings-chart-count">
            {formatInteger(laid.points.length)} runs plotted
            {laid.missing ? ` · ${formatInteger(laid.missing)} without both values` : ''} · click a point to open its run
          </p>
        )}
        {parallel && (
          <p className="text-sm text-slate-600" data-testid="settings-chart-count">
            {formatInteger(parallel.lines.length)} runs drawn
            {parallel.missing ? ` · ${formatInteger(parallel.missing)} without every value` : ''}
          </p>
        )}
      </div>
      {mode === 'several' && !axes.length ? (
        <p className="text-sm text-slate-500">Pick at least one setting to draw as an axis.</p>
      ) : data.isError ? (
        <ErrorState error={data.error} onRetry={() => data.refetch()} />
      ) : mode === 'several' ? (
        !parallel ? (
          <Skeleton className="h-96" />
        ) : parallel.lines.length ? (
          <ParallelCoordinates layout={parallel} metric={metric} />
        ) : (
          <p className="text-sm text-slate-500">No run has every value.</p>
        )
      ) : !laid ? (
        <Skeleton className="h-96" />
      ) : laid.points.length ? (
        <Scatter points={laid.points} axis={laid.axis} metric={metric} param={paramColumn} />
      ) : (
        <p className="text-sm text-slate-500">No run has both values.</p>
      )}
    </section>
  );
}
