import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

/** The validation metric: models are chosen on it, so runs are ranked by it unless asked. */
export const DEFAULT_SORT = 'metrics.val_ndcg_at_10 DESC';
export const DEFAULT_COLUMNS = [
  'metrics.val_ndcg_at_10',
  'metrics.ndcg_at_10',
  'metrics.recall_at_10',
  'metrics.coverage_at_100',
  'metrics.training_time_seconds',
];
/** Past this many matching runs the table is the default view: cards do not scale. */
export const TABLE_VIEW_FROM = 36;

export type Sort = { field: string; descending: boolean };

export function parseSort(text: string): Sort {
  const [field, direction] = text.split(' ');
  return { field, descending: direction !== 'ASC' };
}

export const sortText = (sort: Sort) => `${sort.field} ${sort.descending ? 'DESC' : 'ASC'}`;

/** Sort order (`?sort=`), table columns (`?cols=`) and view (`?view=`), kept in the URL. */
export function useRunView() {
  const [params, setParams] = useSearchParams();
  const sort = useMemo(() => parseSort(params.get('sort') || DEFAULT_SORT), [params]);
  const columns = useMemo(() => {
    const text = params.get('cols');
    return text === null ? DEFAULT_COLUMNS : text.split(',').filter(Boolean);
  }, [params]);
  const view = params.get('view') as 'grid' | 'table' | null;

  const set = useCallback(
    (key: string, value: string | null) =>
      setParams((current) => {
        const next = new URLSearchParams(current);
        if (value === null) next.delete(key);
        else next.set(key, value);
        return next;
      }),
    [setParams],
  );

  return {
    sort,
    columns,
    view,
    setSort: (next: Sort) => set('sort', sortText(next) === DEFAULT_SORT ? null : sortText(next)),
    setColumns: (next: string[]) => set('cols', next.join(',')),
    setView: (next: 'grid' | 'table') => set('view', next),
  };
}
