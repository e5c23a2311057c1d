// A document's file in the browser's own PDF viewer: the presigned, audited download read with
// fetch (connect-src allows the API and S3) into a blob, shown in an iframe of that blob
// (the CSP's frame-src allows blob: and nothing else), with a link to save it.
import { useEffect, useState } from "preact/hooks";
import { get, route } from "../api/client";
import type { FileDownload } from "../api/types";
import { t } from "../lib/i18n";
import { ProblemView } from "./ui";

export function PdfViewer({ documentId, file, onClose }: { documentId: string; file: { id: string; name: string }; onClose: () => void }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let made: string | null = null;
    let live = true;
    (async () => {
      const { data } = await get<FileDownload>(route("/v1/documents/{document_id}/files/{file_id}", { document_id: documentId, file_id: file.id }));
      const reply = await fetch(data.url);
      if (!reply.ok) throw new Error(`HTTP ${reply.status}`);
      const blob = new Blob([await reply.arrayBuffer()], { type: "application/pdf" });
      made = URL.createObjectURL(blob);
      if (live) setUrl(made);
    })().catch((e) => live && setError(e));
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [documentId, file.id]);
  return (
    <section class="panel viewer" aria-labelledby="viewer-h">
      <h2 id="viewer-h">{file.name}</h2>
      <ProblemView error={error} />
      {url ? (
        <>
          <iframe class="pdf" src={url} title={t("docs.viewer", { name: file.name })} />
          <p class="toolbar">
            <a href={url} download={file.name}>
              {t("docs.save_file")}
            </a>
            <button type="button" onClick={onClose}>
              {t("docs.close_viewer")}
            </button>
          </p>
        </>
      ) : !error ? (
        <p aria-live="polite">{t("loading")}</p>
      ) : null}
    </section>
  );
}
