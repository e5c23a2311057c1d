// A form of one structured body (`lib/forms`): a label for every field, and the API's 422
// messages shown at the fields they are about (aria-invalid, aria-describedby); the problem's
// other words above the button.
import { useState } from "preact/hooks";
import { ApiError } from "../api/client";
import { bodyOf, errorsByField, shown, type FormField, type FormSpec, type Values } from "../lib/forms";
import { t } from "../lib/i18n";
import { ProblemView } from "./ui";

export function ActionForm({
  id,
  spec,
  send,
  choices = {},
  onCancel,
}: {
  id: string;
  spec: FormSpec;
  /** Sends the body; rejects with the API's error. */
  send: (body: Record<string, unknown>) => Promise<unknown>;
  /** Choices filled at run time (units), by field name. */
  choices?: Record<string, [string, string][]>;
  onCancel?: () => void;
}) {
  const [values, setValues] = useState<Values>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const problem = error instanceof ApiError ? error.problem : null;
  const messages = errorsByField(problem, spec);
  const set = (name: string, value: string | boolean) => setValues({ ...values, [name]: value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await send(bodyOf(spec, values));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const general = messages.get("");
  return (
    <form class="panel" aria-labelledby={`${id}-h`} onSubmit={submit} noValidate>
      <h2 id={`${id}-h`}>{spec.title}</h2>
      {spec.fields
        .filter((f) => shown(f, values))
        .map((f) => (
          <Input key={f.name} id={`${id}-${f.name}`} field={f} value={values[f.name]} set={set} errors={messages.get(f.name)} choices={choices[f.name] ?? f.choices} />
        ))}
      {error && (!problem || general?.length || messages.size === 0) ? <ProblemView error={error} /> : null}
      {problem && !general && messages.size ? (
        <p class="problem" role="alert">
          {problem.status === 422 ? t("forms.invalid") : problem.detail || problem.title}
        </p>
      ) : null}
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy}>
          {spec.submit}
        </button>
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            {t("cancel")}
          </button>
        ) : null}
      </div>
    </form>
  );
}

function Input({ id, field, value, set, errors, choices }: { id: string; field: FormField; value: string | boolean | undefined; set: (name: string, value: string | boolean) => void; errors?: string[]; choices?: [string, string][] }) {
  const described = [errors?.length ? `${id}-error` : "", field.hint ? `${id}-hint` : ""].filter(Boolean).join(" ") || undefined;
  const common = { id, name: field.name, "aria-invalid": errors?.length ? true : undefined, "aria-describedby": described, required: field.required };
  const text = typeof value === "string" ? value : "";
  let control;
  if (field.kind === "select") {
    control = (
      <select {...common} value={text} onChange={(e) => set(field.name, e.currentTarget.value)}>
        <option value="">—</option>
        {(choices ?? []).map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === "multi") {
    const picked = text.split("\n");
    control = (
      <select {...common} multiple size={5} onChange={(e) => set(field.name, [...e.currentTarget.selectedOptions].map((o) => o.value).join("\n"))}>
        {(choices ?? []).map(([v, l]) => (
          <option key={v} value={v} selected={picked.includes(v)}>
            {l}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === "textarea") {
    control = <textarea {...common} value={text} onInput={(e) => set(field.name, e.currentTarget.value)} />;
  } else if (field.kind === "check") {
    control = <input {...common} type="checkbox" checked={value === true} onChange={(e) => set(field.name, e.currentTarget.checked)} />;
  } else {
    const onInput = (e: Event) => set(field.name, (e.currentTarget as HTMLInputElement).value);
    control =
      field.kind === "number" ? (
        <input {...common} type="number" min={1} value={text} onInput={onInput} />
      ) : (
        <input {...common} type="text" placeholder={field.kind === "date" ? "dd/mm/yyyy" : undefined} value={text} onInput={onInput} />
      );
  }
  return (
    <div class={`field${field.kind === "check" ? " check" : ""}${errors?.length ? " invalid" : ""}`}>
      <label for={id}>
        {field.label}
        {field.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {control}
      {field.hint ? <small id={`${id}-hint`}>{field.hint}</small> : null}
      {errors?.length ? (
        <p class="field-error" id={`${id}-error`}>
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}
