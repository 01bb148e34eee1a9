import { useState } from 'react';

import type { Run } from '@/types/api';

export function paramRows(runs: Run[]) {
  const names = [...new Set(runs.flatMap((run) => Object.keys(run.params)))].sort();
  return names.map((name) => {
    const values = runs.map((run) => run.params[name]);
    return { name, values, differs: new Set(values).size > 1 };
  });
}

export function ParamsTab({ runs }: { runs: Run[] }) {
  const [onlyDiffering, setOnlyDiffering] = useState(false);
  const rows = paramRows(runs).filter((row) => !onlyDiffering || row.differs);
  return (
    <div className="space-y-3">
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" checked={onlyDiffering} onChange={(e) => setOnlyDiffering(e.target.checked)} />
        Only parameters that differ
      </label>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full text-sm">
          <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
            <tr>
              <th className="px-3 py-2">Parameter</th>
              {runs.map((run) => (
                <th key={run.run_id} className="px-3 py-2">{run.run_name || run.run_id}</th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 font-mono text-xs">
            {rows.map((row) => (
              <tr key={row.name} data-differs={row.differs} className={row.differs ? 'bg-amber-50' : undefined}>
                <th scope="row" className="px-3 py-1.5 text-left font-medium">{row.name}</th>
                {row.values.map((value, index) => (
                  <td key={runs[index].run_id} className={`px-3 py-1.5 ${row.differs ? 'font-semibold text-amber-900' : ''}`}>
                    {value ?? <span className="text-slate-400">—</span>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {!rows.length && <p className="p-4 text-sm text-slate-500">No parameters to show.</p>}
      </div>
    </div>
  );
}
