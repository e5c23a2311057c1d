// Forms of the API's structured bodies (a case's classify, refuse, conclude, decide, answer,
// suspend, withdraw; a task's cancellation and sub-task; an outgoing draft), as data: each
// field's name in the body, its label, its kind and its choices. The console renders them
// with `ActionForm`; the API validates them and its 422 problem's messages are shown at their
// fields (`errorsByField`). Which forms appear is the reply's `actions`, never a rule here.
import type { Problem } from "./grid";
import { parseDate } from "./dates";

export type FieldKind = "text" | "textarea" | "select" | "multi" | "date" | "number" | "check";

export interface FormField {
  name: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  /** [value, Vietnamese label] */
  choices?: [string, string][];
  /** Shown for the choice(s) named here only (e.g. the unit of a transfer). */
  when?: { field: string; is: string[] };
  hint?: string;
}

export interface FormSpec {
  title: string;
  submit: string;
  fields: FormField[];
}

const note: FormField = { name: "note", label: "Ghi chú", kind: "textarea" };

export const REFUSAL_GROUNDS: [string, string][] = [
  ["not_administrative_act", "Không phải quyết định, hành vi hành chính"],
  ["no_direct_interest", "Không liên quan trực tiếp đến quyền, lợi ích của người khiếu nại"],
  ["no_capacity", "Người khiếu nại không có năng lực hành vi dân sự đầy đủ"],
  ["unlawful_representative", "Người đại diện không hợp pháp"],
  ["unsigned", "Đơn không có chữ ký hoặc điểm chỉ"],
  ["time_barred", "Hết thời hiệu"],
  ["already_decided_second_time", "Đã có quyết định giải quyết lần hai"],
  ["before_court", "Đã được Tòa án thụ lý hoặc giải quyết"],
  ["already_resolved_no_new_information", "Đã giải quyết, không có thông tin mới"],
  ["no_basis_to_verify", "Không đủ cơ sở để xác minh"],
  ["denunciator_lacks_capacity", "Người tố cáo không có năng lực hành vi dân sự"],
];

const SUSPENSION_GROUNDS: [string, string][] = [
  ["related_matter", "Chờ kết quả giải quyết vụ việc liên quan"],
  ["disaster", "Thiên tai"],
  ["epidemic", "Dịch bệnh"],
  ["war", "Chiến tranh"],
  ["accident", "Tai nạn"],
  ["illness", "Ốm đau"],
  ["work_travel", "Đi công tác"],
  ["study_far_away", "Đi học tập ở nơi xa"],
  ["files_held_or_sealed", "Hồ sơ bị tạm giữ, niêm phong"],
];

/** The case actions whose body is more than a note, by action (the API's Case* bodies); the
 * others (forward, accept, assign, verify, notify, publish, resume) take a note at most. */
