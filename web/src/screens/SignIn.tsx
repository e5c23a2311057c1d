// Sign-in: locally a form posting to /local/token with a demo user; on AWS Cognito's hosted UI.
import { useState } from "preact/hooks";
import { apiUrl } from "../api/client";
import type { ConsoleConfig } from "../auth/config";
import { startSignIn } from "../auth/pkce";
import { session } from "../auth/session";
import { Field, ProblemView } from "../components/ui";
import { t } from "../lib/i18n";

export function SignIn({ config, error }: { config: ConsoleConfig; error: unknown }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [wrong, setWrong] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (config.auth === "cognito" && config.cognito) {
    const c = config.cognito;
    return (
      <main id="main" class="signin">
        <h1>{t("signin.title")}</h1>
        <ProblemView error={error} />
        <button type="button" class="primary" onClick={() => startSignIn(c)}>
          {t("signin.cognito")}
        </button>
      </main>
    );
  }

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setWrong(null);
    try {
      const reply = await fetch(apiUrl("/local/token"), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: username.trim(), password }),
      });
      if (!reply.ok) throw new Error(t("signin.wrong"));
      const tokens = (await reply.json()) as { id_token: string };
      session.set(tokens.id_token);
    } catch (e) {
      setWrong((e as Error).message === t("signin.wrong") ? t("signin.wrong") : t("error.network"));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="signin">
      <h1>{t("signin.title")}</h1>
      <p>{t("signin.local")}</p>
      <form onSubmit={submit}>
        <Field label={t("signin.username")} id="username">
          <input id="username" name="username" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </Field>
        <Field label={t("signin.password")} id="password">
          <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </Field>
        {wrong ? (
          <p class="problem" role="alert">
            {wrong}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          {t("signin.submit")}
        </button>
      </form>
    </main>
  );
}
