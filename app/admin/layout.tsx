import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin/admin-nav";
import { pageAdmin } from "@/lib/server";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  await pageAdmin("/admin");
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Administration</h1>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          Accounts, datasets, training and the model being served.
        </p>
      </div>
      <AdminNav />
      {children}
    </div>
  );
}
