import Link from "next/link";
import type { Viewer } from "@/lib/server";
import { NavLink } from "./nav-link";
import { SignOutButton } from "./sign-out-button";
import { ThemeToggle } from "./theme-toggle";

export function SiteHeader({ viewer }: { viewer: Viewer | null }) {
  return (
    <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white/80 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/80">
      <div className="mx-auto flex h-14 max-w-6xl items-center gap-2 px-4">
        <Link href="/" className="mr-2 flex items-center gap-2 font-semibold tracking-tight">
          <span
            aria-hidden="true"
            className="grid h-7 w-7 place-items-center rounded-lg bg-gradient-to-br from-brand-500 to-fuchsia-500 text-sm text-white"
          >
            G
          </span>
          <span>Ganvas</span>
        </Link>
        <nav aria-label="Main" className="flex flex-1 items-center gap-1 overflow-x-auto">
          <NavLink href="/">Studio</NavLink>
          <NavLink href="/gallery">Gallery</NavLink>
          {viewer?.role === "admin" && <NavLink href="/admin">Admin</NavLink>}
        </nav>
        <ThemeToggle />
        {viewer ? (
          <div className="flex items-center gap-1">
            <span className="hidden text-sm text-zinc-500 sm:inline" data-testid="viewer-name">
              {viewer.username}
            </span>
            <SignOutButton />
          </div>
        ) : (
          <div className="flex items-center gap-1">
            <Link
              href="/sign-in"
              className="rounded-lg px-3 py-1.5 text-sm text-zinc-700 hover:bg-zinc-200/70 dark:text-zinc-300 dark:hover:bg-zinc-800"
            >
              Sign in
            </Link>
            <Link
              href="/sign-up"
              className="rounded-lg bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
            >
              Sign up
            </Link>
          </div>
        )}
      </div>
    </header>
  );
}
