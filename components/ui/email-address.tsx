import { Fragment } from 'react';

/**
 * An e-mail address that wraps only where people expect it: after the "@" and before a dot, never in the
 * middle of a name (narrow screens, tables).
 */
export function EmailAddress({ email }: { email: string }) {
  const parts = email.split(/(?<=@)|(?=\.)/);
  return (
    <span className="[overflow-wrap:break-word]">
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </span>
  );
}
