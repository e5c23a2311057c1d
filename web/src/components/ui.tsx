// Small pieces every screen uses: loading data, showing a problem, a deadline badge, fields.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../api/client";
import { formatDate, formatDateTime } from "../lib/dates";
import { urgencyOf, urgencyWords, type Urgency } from "../lib/deadline";
import { t } from "../lib/i18n";

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: unknown; reload: () => void } {
  const [state, setState] = useState<{ data: T | null; error: unknown }>({ data: null, error: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ data, error: null }),
      (error) => live && setState({ data: null, error }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { ...state, reload: useCallback(() => setTick((n) => n + 1), []) };
}

/** A list read page by page: the first page when `deps` change; `more` (null when there is no
 * further page) appends the next one, so nothing beyond the first page is out of reach. */
export function usePages<T>(
  page: (cursor?: string) => Promise<{ items: T[]; next_cursor?: string | null }>,
  deps: unknown[],
): { data: T[] | null; error: unknown; reload: () => void; more: (() => void) | null } {
  const [state, setState] = useState<{ data: T[] | null; error: unknown; next: string | null }>({ data: null, error: null, next: null });
  const [tick, setTick] = useState(0);
  const generation = useRef(0);
  useEffect(() => {
    const mine = ++generation.current;
    page().then(
      (p) => mine === generation.current && setState({ data: p.items, error: null, next: p.next_cursor ?? null }),
      (error) => mine === generation.current && setState({ data: null, error, next: null }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const next = state.next;
  const more = next
    ? () => {
        const mine = generation.current;
        setState((s) => ({ ...s, next: null })); // one request for a double click
        page(next).then(
          (p) => mine === generation.current && setState((s) => ({ data: [...(s.data ?? []), ...p.items], error: null, next: p.next_cursor ?? null })),
          (error) => mine === generation.current && setState((s) => ({ ...s, error, next })),
        );
      }
    : null;
  return { data: state.data, error: state.error, reload: useCallback(() => setTick((n) => n + 1), []), more };
}

export function problemText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t("error.network");
    const p = error.problem;
    const first = p.errors?.[0]?.msg;
    return [p.detail || p.title, first && first !== p.detail ? first : ""].filter(Boolean).join(" — ");
  }
  return String((error as Error)?.message ?? error);
}

export function ProblemView({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div class="problem" role="alert">
      <strong>{t("error.title")}: </strong>
      {problemText(error)}
    </div>
  );
}

export function Loading() {
  return <p aria-live="polite">{t("loading")}</p>;
}

export function Loaded<T>({ state, children }: { state: { data: T | null; error: unknown }; children: (data: T) => ComponentChildren }) {
  if (state.error) return <ProblemView error={state.error} />;
  if (state.data === null) return <Loading />;
  return <>{children(state.data)}</>;
}

/** A deadline with its colour and its words (never colour alone), and its date. */
export function Deadline({ due, urgency, now = new Date(), extra }: { due?: string | null; urgency?: Urgency; now?: Date; extra?: string }) {
  const u = urgency ?? urgencyOf(due, now);
  return (
    <span class={`deadline d-${u}`}>
      <span class="badge">{urgencyWords(u)}</span>
      {due ? <span class="due"> {/T/.test(due) ? formatDateTime(due) : formatDate(due)}</span> : null}
      {extra ? <span class="extra"> ({extra})</span> : null}
    </span>
  );
}

export function Field({ label, id, children, hint }: { label: string; id: string; children: ComponentChildren; hint?: string }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {hint ? <small id={`${id}-hint`}>{hint}</small> : null}
    </div>
  );
}

export function Notice({ text }: { text: string | null }) {
  return (
    <p class="ok" role="status" aria-live="polite">
      {text ?? ""}
    </p>
  );
}

/** Horizontal bars, labelled, with the figures written beside them (readable without the colour). */
export function Bars({ title, rows, max = 1, format = (v: number) => `${Math.round(v * 100)}%` }: { title: string; rows: { label: string; value: number | null }[]; max?: number; format?: (v: number) => string }) {
  return (
    <figure class="bars">
      <figcaption>{title}</figcaption>
      <ul>
        {rows.map((r) => (
          <li key={r.label}>
            <span class="bar-name">{r.label}</span>
            <span class="bar-track" aria-hidden="true">
              <span class="bar" style={{ width: `${Math.max(0, Math.min(100, ((r.value ?? 0) / (max || 1)) * 100))}%` }} />
            </span>
            <span class="bar-value">{r.value === null ? "—" : format(r.value)}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
