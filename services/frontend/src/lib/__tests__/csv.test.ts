import { makeRun } from '@/testing/data';

import { toCsv } from '../csv';
import { metricLabel } from '../format';
import { runsToCsv } from '../runs-csv';

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['line\nbreak', null]])).toBe(
      'a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n',
    );
  });

  it('neutralises text a spreadsheet would run as a formula, not negative numbers', () => {
    const cells = ['=HYPERLINK("http://evil.test","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', 'ok'];
    expect(toCsv(['a'], [...cells.map((cell) => [cell]), [-0.5]])).toBe(
      'a\r\n"\'=HYPERLINK(""http://evil.test"",""x"")"\r\n\'+1+1\r\n\'-2+3\r\n\'@SUM(A1)\r\n\'\t=1\r\nok\r\n-0.5\r\n',
    );
  });

  it('writes one row per run with every metric and param any run has', () => {
    const a = makeRun({ run_id: 'a', metrics: { recall_at_10: 0.5 }, params: { lr: '0.1' } });
    const b = makeRun({ run_id: 'b', metrics: { ndcg_at_10: 0.2 }, params: {} });
    const [header, rowA, rowB] = runsToCsv([a, b]).trim().split('\r\n');
    expect(header.split(',')).toEqual([
      'run_id', 'run_name', 'model_type', 'model_name', 'model_status', 'status', 'start_time', 'end_time',
      'ndcg_at_10', 'recall_at_10', 'param.lr',
    ]);
    expect(rowA.split(',').slice(-3)).toEqual(['', '0.5', '0.1']);
    expect(rowB.split(',').slice(-3)).toEqual(['0.2', '', '']);
  });
});

describe('metric labels', () => {
  it.each([
    ['recall_at_10', 'Recall@10'],
    ['ndcg_at_100', 'NDCG@100'],
    ['val_ndcg_at_10', 'Val NDCG@10'],
    ['coverage_at_50', 'Coverage@50'],
    ['training_time_seconds', 'Training time'],
    ['something_else', 'something_else'],
  ])('%s → %s', (name, label) => expect(metricLabel(name)).toBe(label));
});
