import { env } from '@/config/env';
import type { ErrorEnvelope, SuccessEnvelope } from '@/types/api';

import { takeEarlyRequest } from './early-requests';

/** An API failure with what the user needs to know: the status and the API's own message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly timedOut = false,
    /** Where a search query went wrong (0-based), when the API says. */
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** No answer at all, or the gateway/API says the tracking server is down. */
  get isUnavailable(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

/** A request without an answer after this long is given up, so the page shows an error with
 *  Retry instead of skeletons for as long as a hung API keeps the connection open. */
export const REQUEST_TIMEOUT_MS = 10_000;

type RequestOptions = {
  method?: 'GET' | 'POST';
  params?: Record<string, string | number | undefined | null>;
  body?: unknown;
  /** A full `Authorization` header value, e.g. from `basicAuth`. */
  authorization?: string;
  signal?: AbortSignal;
};

/** The absolute URL `request` asks for `path` with `params` (empty values left out). */
export function apiUrl(path: string, params?: RequestOptions['params']): string {
  // Absolute so the same code works in the browser and under Node (tests).
  const url = new URL(`${env.API_BASE}${path}`, window.location.origin);
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  return url.toString();
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

async function readEnvelope(response: Response): Promise<SuccessEnvelope<unknown> | ErrorEnvelope | null> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null; // e.g. an HTML error page from a proxy
  }
}

/** `Body`: the route's whole answer where it carries more than `data` (e.g. the runs page's
 *  `total`), as the generated contract types it. */
export async function request<T, Body extends SuccessEnvelope<T> = SuccessEnvelope<T>>(
  path: string,
  options: RequestOptions = {},
): Promise<Body> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.authorization) headers.Authorization = options.authorization;

  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), REQUEST_TIMEOUT_MS);
  const abortCaller = () => timeout.abort();
  options.signal?.addEventListener('abort', abortCaller);
  let response: Response;
  let envelope: Awaited<ReturnType<typeof readEnvelope>>;
  const url = apiUrl(path, options.params);
  const early = options.method === undefined || options.method === 'GET' ? takeEarlyRequest(url) : undefined;
  const exchange = async () => {
    const answer = await (early ??
      fetch(url, {
        method: options.method ?? 'GET',
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: timeout.signal,
      }));
    return [answer, await readEnvelope(answer)] as const;
  };
  try {
    // The race holds a request started early (without this signal) to the same timeout.
    [response, envelope] = await Promise.race([exchange(), untilAborted(timeout.signal)]);
  } catch (error) {
    if (options.signal?.aborted) throw error; // the caller cancelled (react-query)
    if (timeout.signal.aborted)
      throw new ApiError(`The metrics API did not answer within ${REQUEST_TIMEOUT_MS / 1000} s.`, 0, true);
    throw new ApiError('The metrics API cannot be reached. Is it running?', 0);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', abortCaller);
  }

  if (!response.ok || !envelope || envelope.success !== true) {
    const message =
      envelope && envelope.success === false && envelope.error
        ? envelope.error
        : response.status >= 500
          ? `The metrics API is unavailable (HTTP ${response.status}).`
          : `Unexpected answer from the metrics API (HTTP ${response.status}).`;
    const position = envelope && envelope.success === false ? envelope.position : undefined;
    throw new ApiError(message, response.ok ? 500 : response.status, false, position ?? undefined);
  }
  return envelope as Body;
}

export const api = {
  get: <T, Body extends SuccessEnvelope<T> = SuccessEnvelope<T>>(
    path: string,
    params?: RequestOptions['params'],
    signal?: AbortSignal,
  ) => request<T, Body>(path, { params, signal }),
  post: <T>(path: string, body: unknown, authorization?: string) =>
    request<T>(path, { method: 'POST', body, authorization }),
};

/** `Basic` credentials for a person's MLflow account (UTF-8, as MLflow's basic-auth reads them). */
export function basicAuth(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}
