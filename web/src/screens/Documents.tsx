// Documents: the incoming register as officials know it (Appendix IV's columns), registering an
// incoming document with its file, drafting an outgoing one, and the register's XLSX export.
import { useState } from "preact/hooks";
import { download, get, post, route } from "../api/client";
import type { DocumentOut, DocumentPage, IncomingCreate, Me, RegisterPage } from "../api/types";
import { FileUploader } from "../components/FileUpload";
import { Deadline, Field, Loaded, Notice, ProblemView, useLoad, usePages } from "../components/ui";
import { formatDate, hanoiDay, parseDate } from "../lib/dates";
import { DOC_TYPES, URGENCIES } from "../lib/forms";
import { t } from "../lib/i18n";
import { navigate } from "../lib/router";
import { matches } from "../lib/text";
import { nameOf, units } from "../lib/units";


function RegisterForm({ onRegistered }: { onRegistered: (doc: DocumentOut) => void }) {
  const today = formatDate(hanoiDay(new Date()));
  const [f, setF] = useState({ received_on: today, issuing_body: "", number_symbol: "", issued_on: today, doc_type: "CV", summary: "", urgency: "normal", pages: "1" });
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const received = parseDate(f.received_on);
    const issued = parseDate(f.issued_on);
    if (!received || !issued) return setError(new Error("dd/mm/yyyy"));
    const body: IncomingCreate = {
      received_on: received,
      issued_on: issued,
      issuing_body: f.issuing_body,
      number_symbol: f.number_symbol,
      doc_type: f.doc_type as IncomingCreate["doc_type"],
      summary: f.summary,
      urgency: f.urgency as IncomingCreate["urgency"],
      pages: Number(f.pages) || null,
      channel: "electronic",
      secrecy: "none",
    };
    try {
      onRegistered((await post<DocumentOut>(route("/v1/documents/incoming"), body)).data);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="reg-h">
      <h2 id="reg-h">{t("docs.register_new")}</h2>
      <div class="cols">
        <Field label={t("docs.received_on")} id="received_on">
          <input id="received_on" required value={f.received_on} onInput={set("received_on")} placeholder="dd/mm/yyyy" />
        </Field>
        <Field label={t("docs.issuing_body")} id="issuing_body">
          <input id="issuing_body" required value={f.issuing_body} onInput={set("issuing_body")} />
        </Field>
        <Field label={t("docs.number_symbol")} id="number_symbol">
          <input id="number_symbol" required value={f.number_symbol} onInput={set("number_symbol")} placeholder="15/QĐ-UBND" />
        </Field>
        <Field label={t("docs.issued_on")} id="issued_on">
          <input id="issued_on" required value={f.issued_on} onInput={set("issued_on")} placeholder="dd/mm/yyyy" />
        </Field>
        <Field label={t("docs.doc_type")} id="doc_type">
          <select id="doc_type" value={f.doc_type} onChange={set("doc_type")}>
            {DOC_TYPES.map(([code, name]) => (
              <option key={code} value={code}>
                {name} ({code})
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("docs.urgency")} id="urgency">
          <select id="urgency" value={f.urgency} onChange={set("urgency")}>
            {URGENCIES.map(([value, name]) => (
              <option key={value} value={value}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("docs.pages")} id="pages">
          <input id="pages" type="number" min={1} value={f.pages} onInput={set("pages")} />
        </Field>
      </div>
      <Field label={t("docs.summary")} id="summary">
        <textarea id="summary" required value={f.summary} onInput={set("summary")} />
      </Field>
      <ProblemView error={error} />
      <button type="submit" class="primary">
        {t("docs.register_new")}
      </button>
    </form>
  );
}

export function Documents({ me }: { me: Me }) {
  const [q, setQ] = useState("");
  const [registered, setRegistered] = useState<DocumentOut | null>(null);
  const [showForm, setShowForm] = useState(false);
  const all = useLoad(() => units(), []);
  const registers = useLoad(async () => (me.unit ? (await get<RegisterPage>(route("/v1/registers"), { unit_id: me.unit.id })).data.items : []), [me.id, registered?.id]);
  const pages = usePages((cursor) => get<DocumentPage>(route("/v1/documents"), { kind: "incoming", limit: 100, cursor }).then((r) => r.data), [me.id, registered?.id]);
  const list = {
    error: pages.error ?? registers.error,
    data:
      pages.data && registers.data
        ? (() => {
            const mine = pages.data.filter((d) => d.unit && (d.unit as { id?: string }).id === me.unit?.id);
            const others = pages.data.filter((d) => !mine.includes(d));
            return { docs: [...mine.sort((a, b) => (b.number ?? 0) - (a.number ?? 0)), ...others], registers: registers.data };
          })()
        : null,
  };
  const clerk = me.roles.includes("clerk");
  const year = Number(hanoiDay(new Date()).slice(0, 4));
  return (
    <>
      <h1>{t("docs.title")}</h1>
      <p>
        <a href="/documents/outgoing">{t("docs.outgoing")}</a>
      </p>
      {clerk ? (
        <button
          type="button"
          class="primary"
          aria-expanded={showForm}
          onClick={() => {
            setRegistered(null); // the next document: the last one's panel gives way to the form
            setShowForm(!showForm);
          }}
        >
          {t("docs.register_new")}
        </button>
      ) : null}
      {showForm ? (
        <RegisterForm
          onRegistered={(d) => {
            setRegistered(d);
            setShowForm(false);
          }}
        />
      ) : null}
      {registered ? (
        <div class="panel">
          <Notice text={t("docs.registered", { n: registered.number ?? "" })} />
          <FileUploader documentId={registered.id} onDone={() => navigate(`/documents/${registered.id}`)} />
          <a href={`/documents/${registered.id}`}>{t("open")}</a>
        </div>
      ) : null}
      <Loaded state={list}>
        {(d) => (
          <>
            <div class="toolbar">
              {d.registers
                .filter((r) => r.kind === "incoming")
                .map((r) => (
                  <button type="button" key={r.id} onClick={() => download(route("/v1/registers/{register_id}/export", { register_id: r.id }), { year, format: "xlsx" }, `so-van-ban-den-${year}.xlsx`, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}>
                    {t("docs.export")}: {r.name}
                  </button>
                ))}
              <div class="field inline">
                <label for="doc-q">{t("search")}</label>
                <input id="doc-q" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
              </div>
            </div>
            <div class="scroll">
              <table>
                <caption>{t("docs.incoming")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("docs.received_on")}</th>
                    <th scope="col">{t("docs.number")}</th>
                    <th scope="col">{t("docs.issuing_body")}</th>
                    <th scope="col">{t("docs.number_symbol")}</th>
                    <th scope="col">{t("docs.issued_on")}</th>
                    <th scope="col">{t("docs.doc_type")}</th>
                    <th scope="col">{t("docs.summary")}</th>
                    <th scope="col">{t("docs.lead")}</th>
                    <th scope="col">{t("docs.handling_due")}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.docs
                    .filter((x) => matches(q, x.summary, x.issuing_body, x.number_symbol))
                    .map((x) => (
                      <tr key={x.id}>
                        <td>{formatDate(x.received_on)}</td>
                        <td>{x.number}</td>
                        <td>{x.issuing_body}</td>
                        <td>{x.number_symbol}</td>
                        <td>{formatDate(x.issued_on)}</td>
                        <td>{x.doc_type}</td>
                        <td>
                          <a href={`/documents/${x.id}`}>{x.summary}</a>
                        </td>
                        <td>{nameOf(all.data, x.lead_unit_id)}</td>
                        <td>
                          <Deadline due={x.handling_due_at} urgency={x.overdue ? "overdue" : undefined} />
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
              {d.docs.length === 0 ? <p>{t("none")}</p> : null}
              {pages.more ? (
                <p>
                  <button type="button" onClick={pages.more}>
                    {t("more")}
                  </button>
                </p>
              ) : null}
            </div>
          </>
        )}
      </Loaded>
    </>
  );
}
