import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/text-field';

import type { Credentials } from '../api/credentials';

/** Asks for the person's MLflow account before a promotion or a roll back. */
export function CredentialsForm({
  initialUsername,
  confirmLabel,
  onSubmit,
  onCancel,
}: {
  initialUsername: string;
  confirmLabel: string;
  onSubmit: (credentials: Credentials) => void;
  onCancel: () => void;
}) {
  const [username, setUsername] = useState(initialUsername);
  const [password, setPassword] = useState('');
  return (
    <form
      className="mt-3 flex flex-wrap items-end gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        setPassword('');
        onSubmit({ username, password });
      }}
    >
      <p className="w-full text-xs text-slate-600">Sign in with your MLflow account: the change is recorded in your name.</p>
      <TextField
        label="MLflow username"
        autoFocus
        required
        autoComplete="username"
        value={username}
        onChange={(event) => setUsername(event.target.value)}
      />
      <TextField
        label="Password"
        type="password"
        required
        autoComplete="current-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <Button type="submit" variant="primary">{confirmLabel}</Button>
      <Button variant="ghost" onClick={onCancel}>Cancel</Button>
    </form>
  );
}
