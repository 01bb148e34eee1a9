import { useState } from 'react';
import { Link } from 'react-router';

import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { ApiError } from '@/lib/api-client';
import { formatMetric, metricLabel } from '@/lib/format';
import type { ChampionChange } from '@/types/api';

import { useChampionHistory, useRollBack } from '../api/champion-history';
import { type Credentials, forgetCredentials, keepCredentials, readCredentials } from '../api/credentials';

import { CredentialsForm } from './credentials-form';

function Change({ change }: { change: ChampionChange }) {
  return (
    <li data-testid="champion-change" data-action={change.action} data-version={change.version} className="px-4 py-2">
      <p>
        <strong>{change.action === 'rollback' ? 'Rolled back' : 'Promoted'}</strong> to version {change.version}{' '}
        (<Link className="text-indigo-700 hover:underline" to={`/metrics/runs/${change.run_id}`}>{change.run_name ?? change.run_id}</Link>)
        {change.previous_version ? (
          <> from version {change.previous_version}{change.previous_run_name ? ` (${change.previous_run_name})` : ''}</>
        ) : (
          ' (first champion)'
        )}
      </p>{' '}
      <p className="text-xs text-slate-500">
        by {change.promoted_by} · {change.promoted_at}
      </p>
      <dl className="mt-1 flex flex-wrap gap-x-4 text-xs">
        {Object.entries(change.metrics).map(([name, value]) => {
          const before = change.previous_metrics[name];
          const delta = value != null && before != null ? value - before : null;
          return (
            <div key={name} className="flex gap-1">
              <dt className="text-slate-500">{metricLabel(name)}</dt>{' '}
              <dd className="tabular-nums">
                {change.previous_version ? `${formatMetric(name, before)} → ` : ''}
                {formatMetric(name, value)}
                {delta !== null && ` (${delta >= 0 ? '+' : ''}${delta.toFixed(4)})`}
              </dd>
            </div>
          );
        })}
      </dl>
    </li>
  );
}

/** Every change of this model's champion (newest first, from the registry) and a Roll back
 *  to the champion the current one replaced, through the same guarded path as Promote. */
export function ChampionHistoryPanel({ modelName }: { modelName: string }) {
  const history = useChampionHistory(modelName);
  const rollBack = useRollBack();
  const [asking, setAsking] = useState(false);
  const [who, setWho] = useState(readCredentials);

  const submit = (credentials: Credentials) =>
    rollBack.mutate(
      { modelName, who: credentials },
      {
        onSuccess: () => keepCredentials(credentials),
        onError: (error) => {
          if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
            forgetCredentials();
            setWho(null);
          }
        },
      },
    );

  if (history.isError) {
    // A model without a registered version (the baselines) has no champion to show.
    if (history.error instanceof ApiError && history.error.status === 404) return null;
    return <ErrorState error={history.error} onRetry={() => history.refetch()} />;
  }
  const data = history.data;
  const current = data?.changes.find((change) => change.version === data.current_version);
  const canRollBack = Boolean(current?.previous_version);

  return (
    <section aria-label="Champion history" className="rounded-lg border border-slate-200 bg-white">
      <h2 className="border-b border-slate-100 px-4 py-2 font-semibold">
        Champion history <span className="text-sm font-normal text-slate-500">({modelName})</span>
      </h2>
      {!data ? (
        <p className="px-4 py-3 text-sm text-slate-500">Loading…</p>
      ) : data.changes.length ? (
        <ol className="divide-y divide-slate-100 text-sm" data-testid="champion-history">
          {data.changes.map((change, index) => (
            <Change key={`${data.changes.length - index}`} change={change} />
          ))}
        </ol>
      ) : (
        <p className="px-4 py-3 text-sm text-slate-500">No promotion recorded yet.</p>
      )}
      <div className="px-4 pb-4">
        {asking ? (
          <CredentialsForm
            initialUsername={who?.username ?? ''}
            confirmLabel="Confirm roll back"
            onSubmit={(credentials) => {
              setAsking(false);
              setWho(credentials);
              submit(credentials);
            }}
            onCancel={() => setAsking(false)}
          />
        ) : (
          <Button
            className="mt-3"
            disabled={!canRollBack || rollBack.isPending}
            onClick={() => (who ? submit(who) : setAsking(true))}
          >
            {rollBack.isPending ? 'Rolling back…' : `Roll back to version ${current?.previous_version ?? '—'}`}
          </Button>
        )}
        {rollBack.isSuccess && (
          <p role="status" className="mt-3 rounded-md bg-emerald-50 p-3 text-sm text-emerald-800">
            Rolled back by <strong>{rollBack.data.promoted_by}</strong>: version <strong>{rollBack.data.version}</strong> is
            the champion again.
          </p>
        )}
        {rollBack.isError && (
          <p role="alert" className="mt-3 rounded-md bg-red-50 p-3 text-sm text-red-800">
            Roll back refused: {rollBack.error.message}
          </p>
        )}
      </div>
    </section>
  );
}
