import { NavLink } from "@/components/layout/nav-link";

export function AdminNav() {
  return (
    <nav
      aria-label="Administration"
      className="flex flex-wrap gap-1 border-b border-zinc-200 pb-2 dark:border-zinc-800"
    >
      <NavLink href="/admin" exact>
        Users
      </NavLink>
      <NavLink href="/admin/datasets">Datasets</NavLink>
      <NavLink href="/admin/training">Training</NavLink>
      <NavLink href="/admin/models">Model versions</NavLink>
    </nav>
  );
}
