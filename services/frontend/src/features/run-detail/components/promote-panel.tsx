import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { ApiError } from '@/lib/api-client';
import type { Run } from '@/types/api';

import { usePromoteRun } from '../api/promote-run';

// The token is asked once per browser session and kept only in sessionStorage.
const TOKEN_KEY = 'movie-genie.promote-token';

const readToken = () => window.sessionStorage.getItem(TOKEN_KEY) ?? '';

export function PromotePanel({ run }: { run: Run }) {
  const promote = usePromoteRun();
  const [token, setToken] = useState(readToken);
  const [asking, setAsking] = useState(false);
  const [draft, setDraft] = useState('');

  const submit = (withToken: string) => {
    promote.mutate(
      { runId: run.run_id, token: withToken },
      {
        onSuccess: () => window.sessionStorage.setItem(TOKEN_KEY, withToken),
        onError: (error) => {
          // A rejected token is forgotten so the next attempt asks again.
          if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
            window.sessionStorage.removeItem(TOKEN_KEY);
            setToken('');
          }
        },
      },
    );
  };

  const onPromote = () => {
    if (token) submit(token);
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
        <form
          className="mt-3 flex flex-wrap items-end gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            setAsking(false);
            setToken(draft);
            submit(draft);
          }}
        >
          <label className="flex flex-col text-xs font-medium text-slate-600">
            Promotion token
            <input
              type="password"
              autoFocus
              required
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
              className="mt-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            />
          </label>
          <Button type="submit" variant="primary">Confirm promotion</Button>
          <Button variant="ghost" onClick={() => setAsking(false)}>Cancel</Button>
        </form>
      ) : (
        <Button className="mt-3" variant="primary" disabled={!canPromote || promote.isPending} onClick={onPromote}>
          {promote.isPending ? 'Promoting…' : 'Promote to active'}
        </Button>
      )}

      {promote.isSuccess && (
        <p role="status" className="mt-3 rounded-md bg-emerald-50 p-3 text-sm text-emerald-800">
          Promoted: registered model <strong>{promote.data.registered_model}</strong> version{' '}
          <strong>{promote.data.version}</strong>, alias <strong>{promote.data.alias}</strong>.
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
