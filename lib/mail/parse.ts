/**
 * Reads a raw e-mail as the app writes them (lib/mail/send.ts through nodemailer): headers, and the text
 * body decoded from quoted-printable or base64. Enough for the development mail page and the tests, which
 * look at what actually went over SMTP; not a general MIME parser (a multipart mail shows its first
 * text/plain part). Plain module, no I/O.
 */

export interface ParsedMail {
  /** Every header in order, names as written, values unfolded and with encoded words decoded. */
  headers: [name: string, value: string][];
  subject: string;
  from: string;
  to: string;
  date: Date | null;
  /** The decoded text of the (first) text/plain part; empty when there is none. */
  text: string;
}

/** The value of the first header of this name (case-insensitive), or ''. */
export function headerOf(headers: ParsedMail['headers'], name: string): string {
  const wanted = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === wanted)?.[1] ?? '';
}

export function parseRawMail(raw: string): ParsedMail {
  const { headers, body } = splitEntity(raw);
  const text = textOf(headers, body);
  const date = new Date(headerOf(headers, 'date'));
  return {
    headers,
    subject: headerOf(headers, 'subject'),
    from: headerOf(headers, 'from'),
    to: headerOf(headers, 'to'),
    date: Number.isNaN(date.getTime()) ? null : date,
    text,
  };
}

function splitEntity(raw: string): { headers: ParsedMail['headers']; body: string } {
  const normalised = raw.replace(/\r\n/g, '\n');
  const end = normalised.indexOf('\n\n');
  const head = end < 0 ? normalised : normalised.slice(0, end);
  const body = end < 0 ? '' : normalised.slice(end + 2);
  const headers: ParsedMail['headers'] = [];
  for (const line of head.split('\n')) {
    const last = headers.at(-1);
    if (/^[ \t]/.test(line) && last) last[1] = `${last[1]} ${line.trim()}`.trim();
    else {
      const colon = line.indexOf(':');
      if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
  }
  for (const header of headers) header[1] = decodeWords(header[1]);
  return { headers, body };
}

function textOf(headers: ParsedMail['headers'], body: string): string {
  const type = headerOf(headers, 'content-type') || 'text/plain';
  if (/^multipart\//i.test(type)) {
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (!boundary) return '';
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const entity = splitEntity(part.replace(/^\n/, ''));
      const text = textOf(entity.headers, entity.body);
      if (text) return text;
    }
    return '';
  }
  if (!/^text\/plain/i.test(type)) return '';
  return decodeBody(body, headerOf(headers, 'content-transfer-encoding'), charsetOf(type)).replace(/\n$/, '');
}

function charsetOf(contentType: string): string {
  return /charset="?([^";\s]+)"?/i.exec(contentType)?.[1]?.toLowerCase() ?? 'utf-8';
}

function decodeBody(body: string, encoding: string, charset: string): string {
  switch (encoding.toLowerCase()) {
    case 'quoted-printable':
      return decodeText(decodeQuotedPrintable(body), charset);
    case 'base64':
      return decodeText(Buffer.from(body.replace(/\s+/g, ''), 'base64'), charset);
    default:
      return body;
  }
}

function decodeQuotedPrintable(value: string): Buffer {
  const softBreaksRemoved = value.replace(/=\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < softBreaksRemoved.length; i++) {
    const hex = softBreaksRemoved.slice(i + 1, i + 3);
    if (softBreaksRemoved[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(softBreaksRemoved[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function decodeText(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`); whitespace between two of them is dropped. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_match, charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? decodeText(Buffer.from(data, 'base64'), charset.toLowerCase())
        : decodeText(decodeQuotedPrintable(data.replace(/_/g, ' ')), charset.toLowerCase()),
    );
}
