import Link from "next/link";
import { redirect } from "next/navigation";
import { CredentialsForm } from "@/components/auth/credentials-form";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { config } from "@/lib/config";
import { currentViewer, needsSetup } from "@/lib/server";

export const metadata = { title: "Sign up" };

export default async function SignUpPage() {
  if (needsSetup()) redirect("/setup");
  if (await currentViewer()) redirect("/");
  return (
    <div className="mx-auto max-w-sm">
      <Card>
        <h1 className="mb-1 text-xl font-semibold">Create an account</h1>
        <p className="mb-6 text-sm text-zinc-500 dark:text-zinc-400">Keep your images and share them.</p>
        {config().allowSignUp ? (
          <CredentialsForm endpoint="/api/account/sign-up" submitLabel="Create account" next="/" newAccount />
        ) : (
          <Alert tone="info">Sign-up is closed on this instance. Ask an administrator for an account.</Alert>
        )}
        <p className="mt-6 text-center text-sm text-zinc-500 dark:text-zinc-400">
          Already have one?{" "}
          <Link className="font-medium text-brand-600 hover:underline dark:text-brand-400" href="/sign-in">
            Sign in
          </Link>
        </p>
      </Card>
    </div>
  );
}
