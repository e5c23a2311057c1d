// A list with its filters: the API's filters as selects (each change reads the list again),
// a search box that ignores diacritics (on what is loaded), a table with a caption, and "more"
// for the next page. The tasks', cases' and outgoing documents' lists are each this with
// their own columns.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { t } from "../lib/i18n";
import { matches } from "../lib/text";
import { Loaded } from "./ui";

export interface Filter {
  id: string;
  label: string;
  value: string;
  set: (value: string) => void;
  /** [value, label]; an empty value ("all") comes first. */
  options: [string, string][];
  /** What the empty value is called, when it is not "all" (e.g. the caller's own unit). */
  empty?: string;
}

export interface Column<T> {
  label: string;
  cell: (row: T) => ComponentChildren;
}

export function FilteredList<T extends { id: string }>({
  id,
  caption,
  filters,
  state,
  words,
  columns,
}: {
  id: string;
  caption: string;
  filters: Filter[];
  state: { data: T[] | null; error: unknown; more?: (() => void) | null };
  /** The texts the search box looks in. */
  words: (row: T) => (string | null | undefined)[];
  columns: Column<T>[];
}) {
  const [q, setQ] = useState("");
  return (
    <>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        {filters.map((f) => (
          <div class="field" key={f.id}>
            <label for={f.id}>{f.label}</label>
            <select id={f.id} value={f.value} onChange={(e) => f.set(e.currentTarget.value)}>
              <option value="">{f.empty ?? t("all")}</option>
              {f.options.map(([value, text]) => (
                <option key={value} value={value}>
                  {text}
                </option>
              ))}
            </select>
          </div>
        ))}
        <div class="field">
          <label for={`${id}-q`}>{t("search")}</label>
          <input id={`${id}-q`} type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        </div>
      </form>
      <Loaded state={state}>
        {(items) => {
          const shown = items.filter((row) => matches(q, ...words(row)));
          return (
            <div class="scroll">
              <table>
                <caption class="sr-only">{caption}</caption>
                <thead>
                  <tr>
                    {columns.map((c) => (
                      <th scope="col" key={c.label}>
                        {c.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {shown.map((row) => (
                    <tr key={row.id}>
                      {columns.map((c) => (
                        <td key={c.label}>{c.cell(row)}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
              {shown.length === 0 ? <p>{t("none")}</p> : null}
              {state.more ? (
                <p>
                  <button type="button" onClick={state.more}>
                    {t("more")}
                  </button>
                </p>
              ) : null}
            </div>
          );
        }}
      </Loaded>
    </>
  );
}
