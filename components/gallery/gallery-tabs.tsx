import Link from "next/link";

export function GalleryTabs({
  active,
  signedIn,
}: {
  active: "public" | "mine" | "history";
  signedIn: boolean;
}) {
  const tabs = [
    { id: "public", href: "/gallery", label: "Public" },
    ...(signedIn
      ? [
          { id: "mine", href: "/gallery/mine", label: "My images" },
          { id: "history", href: "/gallery/mine?history=1", label: "History" },
        ]
      : []),
  ];
  return (
    <nav aria-label="Gallery" className="flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {tabs.map((t) => (
        <Link
          key={t.id}
          href={t.href}
          aria-current={active === t.id ? "page" : undefined}
          className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${
            active === t.id
              ? "border-brand-600 text-brand-700 dark:text-brand-400"
              : "border-transparent text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200"
          }`}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
