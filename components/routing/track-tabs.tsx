import { getTranslations } from 'next-intl/server';

import { TRACKS, type Track } from '@/lib/routing/values';

/** The track named by `?bereich=`; anything else is the victim track. */
export function trackFrom(value: string | string[] | undefined): Track {
  return (TRACKS as readonly string[]).includes(String(value)) ? (value as Track) : 'VICTIM';
}

/** Switches a page between the tracks with plain links (works without JavaScript). */
export async function TrackTabs({ current, path, label }: { current: Track; path: string; label: string }) {
  const t = await getTranslations('routing');
  return (
    <nav aria-label={label} className="flex gap-2">
      {TRACKS.map((track) => (
        <a
          key={track}
          href={`${path}?bereich=${track}`}
          aria-current={track === current ? 'page' : undefined}
          className="aria-[current=page]:bg-brand-700 inline-flex min-h-11 items-center rounded-md border border-slate-400 px-4 font-semibold aria-[current=page]:text-white"
        >
          {t(`tracks.${track}`)}
        </a>
      ))}
    </nav>
  );
}
