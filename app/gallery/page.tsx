export const metadata = { title: "Gallery" };

export default function GalleryPage() {
  return (
    <div className="space-y-2">
      <h1 className="text-2xl font-semibold tracking-tight">Gallery</h1>
      <p className="text-sm text-zinc-500 dark:text-zinc-400">Public images will appear here.</p>
    </div>
  );
}