export const CASE_FORMS: Record<string, FormSpec> = {
  classify: {
    title: "Phân loại đơn",
    submit: "Phân loại",
    fields: [
      {
        name: "decision",
        label: "Kết quả phân loại",
        kind: "select",
        required: true,
        choices: [
          ["competent", "Thuộc thẩm quyền"],
          ["transfer", "Chuyển cơ quan có thẩm quyền"],
          ["duplicate", "Đơn trùng"],
          ["anonymous", "Tố cáo nặc danh"],
        ],
      },
      { name: "to_unit_id", label: "Cơ quan nhận đơn chuyển", kind: "select", when: { field: "decision", is: ["transfer"] } },
      { name: "duplicate_of", label: "Mã hồ sơ của đơn trùng", kind: "text", when: { field: "decision", is: ["duplicate"] } },
      note,
    ],
  },
  refuse: {
    title: "Không thụ lý",
    submit: "Xác nhận không thụ lý",
    fields: [
      { name: "ground", label: "Căn cứ không thụ lý", kind: "select", required: true, choices: REFUSAL_GROUNDS },
      { name: "note", label: "Lý do", kind: "textarea", required: true },
    ],
  },
  conclude: {
    title: "Kết luận nội dung tố cáo",
    submit: "Kết luận",
    fields: [
      {
        name: "result",
        label: "Kết quả",
        kind: "select",
        required: true,
        choices: [
          ["founded", "Tố cáo đúng"],
          ["partly_founded", "Tố cáo đúng một phần"],
          ["unfounded", "Tố cáo sai"],
        ],
      },
      { name: "conclusion_number", label: "Số kết luận", kind: "text", required: true },
      { name: "summary", label: "Nội dung kết luận", kind: "textarea", required: true },
    ],
  },
  decide: {
    title: "Quyết định giải quyết khiếu nại",
    submit: "Ra quyết định",
    fields: [
      {
        name: "result",
        label: "Kết quả",
        kind: "select",
        required: true,
        choices: [
          ["upheld", "Khiếu nại đúng"],
          ["partly_upheld", "Khiếu nại đúng một phần"],
          ["rejected", "Khiếu nại sai"],
        ],
      },
      { name: "decision_number", label: "Số quyết định", kind: "text", required: true },
      { name: "summary", label: "Nội dung quyết định", kind: "textarea", required: true },
    ],
  },
  answer: {
    title: "Trả lời kiến nghị",
    submit: "Trả lời",
    fields: [
      {
        name: "result",
        label: "Kết quả",
        kind: "select",
        required: true,
        choices: [
          ["resolved", "Đã giải quyết"],
          ["being_resolved", "Đang giải quyết (có lộ trình)"],
          ["explained", "Đã giải thích, cung cấp thông tin"],
        ],
      },
      { name: "answer", label: "Nội dung trả lời", kind: "textarea", required: true },
      { name: "roadmap_date", label: "Ngày dự kiến giải quyết", kind: "date", when: { field: "result", is: ["being_resolved"] }, hint: "dd/mm/yyyy" },
    ],
  },
  report_results: {
    title: "Báo cáo kết quả giải quyết kiến nghị",
    submit: "Ghi nhận báo cáo",
    fields: [
      { name: "report", label: "Số, ngày báo cáo", kind: "text", required: true, hint: "Ví dụ: Báo cáo 12/BC-SXD ngày 10/11/2027" },
      note,
    ],
  },
  suspend: {
    title: "Tạm đình chỉ",
    submit: "Xác nhận tạm đình chỉ",
    fields: [
      { name: "ground", label: "Căn cứ tạm đình chỉ", kind: "select", choices: SUSPENSION_GROUNDS },
      { name: "reason", label: "Lý do", kind: "textarea", required: true },
      { name: "related_matter", label: "Vụ việc liên quan", kind: "text", when: { field: "ground", is: ["related_matter", ""] } },
      { name: "decision_number", label: "Số quyết định tạm đình chỉ", kind: "text" },
    ],
  },
  withdraw_in_part: {
    title: "Rút một phần",
    submit: "Xác nhận rút một phần",
    fields: [
      { name: "persons", label: "Số người rút đơn", kind: "number", required: true },
      { name: "reason", label: "Lý do", kind: "textarea", required: true },
    ],
  },
  dialogue: {
    title: "Đối thoại",
    submit: "Ghi nhận đối thoại",
    fields: [
      { name: "held_on", label: "Ngày đối thoại", kind: "date", required: true, hint: "dd/mm/yyyy" },
      note,
    ],
  },
  extend: {
    title: "Gia hạn giải quyết",
    submit: "Gia hạn",
    fields: [
      {
        name: "criteria",
        label: "Tính chất phức tạp (Nghị định 31/2019/NĐ-CP, Điều 3)",
        kind: "multi",
        required: true,
        choices: [
          ["several_sites", "Nhiều địa điểm"],
          ["several_contents", "Nhiều nội dung"],
          ["many_denunciators", "Nhiều người tố cáo"],
          ["foreign_element", "Có yếu tố nước ngoài"],
          ["several_agencies", "Liên quan trách nhiệm của nhiều cơ quan"],
          ["agencies_disagree", "Các cơ quan còn ý kiến khác nhau"],
          ["contradictory_evidence", "Tài liệu, chứng cứ mâu thuẫn"],
        ],
      },
      { name: "days", label: "Số ngày gia hạn", kind: "number", required: true },
      { name: "reason", label: "Lý do", kind: "textarea", required: true },
      { name: "decision_number", label: "Số quyết định gia hạn", kind: "text", required: true },
    ],
  },
  withdraw: {
    title: "Rút đơn",
    submit: "Xác nhận rút đơn",
    fields: [{ name: "reason", label: "Lý do rút đơn", kind: "textarea", required: true }],
  },
};

