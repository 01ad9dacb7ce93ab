import { UsersTable } from "@/components/admin/users-table";
import { listUsers, pageAdmin } from "@/lib/server";

export const metadata = { title: "Users · Admin" };

export default async function AdminUsersPage() {
  const viewer = await pageAdmin("/admin");
  const users = listUsers(viewer);
  return (
    <section aria-labelledby="users-heading" className="space-y-3">
      <h2 id="users-heading" className="text-lg font-semibold">
        Users <span className="text-sm font-normal text-zinc-500">({users.length})</span>
      </h2>
      <UsersTable users={users} selfId={viewer.id} />
    </section>
  );
}
