// Cases: each with its legal deadline and the working days left; the denunciator by pseudonym only.
import { useState } from "preact/hooks";
import { get, route } from "../api/client";
import type { CasePage, Me } from "../api/types";
import { FilteredList } from "../components/FilteredList";
import { LegalDeadline } from "../components/LegalDeadline";
import { useLoad } from "../components/ui";
import { formatDate } from "../lib/dates";
import { label, t } from "../lib/i18n";

type Line = CasePage["items"][number];
const KINDS = ["voter_petition", "complaint", "denunciation"];

export function Cases({ me }: { me: Me }) {
  const [kind, setKind] = useState("");
  const list = useLoad(() => get<CasePage>(route("/v1/cases"), { kind: kind || undefined, limit: 200 }).then((r) => r.data.items), [kind, me.id]);
  return (
    <>
      <h1>{t("cases.title")}</h1>
      <FilteredList<Line>
        id="cases"
        caption={t("cases.title")}
        state={list}
        filters={[{ id: "c-kind", label: t("cases.kind"), value: kind, set: setKind, options: KINDS.map((k) => [k, t(`kind.${k}`)]) }]}
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