/** A document's actions whose body is more than a note, with the route they are posted to
 * (`/v1/documents/{id}/<path>`); `start` takes none and is a button. */
/** What a case's outcome is called: the choices of the forms that record it. */
export function caseOutcome(value: string | null | undefined): string {
  if (!value) return "";
  const choices = ["decide", "conclude", "answer"].flatMap((a) => CASE_FORMS[a]?.fields.find((f) => f.name === "result")?.choices ?? []);
  return [...choices, ...REFUSAL_GROUNDS].find(([v]) => v === value)?.[1] ?? value;
}

export const DOCUMENT_FORMS: Record<string, FormSpec & { path: string }> = {
  handle: {
    path: "result",
    title: "Báo cáo kết quả xử lý",
    submit: "Gửi kết quả xử lý",
    fields: [{ name: "result", label: "Kết quả xử lý", kind: "textarea", required: true }],
  },
  file: {
    path: "filing",
    title: "Lưu hồ sơ để biết",
    submit: "Xác nhận lưu hồ sơ",
    fields: [{ name: "note", label: "Ghi chú", kind: "textarea", required: true }],
  },
  return: {
    path: "return",
    title: "Trả lại nơi gửi",
    submit: "Xác nhận trả lại",
    fields: [
      {
        name: "reason_code",
        label: "Lý do trả lại",
        kind: "select",
        required: true,
        choices: [
          ["misaddressed", "Gửi nhầm nơi nhận"],
          ["invalid", "Không đúng thể thức, không hợp lệ"],
        ],
      },
      { name: "reason", label: "Nội dung", kind: "textarea", required: true },
    ],
  },
  send_back: {
    path: "send-back",
    title: "Trả lại người soạn thảo",
    submit: "Xác nhận trả lại dự thảo",
    fields: [{ name: "reason", label: "Lý do", kind: "textarea", required: true }],
  },
  revoke: {
    path: "revocation",
    title: "Thu hồi văn bản",
    submit: "Xác nhận thu hồi",
    fields: [{ name: "reason", label: "Lý do thu hồi", kind: "textarea", required: true }],
  },
};

export const TASK_CANCEL: FormSpec = {
  title: "Huỷ nhiệm vụ",
  submit: "Xác nhận huỷ nhiệm vụ",
  fields: [{ name: "reason", label: "Lý do huỷ", kind: "textarea", required: true }],
};

export const SUBTASK: FormSpec = {
  title: "Giao nhiệm vụ con",
  submit: "Giao việc",
  fields: [
    { name: "title", label: "Tên nhiệm vụ con", kind: "text", required: true },
    { name: "content", label: "Nội dung", kind: "textarea", required: true },
    // The API also gives a sub-task to an officer of the lead unit by id; the directory has no
    // list of a unit's users to choose from yet, so the console offers its sub-units.
    { name: "lead_unit_id", label: "Đơn vị trực thuộc thực hiện", kind: "select", required: true },
    { name: "due_in_working_days", label: "Hạn (số ngày làm việc)", kind: "number" },
  ],
};

export const DOC_TYPES: [string, string][] = [
  ["CV", "Công văn"],
  ["QĐ", "Quyết định"],
  ["NQ", "Nghị quyết"],
  ["CT", "Chỉ thị"],
  ["TB", "Thông báo"],
  ["KH", "Kế hoạch"],
  ["BC", "Báo cáo"],
  ["TTr", "Tờ trình"],
  ["GM", "Giấy mời"],
];

