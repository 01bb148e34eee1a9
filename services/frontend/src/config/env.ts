// Build-time settings, checked once at start-up so a bad value fails loudly, not later.

function optionalUrl(key: string, value: string | undefined): string | null {
  if (!value) return null;
  try {
    return new URL(value).toString().replace(/\/$/, '');
  } catch {
    throw new Error(`${key} must be an absolute URL (got "${value}")`);
  }
}

function apiBase(value: string | undefined): string {
  const base = value || '/api';
  if (!base.startsWith('/') && !/^https?:\/\//.test(base)) {
    throw new Error(`VITE_API_BASE must be a path like /api or an http(s) URL (got "${base}")`);
  }
  return base.replace(/\/$/, '');
}

export const env = {
  API_BASE: apiBase(import.meta.env.VITE_API_BASE),
  // Overrides the MLflow UI address the API reports in /api/health.
  MLFLOW_UI_URL: optionalUrl('VITE_MLFLOW_UI_URL', import.meta.env.VITE_MLFLOW_UI_URL),
};
