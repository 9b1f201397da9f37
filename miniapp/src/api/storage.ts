/** The little of Taro's storage the client needs, so tests can hand in a Map. */
export interface KeyValueStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

export function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage {
  const values = new Map(Object.entries(initial));
  return {
    get: (key) => values.get(key) ?? null,
    set: (key, value) => void values.set(key, value),
    remove: (key) => void values.delete(key),
  };
}

export const STORAGE_KEYS = {
  /** The member's token. */
  session: 'memberloop.session',
  h5User: 'memberloop.h5User',
  /** A clerk's token, kept apart from the member's: the same phone may be both. */
  staffSession: 'memberloop.staffSession',
  /** The store a clerk with several stores last worked at. */
  clerkStore: 'memberloop.clerkStore',
} as const;

interface StoredSession {
  token: string;
  expiresAt: string;
  /** Who the token was issued to: the H5 fake-WeChat user, or '' in weapp. */
  identity: string;
}

/** The member's bearer token, kept per identity and forgotten a minute before it expires. */
export interface TokenStore {
  get(): string | null;
  set(token: string, expiresAt: string): void;
  clear(): void;
}

const EXPIRY_MARGIN_MS = 60_000;

export function createTokenStore(
  storage: KeyValueStorage,
  identity: () => string,
  now: () => Date = () => new Date(),
): TokenStore {
  return {
    get() {
      const raw = storage.get(STORAGE_KEYS.session);
      if (!raw) return null;
      let session: Partial<StoredSession>;
      try {
        session = JSON.parse(raw) as Partial<StoredSession>;
      } catch {
        return null;
      }
      if (typeof session.token !== 'string' || session.identity !== identity()) return null;
      const expiresAt = Date.parse(session.expiresAt ?? '');
      if (Number.isFinite(expiresAt) && expiresAt - EXPIRY_MARGIN_MS <= now().getTime()) return null;
      return session.token;
    },
    set(token, expiresAt) {
      const session: StoredSession = { token, expiresAt, identity: identity() };
      storage.set(STORAGE_KEYS.session, JSON.stringify(session));
    },
    clear() {
      storage.remove(STORAGE_KEYS.session);
    },
  };
}

/** What is kept of a staff login: the token and who it stands for. */
export interface StaffSession {
  token: string;
  expiresAt: string;
  staff: { id: string; displayName: string; username: string; role: string; storeIds: string[] };
  brand: { id: string; code: string; name: string };
}

/** The staff token, forgotten a minute before it expires; separate from the member's. */
export interface StaffSessionStore {
  get(): StaffSession | null;
  set(session: StaffSession): void;
  clear(): void;
}

export function createStaffSessionStore(storage: KeyValueStorage, now: () => Date = () => new Date()): StaffSessionStore {
  return {
    get() {
      const raw = storage.get(STORAGE_KEYS.staffSession);
      if (!raw) return null;
      let session: Partial<StaffSession>;
      try {
        session = JSON.parse(raw) as Partial<StaffSession>;
      } catch {
        return null;
      }
      if (typeof session.token !== 'string' || !session.staff || !session.brand) return null;
      const expiresAt = Date.parse(session.expiresAt ?? '');
      if (Number.isFinite(expiresAt) && expiresAt - EXPIRY_MARGIN_MS <= now().getTime()) return null;
      return session as StaffSession;
    },
    set(session) {
      storage.set(STORAGE_KEYS.staffSession, JSON.stringify(session));
    },
    clear() {
      storage.remove(STORAGE_KEYS.staffSession);
    },
  };
}
