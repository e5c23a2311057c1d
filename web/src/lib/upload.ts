// A file to a document: its SHA-256 and size first (the API fixes both in the presigned URL),
// then a PUT of the bytes to that URL with the exact headers, reporting progress.
import { post, route } from "../api/client";
import type { FileUpload } from "../api/types";

export async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function putWithProgress(url: string, headers: Record<string, string>, body: ArrayBuffer, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? (onProgress(1), resolve()) : reject(new Error(`upload: HTTP ${xhr.status}`)));
    xhr.onerror = () => reject(new Error("upload failed"));
    xhr.send(body);
  });
}

export async function uploadFile(documentId: string, file: File, onProgress: (fraction: number) => void): Promise<FileUpload> {
  const bytes = await file.arrayBuffer();
  const { data } = await post<FileUpload>(route("/v1/documents/{document_id}/files", { document_id: documentId }), {
    name: file.name,
    media_type: file.type || "application/pdf",
    size: bytes.byteLength,
    sha256: await sha256Hex(bytes),
  });
  onProgress(0);
  await putWithProgress(data.upload.url, data.upload.headers as Record<string, string>, bytes, onProgress);
  return data;
}
