import { describe, expect, it } from "vitest";
import { urgencyOf, urgencyOfClass, urgencyWords } from "../src/lib/deadline";

const now = new Date("2027-03-10T03:00:00Z"); // 10:00 in Hanoi, Wednesday 10 March

describe("deadline words", () => {
  it("calls a passed deadline overdue, in Vietnamese", () => {
    expect(urgencyOf("2027-03-09", now)).toBe("overdue");
    expect(urgencyWords("overdue")).toBe("Quá hạn");
  });
  it("calls a deadline within three days due soon", () => {
    expect(urgencyOf("2027-03-13", now)).toBe("due_soon");
    expect(urgencyWords("due_soon")).toBe("Sắp đến hạn");
  });
  it("calls a later deadline on time", () => {
    expect(urgencyOf("2027-03-20", now)).toBe("on_time");
    expect(urgencyWords("on_time")).toBe("Đúng hạn");
  });
  it("says when there is no deadline", () => {
    expect(urgencyOf(null, now)).toBe("none");
    expect(urgencyWords("none")).toBe("Không có hạn");
  });
  it("judges an instant by its Hanoi day: the end of 9 March is past on the 10th", () => {
    expect(urgencyOf("2027-03-09T16:59:59.999999Z", now)).toBe("overdue");
    expect(urgencyOf("2027-03-10T16:59:59.999999Z", now)).toBe("due_soon");
  });
  it("tells a met deadline on time or late", () => {
    expect(urgencyOf("2027-03-09", now, { at: "2027-03-09T10:00:00Z" })).toBe("done_on_time"); // 17:00 on the 9th in Hanoi
    expect(urgencyOf("2027-03-09", now, { at: "2027-03-09T18:00:00Z" })).toBe("done_late"); // 01:00 on the 10th
    expect(urgencyOf("2027-03-09", now, { onTime: false })).toBe("done_late");
  });
  it("takes the API's status class over the date", () => {
    expect(urgencyOfClass("in_progress_overdue", "2027-03-20", now)).toBe("overdue");
    expect(urgencyOfClass("done_late", null, now)).toBe("done_late");
    expect(urgencyOfClass("in_progress_on_time", "2027-03-11", now)).toBe("due_soon");
  });
});
