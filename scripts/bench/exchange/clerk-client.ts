/** A minimal client of the clerk API (`/api/v1`) for the exchange benchmark: plain fetch, coded failures. */

export interface Session {
  readonly baseUrl: string;
  readonly token: string;
  readonly agencyCode: string;
}

/** A refused request, with the problem `code` the service answered (or HTTP_<status> without one). */
export class ClerkApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${code} (HTTP ${status}): ${detail}`);
  }
}

async function answer<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const p = (body ?? {}) as { code?: string; detail?: string; title?: string };
    throw new ClerkApiError(p.code ?? `HTTP_${res.status}`, res.status, `${what}: ${p.detail ?? p.title ?? text.slice(0, 300)}`);
  }
  return body as T;
}

export async function login(baseUrl: string, agencyCode: string, username: string, password: string): Promise<Session> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agencyCode, username, password }) });
  const r = await answer<{ accessToken: string }>(res, `login ${username}@${agencyCode}`);
  return { baseUrl, token: r.accessToken, agencyCode };
}

/** `POST /api/v1/documents` (multipart `file` + `metadata`), with an Idempotency-Key. */
export async function sendDocument(s: Session, input: { pdf: Uint8Array; fileName: string; metadata: unknown; idempotencyKey: string }): Promise<{ id: string; documentId: string; replayed: boolean }> {
  const form = new FormData();
  form.append('metadata', JSON.stringify(input.metadata));
  form.append('file', new Blob([input.pdf], { type: 'application/pdf' }), input.fileName);
  const res = await fetch(`${s.baseUrl}/api/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'idempotency-key': input.idempotencyKey }, body: form });
  return answer(res, 'send document');
}

export interface DocumentSummary {
  readonly id: string;
  readonly documentId: string;
  readonly verdict: 'accepted' | 'refused';
  readonly signatureLevel: string;
  readonly createdAt: string;
}

export interface DocumentDetail extends DocumentSummary {
  readonly validation: { readonly verdict: string; readonly reasonCode?: string; readonly reason?: string; readonly verifiedAt: string; readonly signatures: readonly unknown[] };
  readonly messages: ReadonlyArray<{ readonly kind: string; readonly state: string; readonly sentAt?: string; readonly lastError?: unknown }>;
}

export async function getDocument(s: Session, id: string): Promise<DocumentDetail> {
  const res = await fetch(`${s.baseUrl}/api/v1/documents/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${s.token}` } });
  return answer(res, `get document ${id}`);
}
