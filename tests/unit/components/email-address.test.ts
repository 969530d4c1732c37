import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { EmailAddress } from '@/components/ui/email-address';

describe('EmailAddress', () => {
  it('lets an address wrap after the @ and before dots only, never inside a name', () => {
    const html = renderToStaticMarkup(
      createElement(EmailAddress, { email: 'kriminaloberkommissarin.mustermann@polizei.niedersachsen.de' }),
    );
    expect(html).toContain('kriminaloberkommissarin<wbr/>.mustermann@<wbr/>polizei<wbr/>.niedersachsen<wbr/>.de');
    expect(html).not.toContain('anywhere');
  });
});
