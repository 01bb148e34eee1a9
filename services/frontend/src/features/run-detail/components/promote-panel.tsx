import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { ApiError } from '@/lib/api-client';
import type { Run } from '@/types/api';

import { type Credentials, forgetCredentials, keepCredentials, readCredentials } from '../api/credentials';
import { usePromoteRun } from '../api/promote-run';

import { CredentialsForm } from './credentials-form';

export function PromotePanel({ run }: { run: Run }) {
  const promote = usePromoteRun();
  const [who, setWho] = useState(readCredentials);
  const [asking, setAsking] = useState(false);

  const submit = (credentials: Credentials) => {
    promote.mutate(
      { runId: run.run_id, who: credentials },
      {
        onSuccess: () => keepCredentials(credentials),
        onError: (error) => {
          // Refused credentials are forgotten so the next attempt asks again.
          if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
            forgetCredentials();
            setWho(null);
          }
        },
      },
    );
  };

  const onPromote = () => {
    if (who) submit(who);
    else setAsking(true);
  };

  const isActive = run.model_status === 'active';
  const canPromote = run.status === 'FINISHED' && !isActive;

  return (
    <section aria-label="Promotion" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">Promotion</h2>
      <p className="mt-1 text-sm text-slate-600">
        {isActive
          ? 'This run is the active model for its type.'
          : run.status === 'FINISHED'
            ? 'Make this run the active model for its type (the previous one becomes inactive).'
            : 'Only finished runs can be promoted.'}
      </p>

      {asking ? (
        <CredentialsForm
          initialUsername={who?.username ?? ''}
          confirmLabel="Confirm promotion"
          onSubmit={(credentials) => {
            setAsking(false);
            setWho(credentials);
            submit(credentials);
          }}
          onCancel={() => setAsking(false)}
        />
      ) : (
        <Button className="mt-3" variant="primary" disabled={!canPromote || promote.isPending} onClick={onPromote}>
          {promote.isPending ? 'Promoting…' : 'Promote to active'}
        </Button>
      )}

      {promote.isSuccess && (
        <p role="status" className="mt-3 rounded-md bg-emerald-50 p-3 text-sm text-emerald-800">
          Promoted by <strong>{promote.data.promoted_by}</strong>: registered model{' '}
          <strong>{promote.data.registered_model}</strong> version <strong>{promote.data.version}</strong>, alias{' '}
          <strong>{promote.data.alias}</strong>.
          {promote.data.previous_active_run_id
            ? ` Previously active run ${promote.data.previous_active_run_id} is now inactive.`
            : ' No run was active before.'}
        </p>
      )}
      {promote.isError && (
        <p role="alert" className="mt-3 rounded-md bg-red-50 p-3 text-sm text-red-800">
          Promotion refused: {promote.error.message}
        </p>
      )}
    </section>
  );
}
