export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="rounded-lg border-2 border-dashed border-slate-300 p-10 text-center">
      <h3 className="text-base font-semibold text-slate-800">{title}</h3>
      {children && <div className="mt-2 text-sm text-slate-600">{children}</div>}
    </div>
  );
}
