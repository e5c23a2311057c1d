// The directory's units, read once per session (every page of GET /v1/units), for names by id.
import { get, route } from "../api/client";
import type { Unit, UnitPage } from "../api/types";
import { byName } from "./text";

let cache: Promise<Unit[]> | null = null;

export function units(): Promise<Unit[]> {
  if (!cache) {
    cache = (async () => {
      const out: Unit[] = [];
      let cursor: string | null | undefined;
      do {
        const { data } = await get<UnitPage>(route("/v1/units"), { limit: 200, cursor });
        out.push(...data.items);
        cursor = data.next_cursor;
      } while (cursor);
      return out.sort(byName((u) => u.name));
    })();
    cache.catch(() => (cache = null));
  }
  return cache;
}

export function forgetUnits(): void {
  cache = null;
}

export function nameOf(list: Unit[] | null, id: string | null | undefined): string {
  if (!id) return "";
  return list?.find((u) => u.id === id)?.name ?? id;
}
