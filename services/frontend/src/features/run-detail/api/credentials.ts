// People promote and roll back as themselves, with their MLflow account: asked once per browser
// session and kept only in sessionStorage (gone when the tab closes). MLflow checks password and role.
const CREDENTIALS_KEY = 'movie-genie.mlflow-credentials';

/** The promoting person's MLflow account: the API makes the promotion's writes as them. */
export type Credentials = { username: string; password: string };

export const readCredentials = (): Credentials | null => {
  try {
    const stored = JSON.parse(window.sessionStorage.getItem(CREDENTIALS_KEY) ?? 'null');
    return stored && typeof stored.username === 'string' && typeof stored.password === 'string'
      ? stored
      : null;
  } catch {
    return null;
  }
};

export const keepCredentials = (credentials: Credentials) =>
  window.sessionStorage.setItem(CREDENTIALS_KEY, JSON.stringify(credentials));

export const forgetCredentials = () => window.sessionStorage.removeItem(CREDENTIALS_KEY);
