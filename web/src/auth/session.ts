// The signed-in user's ID token: kept in memory and in sessionStorage (gone with the tab),
// sent as `Authorization: Bearer`; its expiry read from the token itself.
const KEY = "cityops.id_token";
let token: string | null = null;
const listeners = new Set<() => void>();

function storage(): Storage | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** The JWT's payload (no verification: the API verifies; this only reads exp). */
export function claimsOf(jwt: string): Record<string, unknown> | null {
  const part = jwt.split(".")[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    return JSON.parse(decodeURIComponent(escape(json)));
  } catch {
    return null;
  }
}

export function isExpired(jwt: string, now: number = Date.now()): boolean {
  const exp = claimsOf(jwt)?.exp;
  return typeof exp !== "number" || exp * 1000 <= now;
}

export const session = {
  token(): string | null {
    if (token === null) token = storage()?.getItem(KEY) ?? null;
    if (token && isExpired(token)) {
      this.clear();
      return null;
    }
    return token;
  },
  set(idToken: string): void {
    token = idToken;
    storage()?.setItem(KEY, idToken);
    listeners.forEach((f) => f());
  },
  clear(): void {
    token = null;
    storage()?.removeItem(KEY);
    listeners.forEach((f) => f());
  },
  expired(): void {
    this.clear();
  },
  subscribe(f: () => void): () => void {
    listeners.add(f);
    return () => listeners.delete(f);
  },
};
