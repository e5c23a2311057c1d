// What the deployment hands the console (config.json beside index.html): locally
// {"auth": "local"}; on AWS the API's address and Cognito's hosted UI (written at deploy time).
export interface CognitoConfig {
  domain: string; // https://<prefix>.auth.<region>.amazoncognito.com
  client_id: string;
  redirect_uri: string; // https://<distribution>/auth/callback
  logout_uri?: string;
  scopes?: string;
}

export interface ConsoleConfig {
  auth: "local" | "cognito";
  api_base_url: string;
  cognito?: CognitoConfig;
}

export function parseConfig(value: unknown): ConsoleConfig {
  const v = (value ?? {}) as Partial<ConsoleConfig>;
  if (v.auth === "cognito") {
    const c = v.cognito;
    if (!c || !c.domain || !c.client_id || !c.redirect_uri) throw new Error("config.json: cognito needs domain, client_id and redirect_uri");
    return { auth: "cognito", api_base_url: v.api_base_url ?? "", cognito: c };
  }
  return { auth: "local", api_base_url: v.api_base_url ?? "" };
}

export async function loadConfig(): Promise<ConsoleConfig> {
  try {
    const reply = await fetch("/config.json", { cache: "no-store" });
    if (reply.ok && (reply.headers.get("content-type") ?? "").includes("json")) return parseConfig(await reply.json());
  } catch {
    /* no config: local */
  }
  return parseConfig({});
}
