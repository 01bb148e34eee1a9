import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

import { MAX_COMPARE } from '@/lib/key-metrics';

/** Run ids kept in `?<key>=a,b,c`, at most MAX_COMPARE, so a view can be shared by its URL. */
export function parseRunIds(value: string | null): string[] {
  const ids = (value ?? '').split(',').map((id) => id.trim()).filter(Boolean);
  return [...new Set(ids)].slice(0, MAX_COMPARE);
}

export function useCompareSelection(key = 'compare') {
  const [params, setParams] = useSearchParams();
  const selected = useMemo(() => parseRunIds(params.get(key)), [params, key]);

  const toggle = useCallback(
    (runId: string) =>
      setParams((current) => {
        const ids = parseRunIds(current.get(key));
        const nextIds = ids.includes(runId)
          ? ids.filter((id) => id !== runId)
          : ids.length < MAX_COMPARE ? [...ids, runId] : ids;
        const next = new URLSearchParams(current);
        if (nextIds.length) next.set(key, nextIds.join(','));
        else next.delete(key);
        return next;
      }),
    [setParams, key],
  );

  const clear = useCallback(
    () => setParams((current) => {
      const next = new URLSearchParams(current);
      next.delete(key);
      return next;
    }),
    [setParams, key],
  );

  return { selected, toggle, clear, isFull: selected.length >= MAX_COMPARE };
}
