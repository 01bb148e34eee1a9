import { scaleLinear, scalePoint } from 'd3-scale';

// Parallel coordinates over the CSV rows of the runs export: one vertical axis per chosen
// setting and the chosen metric last, each run a polyline through its values. Positions are
// kept normalised (0 = bottom, 1 = top) so the same layout serves any canvas size, and the
// hit test below can pick one line out of 10,000 without touching the canvas.

export type ParallelAxis = {
  column: string;
  kind: 'numeric' | 'category';
  ticks: { label: string; at: number }[];
};

export type ParallelLine = {
  id: string;
  name: string;
  /** The run's value on each axis, as text (the metric last). */
  texts: string[];
  /** Normalised height on each axis, 0 (bottom) to 1 (top). */
  at: number[];
  metric: number;
};

export type ParallelLayout = { axes: ParallelAxis[]; lines: ParallelLine[]; missing: number };

/** Normalised [low, high] per axis index: a run is kept when it falls inside every one. */
export type Brushes = Record<number, [number, number]>;

const MAX_CATEGORY_TICKS = 20;

const isNumber = (text: string) => text.trim() !== '' && Number.isFinite(Number(text));

/** The API marks text that a spreadsheet would run as a formula with a leading `'`. */
export const unmark = (text: string) => (/^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text);

function axisFor(column: string, texts: string[], formatNumber: (value: number) => string) {
  if (texts.every(isNumber)) {
    const values = texts.map(Number);
    const scale = scaleLinear().domain([Math.min(...values), Math.max(...values)]).range([0, 1]).nice();
    const axis: ParallelAxis = {
      column,
      kind: 'numeric',
      ticks: scale.ticks(5).map((tick) => ({ label: formatNumber(tick), at: scale(tick) })),
    };
    return { axis, position: (text: string) => scale(Number(text)) };
  }
  const values = [...new Set(texts)].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const scale = scalePoint<string>().domain(values).range([0, 1]).padding(0.5);
  const step = Math.ceil(values.length / MAX_CATEGORY_TICKS);
  const axis: ParallelAxis = {
    column,
    kind: 'category',
    ticks: values.filter((_, i) => i % step === 0).map((value) => ({ label: value, at: scale(value)! })),
  };
  return { axis, position: (text: string) => scale(text)! };
}

/**
 * Rows are `[run_id, run_name, ...values]`, one value per entry of `columns` (the metric last).
 * Runs without every value (or with a metric that is not a number) are left out and counted.
 */
export function layoutParallel(
  rows: string[][],
  columns: string[],
  format: (column: string, value: number) => string = (_, value) => Number(value.toPrecision(3)).toLocaleString(),
): ParallelLayout {
  const last = columns.length - 1;
  const usable = rows
    .map((row) => [row[0], row[1], ...columns.map((_, i) => unmark(row[2 + i] ?? ''))])
    .filter((row) => row.slice(2).every((text) => text !== '') && isNumber(row[2 + last]));
  const axes: ParallelAxis[] = [];
  const positions: ((text: string) => number)[] = [];
  columns.forEach((column, i) => {
    const { axis, position } = axisFor(column, usable.map((row) => row[2 + i]), (value) => format(column, value));
    axes.push(axis);
    positions.push(position);
  });
  const lines = usable.map(([id, name, ...texts]) => ({
    id,
    name,
    texts,
    at: texts.map((text, i) => positions[i](text)),
    metric: Number(texts[last]),
  }));
  return { axes, lines, missing: rows.length - usable.length };
}

export function inBrushes(line: ParallelLine, brushes: Brushes): boolean {
  for (const [axis, [low, high]] of Object.entries(brushes)) {
    const at = line.at[Number(axis)];
    if (at < low || at > high) return false;
  }
  return true;
}

/** Where the axes stand and how tall they are, in canvas pixels. */
export type Frame = { xs: number[]; top: number; height: number };

export const yOf = (frame: Frame, at: number) => frame.top + (1 - at) * frame.height;

function segmentDistance(px: number, py: number, x0: number, y0: number, x1: number, y1: number) {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const length = dx * dx + dy * dy;
  const t = length ? Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / length)) : 0;
  return Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy));
}

/**
 * The line nearest the pointer (within `within` pixels), among those `shown`; on a tie the one
 * drawn last (the better metric, drawn on top) wins, so a click opens the line that is seen.
 */
export function nearestLine(
  lines: ParallelLine[],
  frame: Frame,
  x: number,
  y: number,
  within = 6,
  shown: (line: ParallelLine) => boolean = () => true,
): ParallelLine | null {
  const { xs } = frame;
  if (xs.length < 2 || x < xs[0] - within || x > xs[xs.length - 1] + within) return null;
  let segment = 0;
  while (segment < xs.length - 2 && x > xs[segment + 1]) segment++;
  let best: ParallelLine | null = null;
  let bestDistance = within;
  for (const line of lines) {
    if (!shown(line)) continue;
    const distance = segmentDistance(
      x, y,
      xs[segment], yOf(frame, line.at[segment]),
      xs[segment + 1], yOf(frame, line.at[segment + 1]),
    );
    if (distance < bestDistance || (distance === bestDistance && best && line.metric > best.metric)) {
      best = line;
      bestDistance = distance;
    }
  }
  return best;
}
