// Tasks: filtered by status class, source and unit (the API's filters), searched without diacritics.
import { useState } from "preact/hooks";
import { get, route } from "../api/client";
import type { Me, StatusClass, TaskPage, TaskSource } from "../api/types";
import { Deadline, Loaded, useLoad } from "../components/ui";
import { urgencyOfClass } from "../lib/deadline";
import { t } from "../lib/i18n";
import { matches } from "../lib/text";
import { nameOf, units } from "../lib/units";

const CLASSES: StatusClass[] = ["in_progress_on_time", "in_progress_overdue", "done_on_time", "done_late", "no_deadline", "cancelled"];
const SOURCES: TaskSource[] = ["government", "prime_minister", "city_party_committee", "people_council", "people_committee"];

export function Tasks({ me }: { me: Me }) {
  const [statusClass, setStatusClass] = useState("");
  const [source, setSource] = useState("");
  const [unit, setUnit] = useState("");
  const [q, setQ] = useState("");
  const all = useLoad(() => units(), []);
  const list = useLoad(
    () => get<TaskPage>(route("/v1/tasks"), { status_class: statusClass || undefined, source: source || undefined, unit_id: unit || undefined, limit: 200 }).then((r) => r.data.items),
    [statusClass, source, unit, me.id],
  );
  const now = new Date();
  return (
    <>
      <h1>{t("tasks.title")}</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="f-class">{t("tasks.status_class")}</label>
          <select id="f-class" value={statusClass} onChange={(e) => setStatusClass(e.currentTarget.value)}>
            <option value="">{t("all")}</option>
            {CLASSES.map((c) => (
              <option key={c} value={c}>
                {t(`class.${c}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-source">{t("tasks.source")}</label>
          <select id="f-source" value={source} onChange={(e) => setSource(e.currentTarget.value)}>
            <option value="">{t("all")}</option>
            {SOURCES.map((s) => (
              <option key={s} value={s}>
                {t(`source.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-unit">{t("tasks.unit")}</label>
          <select id="f-unit" value={unit} onChange={(e) => setUnit(e.currentTarget.value)}>
            <option value="">{t("all")}</option>
            {(all.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-q">{t("search")}</label>
          <input id="f-q" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        </div>
      </form>
      <Loaded state={list}>
        {(items) => {
          const shown = items.filter((task) => matches(q, task.title, nameOf(all.data, task.lead_unit_id)));
          return (
            <div class="scroll">
              <table>
                <caption class="sr-only">{t("tasks.title")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("tasks.content")}</th>
                    <th scope="col">{t("docs.lead")}</th>
                    <th scope="col">{t("tasks.status_class")}</th>
                    <th scope="col">{t("tasks.percent")}</th>
                    <th scope="col">{t("tasks.due")}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((task) => (
                    <tr key={task.id}>
                      <td>
                        <a href={`/tasks/${task.id}`}>{task.title}</a>
                      </td>
                      <td>{nameOf(all.data, task.lead_unit_id)}</td>
                      <td>{t(`class.${task.status_class}`)}</td>
                      <td>{task.percent}%</td>
                      <td>
                        <Deadline due={task.deadline ?? task.due_date} urgency={urgencyOfClass(task.status_class, task.deadline ?? task.due_date, now)} />
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
