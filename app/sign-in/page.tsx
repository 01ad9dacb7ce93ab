import Link from "next/link";
import { redirect } from "next/navigation";
import { CredentialsForm } from "@/components/auth/credentials-form";
import { Card } from "@/components/ui/card";
import { safeNext } from "@/lib/safe-next";
import { currentViewer, needsSetup } from "@/lib/server";

export const metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (needsSetup()) redirect("/setup");
  const next = safeNext((await searchParams).next);
  if (await currentViewer()) redirect(next);
  return (
    <div className="mx-auto max-w-sm">
      <Card>
        <h1 className="mb-1 text-xl font-semibold">Sign in</h1>
        <p className="mb-6 text-sm text-zinc-500 dark:text-zinc-400">Welcome back to Ganvas.</p>
        <CredentialsForm endpoint="/api/account/sign-in" submitLabel="Sign in" next={next} />
        <p className="mt-6 text-center text-sm text-zinc-500 dark:text-zinc-400">
          No account yet?{" "}
          <Link className="font-medium text-brand-600 hover:underline dark:text-brand-400" href="/sign-up">
            Sign up
          </Link>
        </p>
      </Card>
    </div>
  );
}
