// The forms name the API's fields: each field of a form is a property of the body its route
// takes in docs/openapi.json, and every field the body requires is in the form (so a renamed
// or a new required field fails here, not in an official's hands).
import { describe, expect, it } from "vitest";
import openapi from "../../docs/openapi.json?raw";
import { CASE_FORMS, DOCUMENT_FORMS, OUTGOING, SUBTASK, TASK_CANCEL, type FormSpec } from "../src/lib/forms";

const doc = JSON.parse(openapi);

function body(path: string): { properties: Record<string, unknown>; required?: string[] } {
  const op = doc.paths[path]?.post;
  expect(op, `no POST ${path}`).toBeTruthy();
  const ref: string = op.requestBody.content["application/json"].schema.$ref;
  return doc.components.schemas[ref.split("/").pop()!];
}

function check(spec: FormSpec, path: string, sent: (name: string) => string | null = (n) => n) {
  const schema = body(path);
  const names = spec.fields.map((f) => sent(f.name)).filter((n): n is string => n !== null);
  for (const name of names) expect(Object.keys(schema.properties), `${path}: ${name}`).toContain(name);
  for (const name of schema.required ?? []) expect(names, `${path} requires ${name}`).toContain(name);
}

describe("the forms and the API's bodies", () => {
  it("match for every case action with a form", () => {
    for (const [action, spec] of Object.entries(CASE_FORMS)) check(spec, `/v1/cases/{case_id}/${action.replace(/_/g, "-")}`);
  });
  it("match for every document action with a form", () => {
    for (const spec of Object.values(DOCUMENT_FORMS)) check(spec, `/v1/documents/{document_id}/${spec.path}`);
  });
  it("match for a task's cancellation and sub-task, and an outgoing draft", () => {
    check(TASK_CANCEL, "/v1/tasks/{task_id}/cancellation");
    check(SUBTASK, "/v1/tasks/{task_id}/subtasks");
    check(OUTGOING, "/v1/documents/outgoing", (n) => (n === "recipient_units" ? null : n));
  });
});
