import { describe, expect, it } from "vitest";
import { bodyOf, CASE_FORMS, errorsByField, OUTGOING, recipientsOf, shown, SUBTASK } from "../src/lib/forms";
import { may } from "../src/lib/actions";

describe("forms of the API's structured bodies", () => {
  it("send only the fields shown, trimmed, and leave empty ones out", () => {
    const classify = CASE_FORMS.classify!;
    expect(bodyOf(classify, { decision: "competent", to_unit_id: "01J", note: "  " })).toEqual({ decision: "competent" });
    expect(bodyOf(classify, { decision: "transfer", to_unit_id: "01J", note: " xem lại " })).toEqual({ decision: "transfer", to_unit_id: "01J", note: "xem lại" });
  });
  it("show a field only for the choice it belongs to", () => {
    const answer = CASE_FORMS.answer!;
    const roadmap = answer.fields.find((f) => f.name === "roadmap_date")!;
    expect(shown(roadmap, { result: "resolved" })).toBe(false);
    expect(shown(roadmap, { result: "being_resolved" })).toBe(true);
  });
  it("send dd/mm/yyyy dates as ISO days and numbers as numbers, and what cannot be read as typed", () => {
    const answer = CASE_FORMS.answer!;
    expect(bodyOf(answer, { result: "being_resolved", answer: "Có lộ trình", roadmap_date: "31/03/2027" })).toEqual({ result: "being_resolved", answer: "Có lộ trình", roadmap_date: "2027-03-31" });
    expect(bodyOf(answer, { result: "being_resolved", answer: "x", roadmap_date: "31/13/2027" }).roadmap_date).toBe("31/13/2027");
    expect(bodyOf(SUBTASK, { title: "A", content: "B", due_in_working_days: "5" })).toEqual({ title: "A", content: "B", due_in_working_days: 5 });
  });
  it("put each message of a 422 problem at its field, and the others above the form", () => {
    const problem = {
      status: 422,
      detail: "The request is not valid",
      errors: [
        { loc: ["body", "reason"], msg: "Chưa nhập: bắt buộc.", type: "missing" },
        { loc: ["body", "reason"], msg: "Quá dài: tối đa 2000 ký tự.", type: "string_too_long" },
        { loc: ["query", "x"], msg: "Tham số không được hỗ trợ.", type: "extra" },
      ],
    };
    const byField = errorsByField(problem, CASE_FORMS.withdraw);
    expect(byField.get("reason")).toEqual(["Chưa nhập: bắt buộc.", "Quá dài: tối đa 2000 ký tự."]);
    expect(byField.get("")).toEqual(["Tham số không được hỗ trợ."]);
    const refused = "Không thể ghi nhận việc rút đơn khiếu nại đang ở trạng thái «Không thụ lý»; chỉ thực hiện được khi ở trạng thái «Mới tiếp nhận».";
    expect(errorsByField({ status: 409, detail: refused }, CASE_FORMS.withdraw).get("")).toEqual([refused]);
    expect(errorsByField(null).size).toBe(0);
  });
  it("make one list of recipients from the units picked and the other names, one a line", () => {
    const body = bodyOf(OUTGOING, { doc_type: "CV", summary: "Báo cáo", recipient_units: "U1\nU2", recipients: "Bộ Tài chính\n\n Lưu: VT " });
    expect(recipientsOf(body)).toEqual({ doc_type: "CV", summary: "Báo cáo", recipients: [{ unit_id: "U1" }, { unit_id: "U2" }, { name: "Bộ Tài chính" }, { name: "Lưu: VT" }] });
    expect(recipientsOf(bodyOf(OUTGOING, { doc_type: "CV", summary: "x" })).recipients).toEqual([]);
  });
  it("label every field and give every choice its Vietnamese words", () => {
    for (const spec of [...Object.values(CASE_FORMS), OUTGOING, SUBTASK]) {
      for (const f of spec.fields) {
        expect(f.label.trim()).not.toBe("");
        for (const [value, words] of f.choices ?? []) expect(words && words !== value).toBeTruthy();
      }
    }
  });
});

describe("what the user may do", () => {
  it("is what the reply's actions list, nothing else", () => {
    expect(may({ actions: ["submit", "attach_file"] }, "submit")).toBe(true);
    expect(may({ actions: ["submit"] }, "sign")).toBe(false);
    expect(may({}, "sign")).toBe(false);
  });
});
