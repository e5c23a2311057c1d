// A report: the data-entry grid (each validation message at its cell), the template's
// download and upload, and only the workflow actions the API lists in `actions`.
import { useEffect, useState } from "preact/hooks";
import { ApiError, call, download, get, post, put, route } from "../api/client";
import type { Me, ReportOut } from "../api/types";
import { Deadline, Field, Loaded, Notice, ProblemView, useLoad } from "../components/ui";
import { errorsByCell, valuesPut, type Problem } from "../lib/grid";
import { t } from "../lib/i18n";

type Loaded_ = { report: ReportOut; etag: string | null };

function cellLabel(cell: string, name: string): string {
  const part = cell.includes("|") ? cell.split("|")[1] : "";
  return part ? `${name} (${part})` : name;
}

async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function ReportPage({ id }: { id: string; me: Me }) {
  const state = useLoad(() => get<ReportOut>(route("/v1/reports/{report_id}", { report_id: id })).then((r) => ({ report: r.data, etag: r.etag })), [id]);
  return <Loaded state={state}>{(d) => <Grid initial={d} />}</Loaded>;
}

function Grid({ initial }: { initial: Loaded_ }) {
  const [{ report, etag }, setLoaded] = useState(initial);
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [comments, setComments] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [reason, setReason] = useState("");

  useEffect(() => {
    setTyped(Object.fromEntries(report.cells.map((c) => [c.cell, c.value === null || c.value === undefined ? "" : String(c.value)])));
    setComments(Object.fromEntries(report.cells.filter((c) => c.comment).map((c) => [c.cell, c.comment!])));
  }, [report.id, report.version]);

  const editable = report.actions.includes("enter_values");
  const byCell = errorsByCell(problem);
  const warnings = new Map<string, string>(report.warnings.map((w) => [String((w as { cell?: string }).cell ?? ""), String((w as { msg?: string }).msg ?? "")]));

  const run = async (what: () => Promise<{ data: ReportOut; etag: string | null }>, message: string) => {
    setError(null);
    setDone(null);
    try {
      const r = await what();
      setLoaded({ report: r.data, etag: r.etag });
      setProblem(null);
      setDone(message);
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) {
        setProblem(e.problem);
        setError(new Error(t("reports.invalid")));
      } else setError(e);
    }
  };
  const save = () => run(() => put<ReportOut>(route("/v1/reports/{report_id}/values", { report_id: report.id }), valuesPut(report.cells, typed, comments), etag), t("reports.saved"));
  const act = (action: string) =>
    run(
      async () => {
        let current = etag;
        if (editable && action === "submit") {
          const saved = await put<ReportOut>(route("/v1/reports/{report_id}/values", { report_id: report.id }), valuesPut(report.cells, typed, comments), etag);
          setLoaded({ report: saved.data, etag: saved.etag }); // saved, whatever the submit says
          current = saved.etag;
        }
        const body = action === "return" || action === "reopen" ? { reason } : {};
        return post<ReportOut>(route("/v1/reports/{report_id}/{action}", { report_id: report.id, action }), body, current);
      },
      t("action.done", { a: t(`report.${action}`) }),
    );
  const upload = async (file: File | undefined) => {
    if (!file) return;
    const content = await toBase64(file);
    await run(() => call<ReportOut>("POST", route("/v1/reports/{report_id}/values/imports", { report_id: report.id }), { body: { content }, ifMatch: etag }), t("reports.saved"));
  };
  const workflow = report.actions.filter((a) => a !== "enter_values");
  const general = byCell.get("");

  return (
    <>
      <p>
        <a href="/reports">← {t("back")}</a>
      </p>
      <h1>
        {report.form_name} – {report.period}
      </h1>
      <p>
        {report.unit.name} → {report.receiving_unit.name} · {t(`report.status.${report.status}`)} · {t("reports.due_on")}: <Deadline due={report.due_on} urgency={report.first_submission ? (report.on_time ? "done_on_time" : "done_late") : undefined} />
      </p>
      <ProblemView error={error} />
      {general?.length ? (
        <ul class="problem" role="alert">
          {general.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
      <Notice text={done} />
      <div class="toolbar">
        <button type="button" onClick={() => download(route("/v1/reports/{report_id}/template", { report_id: report.id }), {}, `${report.form_code}-${report.period}-${report.unit.code ?? ""}.xlsx`, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}>
          {t("reports.template")}
        </button>
        {editable ? (
          <Field label={t("reports.upload")} id="sheet">
            <input id="sheet" type="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={(e) => upload(e.currentTarget.files?.[0])} />
          </Field>
        ) : null}
      </div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <div class="scroll">
          <table class="grid">
            <caption class="sr-only">{report.form_name}</caption>
            <thead>
              <tr>
                <th scope="col">{t("reports.indicator")}</th>
                <th scope="col">{t("reports.uom")}</th>
                <th scope="col">{t("reports.value")}</th>
                <th scope="col">{t("reports.comment")}</th>
              </tr>
            </thead>
            <tbody>
              {report.cells.map((c) => {
                const messages = byCell.get(c.cell);
                const commentMessages = byCell.get(`comment:${c.cell}`);
                const warning = warnings.get(c.cell);
                const vid = `v-${c.cell}`;
                const cid = `c-${c.cell}`;
                return (
                  <tr key={c.cell} class={messages ? "invalid" : undefined} data-cell={c.cell}>
                    <th scope="row">
                      <label for={vid}>{cellLabel(c.cell, c.name)}</label>
                    </th>
                    <td>{c.unit_of_measure}</td>
                    <td>
                      <input id={vid} inputMode={c.value_type === "text" ? "text" : "decimal"} disabled={!editable} aria-invalid={messages ? "true" : undefined} aria-describedby={messages || warning ? `${vid}-msg` : undefined} value={typed[c.cell] ?? ""} onInput={(e) => setTyped({ ...typed, [c.cell]: e.currentTarget.value })} />
                      {messages || warning ? (
                        <div id={`${vid}-msg`} class={messages ? "cell-error" : "cell-warning"} role={messages ? "alert" : undefined}>
                          {messages ? messages.join(" ") : warning}
                        </div>
                      ) : null}
                    </td>
                    <td>
                      <input id={cid} aria-label={`${t("reports.comment")}: ${c.name}`} disabled={!editable} aria-invalid={commentMessages ? "true" : undefined} value={comments[c.cell] ?? ""} onInput={(e) => setComments({ ...comments, [c.cell]: e.currentTarget.value })} />
                      {commentMessages ? <div class="cell-error">{commentMessages.join(" ")}</div> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div class="toolbar">
          {editable ? (
            <button type="submit" class="secondary">
              {t("reports.save")}
            </button>
          ) : null}
          {workflow.includes("return") || workflow.includes("reopen") ? (
            <Field label={t("tasks.reason")} id="reason">
              <input id="reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            </Field>
          ) : null}
          {workflow.map((a) => (
            <button type="button" key={a} class="primary" onClick={() => act(a)}>
              {t(`report.${a}`)}
            </button>
          ))}
        </div>
      </form>
    </>
  );
}
