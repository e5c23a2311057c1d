// Dates as officials read them: dd/mm/yyyy, 24-hour times, always in Asia/Ho_Chi_Minh
// whatever the browser's own zone.
export const ZONE = "Asia/Ho_Chi_Minh";

const parts = new Intl.DateTimeFormat("en-GB", {
  timeZone: ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

function pieces(moment: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of parts.formatToParts(moment)) out[p.type] = p.value;
  return out;
}

const DAY_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day (YYYY-MM-DD) or an instant (ISO 8601) as dd/mm/yyyy in Hanoi. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return "";
  const day = DAY_ONLY.exec(value);
  if (day) return `${day[3]}/${day[2]}/${day[1]}`;
  const p = pieces(new Date(value));
  return `${p.day}/${p.month}/${p.year}`;
}

/** An instant as dd/mm/yyyy HH:mm (24 h) in Hanoi. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "";
  if (DAY_ONLY.test(value)) return formatDate(value);
  const p = pieces(new Date(value));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** The day (YYYY-MM-DD) an instant falls on in Hanoi. */
export function hanoiDay(moment: Date | string): string {
  const p = pieces(typeof moment === "string" ? new Date(moment) : moment);
  return `${p.year}-${p.month}-${p.day}`;
}

/** A date typed as dd/mm/yyyy back to YYYY-MM-DD, or null when it is no real day. */
export function parseDate(text: string): string | null {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

function addDays(day: string, n: number): string {
  const t = new Date(`${day}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

function isWeekend(day: string): boolean {
  const w = new Date(`${day}T00:00:00Z`).getUTCDay();
  return w === 0 || w === 6;
}

/**
 * Working days from `today` to `due` (both YYYY-MM-DD, Hanoi): the working days after today up
 * to and including the due day; negative when the due day has passed (the working days since).
 * `nonWorking` holds the calendar's holidays and days off; `working` the Saturdays made up.
 */
export function workingDaysLeft(
  today: string,
  due: string,
  nonWorking: ReadonlySet<string> = new Set(),
  working: ReadonlySet<string> = new Set(),
): number {
  const isWorking = (d: string) => working.has(d) || (!isWeekend(d) && !nonWorking.has(d));
  let count = 0;
  if (due >= today) {
    for (let d = addDays(today, 1); d <= due; d = addDays(d, 1)) if (isWorking(d)) count++;
    return count;
  }
  for (let d = addDays(due, 1); d <= today; d = addDays(d, 1)) if (isWorking(d)) count++;
  return -count;
}
