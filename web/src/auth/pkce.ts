// Cognito's hosted UI with the authorization code and PKCE (RFC 7636): the verifier stays in
// sessionStorage for the round trip; the code is exchanged at the domain's /oauth2/token.
import type { CognitoConfig } from "./config";

const VERIFIER = "cityops.pkce_verifier";
const STATE = "cityops.pkce_state";

function base64url(bytes: Uint8Array): string {
  let s = "";
  bytes.forEach((b) => (s += String.fromCharCode(b)));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function randomVerifier(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export async function authorizeUrl(c: CognitoConfig, verifier: string, state: string): Promise<string> {
  const q = new URLSearchParams({
    response_type: "code",
    client_id: c.client_id,
    redirect_uri: c.redirect_uri,
    scope: c.scopes ?? "openid email profile",
    state,
    code_challenge_method: "S256",
    code_challenge: await challengeOf(verifier),
  });
  return `${c.domain.replace(/\/$/, "")}/oauth2/authorize?${q}`;
}

export async function startSignIn(c: CognitoConfig): Promise<void> {
  const verifier = randomVerifier();
  const state = randomVerifier();
  sessionStorage.setItem(VERIFIER, verifier);
  sessionStorage.setItem(STATE, state);
  location.assign(await authorizeUrl(c, verifier, state));
}

/** Back from the hosted UI at redirect_uri?code=&state=: the ID token, or an error. */
export async function finishSignIn(c: CognitoConfig, search: string): Promise<string> {
  const q = new URLSearchParams(search);
  const code = q.get("code");
  const verifier = sessionStorage.getItem(VERIFIER);
  if (!code || !verifier || q.get("state") !== sessionStorage.getItem(STATE)) throw new Error("sign-in state does not match");
  sessionStorage.removeItem(VERIFIER);
  sessionStorage.removeItem(STATE);
  const reply = await fetch(`${c.domain.replace(/\/$/, "")}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: c.client_id,
      code,
      redirect_uri: c.redirect_uri,
      code_verifier: verifier,
    }),
  });
  if (!reply.ok) throw new Error(`token exchange failed: ${reply.status}`);
  const tokens = (await reply.json()) as { id_token?: string };
  if (!tokens.id_token) throw new Error("no id_token");
  return tokens.id_token;
}

export function logoutUrl(c: CognitoConfig): string {
  const q = new URLSearchParams({ client_id: c.client_id, logout_uri: c.logout_uri ?? new URL("/", c.redirect_uri).toString() });
  return `${c.domain.replace(/\/$/, "")}/logout?${q}`;
}
