import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { ApiError } from '@/lib/api-client';
import type { Run } from '@/types/api';

import { type Credentials, usePromoteRun } from '../api/promote-run';

// People promote as themselves, with their MLflow account: asked once per browser session and
// kept only in sessionStorage (gone when the tab closes). MLflow checks password and role.
const CREDENTIALS_KEY = 'movie-genie.mlflow-credentials';

const readCredentials = (): Credentials | null => {
  try {
    const stored = JSON.parse(window.sessionStorage.getItem(CREDENTIALS_KEY) ?? 'null');
    return stored && typeof stored.username === 'string' && typeof stored.password === 'string'
      ? stored
      : null;
  } catch {
    return null;
  }
};

export function PromotePanel({ run }: { run: Run }) {
  const promote = usePromoteRun();
  const [who, setWho] = useState(readCredentials);
  const [asking, setAsking] = useState(false);
  const [username, setUsername] = useState(who?.username ?? '');
  const [password, setPassword] = useState('');

  const submit = (credentials: Credentials) => {
    promote.mutate(
      { runId: run.run_id, who: credentials },
      {
        onSuccess: () => window.sessionStorage.setItem(CREDENTIALS_KEY, JSON.stringify(credentials)),
        onError: (error) => {
          // Refused credentials are forgotten so the next attempt asks again.
          if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
            window.sessionStorage.removeItem(CREDENTIALS_KEY);
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
        <form
          className="mt-3 flex flex-wrap items-end gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            const credentials = { username, password };
            setAsking(false);
            setWho(credentials);
            setPassword('');
            submit(credentials);
          }}
        >
          <p className="w-full text-xs text-slate-600">Sign in with your MLflow account: the promotion is recorded in your name.</p>
          <label className="flex flex-col text-xs font-medium text-slate-600">
            MLflow username
            <input
              autoFocus
              required
              autoComplete="username"
              value={username}
              onChange={(event) => setUsername(event.target.value)}
              className="mt-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            />
          </label>
          <label className="flex flex-col text-xs font-medium text-slate-600">
            Password
            <input
              type="password"
              required
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
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
