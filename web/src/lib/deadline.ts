// A deadline as officials read it: a colour AND words, never colour alone.
import { hanoiDay } from "./dates";
import { t } from "./i18n";

export type Urgency = "overdue" | "due_soon" | "on_time" | "none" | "done_on_time" | "done_late";

/** Days ahead within which an open deadline is "due soon". */
export const DUE_SOON_DAYS = 3;

function dayOf(due: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(due) ? due : hanoiDay(due);
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * Where a deadline stands on `now`: none without a due day; done on time or late once met;
 * overdue after its day (Hanoi); due soon within DUE_SOON_DAYS; else on time.
 */
export function urgencyOf(
  due: string | null | undefined,
  now: Date,
  met?: { at?: string | null; onTime?: boolean | null } | null,
): Urgency {
  if (met && (met.at || met.onTime !== undefined && met.onTime !== null)) {
    if (met.onTime !== undefined && met.onTime !== null) return met.onTime ? "done_on_time" : "done_late";
    if (!due || !met.at) return "done_on_time";
    return dayOf(met.at) <= dayOf(due) ? "done_on_time" : "done_late";
  }
  if (!due) return "none";
  const left = daysBetween(hanoiDay(now), dayOf(due));
  if (left < 0) return "overdue";
  if (left <= DUE_SOON_DAYS) return "due_soon";
  return "on_time";
}

/** The words shown with the colour. */
export function urgencyWords(u: Urgency): string {
  return t(`deadline.${u}`);
}

/** A task's status class (from the API) as an urgency. */
export function urgencyOfClass(statusClass: string, due: string | null | undefined, now: Date): Urgency {
  switch (statusClass) {
    case "in_progress_overdue":
      return "overdue";
    case "done_on_time":
      return "done_on_time";
    case "done_late":
      return "done_late";
    case "no_deadline":
    case "cancelled":
      return "none";
    default:
      return urgencyOf(due, now);
  }
}
