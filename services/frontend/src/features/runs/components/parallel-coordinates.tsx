import { scaleQuantize } from 'd3-scale';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';

import { useElementWidth } from '@/hooks/use-element-width';
import { formatMetric } from '@/lib/format';
import { formatInteger } from '@/lib/format-number';

import {
  type Brushes,
  type Frame,
  inBrushes,
  nearestLine,
  type ParallelLayout,
  type ParallelLine,
  yOf,
} from '../lib/parallel-layout';

import { columnLabel } from './runs-table';

// Every matching run as one polyline across the chosen settings and the metric. 10,000 lines
// are stroked on a canvas in a handful of paths (one per colour band, worst first so the best
// lie on top), once per layout, size or brush change; pointing and clicking use the layout's
// hit test, never the pixels. Drag along an axis to keep only the runs inside that range.

const HEIGHT = 400;
const PAD = { left: 56, right: 72, top: 16, bottom: 48 };
const HIT_AXIS = 8; // px either side of an axis where a drag brushes a range
const BANDS = ['#c7d2fe', '#a5b4fc', '#818cf8', '#6366f1', '#4f46e5', '#4338ca', '#3730a3', '#1e1b4b'];
const FADED = 'rgba(148, 163, 184, 0.12)';

type Drag = { axis: number; from: number; to: number };

function draw(canvas: HTMLCanvasElement, width: number, frame: Frame, lines: ParallelLine[], brushes: Brushes): number {
  const context = canvas.getContext('2d');
  const ratio = window.devicePixelRatio || 1;
  canvas.width = width * ratio;
  canvas.height = HEIGHT * ratio;
  if (!context) return 0;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, HEIGHT);
  context.lineWidth = 1;
  const metrics = lines.map((line) => line.metric);
  const band = scaleQuantize<number>()
    .domain([Math.min(...metrics), Math.max(...metrics)])
    .range(BANDS.map((_, i) => i));
  const paths = BANDS.map(() => new Path2D());
  const faded = new Path2D();
  let drawn = 0;
  for (const line of lines) {
    const kept = inBrushes(line, brushes);
    const path = kept ? paths[band(line.metric)] : faded;
    path.moveTo(frame.xs[0], yOf(frame, line.at[0]));
    for (let i = 1; i < frame.xs.length; i++) path.lineTo(frame.xs[i], yOf(frame, line.at[i]));
    drawn++;
  }
  context.strokeStyle = FADED;
  context.stroke(faded);
  // Thinner ink the more lines there are, so 10,000 still show where they bunch up.
  context.globalAlpha = Math.min(0.6, Math.max(0.08, 16 / Math.sqrt(drawn)));
  paths.forEach((path, i) => {
    context.strokeStyle = BANDS[i];
    context.stroke(path);
  });
  context.globalAlpha = 1;
  return drawn;
}