export const URGENCIES: [string, string][] = [
  ["normal", "Thường"],
  ["urgent", "Khẩn"],
  ["top_urgent", "Thượng khẩn"],
  ["flash", "Hoả tốc"],
];

/** An outgoing draft (OutgoingCreate); `recipientsOf` turns the two recipient fields into one list. */
export const OUTGOING: FormSpec = {
  title: "Dự thảo văn bản đi",
  submit: "Tạo dự thảo",
  fields: [
    { name: "doc_type", label: "Loại văn bản", kind: "select", required: true, choices: DOC_TYPES },
    { name: "summary", label: "Trích yếu nội dung", kind: "textarea", required: true },
    { name: "recipient_units", label: "Nơi nhận trong thành phố", kind: "multi" },
    { name: "recipients", label: "Nơi nhận khác (mỗi dòng một nơi)", kind: "textarea" },
    { name: "urgency", label: "Độ khẩn", kind: "select", choices: URGENCIES },
    { name: "reply_deadline", label: "Hạn trả lời", kind: "date", hint: "dd/mm/yyyy" },
  ],
};

/** The draft's body: the units picked and the other recipients, one a line, as `recipients`. */
export function recipientsOf(body: Record<string, unknown>): Record<string, unknown> {
  const { recipient_units: units, recipients: names, ...rest } = body;
  const list = [
    ...((units as string[] | undefined) ?? []).map((unit_id) => ({ unit_id })),
    ...String(names ?? "")
      .split("\n")
      .map((n) => n.trim())
      .filter(Boolean)
      .map((name) => ({ name })),
  ];
  return { ...rest, recipients: list };
}

export type Values = Record<string, string | boolean>;

/** Whether a field is shown with the values given (its `when`). */
export function shown(field: FormField, values: Values): boolean {
  if (!field.when) return true;
  return field.when.is.includes(String(values[field.when.field] ?? ""));
}

/**
 * The body the API takes: shown fields only, empty ones left out, dd/mm/yyyy dates as ISO days
 * (a date that cannot be read is sent as typed: the API says what is wrong with it), numbers
 * as numbers.
 */
export function bodyOf(spec: FormSpec, values: Values): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of spec.fields) {
    if (!shown(field, values)) continue;
    const raw = values[field.name];
    if (field.kind === "check") {
      body[field.name] = raw === true;
      continue;
    }
    if (field.kind === "multi") {
      const picked = typeof raw === "string" ? raw.split("\n").filter(Boolean) : [];
      if (picked.length) body[field.name] = picked;
      continue;
    }
    const text = typeof raw === "string" ? raw.trim() : "";
    if (text === "") continue;
    if (field.kind === "date") body[field.name] = parseDate(text) ?? text;
    else if (field.kind === "number") body[field.name] = /^\d+$/.test(text) ? Number(text) : text;
    else body[field.name] = text;
  }
  return body;
}

/**
 * The 422 problem's messages by body field (`loc: ["body", "reason"]`, or an error naming its
 * `field`); messages of no field of the form are under "" (shown above the form).
 */
export function errorsByField(problem: Problem | null | undefined, spec?: FormSpec): Map<string, string[]> {
  const names = new Set(spec?.fields.map((f) => f.name));
  const out = new Map<string, string[]>();
  for (const e of problem?.errors ?? []) {
    const loc = e.loc ?? [];
    const named = typeof e.field === "string" ? e.field : loc[0] === "body" && loc.length > 1 ? String(loc[1]) : "";
    const key = spec && !names.has(named) ? "" : named;
    const msg = e.msg || problem?.detail || ""; // the API's own words, Vietnamese (core.api)
    out.set(key, [...(out.get(key) ?? []), msg]);
  }
  if (problem && out.size === 0 && problem.detail) out.set("", [problem.detail]);
  return out;
}
