import { Link } from 'react-router';

import { CompareView, type ExtraTab } from '@/features/compare/components/compare-view';
import { RecommendationsSideBySide } from '@/features/recommendations/components/recommendations-side-by-side';

const EXTRA_TABS: ExtraTab[] = [
  { id: 'recommendations', label: 'Recommendations', render: (runs) => <RecommendationsSideBySide runs={runs} /> },
];

export function CompareRoute() {
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-bold">Compare runs</h1>
        <Link className="text-sm text-indigo-700 hover:underline" to="/metrics">Back to dashboard</Link>
      </div>
      <CompareView extraTabs={EXTRA_TABS} />
    </div>
  );
}
