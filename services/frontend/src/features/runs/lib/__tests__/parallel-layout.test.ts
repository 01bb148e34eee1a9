import { type Frame, inBrushes, layoutParallel, nearestLine, yOf } from '../parallel-layout';

const COLUMNS = ['params.embedding_dim', 'params.optimizer', 'metrics.val_ndcg_at_10'];

describe('parallel coordinates layout', () => {
  it('places numbers on a linear axis, text on evenly spaced points, the metric last', () => {
    const { axes, lines, missing } = layoutParallel(
      [
        ['a', 'run-a', '32', 'adam', '0.1'],
        ['b', 'run-b', '128', 'sgd', '0.3'],
        ['c', 'run-c', '64', 'adamw', '0.2'],
      ],
      COLUMNS,
    );
    expect(missing).toBe(0);
    expect(axes.map((axis) => axis.kind)).toEqual(['numeric', 'category', 'numeric']);
    // Numbers keep their proportions (the domain is rounded out to nice ends: 30..130).
    const [a, b, c] = lines;
    expect(a.at[0]).toBeCloseTo((32 - 30) / 100);
    expect(b.at[0]).toBeCloseTo((128 - 30) / 100);
    expect(c.at[0]).toBeCloseTo((64 - 30) / 100);
    // Text values sorted, each on its own point with half a step of padding at either end.
    expect(axes[1].ticks.map((tick) => tick.label)).toEqual(['adam', 'adamw', 'sgd']);
    [a.at[1], c.at[1], b.at[1]].forEach((at, i) => expect(at).toBeCloseTo((2 * i + 1) / 6));
    expect(lines.map((line) => line.metric)).toEqual([0.1, 0.3, 0.2]);
    expect(b.at[2]).toBeGreaterThan(c.at[2]);
    expect(c.at[2]).toBeGreaterThan(a.at[2]);
    expect(axes[2].ticks.length).toBeGreaterThan(1);
  });

  it('leaves out and counts runs without every value or with a metric that is not a number', () => {
    const { lines, missing } = layoutParallel(
      [
        ['a', 'run-a', '32', 'adam', '0.1'],
        ['b', 'run-b', '', 'sgd', '0.3'],
        ['c', 'run-c', '64', 'adamw', ''],
        ['d', 'run-d', '64', 'adamw', 'NaN'],
      ],
      COLUMNS,
    );
    expect(lines.map((line) => line.id)).toEqual(['a']);
    expect(missing).toBe(3);
  });

  it('sorts text that holds numbers as numbers, and reads values the export marked as formula-safe', () => {
    const { axes, lines } = layoutParallel(
      [
        ['a', 'run-a', '10', "'=1+2", '0.1'],
        ['b', 'run-b', 'n/a', "'-x", '0.2'],
        ['c', 'run-c', '9', 'plain', '0.3'],
      ],
      COLUMNS,
    );
    expect(axes[0].kind).toBe('category');
    expect(axes[0].ticks.map((tick) => tick.label)).toEqual(['9', '10', 'n/a']);
    expect(lines.map((line) => line.texts[1])).toEqual(['=1+2', '-x', 'plain']);
  });

  it('keeps a run only inside every brushed range', () => {
    const line = { id: 'a', name: 'a', texts: [], at: [0.2, 0.8], metric: 1 };
    expect(inBrushes(line, {})).toBe(true);
    expect(inBrushes(line, { 0: [0.1, 0.3] })).toBe(true);
    expect(inBrushes(line, { 0: [0.1, 0.3], 1: [0.0, 0.5] })).toBe(false);
  });
});

describe('picking a line', () => {
  // Two axes 100 px apart, 100 px tall from y = 0 (top) to y = 100.
  const frame: Frame = { xs: [0, 100], top: 0, height: 100 };
  const rising = { id: 'rising', name: 'rising', texts: [], at: [0, 1], metric: 0.9 };
  const flat = { id: 'flat', name: 'flat', texts: [], at: [0.5, 0.5], metric: 0.5 };
  const lines = [rising, flat];

  it('finds the nearest line within reach, by its distance to the segment under the pointer', () => {
    expect(yOf(frame, 1)).toBe(0);
    expect(nearestLine(lines, frame, 10, 52)).toBe(flat);
    expect(nearestLine(lines, frame, 20, 79)).toBe(rising); // (20, 80) lies on the rising line
    expect(nearestLine(lines, frame, 50, 80)).toBeNull(); // 30 px from flat, 21 px from rising
    expect(nearestLine(lines, frame, 150, 50)).toBeNull(); // right of the last axis
  });

  it('prefers the better run where lines cross, and skips the lines brushed away', () => {
    expect(nearestLine(lines, frame, 50, 50)).toBe(rising);
    expect(nearestLine(lines, frame, 50, 50, 6, (line) => line !== rising)).toBe(flat);
  });

  it('uses the segment between the two axes around the pointer', () => {
    const three: Frame = { xs: [0, 100, 200], top: 0, height: 100 };
    const zigzag = { id: 'z', name: 'z', texts: [], at: [0, 1, 0], metric: 0 };
    expect(nearestLine([zigzag], three, 150, 50)).toBe(zigzag);
    expect(nearestLine([zigzag], three, 150, 10)).toBeNull();
  });
});
