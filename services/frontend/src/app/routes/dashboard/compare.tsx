import { Link } from 'react-router';

import { CompareView } from '@/features/compare/components/compare-view';

export function CompareRoute() {
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-bold">Compare runs</h1>
        <Link className="text-sm text-indigo-700 hover:underline" to="/metrics">Back to dashboard</Link>
      </div>
      <CompareView />
    </div>
  );
}
