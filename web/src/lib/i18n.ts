// Vietnamese first; English is a switch (kept in localStorage). Missing English falls back to Vietnamese.
import { en } from "./i18n_en";
import { vi } from "./i18n_vi";

export type Lang = "vi" | "en";
let lang: Lang = "vi";
try {
  if (typeof localStorage !== "undefined" && localStorage.getItem("cityops.lang") === "en") lang = "en";
} catch {
  /* storage may be off */
}

export function currentLang(): Lang {
  return lang;
}

export function setLang(next: Lang): void {
  lang = next;
  try {
    localStorage.setItem("cityops.lang", next);
  } catch {
    /* storage may be off */
  }
  if (typeof document !== "undefined") document.documentElement.lang = next;
}

export type Key = keyof typeof vi;

/** The text for a key, with {name} placeholders filled. */
export function t(key: Key | string, args: Record<string, string | number> = {}): string {
  const table: Record<string, string> = lang === "en" ? { ...vi, ...en } : vi;
  const text = table[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(args[k] ?? `{${k}}`));
}

/** A value's label under a prefix (`case.status.accepted`), or the value itself when none is known. */
export function label(prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  const text = t(key);
  return text === key ? value : text;
}
