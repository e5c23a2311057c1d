// What a user may do to a task, a document or a case. Reports carry `actions` from the API and
// the console shows exactly those; tasks, documents and cases do not (yet), so these rules
// mirror the permission tables of docs/tasks.md, docs/documents.md and docs/cases.md, and the
// API refuses anything else with 403/409 (shown as the problem it is).
import type { Case, DocumentOut, Me, Task } from "../api/types";

const has = (me: Me, role: string) => me.roles.includes(role);
const inUnit = (me: Me, unitId: string | null | undefined) => !!unitId && me.unit?.id === unitId;

export type TaskAction = "progress" | "request_extension" | "decide_extension" | "complete" | "confirm" | "return";

export function taskActions(me: Me, task: Task): TaskAction[] {
  const out: TaskAction[] = [];
  const lead = inUnit(me, task.lead_unit_id);
  const coordinating = task.coordinating_unit_ids.some((u) => inUnit(me, u));
  const leader = has(me, "unit_leader") || has(me, "city_leader");
  const assigning = has(me, "city_leader") || task.created_by?.id === me.id || task.on_behalf_of?.id === me.id || task.assigned_by?.id === me.id;
  const pending = task.extensions.some((e) => e.status === "pending");
  if (task.status === "in_progress") {
    if (lead || coordinating) out.push("progress");
    if (lead && leader && task.due_date && !pending) out.push("request_extension");
    if (lead) out.push("complete");
    if (assigning && pending) out.push("decide_extension");
  }
  if (task.status === "awaiting_confirmation" && assigning) out.push("confirm", "return");
  return out;
}

export type DocumentAction = "present" | "direct" | "submit" | "sign" | "issue" | "upload";

export function documentActions(me: Me, doc: DocumentOut): DocumentAction[] {
  const out: DocumentAction[] = [];
  const owner = inUnit(me, (doc.unit as { id?: string }).id);
  const clerk = has(me, "clerk");
  const leader = has(me, "unit_leader") || has(me, "city_leader");
  if (doc.kind === "incoming") {
    if (owner && clerk && doc.status === "registered") out.push("present", "upload");
    // the People's Committee's Office registers what the city leaders direct
    const officeOfCity = (doc.unit as { code?: string }).code === "VP-UBND";
    if ((doc.status === "registered" || doc.status === "presented") && ((owner && leader) || (officeOfCity && has(me, "city_leader")))) out.push("direct");
  } else {
    const drafter = (doc.created_by as { id?: string }).id === me.id;
    const issuing = inUnit(me, doc.issuing_unit_id ?? (doc.unit as { id?: string }).id);
    if (doc.status === "drafted" && drafter) out.push("upload", "submit");
    if (doc.status === "submitted" && issuing && leader) out.push("upload", "sign");
    if (doc.status === "signed" && issuing && clerk) out.push("issue");
  }
  return out;
}

/** Each kind's actions and the statuses they start from (cases/workflow.py's machines). */
const HANDLED = (working: string[]) => ({
  forward: ["forwarding"],
  accept: ["received"],
  assign: ["received", ...working, "suspended"],
  verify: ["accepted"],
  resume: ["suspended"],
});
export const CASE_MACHINES: Record<string, Record<string, string[]>> = {
  complaint: { ...HANDLED(["accepted", "verifying", "dialogue"]), publish: ["decided"] },
  denunciation: { ...HANDLED(["accepted", "verifying"]), notify: ["accepted", "verifying", "concluded", "published"], publish: ["concluded"] },
  voter_petition: { forward: ["forwarding"], assign: ["received", "verifying", "being_resolved"], verify: ["received"], publish: ["resolved", "being_resolved", "explained"] },
};

/** The case actions the console offers (those whose body is a note, and assigning oneself). */
export function caseActions(me: Me, c: Case): string[] {
  if (!inUnit(me, c.handling_unit_id) && !inUnit(me, c.receiving_unit_id)) return [];
  const machine = CASE_MACHINES[c.kind] ?? {};
  const staff = has(me, "inspector") || has(me, "unit_leader") || has(me, "clerk") || has(me, "officer");
  if (!staff) return [];
  return Object.entries(machine)
    .filter(([action, from]) => from.includes(c.status) && (action !== "assign" || c.handler_id !== me.id))
    .map(([action]) => action);
}

/** Only the assigned handler may read a denunciator's identity; the read is recorded. */
export function mayRevealIdentity(me: Me, c: Case): boolean {
  return !c.anonymous && c.handler_id === me.id;
}
