// Cases: each with its legal deadline and the working days left; the denunciator by pseudonym only.
import { useState } from "preact/hooks";
import { get, route } from "../api/client";
import type { CasePage, Me } from "../api/types";
import { LegalDeadline } from "../components/LegalDeadline";
import { Loaded, useLoad } from "../components/ui";
import { formatDate } from "../lib/dates";
import { label, t } from "../lib/i18n";
import { matches } from "../lib/text";

export function Cases({ me }: { me: Me }) {
  const [kind, setKind] = useState("");
  const [q, setQ] = useState("");
  const list = useLoad(() => get<CasePage>(route("/v1/cases"), { kind: kind || undefined, limit: 200 }).then((r) => r.data.items), [kind, me.id]);
  return (
    <>
      <h1>{t("cases.title")}</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="c-kind">{t("cases.kind")}</label>
          <select id="c-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            <option value="">{t("all")}</option>
            {["voter_petition", "complaint", "denunciation"].map((k) => (
              <option key={k} value={k}>
                {t(`kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="c-q">{t("search")}</label>
          <input id="c-q" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        </div>
      </form>
      <Loaded state={list}>
        {(items) => {
          const shown = items.filter((c) => matches(q, c.reference, c.summary, c.pseudonym));
          return (
            <div class="scroll">
              <table>
                <caption class="sr-only">{t("cases.title")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("cases.reference")}</th>
                    <th scope="col">{t("cases.kind")}</th>
                    <th scope="col">{t("cases.pseudonym")}</th>
                    <th scope="col">{t("cases.received_on")}</th>
                    <th scope="col">{t("cases.status")}</th>
                    <th scope="col">{t("cases.deadlines")}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <a href={`/cases/${c.id}`}>{c.reference}</a>
                        {c.summary ? <div class="meta">{c.summary}</div> : null}
                      </td>
                      <td>{t(`kind.${c.kind}`)}</td>
                      <td>{c.pseudonym}</td>
                      <td>{formatDate(c.received_on)}</td>
                      <td>{label("case.status", c.status)}</td>
                      <td>
                        <LegalDeadline due={c.due_at} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {shown.length === 0 ? <p>{t("none")}</p> : null}
            </div>
          );
        }}
      </Loaded>
    </>
  );
}
