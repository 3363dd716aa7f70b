/** The logged-in user, kept for the browser tab only (sessionStorage): closing the tab logs out. */
export interface Session {
  readonly accessToken: string;
  readonly agencyCode: string;
  readonly username: string;
  readonly fullName: string;
  readonly roles: readonly string[];
  /** Epoch ms after which the token is refused. */
  readonly expiresAt: number;
}

const KEY = 'lienthong.session';
let current: Session | null = read();
const listeners = new Set<() => void>();

function read(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return s && s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}

export const getSession = (): Session | null => (current && current.expiresAt > Date.now() ? current : null);

export function setSession(s: Session | null): void {
  current = s;
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
  for (const l of listeners) l();
}

export function onSessionChange(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export const hasRole = (s: Session | null, ...roles: string[]) => !!s && s.roles.some((r) => roles.includes(r));
