// A small router over the History API: client routes are paths (/tasks/ID), as the links in
// notices are (APP_BASE_URL + /tasks/ID); the local stack and CloudFront answer index.html for them.
import { useEffect, useState } from "preact/hooks";

export function navigate(to: string): void {
  if (to === location.pathname + location.search) return;
  history.pushState(null, "", to);
  dispatchEvent(new PopStateEvent("popstate"));
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname + location.search);
  useEffect(() => {
    const on = () => setPath(location.pathname + location.search);
    addEventListener("popstate", on);
    return () => removeEventListener("popstate", on);
  }, []);
  return path;
}

/** `/tasks/:id` against a path: the named parts, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const [bare] = path.split("?");
  const want = pattern.split("/");
  const got = (bare ?? "").replace(/\/$/, "").split("/");
  if (want.length !== got.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(":")) out[w.slice(1)] = decodeURIComponent(g);
    else if (w !== g) return null;
  }
  return out;
}

/** A click on an in-app link navigates without a reload (modifier keys keep the browser's). */
export function onLink(event: MouseEvent): void {
  const a = (event.target as HTMLElement).closest?.("a");
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const href = a.getAttribute("href");
  if (!href || !href.startsWith("/") || a.hasAttribute("download") || a.target) return;
  event.preventDefault();
  navigate(href);
}
