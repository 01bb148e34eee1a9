const STYLES: Record<string, string> = {
  active: 'bg-emerald-100 text-emerald-800 ring-emerald-600/30',
  inactive: 'bg-slate-100 text-slate-700 ring-slate-500/30',
  failed: 'bg-red-100 text-red-800 ring-red-600/30',
  killed: 'bg-orange-100 text-orange-800 ring-orange-600/30',
  stale: 'bg-amber-100 text-amber-900 ring-amber-600/30',
  RUNNING: 'bg-sky-100 text-sky-800 ring-sky-600/30',
};

/** The model status tag (active / inactive / failed / killed); a live run shows "running"
 * instead, or "stale" when the API saw no heartbeat from its trainer for a while. */
export function StatusBadge({ modelStatus, runStatus }: { modelStatus: string | null; runStatus?: string }) {
  const live = runStatus === 'RUNNING' && modelStatus !== 'stale';
  const label = live ? 'running' : (modelStatus ?? 'unknown');
  const style = STYLES[live ? 'RUNNING' : (modelStatus ?? '')] ?? STYLES.inactive;
  return (
    <span
      data-testid="status-badge"
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style}`}
    >
      {label}
    </span>
  );
}