export function ParallelCoordinates({ layout, metric }: { layout: ParallelLayout; metric: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [box, width] = useElementWidth<HTMLDivElement>(900, 360);
  const [brushes, setBrushes] = useState<Brushes>({});
  const [drag, setDrag] = useState<Drag | null>(null);
  const [hover, setHover] = useState<ParallelLine | null>(null);
  const gestureEnded = useRef(false);
  const navigate = useNavigate();
  const { axes, lines } = layout;

  // A new set of runs or axes starts unbrushed.
  const [brushedLayout, setBrushedLayout] = useState(layout);
  if (brushedLayout !== layout) {
    setBrushedLayout(layout);
    setBrushes({});
  }

  const frame = useMemo<Frame>(() => {
    const span = width - PAD.left - PAD.right;
    const xs = axes.map((_, i) => PAD.left + (axes.length > 1 ? (span * i) / (axes.length - 1) : span / 2));
    return { xs, top: PAD.top, height: HEIGHT - PAD.top - PAD.bottom };
  }, [axes, width]);

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    // Read by the browser test at 10,000 runs: how many polylines this draw stroked.
    element.dataset.drawn = String(draw(element, width, frame, lines, brushes));
  }, [lines, frame, width, brushes]);

  const kept = useMemo(() => lines.filter((line) => inBrushes(line, brushes)).length, [lines, brushes]);
  const brushed = Object.keys(brushes).length > 0;

  const pointer = (event: React.MouseEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };
  const atHeight = (y: number) => Math.max(0, Math.min(1, 1 - (y - frame.top) / frame.height));
  const pick = (x: number, y: number) => nearestLine(lines, frame, x, y, 6, (line) => inBrushes(line, brushes));

  return (
    <div>
      <p className="mb-1 text-xs text-slate-500" data-testid="parallel-kept">
        {brushed
          ? `${formatInteger(kept)} of ${formatInteger(lines.length)} runs inside the brushed ranges · click an axis to clear its range`
          : 'Drag along an axis to keep a range of it · click a line to open its run'}
      </p>
      <div ref={box} className="relative" style={{ height: HEIGHT }}>
        <canvas
          ref={canvas}
          data-testid="parallel-lines"
          data-lines={lines.length}
          className="absolute inset-0 cursor-crosshair"
          style={{ width, height: HEIGHT }}
          onMouseDown={(event) => {
            const { x, y } = pointer(event);
            const axis = frame.xs.findIndex((ax) => Math.abs(ax - x) <= HIT_AXIS);
            if (axis >= 0) setDrag({ axis, from: atHeight(y), to: atHeight(y) });
          }}
          onMouseMove={(event) => {
            const { x, y } = pointer(event);
            if (drag) setDrag({ ...drag, to: atHeight(y) });
            else setHover(pick(x, y));
          }}
          onMouseUp={() => {
            if (!drag) return;
            const moved = Math.abs(drag.to - drag.from) * frame.height >= 3;
            if (moved) {
              setBrushes({ ...brushes, [drag.axis]: [Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)] });
              setHover(null);
            } else if (brushes[drag.axis]) {
              // A click on a brushed axis clears its range.
              const rest = { ...brushes };
              delete rest[drag.axis];
              setBrushes(rest);
            } else {
              setDrag(null); // a plain click on an axis: picks a line, below
              return;
            }
            gestureEnded.current = true;
            setDrag(null);
          }}
          onMouseLeave={() => {
            setDrag(null);
            setHover(null);
          }}
          onClick={(event) => {
            if (gestureEnded.current) {
              gestureEnded.current = false; // the end of a brush gesture, not a pick
              return;
            }
            const { x, y } = pointer(event);
            const line = pick(x, y);
            if (line) navigate(`/metrics/runs/${line.id}`);
          }}
        />
        <svg className="pointer-events-none absolute inset-0" width={width} height={HEIGHT} aria-hidden="true">
          {hover && (
            <polyline
              data-testid="parallel-highlight"
              points={hover.at.map((at, i) => `${frame.xs[i]},${yOf(frame, at)}`).join(' ')}
              fill="none"
              stroke="#f59e0b"
              strokeWidth={2.5}
            />
          )}
          {axes.map((axis, i) => {
            const x = frame.xs[i];
            const range = drag?.axis === i ? [Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)] : brushes[i];
            const isMetric = i === axes.length - 1;
            return (
              <g key={axis.column}>
                <line
                  data-testid="parallel-axis"
                  data-column={axis.column}
                  x1={x}
                  x2={x}
                  y1={frame.top}
                  y2={frame.top + frame.height}
                  stroke="#475569"
                />
                {range && (
                  <rect
                    x={x - 7}
                    width={14}
                    y={yOf(frame, range[1])}
                    height={(range[1] - range[0]) * frame.height}
                    fill="rgba(245, 158, 11, 0.25)"
                    stroke="#f59e0b"
                  />
                )}
                {axis.ticks.map((tick) => (
                  <text
                    key={tick.label}
                    x={isMetric ? x + 6 : x - 6}
                    y={yOf(frame, tick.at)}
                    fontSize={10}
                    textAnchor={isMetric ? 'start' : 'end'}
                    dominantBaseline="middle"
                    fill="#475569"
                  >
                    {tick.label.length > 10 ? `${tick.label.slice(0, 9)}…` : tick.label}
                  </text>
                ))}
                <text x={x} y={HEIGHT - 20} fontSize={11} textAnchor="middle" fill="#334155" fontWeight={isMetric ? 600 : 400}>
                  {columnLabel(axis.column)}
                </text>
              </g>
            );
          })}
        </svg>
        {hover && (
          <div
            data-testid="parallel-tooltip"
            data-run-id={hover.id}
            className="pointer-events-none absolute left-2 top-0 max-w-md rounded bg-slate-900 px-2 py-1 text-xs text-white"
          >
            <span className="font-semibold">{hover.name}</span>
            {axes.map((axis, i) => (
              <span key={axis.column}>
                {' · '}
                {columnLabel(axis.column)} {i === axes.length - 1 ? formatMetric(metric, hover.metric) : hover.texts[i]}
              </span>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}
