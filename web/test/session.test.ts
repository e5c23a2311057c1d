import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/auth/config";
import { challengeOf } from "../src/auth/pkce";
import { claimsOf, isExpired } from "../src/auth/session";

const jwt = (payload: object) => `x.${btoa(unescape(encodeURIComponent(JSON.stringify(payload)))).replace(/=+$/, "")}.y`;

describe("sign-in", () => {
  it("reads a token's expiry and treats a past one as expired", () => {
    expect(claimsOf(jwt({ exp: 10, name: "Chủ tịch" }))?.name).toBe("Chủ tịch");
    expect(isExpired(jwt({ exp: 10 }), 20_000)).toBe(true);
    expect(isExpired(jwt({ exp: 100 }), 20_000)).toBe(false);
    expect(isExpired("garbage")).toBe(true);
  });
  it("computes the PKCE S256 challenge of RFC 7636's example", async () => {
    expect(await challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });
  it("signs in locally without config, and needs Cognito's settings for the hosted UI", () => {
    expect(parseConfig({}).auth).toBe("local");
    expect(() => parseConfig({ auth: "cognito", cognito: { domain: "https://x" } })).toThrow();
    expect(parseConfig({ auth: "cognito", api_base_url: "https://api", cognito: { domain: "https://d", client_id: "c", redirect_uri: "https://app/auth/callback" } }).api_base_url).toBe("https://api");
  });
});
