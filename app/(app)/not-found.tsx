import { NotFoundContent } from '@/components/app-shell/not-found-content';

/**
 * "Not found" inside the signed-in pages (a record that does not exist or is outside the actor's scope): in
 * the layout's own `<main>`, with its header, so the page keeps one main landmark and its navigation.
 */
export default function SignedInNotFound() {
  return <NotFoundContent />;
}
