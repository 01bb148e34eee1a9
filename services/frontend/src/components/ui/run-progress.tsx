import { timeLeft } from '@/lib/live';
import type { Run } from '@/types/api';

/** A running run's "Epoch i / N · ETA": updated as its queries poll (lib/live.ts). */
export function RunProgress({ run, className = '' }: { run: Run; className?: string }) {
  const progress = run.progress;
  if (run.status !== 'RUNNING' || !progress) return null;
  const stale = run.model_status === 'stale';
  const left = stale ? null : timeLeft(progress.eta_at);
  const share = progress.epochs ? Math.min(1, progress.epoch / progress.epochs) : null;
  return (
    <div className={`text-sm ${className}`} data-testid="run-progress" data-epoch={progress.epoch}>
      <div className="flex justify-between gap-2">
        <span>
          Epoch <strong className="tabular-nums" data-testid="run-epoch">{progress.epoch} / {progress.epochs ?? '?'}</strong>
        </span>
        <span className="text-slate-500">
          {stale ? 'no heartbeat lately' : left ? `ETA ${left}` : 'ETA after the first epoch'}
        </span>
      </div>
      {share !== null && (
        <div
          role="progressbar"
          aria-label="Training progress"
          aria-valuemin={0}
          aria-valuemax={progress.epochs ?? undefined}
          aria-valuenow={progress.epoch}
          className="mt-1 h-1.5 rounded bg-slate-100"
        >
          <div className="h-1.5 rounded bg-indigo-500" style={{ width: `${share * 100}%` }} />
        </div>
      )}
    </div>
  );
}
