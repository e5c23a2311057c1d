// Vietnamese text: sorting as a Vietnamese reader expects, and matching that ignores
// diacritics and case ("quy hoach" finds "Quy hoạch", "duong" finds "Đường").
export const collator = new Intl.Collator("vi", { sensitivity: "base", numeric: true });

export function byName<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => collator.compare(key(a), key(b));
}

/** Lower case, no diacritics, đ as d, spaces squeezed. */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** Every word of the query is somewhere in one of the texts, diacritics and case aside. */
export function matches(query: string, ...texts: (string | null | undefined)[]): boolean {
  const words = fold(query).split(" ").filter(Boolean);
  if (!words.length) return true;
  const hay = fold(texts.filter(Boolean).join(" "));
  return words.every((w) => hay.includes(w));
}
