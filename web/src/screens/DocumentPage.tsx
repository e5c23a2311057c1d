// A document: its register entry, files (opened through a presigned, audited download), the
// direction form for leaders, and the outgoing workflow (submit, sign, issue).
import { useState } from "preact/hooks";
import { get, post, route } from "../api/client";
import type { DirectionCreate, DocumentOut, Me } from "../api/types";
import { FileUploader } from "../components/FileUpload";
import { PdfViewer } from "../components/PdfViewer";
import { ActionForm } from "../components/ActionForm";
import { DOCUMENT_FORMS } from "../lib/forms";
import { Deadline, Field, Loaded, Notice, ProblemView, useLoad } from "../components/ui";
import { may } from "../lib/actions";
import { formatDate, formatDateTime } from "../lib/dates";
import { label, t } from "../lib/i18n";
import { units } from "../lib/units";

export function DocumentPage({ id, me }: { id: string; me: Me }) {
  const doc = useLoad(() => get<DocumentOut>(route("/v1/documents/{document_id}", { document_id: id })).then((r) => ({ doc: r.data, etag: r.etag })), [id]);
  return <Loaded state={doc}>{(d) => <DocumentView doc={d.doc} etag={d.etag} me={me} reload={doc.reload} />}</Loaded>;
}

function Direction({ doc, etag, done }: { doc: DocumentOut; etag: string | null; done: (d: DocumentOut) => void }) {
  const all = useLoad(() => units(), []);
  const [lead, setLead] = useState("");
  const [coordinating, setCoordinating] = useState<string[]>([]);
  const [instructions, setInstructions] = useState("");
  const [days, setDays] = useState("10");
  const [track, setTrack] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const body: DirectionCreate = { lead_unit_id: lead, coordinating_unit_ids: coordinating, instructions, due_in_working_days: Number(days), track_as_task: track, task_source: "people_committee" };
    try {
      done((await post<DocumentOut>(route("/v1/documents/{document_id}/direction", { document_id: doc.id }), body, etag)).data);
    } catch (err) {
      setError(err);
    }
  };
  const options = (all.data ?? []).filter((u) => u.active !== false);
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="dir-h">
      <h2 id="dir-h">{t("docs.direction")}</h2>
      <Field label={t("docs.lead")} id="lead">
        <select id="lead" required value={lead} onChange={(e) => setLead(e.currentTarget.value)}>
          <option value="">—</option>
          {options.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t("docs.coordinating")} id="coordinating">
        <select id="coordinating" multiple size={5} onChange={(e) => setCoordinating([...e.currentTarget.selectedOptions].map((o) => o.value))}>
          {options
            .filter((u) => u.id !== lead)
            .map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
        </select>
      </Field>
      <Field label={t("docs.instructions")} id="instructions">
        <textarea id="instructions" required value={instructions} onInput={(e) => setInstructions(e.currentTarget.value)} />
      </Field>
      <Field label={t("docs.due_in")} id="due_in">
        <input id="due_in" type="number" min={1} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
      </Field>
      <div class="field check">
        <input id="track" type="checkbox" checked={track} onChange={(e) => setTrack(e.currentTarget.checked)} />
        <label for="track">{t("docs.track")}</label>
      </div>
      <ProblemView error={error} />
      <button type="submit" class="primary">
        {t("docs.direct")}
      </button>
    </form>
  );
}

