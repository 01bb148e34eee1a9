import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

import type { RunFilters } from '@/types/api';

// URL keys, short so a shared link stays readable: /metrics?type=ranking&model=bert4rec&status=active
const KEYS = { model_type: 'type', model_name: 'model', status: 'status', q: 'q' } as const;

export function useRunFilters() {
  const [params, setParams] = useSearchParams();

  const filters = useMemo<RunFilters>(() => {
    const result: RunFilters = {};
    for (const [field, key] of Object.entries(KEYS)) {
      const value = params.get(key);
      if (value) result[field as keyof RunFilters] = value;
    }
    return result;
  }, [params]);

  const setFilter = useCallback(
    (field: keyof RunFilters, value: string) =>
      setParams((current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(KEYS[field], value);
        else next.delete(KEYS[field]);
        return next;
      }),
    [setParams],
  );

  return { filters, setFilter };
}
