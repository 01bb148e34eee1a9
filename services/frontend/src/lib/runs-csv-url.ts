import { env } from '@/config/env';
import type { RunFilters } from '@/types/api';

/** The API's streamed export of every matching run (GET /api/models/runs.csv). */
export function runsCsvUrl(filters: RunFilters, orderBy: string, columns?: string[]): string {
  const url = new URL(`${env.API_BASE}/models/runs.csv`, window.location.origin);
  for (const [key, value] of Object.entries(filters)) if (value) url.searchParams.set(key, value);
  url.searchParams.set('order_by', orderBy);
  if (columns?.length) url.searchParams.set('columns', columns.join(','));
  return url.toString();
}
