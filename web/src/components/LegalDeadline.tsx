import { useLoad, Deadline } from "./ui";
import { calendars } from "../lib/calendar";
import { hanoiDay, workingDaysLeft } from "../lib/dates";
import { urgencyOf } from "../lib/deadline";
import { t } from "../lib/i18n";

/** A legal deadline with its colour, words and the working days left (or past), by the calendar. */
export function LegalDeadline({ due, closed }: { due: string | null | undefined; closed?: string | null }) {
  const today = hanoiDay(new Date());
  const day = due ? hanoiDay(due) : null;
  const cal = useLoad(() => (day ? calendars(today < day ? today : day, today < day ? day : today) : Promise.resolve(null)), [today, day]);
  if (!due || !day) return <Deadline due={null} />;
  if (closed) return <Deadline due={due} urgency={closed === "met_on_time" ? "done_on_time" : "done_late"} />;
  let extra: string | undefined;
  if (cal.data) {
    const n = workingDaysLeft(today, day, cal.data.off, cal.data.on);
    extra = n > 0 ? t("deadline.left", { n }) : n < 0 ? t("deadline.past", { n: -n }) : t("deadline.today");
  }
  return <Deadline due={due} urgency={urgencyOf(due, new Date())} extra={extra} />;
}
