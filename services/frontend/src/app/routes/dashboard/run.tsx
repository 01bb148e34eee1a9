import { useParams } from 'react-router';

import { useMlflowUiUrl } from '@/features/health/api/get-health';
import { RunDetail } from '@/features/run-detail/components/run-detail';

export function RunRoute() {
  const { runId = '' } = useParams();
  const mlflowUiUrl = useMlflowUiUrl();
  return <RunDetail runId={runId} mlflowUiUrl={mlflowUiUrl} />;
}
