import type { RunFilters as Filters } from '@/types/api';

const OPTIONS: { field: keyof Filters; label: string; values: string[] }[] = [
  { field: 'model_type', label: 'Model type', values: ['retrieval', 'ranking', 'baseline'] },
  { field: 'model_name', label: 'Model', values: ['two-tower', 'bert4rec', 'popularity'] },
  { field: 'status', label: 'Status', values: ['active', 'inactive', 'failed', 'running'] },
];

export function RunFilters({
  filters,
  onChange,
}: {
  filters: Filters;
  onChange: (field: keyof Filters, value: string) => void;
}) {
  return (
    <div className="flex flex-wrap items-end gap-3">
      {OPTIONS.map(({ field, label, values }) => (
        <label key={field} className="flex flex-col text-xs font-medium text-slate-600">
          {label}
          <select
            className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900"
            value={filters[field] ?? ''}
            onChange={(event) => onChange(field, event.target.value)}
          >
            <option value="">All</option>
            {values.map((value) => (
              <option key={value} value={value}>{value}</option>
            ))}
          </select>
        </label>
      ))}
    </div>
  );
}
