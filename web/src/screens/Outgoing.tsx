// Outgoing documents: the drafts and issued documents the user may see, and the draft form.
// A draft is then submitted, signed and issued on its page, as its `actions` allow.
import { useState } from "preact/hooks";
import { get, post, route } from "../api/client";
import type { DocumentOut, DocumentPage, Me } from "../api/types";
import { ActionForm } from "../components/ActionForm";
import { FilteredList } from "../components/FilteredList";
import { useLoad, usePages } from "../components/ui";
import { formatDate, formatDateTime } from "../lib/dates";
import { OUTGOING, recipientsOf } from "../lib/forms";
import { label, t } from "../lib/i18n";
import { navigate } from "../lib/router";
import { units } from "../lib/units";

type Line = DocumentPage["items"][number];
const STATUSES = ["drafted", "submitted", "signed", "issued", "revoked"];

export function Outgoing({ me }: { me: Me }) {
  const [status, setStatus] = useState("");
  const [drafting, setDrafting] = useState(false);
  const all = useLoad(() => units(), []);
  const list = usePages((cursor) => get<DocumentPage>(route("/v1/documents"), { kind: "outgoing", status: status || undefined, limit: 100, cursor }).then((r) => r.data), [status, me.id]);
  const unitChoices: [string, string][] = (all.data ?? []).filter((u) => u.active !== false).map((u) => [u.id, u.name]);
  return (
    <>
      <p>
        <a href="/documents">← {t("docs.incoming")}</a>
      </p>
      <h1>{t("docs.outgoing")}</h1>
      <button type="button" class="primary" aria-expanded={drafting} onClick={() => setDrafting(!drafting)}>
        {t("docs.outgoing_new")}
      </button>
      {drafting ? (
        <ActionForm
          id="draft"
          spec={OUTGOING}
          choices={{ recipient_units: unitChoices }}
          onCancel={() => setDrafting(false)}
          send={async (body) => {
            const made = await post<DocumentOut>(route("/v1/documents/outgoing"), recipientsOf(body));
            navigate(`/documents/${made.data.id}`);
          }}
        />
      ) : null}
      <FilteredList<Line>
        id="outgoing"
        caption={t("docs.outgoing")}
        state={list}
        filters={[{ id: "o-status", label: t("docs.status"), value: status, set: setStatus, options: STATUSES.map((s) => [s, label("doc.status", s)]) }]}
        words={(d) => [d.summary, d.number_symbol]}
        columns={[
          { label: t("docs.number_symbol"), cell: (d) => d.number_symbol ?? "—" },
          { label: t("docs.doc_type"), cell: (d) => d.doc_type },
          { label: t("docs.summary"), cell: (d) => <a href={`/documents/${d.id}`}>{d.summary}</a> },
          { label: t("docs.status"), cell: (d) => label("doc.status", d.status) },
          { label: t("docs.issued_on"), cell: (d) => (d.issued_on ? formatDate(d.issued_on) : formatDateTime(d.created_at)) },
        ]}
      />
    </>
  );
}
