// A task: its progress timeline, coordinating units' parts, extensions and their decisions,
// and the actions the user may take (report progress, request or decide an extension,
// complete, confirm or return).
import { useRef, useState } from "preact/hooks";
import { get, post, route } from "../api/client";
import type { Me, ProgressPage, Task, TaskPage as SubtaskPage } from "../api/types";
import { ActionForm } from "../components/ActionForm";
import { Deadline, Field, Loaded, Notice, ProblemView, useLoad } from "../components/ui";
import { may } from "../lib/actions";
import { SUBTASK, TASK_CANCEL } from "../lib/forms";
import { formatDate, formatDateTime, parseDate } from "../lib/dates";
import { urgencyOfClass } from "../lib/deadline";
import { t } from "../lib/i18n";
import { nameOf, units } from "../lib/units";

export function TaskPage({ id, me }: { id: string; me: Me }) {
  const task = useLoad(async () => {
    const [r, progress, subtasks] = await Promise.all([
      get<Task>(route("/v1/tasks/{task_id}", { task_id: id })),
      get<ProgressPage>(route("/v1/tasks/{task_id}/progress", { task_id: id }), { limit: 200 }),
      get<SubtaskPage>(route("/v1/tasks/{task_id}/subtasks", { task_id: id })),
    ]);
    return { task: r.data, etag: r.etag, progress: progress.data.items, subtasks: subtasks.data.items };
  }, [id]);
  const all = useLoad(() => units(), []);
  return <Loaded state={task}>{(d) => <TaskView {...d} me={me} unitNames={all.data} reload={task.reload} />}</Loaded>;
}

