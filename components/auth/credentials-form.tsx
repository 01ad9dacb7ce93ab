"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";

interface Props {
  endpoint: string;
  submitLabel: string;
  /** where to go after success */
  next: string;
  /** sign-up and setup ask for the password twice and show the rules */
  newAccount?: boolean;
}

interface ApiError {
  error?: { code?: string; message?: string; details?: { issues?: { path: string[]; message: string }[] } };
}

export function CredentialsForm({ endpoint, submitLabel, next, newAccount = false }: Props) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const username = String(form.get("username") ?? "");
    const password = String(form.get("password") ?? "");
    setError(null);
    setFieldErrors({});
    if (newAccount && password !== String(form.get("confirm") ?? "")) {
      setFieldErrors({ confirm: "The two passwords differ." });
      return;
    }
    setBusy(true);
    try {
      const res = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username, password }),
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as ApiError;
        const issues = body.error?.details?.issues ?? [];
        if (issues.length) {
          setFieldErrors(Object.fromEntries(issues.map((i) => [i.path[0] ?? "form", i.message])));
        }
        setError(body.error?.message ?? `The server answered ${res.status}. Try again.`);
        return;
      }
      router.push(next);
      router.refresh();
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {error && <Alert testId="form-error">{error}</Alert>}
      <Field
        id="username"
        name="username"
        label="Username"
        autoComplete="username"
        required
        maxLength={200}
        hint={newAccount ? "3–32 characters: letters, digits, “.”, “_” and “-”." : undefined}
        error={fieldErrors.username}
      />
      <Field
        id="password"
        name="password"
        type="password"
        label="Password"
        autoComplete={newAccount ? "new-password" : "current-password"}
        required
        hint={newAccount ? "At least 8 characters." : undefined}
        error={fieldErrors.password}
      />
      {newAccount && (
        <Field
          id="confirm"
          name="confirm"
          type="password"
          label="Repeat password"
          autoComplete="new-password"
          required
          error={fieldErrors.confirm}
        />
      )}
      <Button type="submit" disabled={busy} className="w-full">
        {busy ? "Please wait…" : submitLabel}
      </Button>
    </form>
  );
}
