// Cases: each with its legal deadline and the working days left; the denunciator by pseudonym only.
// The caller's own unit's cases, or a unit's below it; those who see the whole city's cases
// (`city_wide` in GET /v1/me: city leaders, the city Inspectorate) start with those that have a
// deadline running, by due date.
import { useState } from "preact/hooks";
import { get, route } from "../api/client";
import type { CasePage, Me } from "../api/types";
import { FilteredList } from "../components/FilteredList";
import { LegalDeadline } from "../components/LegalDeadline";
import { useLoad, usePages } from "../components/ui";
import { formatDate } from "../lib/dates";
import { label, t } from "../lib/i18n";
import { units } from "../lib/units";

type Line = CasePage["items"][number];
const KINDS = ["voter_petition", "complaint", "denunciation"];

/** The whole city, for the list: the API lists it by due date, so over every due date. */
const CITY = { unit_id: "all", due_from: "2000-01-01", due_to: "2100-12-31" };

export function Cases({ me }: { me: Me }) {
  const [kind, setKind] = useState("");
  const cityWide = me.city_wide.includes("cases"); // the API's own rule, told by GET /v1/me
  const [unit, setUnit] = useState(cityWide ? "city" : "");
  const all = useLoad(() => units(), []);
  const mine = me.unit?.id;
  const below = (all.data ?? []).filter((u) => mine && u.path.includes(mine) && u.id !== mine);
  const where = unit === "city" ? CITY : unit ? { unit_id: unit } : {};
  const list = usePages((cursor) => get<CasePage>(route("/v1/cases"), { kind: kind || undefined, ...where, limit: 100, cursor }).then((r) => r.data), [kind, unit, me.id]);
  const unitOptions: [string, string][] = [
    ...(cityWide ? [["city", t("cases.whole_city")] as [string, string]] : []),
    ...below.map((u) => [u.id, u.name] as [string, string]),
  ];
  return (
    <>
      <h1>{t("cases.title")}</h1>
      <FilteredList<Line>
        id="cases"
        caption={t("cases.title")}
        state={list}
        filters={[
          { id: "c-kind", label: t("cases.kind"), value: kind, set: setKind, options: KINDS.map((k) => [k, t(`kind.${k}`)]) },
          { id: "c-unit", label: t("cases.unit"), value: unit, set: setUnit, options: unitOptions, empty: me.unit?.name ?? t("all") },
        ]}
        words={(c) => [c.reference, c.summary, c.pseudonym]}
        columns={[
          {
            label: t("cases.reference"),
            cell: (c) => (
              <>
                <a href={`/cases/${c.id}`}>{c.reference}</a>
                {c.summary ? <div class="meta">{c.summary}</div> : null}
              </>
            ),
          },
          { label: t("cases.kind"), cell: (c) => t(`kind.${c.kind}`) },
          { label: t("cases.pseudonym"), cell: (c) => c.pseudonym },
          { label: t("cases.received_on"), cell: (c) => formatDate(c.received_on) },
          { label: t("cases.status"), cell: (c) => label("case.status", c.status) },
          { label: t("cases.deadlines"), cell: (c) => <LegalDeadline due={c.due_at} /> },
        ]}
      />
    </>
  );
}
