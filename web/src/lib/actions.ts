// What the signed-in user may do to a task, a document, a case or a report: the reply's
// `actions`, which the API computes from its state machines and its access rules (one place,
// `Pipeline.actions`). The console keeps no copy of those rules; it shows a button or a form
// for each action listed, and the API still refuses anything else (403/409, shown as is).
import type { Case, Me } from "../api/types";

export function may(entity: { actions?: string[] | null }, action: string): boolean {
  return (entity.actions ?? []).includes(action);
}

/** The identity endpoint (not a transition) answers only the assigned handler; others get 403. */
export function mayRevealIdentity(me: Me, c: Case): boolean {
  return !c.anonymous && c.handler_id === me.id;
}
