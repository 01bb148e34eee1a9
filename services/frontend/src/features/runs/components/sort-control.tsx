import type { Sort } from '@/hooks/use-run-view';

import { columnLabel } from './runs-table';

/** "Sort by" any metric or param the loaded runs carry, or start time; and the direction. */
export function SortControl({
  sort,
  fields,
  onChange,
}: {
  sort: Sort;
  fields: string[];
  onChange: (next: Sort) => void;
}) {
  const options = ['start_time', ...fields];
  if (!options.includes(sort.field)) options.push(sort.field);
  return (
    <div className="flex items-end gap-1">
      <label className="flex flex-col text-xs font-medium text-slate-600">
        Sort by
        <select
          className="mt-1 max-w-56 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900"
          value={sort.field}
          onChange={(event) => onChange({ field: event.target.value, descending: sort.descending })}
        >
          {options.map((field) => (
            <option key={field} value={field}>
              {field.startsWith('params.') ? `param ${columnLabel(field)}` : columnLabel(field)}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
        aria-label={sort.descending ? 'Descending; sort ascending' : 'Ascending; sort descending'}
        onClick={() => onChange({ field: sort.field, descending: !sort.descending })}
      >
        {sort.descending ? '▼' : '▲'}
      </button>
    </div>
  );
}
