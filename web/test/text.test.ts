import { describe, expect, it } from "vitest";
import { byName, collator, fold, matches } from "../src/lib/text";

describe("Vietnamese text", () => {
  it("folds diacritics, đ and case away", () => {
    expect(fold("Quy hoạch ĐÔ THỊ  Đường")).toBe("quy hoach do thi duong");
  });
  it("finds a document whatever the accents and case", () => {
    expect(matches("quy HOACH do thi", "Về việc Quy hoạch đô thị")).toBe(true);
    expect(matches("duong", "Sở Giao thông", "Đường Láng")).toBe(true);
    expect(matches("tai chinh xay", "Sở Tài chính")).toBe(false);
  });
  it("sorts names as Vietnamese does: Đ after D, accented vowels beside their base", () => {
    const names = ["Đống Đa", "Ba Đình", "Cửa Nam", "Dịch Vọng", "Âu Cơ", "An Khánh"];
    expect([...names].sort(byName((n) => n))).toEqual(["An Khánh", "Âu Cơ", "Ba Đình", "Cửa Nam", "Dịch Vọng", "Đống Đa"]);
  });
  it("orders numbers in names by their value", () => {
    expect(collator.compare("Phường 2", "Phường 10")).toBeLessThan(0);
  });
});
