import { getSession, setSession } from './session';

/** An answer of the API that is not a success: the problem document's `code` (ERR_…), or a transport failure. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

async function problemOf(r: Response): Promise<ApiError> {
  try {
    const p = (await r.json()) as { code?: string; detail?: string; details?: Record<string, unknown> };
    return new ApiError(p.code ?? `HTTP_${r.status}`, r.status, p.detail ?? r.statusText, p.details);
  } catch {
    return new ApiError(r.status >= 500 ? 'ERR_UNAVAILABLE' : `HTTP_${r.status}`, r.status, r.statusText);
  }
}

function authHeaders(): Record<string, string> {
  const s = getSession();
  return s ? { authorization: `Bearer ${s.accessToken}` } : {};
}

/** A 401 on an authenticated call ends the session (the app then shows the login page). */
function expire(r: Response) {
  if (r.status === 401 && getSession()) setSession(null);
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let r: Response;
  try {
    r = await fetch(`/api/v1${path}`, {
      method,
      headers: { ...authHeaders(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), accept: 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError('ERR_UNAVAILABLE', 0, 'network');
  }
  if (!r.ok) {
    if (path !== '/auth/login') expire(r);
    throw await problemOf(r);
  }
  return (await r.json()) as T;
}

const etags = new Map<string, { etag: string; body: unknown }>();

/**
 * GET with If-None-Match: the server (Express) answers 304 without a body when nothing changed, so polling
 * costs a round trip and no JSON. Returns `changed: false` with the last body on 304.
 */
export async function getFresh<T>(path: string): Promise<{ body: T; changed: boolean }> {
  const known = etags.get(path);
  let r: Response;
  try {
    r = await fetch(`/api/v1${path}`, { headers: { ...authHeaders(), accept: 'application/json', ...(known ? { 'if-none-match': known.etag } : {}) }, cache: 'no-store' });
  } catch {
    throw new ApiError('ERR_UNAVAILABLE', 0, 'network');
  }
  if (r.status === 304 && known) return { body: known.body as T, changed: false };
  if (!r.ok) {
    expire(r);
    throw await problemOf(r);
  }
  const body = (await r.json()) as T;
  const etag = r.headers.get('etag');
  if (etag) etags.set(path, { etag, body });
  return { body, changed: true };
}

export const forgetEtags = () => etags.clear();

/** Upload with progress (fetch has no upload progress): multipart `file` + `metadata`, with an Idempotency-Key. */
export function uploadDocument(file: File, metadata: unknown, idempotencyKey: string, onProgress: (fraction: number) => void): Promise<{ id: string; documentId: string; replayed: boolean }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/documents');
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('idempotency-key', idempotencyKey);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.upload.onload = () => onProgress(1);
    xhr.onerror = () => reject(new ApiError('ERR_UNAVAILABLE', 0, 'network'));
    xhr.onload = () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the answer or a problem document, told apart by the status
      let body: any = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else {
        if (xhr.status === 401) setSession(null);
        reject(new ApiError(body?.code ?? (xhr.status >= 500 ? 'ERR_UNAVAILABLE' : `HTTP_${xhr.status}`), xhr.status, body?.detail ?? '', body?.details));
      }
    };
    const form = new FormData();
    form.set('metadata', JSON.stringify(metadata));
    form.set('file', file, file.name);
    xhr.send(form);
  });
}

async function fetchBlob(path: string): Promise<Blob> {
  const r = await fetch(`/api/v1${path}`, { headers: authHeaders() });
  if (!r.ok) {
    expire(r);
    throw await problemOf(r);
  }
  return r.blob();
}

/** The signed PDF as a blob (the file route needs the bearer token, so no plain link). */
export const fetchFile = (id: string): Promise<Blob> => fetchBlob(`/documents/${encodeURIComponent(id)}/file`);

/** One attachment of an inbox document, by its index in the document's `attachments`. */
export const fetchAttachment = (id: string, index: number): Promise<Blob> => fetchBlob(`/documents/${encodeURIComponent(id)}/attachments/${index}`);

/** A report download (`format=csv|xlsx|pdf`) through the same bearer token, saved under the server's name. */
export async function downloadReport(month: string, format: string): Promise<void> {
  const r = await fetch(`/api/v1/reports/monthly?month=${encodeURIComponent(month)}&format=${encodeURIComponent(format)}`, { headers: authHeaders() });
  if (!r.ok) {
    expire(r);
    throw await problemOf(r);
  }
  const name = /filename="?([^";]+)"?/.exec(r.headers.get('content-disposition') ?? '')?.[1] ?? `bao-cao-${month}.${format}`;
  saveBlob(await r.blob(), name);
}

export function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
