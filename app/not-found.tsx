import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <p className="text-sm font-semibold text-brand-600 dark:text-brand-400">404</p>
      <h1 className="mt-2 text-2xl font-semibold">Nothing here</h1>
      <p className="mt-2 text-zinc-500 dark:text-zinc-400">
        The page does not exist or is not shared with you.
      </p>
      <Link
        href="/"
        className="mt-6 inline-block text-sm font-medium text-brand-600 hover:underline dark:text-brand-400"
      >
        Back to the studio
      </Link>
    </div>
  );
}
