// Tasks: filtered by status class, source and unit (the API's filters), searched without diacritics.
import { useState } from "preact/hooks";
import { get, route } from "../api/client";
import type { Me, StatusClass, TaskLine, TaskPage, TaskSource } from "../api/types";
import { FilteredList } from "../components/FilteredList";
import { Deadline, useLoad, usePages } from "../components/ui";
import { urgencyOfClass } from "../lib/deadline";
import { t } from "../lib/i18n";
import { nameOf, units } from "../lib/units";

const CLASSES: StatusClass[] = ["in_progress_on_time", "in_progress_overdue", "done_on_time", "done_late", "no_deadline", "cancelled"];
const SOURCES: TaskSource[] = ["government", "prime_minister", "city_party_committee", "people_council", "people_committee"];

export function Tasks({ me }: { me: Me }) {
  const [statusClass, setStatusClass] = useState("");
  const [source, setSource] = useState("");
  const [unit, setUnit] = useState("");
  const all = useLoad(() => units(), []);
  const list = usePages(
    (cursor) => get<TaskPage>(route("/v1/tasks"), { status_class: statusClass || undefined, source: source || undefined, unit_id: unit || undefined, limit: 100, cursor }).then((r) => r.data),
    [statusClass, source, unit, me.id],
  );
  const now = new Date();
  const due = (task: TaskLine) => task.deadline ?? task.due_date;
  return (
    <>
      <h1>{t("tasks.title")}</h1>
      <FilteredList<TaskLine>
        id="tasks"
        caption={t("tasks.title")}
        state={list}
        filters={[
          { id: "f-class", label: t("tasks.status_class"), value: statusClass, set: setStatusClass, options: CLASSES.map((c) => [c, t(`class.${c}`)]) },
          { id: "f-source", label: t("tasks.source"), value: source, set: setSource, options: SOURCES.map((s) => [s, t(`source.${s}`)]) },
          { id: "f-unit", label: t("tasks.unit"), value: unit, set: setUnit, options: (all.data ?? []).map((u) => [u.id, u.name]) },
        ]}
        words={(task) => [task.title, nameOf(all.data, task.lead_unit_id)]}
        columns={[
          { label: t("tasks.content"), cell: (task) => <a href={`/tasks/${task.id}`}>{task.title}</a> },
          { label: t("docs.lead"), cell: (task) => nameOf(all.data, task.lead_unit_id) },
          { label: t("tasks.status_class"), cell: (task) => t(`class.${task.status_class}`) },
          { label: t("tasks.percent"), cell: (task) => `${task.percent}%` },
          { label: t("tasks.due"), cell: (task) => <Deadline due={due(task)} urgency={urgencyOfClass(task.status_class, due(task), now)} /> },
        ]}
      />
    </>
  );
}
