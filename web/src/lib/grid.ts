// The data-entry grid and the API's 422 problem: each validation message at its cell.
export interface CellError {
  cell?: string;
  loc?: (string | number)[];
  msg?: string;
  sheet_cell?: string;
  [key: string]: unknown;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: CellError[];
}

/**
 * Messages by cell: `errors[].cell` names it (e.g. `TNGT_VU` or `DAN_SO|sex=female`); a comment's
 * error (loc body.comments.<cell>) is kept apart under `comment:<cell>`. Errors with no cell go
 * under "" (shown above the grid). Several messages at one cell are joined.
 */
export function errorsByCell(problem: Problem | null | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of problem?.errors ?? []) {
    const fromLoc = e.loc && e.loc.length >= 3 && (e.loc[1] === "values" || e.loc[1] === "comments") ? String(e.loc[2]) : undefined;
    const cell = e.cell ?? fromLoc ?? "";
    const key = e.loc?.[1] === "comments" && cell ? `comment:${cell}` : cell;
    const msg = e.msg ?? problem?.detail ?? "";
    out.set(key, [...(out.get(key) ?? []), e.sheet_cell ? `${msg} (ô ${e.sheet_cell})` : msg]);
  }
  return out;
}

/** A typed value as the API wants it: numbers for numeric cells (a comma as decimal point allowed), text kept. */
export function parseCellValue(text: string, valueType: string): number | string | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  if (valueType === "text") return trimmed;
  const normal = trimmed.replace(/\s/g, "").replace(",", ".");
  return /^-?\d+(\.\d+)?$/.test(normal) ? Number(normal) : trimmed; // the API says what is wrong
}

/** The values and comments of the grid as the API's ValuesPut. */
export function valuesPut(
  cells: { cell: string; value_type: string }[],
  typed: Record<string, string>,
  comments: Record<string, string>,
): { values: Record<string, number | string | null>; comments: Record<string, string> } {
  const values: Record<string, number | string | null> = {};
  for (const c of cells) {
    const v = parseCellValue(typed[c.cell] ?? "", c.value_type);
    if (v !== null) values[c.cell] = v;
  }
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(comments)) if (v.trim()) kept[k] = v.trim();
  return { values, comments: kept };
}
