import { describe, expect, it } from "vitest";
import { errorsByCell, parseCellValue, valuesPut } from "../src/lib/grid";

describe("the grid's error mapping", () => {
  it("puts each 422 message at the cell it names", () => {
    const byCell = errorsByCell({
      status: 422,
      detail: "Invalid values",
      errors: [
        { loc: ["body", "values", "TNGT_VU"], cell: "TNGT_VU", msg: "above the maximum 5000" },
        { loc: ["body", "values", "DAN_SO|sex=female"], cell: "DAN_SO|sex=female", msg: "parts do not sum" },
        { loc: ["body", "values", "TNGT_VU"], cell: "TNGT_VU", msg: "not whole" },
      ],
    });
    expect(byCell.get("TNGT_VU")).toEqual(["above the maximum 5000", "not whole"]);
    expect(byCell.get("DAN_SO|sex=female")).toEqual(["parts do not sum"]);
  });
  it("keeps a comment's error apart from its value's", () => {
    const byCell = errorsByCell({ errors: [{ loc: ["body", "comments", "TNGT_VU"], cell: "TNGT_VU", msg: "Cần giải trình" }] });
    expect(byCell.get("comment:TNGT_VU")).toEqual(["Cần giải trình"]);
    expect(byCell.has("TNGT_VU")).toBe(false);
  });
  it("finds the cell from loc when errors[].cell is missing, and names the sheet cell of an upload", () => {
    const byCell = errorsByCell({ errors: [{ loc: ["body", "values", "THU_NSNN"], msg: "bad", sheet_cell: "E7" }] });
    expect(byCell.get("THU_NSNN")).toEqual(["bad (ô E7)"]);
  });
  it("puts an error with no cell above the grid", () => {
    expect(errorsByCell({ detail: "Stale", errors: [{ loc: ["header", "if-match"] }] }).get("")).toEqual(["Stale"]);
  });
  it("reads typed numbers with a decimal comma, keeps text, and drops empty cells", () => {
    expect(parseCellValue(" 12,5 ", "decimal")).toBe(12.5);
    expect(parseCellValue("nhiều", "integer")).toBe("nhiều");
    expect(parseCellValue("", "integer")).toBeNull();
    expect(
      valuesPut(
        [
          { cell: "A", value_type: "integer" },
          { cell: "B", value_type: "text" },
          { cell: "C", value_type: "integer" },
        ],
        { A: "3", B: "ghi chú", C: "" },
        { A: " lý do ", B: "  " },
      ),
    ).toEqual({ values: { A: 3, B: "ghi chú" }, comments: { A: "lý do" } });
  });
});
