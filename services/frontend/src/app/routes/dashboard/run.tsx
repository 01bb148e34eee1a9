import { useParams } from 'react-router';

import { useMlflowUiUrl } from '@/features/health/api/get-health';
import { TryItPanel } from '@/features/recommendations/components/try-it-panel';
import { RunDetail } from '@/features/run-detail/components/run-detail';

export function RunRoute() {
  const { runId = '' } = useParams();
  const mlflowUiUrl = useMlflowUiUrl();
  return (
    <RunDetail runId={runId} mlflowUiUrl={mlflowUiUrl} panels={(run) => <TryItPanel key={run.run_id} run={run} />} />
  );
}
