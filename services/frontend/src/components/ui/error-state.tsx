import { ApiError } from '@/lib/api-client';

import { Button } from './button';

function describe(error: unknown): { title: string; detail: string } {
  if (error instanceof ApiError) {
    if (error.isUnavailable)
      return {
        title: 'The metrics API is unavailable',
        detail: `${error.message} Check that metrics-api and the MLflow server are running, then retry.`,
      };
    if (error.status === 404) return { title: 'Not found', detail: error.message };
    if (error.status === 401 || error.status === 403) return { title: 'Not allowed', detail: error.message };
    return { title: 'The request failed', detail: error.message };
  }
  return { title: 'Something went wrong', detail: error instanceof Error ? error.message : String(error) };
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { title, detail } = describe(error);
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-5">
      <h3 className="font-semibold text-red-800">{title}</h3>
      <p className="mt-1 text-sm text-red-700">{detail}</p>
      {onRetry && (
        <Button className="mt-3" onClick={onRetry}>
          Retry
        </Button>
      )}
    </div>
  );
}
