"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/** DELETE `url` after a confirmation, then go to `then`; shows the server's message when refused. */
export function DeleteButton({
  url,
  then,
  label,
  confirm,
}: {
  url: string;
  then: string;
  label: string;
  confirm: string;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="space-y-2">
      <button
        type="button"
        onClick={async () => {
          if (!window.confirm(confirm)) return;
          const res = await fetch(url, { method: "DELETE" });
          if (res.ok) {
            router.push(then);
            router.refresh();
          } else {
            const b = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
            setError(b.error?.message ?? `The server answered ${res.status}.`);
          }
        }}
        className="rounded-lg border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 dark:border-red-900 dark:text-red-300 dark:hover:bg-red-950"
      >
        {label}
      </button>
      {error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}
