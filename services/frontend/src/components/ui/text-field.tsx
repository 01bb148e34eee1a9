import type { InputHTMLAttributes } from 'react';

/** An input with its label above it: the dashboard's form fields. */
export function TextField({
  label,
  className = '',
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: string }) {
  return (
    <label className="flex flex-col text-xs font-medium text-slate-600">
      {label}
      <input className={`mt-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm ${className}`} {...input} />
    </label>
  );
}
