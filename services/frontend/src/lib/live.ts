import type { Run } from '@/types/api';

// How often live views ask again: the API's lists are at most ~2 s old for running runs
// (metrics-api README, "How fresh the API is"), so a few seconds shows each epoch promptly.
export const LIVE_INTERVAL_MS = 3_000;
// The runs list keeps asking while nothing runs too, slowly, so that new runs appear.
export const IDLE_LIST_INTERVAL_MS = 10_000;

export const isLive = (run: Pick<Run, 'status'> | undefined | null): boolean => run?.status === 'RUNNING';

/** "1 min 20 s" left until `etaAt` (ms since the epoch), or null when unknown. */
export function timeLeft(etaAt: number | null | undefined, now: number = Date.now()): string | null {
  if (!etaAt) return null;
  const seconds = Math.max(0, Math.round((etaAt - now) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
