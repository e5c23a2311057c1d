// Home: my inbox with its unread count, and what is due soon or overdue for me and my unit.
import { post, get, route } from "../api/client";
import type { InboxPage, Me, Notice, ReportPage, TaskPage } from "../api/types";
import { Deadline, Loaded, useLoad } from "../components/ui";
import { formatDateTime, hanoiDay } from "../lib/dates";
import { DUE_SOON_DAYS, urgencyOf } from "../lib/deadline";
import { t } from "../lib/i18n";

/** A notice's link (APP_BASE_URL + path) as a path of this console. */
export function linkPath(link: string): string {
  try {
    const url = new URL(link, location.origin);
    return url.pathname + url.search;
  } catch {
    return "/";
  }
}

function unreadOf(page: InboxPage): number {
  return page.unread; // every unread notice of the caller's, not only this page's
}

function Inbox() {
  const inbox = useLoad(() => get<InboxPage>(route("/v1/inbox"), { limit: 50 }).then((r) => r.data), []);
  const read = async (n: Notice) => {
    await post(route("/v1/inbox/{notice_id}/read", { notice_id: n.id }), undefined);
    inbox.reload();
  };
  return (
    <section aria-labelledby="inbox-h">
      <h2 id="inbox-h">{t("home.inbox")}</h2>
      <Loaded state={inbox}>
        {(page) => (
          <>
            <p class="count" data-testid="unread">
              {t("home.unread", { n: unreadOf(page) })}
            </p>
            {page.items.length === 0 ? <p>{t("none")}</p> : null}
            <ul class="cards">
              {page.items.map((n) => (
                <li key={n.id} class={n.read ? "read" : "unread"}>
                  <a href={linkPath(n.link)}>{n.title}</a>
                  <div class="meta">
                    {n.unit_name} · {formatDateTime(n.created_at)} · <Deadline due={n.due_at} urgency={n.level === "overdue" || (n.working_days_overdue ?? 0) > 0 ? "overdue" : urgencyOf(n.due_at, new Date())} />
                  </div>
                  {!n.read ? (
                    <button type="button" class="small" onClick={() => read(n)}>
                      {t("home.mark_read")}
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
          </>
        )}
      </Loaded>
    </section>
  );
}

function DueSoon({ me }: { me: Me }) {
  const soon = new Date(Date.now() + DUE_SOON_DAYS * 86_400_000);
  const due = useLoad(async () => {
    const [overdue, soonTasks, reports] = await Promise.all([
      get<TaskPage>(route("/v1/tasks"), { status_class: "in_progress_overdue", limit: 50 }),
      get<TaskPage>(route("/v1/tasks"), { status_class: "in_progress_on_time", due_to: hanoiDay(soon), limit: 50 }),
      me.unit ? get<ReportPage>(route("/v1/reports"), { unit_id: me.unit.id, status: "open", limit: 50 }) : Promise.resolve({ data: { items: [] } as unknown as ReportPage, etag: null }),
    ]);
    const now = new Date();
    return {
      tasks: [...overdue.data.items, ...soonTasks.data.items],
      reports: reports.data.items.filter((r) => ["overdue", "due_soon"].includes(urgencyOf(r.due_on, now))),
    };
  }, [me.id]);
  return (
    <section aria-labelledby="due-h">
      <h2 id="due-h">{t("home.due")}</h2>
      <Loaded state={due}>
        {(d) =>
          d.tasks.length + d.reports.length === 0 ? (
            <p>{t("home.due_none")}</p>
          ) : (
            <ul class="cards">
              {d.tasks.map((task) => (
                <li key={task.id}>
                  {t("home.tasks_due")}: <a href={`/tasks/${task.id}`}>{task.title}</a>{" "}
                  <Deadline due={task.deadline ?? task.due_date} urgency={task.status_class === "in_progress_overdue" ? "overdue" : undefined} />
                </li>
              ))}
              {d.reports.map((r) => (
                <li key={r.id}>
                  {t("home.reports_due")}: <a href={`/reports/${r.id}`}>{r.form_name} – {r.period}</a> <Deadline due={r.due_on} />
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

export function Home({ me }: { me: Me }) {
  return (
    <>
      <h1>{t("home.hello", { name: me.name })}</h1>
      <div class="two">
        <Inbox />
        <DueSoon me={me} />
      </div>
    </>
  );
}
