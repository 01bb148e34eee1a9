import { Link } from 'react-router';

import { Button } from '@/components/ui/button';
import { MAX_COMPARE } from '@/lib/key-metrics';

/** Sticky bar that appears once runs are picked: the way into the compare view. */
export function CompareTray({ selected, onClear }: { selected: string[]; onClear: () => void }) {
  if (!selected.length) return null;
  const enough = selected.length >= 2;
  return (
    <div className="sticky bottom-4 z-10 mx-auto flex w-fit items-center gap-3 rounded-full border border-indigo-200 bg-white px-4 py-2 shadow-lg">
      <span className="text-sm text-slate-700" data-testid="compare-count">
        {selected.length} of {MAX_COMPARE} selected
      </span>
      {enough ? (
        <Link
          to={`/metrics/compare?runs=${selected.join(',')}`}
          className="rounded-full bg-indigo-600 px-3 py-1 text-sm font-medium text-white hover:bg-indigo-500"
        >
          Compare runs
        </Link>
      ) : (
        <span className="text-sm text-slate-500">Pick one more to compare</span>
      )}
      <Button variant="ghost" onClick={onClear}>Clear</Button>
    </div>
  );
}
