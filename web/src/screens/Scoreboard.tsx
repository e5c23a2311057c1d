// The scoreboard: units ranked by on-time rate (city leaders get the ranking), and a chart per system.
import { get, route } from "../api/client";
import type { Me, Scoreboard as Board } from "../api/types";
import { Bars, Loaded, useLoad } from "../components/ui";
import { formatDate } from "../lib/dates";
import { t } from "../lib/i18n";
import { collator } from "../lib/text";

const SYSTEMS = ["documents", "tasks", "cases", "reports"];

export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? "—" : `${(rate * 100).toLocaleString("vi-VN", { maximumFractionDigits: 1 })}%`;
}

export function Scoreboard(_: { me: Me }) {
  const board = useLoad(() => get<Board>(route("/v1/scoreboard")).then((r) => r.data), []);
  return (
    <>
      <h1>{t("score.title")}</h1>
      <Loaded state={board}>
        {(b) => {
          const ranking = (b.ranking ?? []) as { rank: number; unit_id: string; name: string; on_time_rate: number; judged: number; met_on_time: number }[];
          const units = [...b.units].sort((x, y) => (y.total.on_time_rate ?? -1) - (x.total.on_time_rate ?? -1) || collator.compare(x.name, y.name));
          return (
            <>
              <p>{t("score.window", { from: formatDate(b.from_date), to: formatDate(b.to_date) })}</p>
              <div class="scroll">
                <table>
                  <caption>{t("score.title")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("score.rank")}</th>
                      <th scope="col">{t("score.unit")}</th>
                      <th scope="col">{t("score.rate")}</th>
                      <th scope="col">{t("score.judged")}</th>
                      <th scope="col">{t("score.on_time")}</th>
                      <th scope="col">{t("score.late")}</th>
                      <th scope="col">{t("score.missed")}</th>
                      <th scope="col">{t("score.open")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {units.map((u, i) => {
                      const ranked = ranking.find((r) => r.unit_id === u.unit_id);
                      return (
                        <tr key={u.unit_id}>
                          <td>{ranked?.rank ?? i + 1}</td>
                          <th scope="row">{u.name}</th>
                          <td>{percent(u.total.on_time_rate)}</td>
                          <td>{u.total.met_on_time + u.total.met_late + u.total.missed}</td>
                          <td>{u.total.met_on_time}</td>
                          <td>{u.total.met_late}</td>
                          <td>{u.total.missed}</td>
                          <td>{u.total.still_open}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              <h2>{t("score.by_system")}</h2>
              <div class="charts">
                {SYSTEMS.map((s) => (
                  <Bars
                    key={s}
                    title={t(`system.${s}`)}
                    rows={units.map((u) => ({ label: u.name, value: ((u.systems as Record<string, { on_time_rate?: number | null }>)[s]?.on_time_rate ?? null) }))}
                    format={(v) => percent(v)}
                  />
                ))}
              </div>
            </>
          );
        }}
      </Loaded>
    </>
  );
}
