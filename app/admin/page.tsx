import { UsersTable } from "@/components/admin/users-table";
import { listUsers, pageAdmin } from "@/lib/server";

export const metadata = { title: "Admin" };

export default async function AdminPage() {
  const viewer = await pageAdmin("/admin");
  const users = listUsers(viewer);
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Administration</h1>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">Accounts and roles.</p>
      </div>
      <section aria-labelledby="users-heading" className="space-y-3">
        <h2 id="users-heading" className="text-lg font-semibold">
          Users <span className="text-sm font-normal text-zinc-500">({users.length})</span>
        </h2>
        <UsersTable users={users} selfId={viewer.id} />
      </section>
    </div>
  );
}
