"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";

interface Props {
  id: string;
  visibility: "private" | "public";
  saved: boolean;
  shareUrl: string;
}

export function ImageActions({ id, visibility, saved, shareUrl }: Props) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  async function call(method: "PATCH" | "DELETE", body?: unknown) {
    setBusy(true);
    setError(null);
    const res = await fetch(`/api/images/${id}`, {
      method,
      headers: body ? { "content-type": "application/json" } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
    setBusy(false);
    if (!res.ok) {
      const b = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
      setError(b.error?.message ?? `The server answered ${res.status}.`);
      return false;
    }
    return true;
  }

  const btn =
    "rounded-lg border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800";
  return (
    <div className="space-y-3">
      {error && <Alert>{error}</Alert>}
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          className={btn}
          disabled={busy}
          data-testid="visibility-toggle"
          onClick={async () => {
            if (await call("PATCH", { visibility: visibility === "public" ? "private" : "public" }))
              router.refresh();
          }}
        >
          {visibility === "public" ? "Make private" : "Make public"}
        </button>
        <button
          type="button"
          className={btn}
          disabled={busy}
          onClick={async () => {
            if (await call("PATCH", { saved: !saved })) router.refresh();
          }}
        >
          {saved ? "Remove from My images" : "Save to My images"}
        </button>
        <button
          type="button"
          className={`${btn} text-red-600 dark:text-red-400`}
          disabled={busy}
          onClick={async () => {
            if (!window.confirm("Delete this image for good?")) return;
            if (await call("DELETE")) router.push("/gallery/mine");
          }}
        >
          Delete
        </button>
      </div>
      {visibility === "public" ? (
        <div className="flex items-center gap-2">
          <label htmlFor="share-url" className="sr-only">
            Share link
          </label>
          <input
            id="share-url"
            readOnly
            value={shareUrl}
            data-testid="share-url"
            className="min-w-0 flex-1 rounded-lg border border-zinc-300 bg-zinc-50 px-3 py-1.5 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
            onFocus={(e) => e.currentTarget.select()}
          />
          <button
            type="button"
            className={btn}
            onClick={async () => {
              await navigator.clipboard?.writeText(shareUrl).catch(() => undefined);
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            }}
          >
            {copied ? "Copied" : "Copy link"}
          </button>
        </div>
      ) : (
        <p className="text-sm text-zinc-500">
          Private: only you (and administrators) can see it. Make it public to share it.
        </p>
      )}
    </div>
  );
}
