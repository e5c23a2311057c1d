// Reporting: my unit's reports (open first), those sent to my unit, and the forms' figures.
import { useState } from "preact/hooks";
import { get, route } from "../api/client";
import type { Me, ReportFormPage, ReportPage, ReportSummary } from "../api/types";
import { Deadline, Loaded, useLoad } from "../components/ui";
import { urgencyOf } from "../lib/deadline";
import { t } from "../lib/i18n";
import { byName, matches } from "../lib/text";

function ReportTable({ items, caption }: { items: ReportSummary[]; caption: string }) {
  const now = new Date();
  return (
    <div class="scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("reports.form")}</th>
            <th scope="col">{t("reports.period")}</th>
            <th scope="col">{t("reports.unit")}</th>
            <th scope="col">{t("docs.status")}</th>
            <th scope="col">{t("reports.due_on")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={r.id}>
              <td>
                <a href={`/reports/${r.id}`}>{r.form_name}</a>
              </td>
              <td>{r.period}</td>
              <td>{r.unit.name}</td>
              <td>{t(`report.status.${r.status}`)}</td>
              <td>
                <Deadline due={r.due_on} urgency={r.status === "open" || r.status === "returned" ? urgencyOf(r.due_on, now) : r.on_time === null ? "none" : r.on_time ? "done_on_time" : "done_late"} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length === 0 ? <p>{t("none")}</p> : null}
    </div>
  );
}

const ORDER = ["returned", "open", "submitted", "approved", "accepted"];

export function Reports({ me }: { me: Me }) {
  const [q, setQ] = useState("");
  const unit = me.unit?.id;
  const state = useLoad(async () => {
    const [mine, received, forms] = await Promise.all([
      unit ? get<ReportPage>(route("/v1/reports"), { unit_id: unit, limit: 200 }) : null,
      unit ? get<ReportPage>(route("/v1/reports"), { to_unit_id: unit, limit: 200 }) : null,
      get<ReportFormPage>(route("/v1/report-forms")),
    ]);
    const sort = (a: ReportSummary, b: ReportSummary) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || a.due_on.localeCompare(b.due_on);
    return { mine: mine?.data.items.sort(sort) ?? [], received: received?.data.items.sort(sort) ?? [], forms: forms.data.items.sort(byName((f) => f.name)) };
  }, [unit]);
  return (
    <>
      <h1>{t("reports.title")}</h1>
      <div class="field inline">
        <label for="report-q">{t("search")}</label>
        <input id="report-q" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
      </div>
      <Loaded state={state}>
        {(d) => (
          <>
            <ReportTable caption={t("reports.mine")} items={d.mine.filter((r) => matches(q, r.form_name, r.period, r.unit.name))} />
            {d.received.length ? <ReportTable caption={t("report.accept")} items={d.received.filter((r) => matches(q, r.form_name, r.period, r.unit.name))} /> : null}
            <h2>{t("reports.completeness")}</h2>
            <ul>
              {d.forms
                .filter((f) => matches(q, f.name, f.code))
                .map((f) => (
                  <li key={f.id}>
                    <a href={`/report-forms/${f.id}`}>{f.name}</a> ({f.code})
                  </li>
                ))}
            </ul>
          </>
        )}
      </Loaded>
    </>
  );
}
