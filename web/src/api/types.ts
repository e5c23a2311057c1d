// Names for the generated schemas the console uses (src/api/schema.d.ts, from docs/openapi.json).
import type { components, paths } from "./schema";

type S = components["schemas"];
export type Paths = paths;
export type Me = S["Me"];
export type Notice = S["Notice"];
export type InboxPage = S["InboxPage"];
export type Task = S["Task"];
export type TaskLine = S["TaskLine"];
export type TaskPage = S["TaskPage"];
export type ProgressPage = S["ProgressPage"];
export type ProgressReportCreate = S["ProgressReportCreate"];
export type ExtensionRequestCreate = S["ExtensionRequestCreate"];
export type ExtensionDecisionCreate = S["ExtensionDecisionCreate"];
export type CompletionReport = S["CompletionReport"];
export type ConfirmationCreate = S["ConfirmationCreate"];
export type ReturnCreate = S["ReturnCreate"];
export type ReportOut = S["ReportOut"];
export type ReportPage = S["ReportPage"];
export type ReportSummary = S["ReportSummary"];
export type CellOut = S["CellOut"];
export type ValuesPut = S["ValuesPut"];
export type SheetUpload = S["SheetUpload"];
export type ReportFormPage = S["ReportFormPage"];
export type Scoreboard = S["Scoreboard"];
export type RankEntry = S["RankEntry"];
export type UnitRecord = S["UnitRecord"];
export type DocumentOut = S["DocumentOut"];
export type DocumentPage = S["DocumentPage"];
export type DocumentSummary = S["DocumentSummary"];
export type IncomingCreate = S["IncomingCreate"];
export type OutgoingCreate = S["OutgoingCreate"];
export type DirectionCreate = S["DirectionCreate"];
export type FileCreate = S["FileCreate"];
export type FileUpload = S["FileUpload"];
export type FileDownload = S["FileDownload"];
export type RegisterPage = S["RegisterPage"];
export type EntryPage = S["EntryPage"];
export type CaseListItem = S["CaseListItem"];
export type CasePage = S["CasePage"];
export type Case = S["Case"];
export type CaseIdentityOut = S["CaseIdentityOut"];
export type CaseHistoryPage = S["CaseHistoryPage"];
export type CalendarYear = S["CalendarYear"];
export type UnitPage = S["UnitPage"];
export type MemberList = S["MemberList"];
export type Unit = S["UnitPage"]["items"][number];
export type StatusClass = S["StatusClass"];
export type TaskSource = S["TaskSource"];

/** The completeness matrix (GET /v1/report-forms/{id}/completeness): untyped in openapi.json. */
export interface Completeness {
  form_id: string;
  form_name: string;
  from: string;
  to: string;
  periods: string[];
  units: { unit_id: string; name: string; code: string; periods: Record<string, { state: string; report_id: string; status: string }> }[];
}

/** An indicator's series (GET /v1/indicators/{code}/series): untyped in openapi.json. */
export interface Series {
  indicator: string;
  unit_id: string;
  unit_name: string;
  items: { period: string; period_ends_on: string; form_id: string; report_id: string; value: number | string }[];
}
