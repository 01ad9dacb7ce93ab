"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";

const FORMATS = ["zip", "folder", "jsonl", "coco", "cub", "oxford"];

function apiError(status: number, text: string): string {
  try {
    return (
      (JSON.parse(text) as { error?: { message?: string } }).error?.message ??
      `The server answered ${status}.`
    );
  } catch {
    return `The server answered ${status}.`;
  }
}

export function DatasetForms({ hasEmoji }: { hasEmoji: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  function upload(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = form.get("file") as File | null;
    const name = String(form.get("name") ?? "");
    setError(null);
    if (!file || file.size === 0) return setError("Choose a zip file to upload.");
    const xhr = new XMLHttpRequest();
    xhr.open(
      "PUT",
      `/api/admin/datasets/upload?${new URLSearchParams({ name, format: String(form.get("format")) })}`,
    );
    xhr.setRequestHeader("content-type", "application/zip");
    xhr.upload.onprogress = (ev) => ev.lengthComputable && setProgress(ev.loaded / ev.total);
    xhr.onload = () => {
      setProgress(null);
      if (xhr.status >= 200 && xhr.status < 300) router.refresh();
      else setError(apiError(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => {
      setProgress(null);
      setError("The upload failed. Check your connection and try again.");
    };
    setProgress(0);
    xhr.send(file);
  }

  async function post(body: Record<string, unknown>) {
    setBusy(true);
    setError(null);
    const res = await fetch("/api/admin/datasets", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    setBusy(false);
    if (!res.ok) setError(apiError(res.status, await res.text()));
    else router.refresh();
  }

  const select =
    "block w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";
  return (
    <div className="space-y-4">
      {error && <Alert testId="dataset-error">{error}</Alert>}
      <div className="grid gap-4 md:grid-cols-2">
        <form
          onSubmit={upload}
          className="space-y-3 rounded-xl border border-zinc-200 p-4 dark:border-zinc-800"
        >
          <h3 className="font-medium">Upload a zip</h3>
          <p className="text-xs text-zinc-500">
            Images with same-name .txt captions (one per line), a JSON-lines manifest, or a CUB / Oxford /
            COCO layout.
          </p>
          <Field id="upload-name" name="name" label="Dataset name" required placeholder="my-birds" />
          <div className="space-y-1.5">
            <label htmlFor="upload-format" className="block text-sm font-medium">
              Layout inside the zip
            </label>
            <select id="upload-format" name="format" className={select} defaultValue="zip">
              {FORMATS.map((f) => (
                <option key={f} value={f}>
                  {f === "zip" ? "folder of images + captions" : f}
                </option>
              ))}
            </select>
          </div>
          <div className="space-y-1.5">
            <label htmlFor="upload-file" className="block text-sm font-medium">
              Zip file
            </label>
            <input
              id="upload-file"
              name="file"
              type="file"
              accept=".zip,application/zip"
              className="block w-full text-sm"
            />
          </div>
          {progress !== null && (
            <progress
              value={progress}
              max={1}
              className="h-2 w-full accent-brand-600"
              aria-label="Upload progress"
            />
          )}
          <Button type="submit" disabled={progress !== null}>
            {progress !== null ? `Uploading ${Math.round(progress * 100)}%` : "Upload and import"}
          </Button>
        </form>
        <div className="space-y-4">
          <form
            className="space-y-3 rounded-xl border border-zinc-200 p-4 dark:border-zinc-800"
            onSubmit={(e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget);
              void post({ kind: "path", name: f.get("name"), format: f.get("format"), path: f.get("path") });
            }}
          >
            <h3 className="font-medium">Import from a folder on the server</h3>
            <Field id="path-name" name="name" label="Dataset name" required placeholder="cub-200" />
            <Field
              id="path-path"
              name="path"
              label="Absolute path"
              required
              placeholder="/srv/data/CUB_200_2011"
            />
            <div className="space-y-1.5">
              <label htmlFor="path-format" className="block text-sm font-medium">
                Format
              </label>
              <select id="path-format" name="format" className={select} defaultValue="folder">
                {FORMATS.filter((f) => f !== "zip").map((f) => (
                  <option key={f} value={f}>
                    {f}
                  </option>
                ))}
              </select>
            </div>
            <Button type="submit" variant="secondary" disabled={busy}>
              Import
            </Button>
          </form>
          {!hasEmoji && (
            <div className="space-y-2 rounded-xl border border-zinc-200 p-4 dark:border-zinc-800">
              <h3 className="font-medium">Built-in: emoji in three art styles</h3>
              <p className="text-xs text-zinc-500">
                About 5.9k images from Fluent 3D, Noto and Twemoji, with 8 captions each (about 4 minutes).
              </p>
              <Button
                variant="secondary"
                disabled={busy}
                onClick={() => void post({ kind: "builtin", name: "emoji" })}
              >
                Build the emoji set
              </Button>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