function DocumentView({ doc, etag, reload }: { doc: DocumentOut; etag: string | null; me: Me; reload: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [viewing, setViewing] = useState<{ id: string; name: string } | null>(null);
  const [form, setForm] = useState<string | null>(null);
  const structured = (doc.actions ?? []).filter((a) => a in DOCUMENT_FORMS);
  const files = doc.files ?? [];
  const available = files.filter((f) => f.status === "available");
  const direction = doc.direction as { lead_unit_id?: string; instructions?: string; due_on?: string; task_id?: string | null } | null;
  const simple = async (path: string, body: unknown) => {
    setError(null);
    try {
      await post(path, body, etag);
      setDone(t("done"));
      reload();
    } catch (e) {
      setError(e);
    }
  };
  const outgoing = doc.kind === "outgoing";
  return (
    <>
      <p>
        <a href="/documents">← {t("back")}</a>
      </p>
      <h1>{doc.summary}</h1>
      <dl class="facts">
        <dt>{t("docs.status")}</dt>
        <dd data-testid="doc-status">{label("doc.status", doc.status)}</dd>
        {doc.number ? (
          <>
            <dt>{t(outgoing ? "docs.outgoing_number" : "docs.number")}</dt>
            <dd>
              {doc.number} · {doc.register_name}
            </dd>
          </>
        ) : null}
        <dt>{t("docs.number_symbol")}</dt>
        <dd>{doc.number_symbol ?? "—"}</dd>
        <dt>{t("docs.issuing_body")}</dt>
        <dd>{doc.issuing_body ?? (doc.unit as { name?: string }).name}</dd>
        <dt>{t(outgoing ? "docs.issued_on" : "docs.received_on")}</dt>
        <dd>{formatDate(outgoing ? doc.issued_on : doc.received_on)}</dd>
        <dt>{t(outgoing ? "docs.reply_due" : "docs.handling_due")}</dt>
        <dd>
          {outgoing ? (
            doc.reply_deadline ? formatDate(doc.reply_deadline) : "—"
          ) : (
            <Deadline due={direction?.due_on ?? doc.handling_deadline} urgency={doc.overdue ? "overdue" : undefined} />
          )}
        </dd>
      </dl>
      {direction ? (
        <section class="panel">
          <h2>{t("docs.direction")}</h2>
          <p>{direction.instructions}</p>
          {direction.task_id ? <a href={`/tasks/${direction.task_id}`}>{t("tasks.title")}</a> : null}
        </section>
      ) : null}
      <ProblemView error={error} />
      <Notice text={done} />
      <section>
        <h2>{t("docs.files")}</h2>
        <ul>
          {files.map((f) => (
            <li key={f.id}>
              {f.name} ({f.status}, {formatDateTime(f.created_at)}){" "}
              {f.status === "available" ? (
                <button type="button" class="small" aria-expanded={viewing?.id === f.id} onClick={() => setViewing(viewing?.id === f.id ? null : { id: f.id, name: f.name })}>
                  {t("docs.open_file")}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
        {viewing ? <PdfViewer key={viewing.id} documentId={doc.id} file={viewing} onClose={() => setViewing(null)} /> : null}
        {may(doc, "attach_file") ? <FileUploader documentId={doc.id} onDone={reload} /> : null}
      </section>
      <div class="toolbar">
        {may(doc, "present") ? (
          <button type="button" onClick={() => simple(route("/v1/documents/{document_id}/presentation", { document_id: doc.id }), {})}>
            {t("docs.present")}
          </button>
        ) : null}
        {may(doc, "submit") ? (
          <button type="button" onClick={() => simple(route("/v1/documents/{document_id}/submission", { document_id: doc.id }), {})}>
            {t("docs.submit")}
          </button>
        ) : null}
        {may(doc, "sign") && available.length ? (
          <button type="button" class="primary" onClick={() => simple(route("/v1/documents/{document_id}/signature", { document_id: doc.id }), { file_id: available[available.length - 1]!.id })}>
            {t("docs.sign")}
          </button>
        ) : null}
        {may(doc, "start") ? (
          <button type="button" onClick={() => simple(route("/v1/documents/{document_id}/handling", { document_id: doc.id }), {})}>
            {t("docs.start")}
          </button>
        ) : null}
        {structured.map((a) => (
          <button type="button" key={a} aria-expanded={form === a} onClick={() => setForm(form === a ? null : a)}>
            {DOCUMENT_FORMS[a]!.title}
          </button>
        ))}
        {may(doc, "issue") ? (
          <button type="button" class="primary" onClick={() => simple(route("/v1/documents/{document_id}/issue", { document_id: doc.id }), {})}>
            {t("docs.issue")}
          </button>
        ) : null}
      </div>
      {form && DOCUMENT_FORMS[form] ? (
        <ActionForm
          key={form}
          id={`doc-${form}`}
          spec={DOCUMENT_FORMS[form]!}
          onCancel={() => setForm(null)}
          send={async (body) => {
            await post(`${route("/v1/documents/{document_id}", { document_id: doc.id })}/${DOCUMENT_FORMS[form]!.path}`, body, etag);
            setForm(null);
            setDone(t("done"));
            reload();
          }}
        />
      ) : null}
      {may(doc, "direct") ? (
        <Direction
          doc={doc}
          etag={etag}
          done={() => {
            setDone(t("docs.directed"));
            reload();
          }}
        />
      ) : null}
    </>
  );
}
