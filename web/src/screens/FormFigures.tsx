// A form's figures: the completeness heat map (units × periods, each cell with its words) and
// one indicator's series for a unit as a chart.
import { useState } from "preact/hooks";
import { get, route } from "../api/client";
import type { Completeness, Me, ReportFormPage, Series } from "../api/types";
import { Bars, Loaded, useLoad } from "../components/ui";
import { t } from "../lib/i18n";
import { byName } from "../lib/text";

/** The last `n` period names of a monthly form up to `today`'s month (YYYY-MM). */
export function lastMonths(today: string, n: number): string[] {
  const [y, m] = today.split("-").map(Number) as [number, number];
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`);
  }
  return out;
}

export function FormFigures({ id, me }: { id: string; me: Me }) {
  const forms = useLoad(() => get<ReportFormPage>(route("/v1/report-forms")).then((r) => r.data.items.find((f) => f.id === id) ?? null), [id]);
  return <Loaded state={forms}>{(form) => (form ? <Figures form={form} me={me} /> : <p>{t("none")}</p>)}</Loaded>;
}

function Figures({ form, me }: { form: ReportFormPage["items"][number]; me: Me }) {
  const opened = [...(form.opened_periods ?? [])].sort();
  const from = opened[Math.max(0, opened.length - 6)] ?? lastMonths(new Date().toISOString().slice(0, 10), 1)[0]!;
  const to = opened[opened.length - 1] ?? from;
  const matrix = useLoad(() => get<Completeness>(route("/v1/report-forms/{form_id}/completeness", { form_id: form.id }), { from, to }).then((r) => r.data), [form.id, from, to]);
  const [code, setCode] = useState(form.indicator_codes[0] ?? "");
  const [unit, setUnit] = useState(me.unit?.id ?? "");
  const series = useLoad(() => (code ? get<Series>(route("/v1/indicators/{code}/series", { code }), { unit_id: unit || undefined }).then((r) => r.data) : Promise.resolve(null)), [code, unit]);
  return (
    <>
      <p>
        <a href="/reports">← {t("back")}</a>
      </p>
      <h1>{form.name}</h1>
      <h2>{t("reports.completeness")}</h2>
      <Loaded state={matrix}>
        {(m) => (
          <div class="scroll">
            <table class="heat">
              <caption class="sr-only">{t("reports.completeness")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("reports.unit")}</th>
                  {m.periods.map((p) => (
                    <th scope="col" key={p}>
                      {p}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {[...m.units].sort(byName((u) => u.name)).map((u) => (
                  <tr key={u.unit_id}>
                    <th scope="row">
                      <button type="button" class="link" onClick={() => setUnit(u.unit_id)}>
                        {u.name}
                      </button>
                    </th>
                    {m.periods.map((p) => {
                      const cell = u.periods[p];
                      const state = cell?.state ?? "none";
                      return (
                        <td key={p} class={`heat-${state}`}>
                          {cell ? <a href={`/reports/${cell.report_id}`}>{t(`reports.state.${state}`)}</a> : t("reports.state.none")}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
      <h2>{t("reports.series")}</h2>
      <div class="field inline">
        <label for="series-code">{t("reports.indicator")}</label>
        <select id="series-code" value={code} onChange={(e) => setCode(e.currentTarget.value)}>
          {form.indicator_codes.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </div>
      <Loaded state={series}>
        {(s) => {
          const points = (s?.items ?? []).filter((p) => typeof p.value === "number") as { period: string; value: number }[];
          if (!s || !points.length) return <p>{t("reports.no_series")}</p>;
          const max = Math.max(...points.map((p) => p.value), 1);
          return <Bars title={`${s.indicator} – ${s.unit_name}`} rows={points.map((p) => ({ label: p.period, value: p.value }))} max={max} format={(v) => v.toLocaleString("vi-VN")} />;
        }}
      </Loaded>
    </>
  );
}
