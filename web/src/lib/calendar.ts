// The year's non-working days (GET /v1/calendar/{year}), for working days left.
import { get, route } from "../api/client";
import type { CalendarYear } from "../api/types";

export interface WorkCalendar {
  off: Set<string>;
  on: Set<string>;
}

const years = new Map<number, Promise<WorkCalendar>>();

export function calendarOf(data: CalendarYear): WorkCalendar {
  return { off: new Set([...data.non_working_days.map((d) => d.date), ...data.days_off]), on: new Set(data.working_days) };
}

export function calendar(year: number): Promise<WorkCalendar> {
  if (!years.has(year)) {
    const p = get<CalendarYear>(route("/v1/calendar/{year}", { year: String(year) })).then(({ data }) => calendarOf(data));
    p.catch(() => years.delete(year));
    years.set(year, p);
  }
  return years.get(year)!;
}

/** The calendars of every year from `from` to `to` (days), merged. */
export async function calendars(from: string, to: string): Promise<WorkCalendar> {
  const out: WorkCalendar = { off: new Set(), on: new Set() };
  const [a, b] = [Number(from.slice(0, 4)), Number(to.slice(0, 4))].sort();
  for (let y = a!; y <= b!; y++) {
    const c = await calendar(y);
    c.off.forEach((d) => out.off.add(d));
    c.on.forEach((d) => out.on.add(d));
  }
  return out;
}