function TaskView({ task, etag, progress, subtasks, unitNames, reload }: { task: Task; etag: string | null; progress: ProgressPage["items"]; subtasks: SubtaskPage["items"]; me: Me; unitNames: Awaited<ReturnType<typeof units>> | null; reload: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [percent, setPercent] = useState(String(task.percent));
  const [newDue, setNewDue] = useState("");
  // Each form's own text, so that typing in one never fills another (or is cleared by it).
  const [texts, setTexts] = useState<Record<string, string>>({});
  const typed = (key: string) => ({ value: texts[key] ?? "", onInput: (e: { currentTarget: { value: string } }) => setTexts((all) => ({ ...all, [key]: e.currentTarget.value })) });
  const busy = useRef(false); // one request at a time: a double click sends one
  const [form, setForm] = useState<"cancel" | "split" | null>(null);
  const lead = unitNames?.find((u) => u.id === task.lead_unit_id);
  const subUnits: [string, string][] = (unitNames ?? []).filter((u) => u.id !== task.lead_unit_id && lead && u.path.includes(lead.id) && u.active !== false).map((u) => [u.id, u.name]);
  const due = task.deadline ?? task.due_date;

  const run = async (what: () => Promise<unknown>, message: string, sent?: string) => {
    if (busy.current) return;
    busy.current = true;
    setError(null);
    setDone(null);
    try {
      await what();
      setDone(message);
      if (sent) setTexts((all) => ({ ...all, [sent]: "" }));
      reload();
    } catch (e) {
      setError(e);
    } finally {
      busy.current = false;
    }
  };
  const p = (path: string, body: unknown, ifMatch: string | null = etag) => post(path, body, ifMatch);
  const pending = task.extensions.find((e) => e.status === "pending");

  return (
    <>
      <p>
        <a href="/tasks">← {t("back")}</a>
      </p>
      <h1>{task.title}</h1>
      <dl class="facts">
        <dt>{t("docs.status")}</dt>
        <dd>{t(`status.${task.status}`)}</dd>
        <dt>{t("tasks.due")}</dt>
        <dd>
          <Deadline due={due} urgency={urgencyOfClass(task.status_class, due, new Date())} />
        </dd>
        <dt>{t("docs.lead")}</dt>
        <dd>{nameOf(unitNames, task.lead_unit_id)}</dd>
        <dt>{t("docs.coordinating")}</dt>
        <dd>{task.coordinating_unit_ids.map((u) => nameOf(unitNames, u)).join(", ") || "—"}</dd>
        <dt>{t("tasks.source")}</dt>
        <dd>
          {t(`source.${task.source}`)}
          {task.source_document?.number_symbol ? ` · ${task.source_document.number_symbol}` : ""}
          {task.source_document?.incoming_document_id ? (
            <>
              {" · "}
              <a href={`/documents/${task.source_document.incoming_document_id}`}>{t("tasks.source_document")}</a>
            </>
          ) : null}
        </dd>
        <dt>{t("tasks.assigned_by")}</dt>
        <dd>{task.assigned_by.name}</dd>
        <dt>{t("tasks.percent")}</dt>
        <dd>
          <progress max={100} value={task.percent} aria-label={t("tasks.percent")} /> {task.percent}%
        </dd>
      </dl>
      <p class="content">{task.content}</p>
      <ProblemView error={error} />
      <Notice text={done} />

      {may(task, "report_progress") ? (
        <form
          class="panel"
          aria-labelledby="progress-h"
          onSubmit={(e) => {
            e.preventDefault();
            run(() => p(route("/v1/tasks/{task_id}/progress", { task_id: task.id }), { text: texts.progress ?? "", percent: Number(percent) }, null), t("tasks.progress_saved"), "progress");
          }}
        >
          <h2 id="progress-h">{t("tasks.report_progress")}</h2>
          <Field label={t("tasks.progress_text")} id="progress-text">
            <textarea id="progress-text" required {...typed("progress")} />
          </Field>
          <Field label={t("tasks.progress_percent")} id="progress-percent">
            <input id="progress-percent" type="number" min={0} max={100} required value={percent} onInput={(e) => setPercent(e.currentTarget.value)} />
          </Field>
          <button type="submit" class="primary">
            {t("tasks.report_progress")}
          </button>
        </form>
      ) : null}

      {may(task, "report_completion") ? (
        <form
          class="panel"
          onSubmit={(e) => {
            e.preventDefault();
            run(() => p(route("/v1/tasks/{task_id}/completion", { task_id: task.id }), { result: texts.result ?? "" }), t("done"), "result");
          }}
        >
          <h2>{t("tasks.complete")}</h2>
          <Field label={t("tasks.result")} id="complete-result">
            <textarea id="complete-result" required {...typed("result")} />
          </Field>
          <button type="submit">{t("tasks.complete")}</button>
        </form>
      ) : null}

      {may(task, "request_extension") ? (
        <form
          class="panel"
          onSubmit={(e) => {
            e.preventDefault();
            const day = parseDate(newDue);
            if (!day) return setError(new Error(t("tasks.new_due")));
            run(() => p(route("/v1/tasks/{task_id}/extensions", { task_id: task.id }), { new_due_date: day, reason: texts.extension ?? "" }), t("done"), "extension");
          }}
        >
          <h2>{t("tasks.request_extension")}</h2>
          <Field label={t("tasks.new_due")} id="ext-due">
            <input id="ext-due" required placeholder="dd/mm/yyyy" value={newDue} onInput={(e) => setNewDue(e.currentTarget.value)} />
          </Field>
          <Field label={t("tasks.reason")} id="ext-reason">
            <textarea id="ext-reason" required {...typed("extension")} />
          </Field>
          <button type="submit">{t("tasks.request_extension")}</button>
        </form>
      ) : null}

      {may(task, "decide_extension") && pending ? (
        <div class="panel">
          <h2>{t("tasks.extensions")}</h2>
          <p>
            {formatDate(pending.previous_due_date)} → {formatDate(pending.new_due_date)}: {pending.reason}
          </p>
          <Field label={t("tasks.reason")} id="dec-reason">
            <input id="dec-reason" {...typed("decision")} />
          </Field>
          {(["approved", "rejected"] as const).map((decision) => (
            <button type="button" key={decision} onClick={() => run(() => p(route("/v1/tasks/{task_id}/extensions/{extension_id}/decision", { task_id: task.id, extension_id: pending.id }), { decision, reason: texts.decision || "—" }), t("done"), "decision")}>
              {t(decision === "approved" ? "tasks.approve" : "tasks.reject")}
            </button>
          ))}
        </div>
      ) : null}

      {may(task, "confirm") || may(task, "return") ? (
        <div class="panel">
          <h2>{t("tasks.confirm")}</h2>
          {task.completion?.result ? (
            <p data-testid="completion-result">
              <strong>{t("tasks.result")}:</strong> {task.completion.result}
            </p>
          ) : null}
          <Field label={t("tasks.reason")} id="confirm-reason">
            <input id="confirm-reason" {...typed("confirm")} />
          </Field>
          {may(task, "confirm") ? (
            <button type="button" class="primary" onClick={() => run(() => p(route("/v1/tasks/{task_id}/confirmation", { task_id: task.id }), texts.confirm ? { note: texts.confirm } : {}), t("done"), "confirm")}>
              {t("tasks.confirm")}
            </button>
          ) : null}
          {may(task, "return") ? (
            <button type="button" disabled={!(texts.confirm ?? "").trim()} onClick={() => run(() => p(route("/v1/tasks/{task_id}/return", { task_id: task.id }), { reason: texts.confirm }), t("done"), "confirm")}>
              {t("tasks.return")}
            </button>
          ) : null}
        </div>
      ) : null}

      {may(task, "split") || may(task, "cancel") ? (
        <div class="toolbar">
          {may(task, "split") ? (
            <button type="button" aria-expanded={form === "split"} onClick={() => setForm(form === "split" ? null : "split")}>
              {SUBTASK.title}
            </button>
          ) : null}
          {may(task, "cancel") ? (
            <button type="button" aria-expanded={form === "cancel"} onClick={() => setForm(form === "cancel" ? null : "cancel")}>
              {TASK_CANCEL.title}
            </button>
          ) : null}
        </div>
      ) : null}
      {form === "split" ? (
        <ActionForm
          id="subtask"
          spec={SUBTASK}
          choices={{ lead_unit_id: subUnits }}
          onCancel={() => setForm(null)}
          send={async (body) => {
            await post(route("/v1/tasks/{task_id}/subtasks", { task_id: task.id }), body);
            setForm(null);
            setDone(t("tasks.subtask_made"));
            reload();
          }}
        />
      ) : null}
      {form === "cancel" ? (
        <ActionForm
          id="cancel"
          spec={TASK_CANCEL}
          onCancel={() => setForm(null)}
          send={async (body) => {
            await post(route("/v1/tasks/{task_id}/cancellation", { task_id: task.id }), body, etag);
            setForm(null);
            setDone(t("tasks.cancelled"));
            reload();
          }}
        />
      ) : null}
      {subtasks.length ? (
        <section aria-labelledby="subtasks-h">
          <h2 id="subtasks-h">{t("tasks.subtasks")}</h2>
          <ul>
            {subtasks.map((s) => (
              <li key={s.id}>
                <a href={`/tasks/${s.id}`}>{s.title}</a> · {nameOf(unitNames, s.lead_unit_id)} · {t(`class.${s.status_class}`)} · {s.percent}%
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">{t("tasks.progress")}</h2>
        {progress.length === 0 ? <p>{t("none")}</p> : null}
        <ol class="timeline">
          {progress.map((r) => (
            <li key={r.id}>
              <time dateTime={r.at}>{formatDateTime(r.at)}</time> · {r.by?.name} · {r.percent}%
              <p>{r.text}</p>
            </li>
          ))}
        </ol>
      </section>
      {task.coordination.length ? (
        <section>
          <h2>{t("tasks.coordination")}</h2>
          <ul>
            {task.coordination.map((c) => (
              <li key={c.unit_id}>
                {nameOf(unitNames, c.unit_id)}: {c.percent ?? 0}% {c.text ? `– ${c.text}` : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {task.extensions.length ? (
        <section>
          <h2>{t("tasks.extensions")}</h2>
          <ul>
            {task.extensions.map((e) => (
              <li key={e.id}>
                {formatDate(e.previous_due_date)} → {formatDate(e.new_due_date)} · {e.reason} · {e.status}
                {e.decided_by ? ` (${e.decided_by.name}, ${formatDateTime(e.decided_at)})` : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
