// The service's API as the browser view calls it, with the API token when the
// service needs one, and what /healthz says about the service.

// With API_TOKEN set, the service takes changes only with the token: asked for once on a 401,
// kept for this tab (sessionStorage), and sent as a bearer token from then on.
export const TOKEN_KEY = 'coco-ingest-token';

export function withToken(headers = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { ...headers, authorization: `Bearer ${token}` } : headers;
}

/** After a 401: asks for the token (again, if the one kept was refused); true when one was given. */
export function askForToken() {
  const token = prompt('This service needs its API token (API_TOKEN) to make changes:');
  if (!token?.trim()) return false;
  sessionStorage.setItem(TOKEN_KEY, token.trim());
  return true;
}

export async function api(path, init = {}, asked = false) {
  const response = await fetch(path, { ...init, headers: withToken(init.headers) });
  if (response.status === 401 && !asked && askForToken()) return api(path, init, true);
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? `${response.status} ${response.statusText}`);
  return body;
}

/**
 * What /healthz says about the service: the largest upload it takes (a larger
 * file is refused before a byte is sent) and whether changes need API_TOKEN (an
 * upload asks for it before sending, not after its 401).
 */
export const service = { maxUploadBytes: Infinity, tokenRequired: false };

/** Reads /healthz into {@link service}; returns it for the header's line. */
export async function loadHealth() {
  const health = await api('/healthz');
  service.maxUploadBytes = health.max_upload_bytes ?? Infinity;
  service.tokenRequired = health.token_required === true;
  return health;
}
