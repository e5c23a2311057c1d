import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, hanoiDay, parseDate, workingDaysLeft } from "../src/lib/dates";

describe("dates in Hanoi", () => {
  it("shows a calendar day as dd/mm/yyyy", () => {
    expect(formatDate("2027-02-17")).toBe("17/02/2027");
  });
  it("shows an instant on the day it falls on in Hanoi, not in UTC", () => {
    expect(formatDate("2027-02-17T16:59:59.999999Z")).toBe("17/02/2027");
    expect(formatDate("2027-02-17T17:00:00Z")).toBe("18/02/2027");
  });
  it("shows times in 24 hours in Hanoi", () => {
    expect(formatDateTime("2027-03-02T07:30:00Z")).toBe("02/03/2027 14:30");
    expect(formatDateTime("2027-03-02T16:05:00Z")).toBe("02/03/2027 23:05");
  });
  it("gives the Hanoi day of an instant", () => {
    expect(hanoiDay("2026-12-31T18:00:00Z")).toBe("2027-01-01");
  });
  it("reads a typed dd/mm/yyyy back and refuses a day that does not exist", () => {
    expect(parseDate("5/3/2027")).toBe("2027-03-05");
    expect(parseDate("31/02/2027")).toBeNull();
    expect(parseDate("2027-03-05")).toBeNull();
  });
  it("counts working days left skipping weekends and Tết", () => {
    const tet = new Set(["2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10"]);
    // from Monday 1 Feb: 2, 3 Feb, then 11, 12, 15, 16, 17 Feb
    expect(workingDaysLeft("2027-02-01", "2027-02-17", tet)).toBe(7);
    expect(workingDaysLeft("2027-02-17", "2027-02-17", tet)).toBe(0);
  });
  it("counts working days past a due day as negative", () => {
    expect(workingDaysLeft("2027-03-08", "2027-03-04")).toBe(-2); // Fri 5, Mon 8
  });
  it("counts an announced make-up Saturday as a working day", () => {
    expect(workingDaysLeft("2027-03-05", "2027-03-08", new Set(), new Set(["2027-03-06"]))).toBe(2);
  });
});
