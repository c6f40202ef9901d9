// Who is signed in: the token and what the API said of it, kept in this tab's session storage only
// (never in the URL, gone when the tab closes).
import type { Schemas } from './api';

export interface Session {
  token: string;
  name: string;
  role: Schemas['Role'];
}

const KEY = 'kassa24-admin-session';

export function savedSession(): Session | undefined {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return saved && typeof saved.token === 'string' ? saved : undefined;
  } catch {
    return undefined;
  }
}

export const saveSession = (session: Session | undefined): void =>
  session ? sessionStorage.setItem(KEY, JSON.stringify(session)) : sessionStorage.removeItem(KEY);
