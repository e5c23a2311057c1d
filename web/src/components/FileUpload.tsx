import { useState } from "preact/hooks";
import { t } from "../lib/i18n";
import { uploadFile } from "../lib/upload";
import { ProblemView } from "./ui";

/** Pick a file and upload it to the document, with a progress bar. */
export function FileUploader({ documentId, onDone, id = "doc-file" }: { documentId: string; onDone: () => void; id?: string }) {
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const pick = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    try {
      await uploadFile(documentId, file, setProgress);
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div class="field">
      <label for={id}>{t("docs.file")}</label>
      <input id={id} type="file" accept="application/pdf,.pdf" onChange={(e) => pick(e.currentTarget.files?.[0])} />
      {progress !== null ? (
        <div>
          <label for={`${id}-progress`}>{t("docs.uploading")}</label> <progress id={`${id}-progress`} max={100} value={Math.round(progress * 100)} /> {Math.round(progress * 100)}%
        </div>
      ) : null}
      <ProblemView error={error} />
    </div>
  );
}
