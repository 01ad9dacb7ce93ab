import { redirect } from "next/navigation";
import { CredentialsForm } from "@/components/auth/credentials-form";
import { Card } from "@/components/ui/card";
import { needsSetup } from "@/lib/server";

export const metadata = { title: "Set up Ganvas" };
export const dynamic = "force-dynamic";

/** One-time first-run page: exists only while the instance has no administrator. */
export default function SetupPage() {
  if (!needsSetup()) redirect("/sign-in");
  return (
    <div className="mx-auto max-w-md">
      <Card>
        <p className="mb-2 text-xs font-semibold uppercase tracking-wider text-brand-600 dark:text-brand-400">
          First run
        </p>
        <h1 className="mb-1 text-xl font-semibold">Create the administrator</h1>
        <p className="mb-6 text-sm text-zinc-500 dark:text-zinc-400">
          This account manages users, datasets, training and model versions. The page disappears once it
          exists.
        </p>
        <CredentialsForm endpoint="/api/setup" submitLabel="Create administrator" next="/admin" newAccount />
      </Card>
    </div>
  );
}
