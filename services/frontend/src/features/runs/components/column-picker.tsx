import { columnLabel } from './runs-table';

/** The table's columns, picked from every metric and param the loaded runs carry. */
export function ColumnPicker({
  fields,
  columns,
  onChange,
}: {
  fields: string[];
  columns: string[];
  onChange: (next: string[]) => void;
}) {
  const choices = [...new Set([...columns, ...fields])];
  return (
    <details className="relative text-sm">
      <summary className="cursor-pointer rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-700">
        Columns ({columns.length})
      </summary>
      <fieldset className="absolute right-0 z-10 mt-1 max-h-80 w-72 overflow-y-auto rounded-md border border-slate-200 bg-white p-2 shadow-lg">
        <legend className="sr-only">Table columns</legend>
        {choices.map((field) => (
          <label key={field} className="flex items-center gap-2 py-0.5 text-xs">
            <input
              type="checkbox"
              checked={columns.includes(field)}
              onChange={(event) =>
                onChange(event.target.checked ? [...columns, field] : columns.filter((c) => c !== field))
              }
            />
            {field.startsWith('params.') ? `param ${columnLabel(field)}` : columnLabel(field)}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
