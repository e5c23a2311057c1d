// The shell: configuration, sign-in, the navigation and the routes.
import { useEffect, useState } from "preact/hooks";
import { get, route, setApiBase } from "./api/client";
import type { Me } from "./api/types";
import { loadConfig, type ConsoleConfig } from "./auth/config";
import { finishSignIn, logoutUrl } from "./auth/pkce";
import { session } from "./auth/session";
import { Loading, ProblemView } from "./components/ui";
import { currentLang, setLang, t } from "./lib/i18n";
import { match, navigate, onLink, usePath } from "./lib/router";
import { forgetUnits } from "./lib/units";
import { CasePage } from "./screens/CasePage";
import { Cases } from "./screens/Cases";
import { DocumentPage } from "./screens/DocumentPage";
import { Documents } from "./screens/Documents";
import { Outgoing } from "./screens/Outgoing";
import { Home } from "./screens/Home";
import { ReportPage } from "./screens/ReportPage";
import { FormFigures } from "./screens/FormFigures";
import { Reports } from "./screens/Reports";
import { Scoreboard } from "./screens/Scoreboard";
import { SignIn } from "./screens/SignIn";
import { TaskPage } from "./screens/TaskPage";
import { Tasks } from "./screens/Tasks";

const NAV: [string, string][] = [
  ["/", "nav.home"],
  ["/documents", "nav.documents"],
  ["/tasks", "nav.tasks"],
  ["/cases", "nav.cases"],
  ["/reports", "nav.reports"],
  ["/scoreboard", "nav.scoreboard"],
];

function screen(path: string, me: Me) {
  let m: Record<string, string> | null;
  if ((m = match("/tasks/:id", path))) return <TaskPage id={m.id!} me={me} />;
  if (match("/documents/outgoing", path)) return <Outgoing me={me} />;
  if ((m = match("/documents/:id", path))) return <DocumentPage id={m.id!} me={me} />;
  if ((m = match("/cases/:id", path))) return <CasePage id={m.id!} me={me} />;
  if ((m = match("/reports/:id", path))) return <ReportPage id={m.id!} me={me} />;
  if ((m = match("/report-forms/:id", path))) return <FormFigures id={m.id!} me={me} />;
  if (match("/documents", path)) return <Documents me={me} />;
  if (match("/tasks", path)) return <Tasks me={me} />;
  if (match("/cases", path)) return <Cases me={me} />;
  if (match("/reports", path)) return <Reports me={me} />;
  if (match("/scoreboard", path)) return <Scoreboard me={me} />;
  return <Home me={me} />;
}

export function App() {
  const path = usePath();
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [token, setToken] = useState(session.token());
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [, setLangTick] = useState(0);

  useEffect(() => session.subscribe(() => setToken(session.token())), []);
  useEffect(() => {
    loadConfig().then(async (c) => {
      setApiBase(c.api_base_url);
      if (c.auth === "cognito" && c.cognito && location.pathname === "/auth/callback") {
        try {
          session.set(await finishSignIn(c.cognito, location.search));
          history.replaceState(null, "", "/");
        } catch (e) {
          setError(e);
        }
      }
      setConfig(c);
    });
  }, []);
  useEffect(() => {
    setMe(null);
    if (!token || !config) return;
    get<Me>(route("/v1/me")).then((r) => setMe(r.data), setError);
  }, [token, config]);

  if (!config) return <Loading />;
  if (!token) return <SignIn config={config} error={error} />;
  if (!me) return error ? <ProblemView error={error} /> : <Loading />;

  const signOut = () => {
    session.clear();
    forgetUnits();
    if (config.auth === "cognito" && config.cognito) location.assign(logoutUrl(config.cognito));
    else navigate("/");
  };
  const switchLang = () => {
    setLang(currentLang() === "vi" ? "en" : "vi");
    setLangTick((n) => n + 1);
  };
  const section = "/" + (path.split("?")[0] ?? "").split("/")[1];
  return (
    <div class="shell" onClick={onLink}>
      <a class="skip" href="#main">
        {t("app.skip")}
      </a>
      <header class="top">
        <a href="/" class="brand">
          {t("app.name")}
        </a>
        <span class="who">
          {me.name}
          {me.unit ? ` · ${me.unit.name}` : ""}
        </span>
        <button type="button" class="link" onClick={switchLang} lang={currentLang() === "vi" ? "en" : "vi"}>
          {t("lang.switch")}
        </button>
        <button type="button" class="link" onClick={signOut}>
          {t("signout")}
        </button>
      </header>
      <nav aria-label={t("nav.label")} class="nav">
        <ul>
          {NAV.map(([href, key]) => (
            <li key={href}>
              <a href={href} aria-current={section === href ? "page" : undefined}>
                {t(key)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {screen(path, me)}
      </main>
    </div>
  );
}
