// A case: its legal deadlines with working days left, the actions the user may take, and for
// the assigned handler a reveal of the denunciator's identity that says the read is recorded.
import { useState } from "preact/hooks";
import { get, post, route } from "../api/client";
import type { Case, CaseIdentityOut, Me, MemberList } from "../api/types";
import { LegalDeadline } from "../components/LegalDeadline";
import { Field, Loaded, Notice, ProblemView, useLoad } from "../components/ui";
import { ActionForm } from "../components/ActionForm";
import { mayRevealIdentity } from "../lib/actions";
import { CASE_FORMS, caseOutcome } from "../lib/forms";
import { units } from "../lib/units";
import { formatDate } from "../lib/dates";
import { label, t } from "../lib/i18n";

export function CasePage({ id, me }: { id: string; me: Me }) {
  const c = useLoad(() => get<Case>(route("/v1/cases/{case_id}", { case_id: id })).then((r) => ({ c: r.data, etag: r.etag })), [id]);
  return <Loaded state={c}>{(d) => <CaseView c={d.c} etag={d.etag} me={me} reload={c.reload} />}</Loaded>;
}

function Identity({ c }: { c: Case }) {
  const [asked, setAsked] = useState(false);
  const [identity, setIdentity] = useState<CaseIdentityOut | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reveal = async () => {
    try {
      setIdentity((await get<CaseIdentityOut>(route("/v1/cases/{case_id}/identity", { case_id: c.id }))).data);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="panel" aria-labelledby="id-h">
      <h2 id="id-h">{t("cases.reveal")}</h2>
      <p class="warning">{t("cases.reveal_warning")}</p>
      {!asked ? (
        <button type="button" onClick={() => setAsked(true)}>
          {t("cases.reveal")}
        </button>
      ) : !identity ? (
        <button type="button" class="primary" onClick={reveal}>
          {t("cases.reveal_confirm")}
        </button>
      ) : (
        <dl class="facts" aria-label={t("cases.identity")}>
          <dt>Họ tên</dt>
          <dd>{identity.name}</dd>
          <dt>Địa chỉ</dt>
          <dd>{identity.address ?? "—"}</dd>
          <dt>Điện thoại</dt>
          <dd>{identity.phone ?? "—"}</dd>
        </dl>
      )}
      <ProblemView error={error} />
    </section>
  );
}

/** Actions whose body is a note at most (assigning oneself adds the handler's id). */
const NOTE_ONLY = ["forward", "accept", "assign", "verify", "notify", "publish", "resume"];

function CaseView({ c, etag, me, reload }: { c: Case; etag: string | null; me: Me; reload: () => void }) {
  const [note, setNote] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [form, setForm] = useState<string | null>(null);
  const all = useLoad(() => units(), []);
  const path = (action: string) => `${route("/v1/cases/{case_id}", { case_id: c.id })}/${action.replace(/_/g, "-")}`;
  const finished = (action: string, what: string = t(`action.${action}`)) => {
    setDone(t("action.done", { a: what }));
    setForm(null);
    setNote("");
    reload();
  };
  const act = async (action: string, handler: string = me.id) => {
    setError(null);
    setDone(null);
    const body = action === "assign" ? { handler_id: handler, ...(note ? { note } : {}) } : note ? { note } : {};
    try {
      await post(path(action), body, etag);
      finished(action, handler !== me.id ? t("cases.assign") : undefined);
    } catch (e) {
      setError(e);
    }
  };
  const simple = (c.actions ?? []).filter((a) => NOTE_ONLY.includes(a) && (a !== "assign" || c.handler_id !== me.id));
  const mayAssign = (c.actions ?? []).includes("assign");
  const structured = (c.actions ?? []).filter((a) => a in CASE_FORMS);
  const unitChoices: [string, string][] = (all.data ?? []).filter((u) => u.active !== false && u.id !== c.handling_unit_id).map((u) => [u.id, u.name]);
  const open = (c.deadlines ?? []).filter((d) => d.status === "open");
  return (
    <>
      <p>
        <a href="/cases">← {t("back")}</a>
      </p>
      <h1>
        {t(`kind.${c.kind}`)} {c.reference}
      </h1>
      <dl class="facts">
        <dt>{t("cases.pseudonym")}</dt>
        <dd>{c.pseudonym}</dd>
        <dt>{t("cases.status")}</dt>
        <dd data-testid="case-status">{label("case.status", c.status)}</dd>
        <dt>{t("cases.received_on")}</dt>
        <dd>{formatDate(c.received_on)}</dd>
        {c.handler_name ? (
          <>
            <dt>Người xử lý</dt>
            <dd>{c.handler_name}</dd>
          </>
        ) : null}
        {c.refusal_ground ? (
          <>
            <dt>{t("cases.refusal_ground")}</dt>
            <dd>{caseOutcome(c.refusal_ground)}</dd>
          </>
        ) : null}
        {c.result ? (
          <>
            <dt>{t("cases.result")}</dt>
            <dd data-testid="case-result">
              {caseOutcome(c.result)}
              {c.result_number ? ` (${c.result_number})` : ""}
              {c.result_summary ? <div class="meta">{c.result_summary}</div> : null}
            </dd>
          </>
        ) : null}
        {c.extensions?.length ? (
          <>
            <dt>{t("cases.extensions")}</dt>
            <dd>{c.extensions.map((e) => t("cases.extension", { n: e.days, to: formatDate(e.to_due_on), number: e.decision_number })).join("; ")}</dd>
          </>
        ) : null}
      </dl>
      {c.summary ? <p class="content">{c.summary}</p> : null}
      <section aria-labelledby="dl-h">
        <h2 id="dl-h">{t("cases.deadlines")}</h2>
        <ul>
          {(open.length ? open : (c.deadlines ?? [])).map((d) => (
            <li key={d.key}>
              {label("case.deadline", d.kind)}: <LegalDeadline due={d.due_at} closed={d.status === "open" ? null : d.outcome ?? "met_on_time"} />
            </li>
          ))}
        </ul>
      </section>
      <ProblemView error={error} />
      <Notice text={done} />
      {simple.length ? (
        <div class="panel">
          <Field label={t("cases.note")} id="case-note">
            <input id="case-note" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </Field>
          <div class="toolbar">
            {simple.map((a) => (
              <button type="button" key={a} class={a === "accept" ? "primary" : undefined} onClick={() => act(a)}>
                {t(`action.${a}`)}
              </button>
            ))}
          </div>
        </div>
      ) : null}
      {mayAssign ? <AssignTo c={c} onAssign={(handler) => act("assign", handler)} /> : null}
      {structured.length ? (
        <div class="toolbar" role="group" aria-label={t("cases.more_actions")}>
          {structured.map((a) => (
            <button type="button" key={a} aria-expanded={form === a} onClick={() => setForm(form === a ? null : a)}>
              {CASE_FORMS[a]!.title}
            </button>
          ))}
        </div>
      ) : null}
      {form && CASE_FORMS[form] ? (
        <ActionForm
          key={form}
          id={`case-${form}`}
          spec={CASE_FORMS[form]!}
          choices={{ to_unit_id: unitChoices }}
          send={async (body) => {
            await post(path(form), body, etag);
            finished(form);
          }}
          onCancel={() => setForm(null)}
        />
      ) : null}
      {mayRevealIdentity(me, c) ? <Identity c={c} /> : null}
    </>
  );
}

/** A leader gives the case to one of the handling unit's people (the directory's list). */
function AssignTo({ c, onAssign }: { c: Case; onAssign: (handler: string) => void }) {
  const members = useLoad(() => get<MemberList>(route("/v1/units/{unit_id}/members", { unit_id: c.handling_unit_id })).then((r) => r.data.items), [c.handling_unit_id]);
  const [chosen, setChosen] = useState("");
  const people = (members.data ?? []).filter((m) => m.id !== c.handler_id && m.roles.some((r) => HANDLER_ROLES.includes(r)));
  if (!people.length) return null;
  return (
    <div class="panel toolbar">
      <Field label={t("cases.assign_to")} id="assign-to">
        <select id="assign-to" value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
          <option value="">—</option>
          {people.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </Field>
      <button type="button" disabled={!chosen} onClick={() => onAssign(chosen)}>
        {t("cases.assign")}
      </button>
    </div>
  );
}

const HANDLER_ROLES = ["officer", "inspector", "unit_leader"];
