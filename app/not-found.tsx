import { NotFoundContent } from '@/components/app-shell/not-found-content';

/** Also what a record or page outside the actor's scope looks like: forbidden is never distinguishable. */
export default function NotFound() {
  return (
    <main id="main" className="px-4 py-6">
      <NotFoundContent />
    </main>
  );
}
