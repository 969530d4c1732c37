import { describe, expect, it } from 'vitest';

import { csvCell, toCsv } from '@/lib/csv';

describe('CSV export', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","klick")', `"'=HYPERLINK(""http://evil.example"",""klick"")"`],
    ['+49 511 123', `"'+49 511 123"`],
    ['-1+1', `"'-1+1"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\tTAB', `"'\tTAB"`],
    ['\r=CR', `"'\r=CR"`],
    ['Grund; mit "Anführung"\nund Zeile', `"Grund; mit ""Anführung""\nund Zeile"`],
    ['a=b', '"a=b"'],
    ['', '""'],
  ])('neutralises a cell starting with a formula character and quotes every cell: %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes numbers and empty values as cells, semicolons between them, CRLF lines and a byte order mark', () => {
    expect(csvCell(42)).toBe('"42"');
    expect(csvCell(-3)).toBe(`"'-3"`);
    expect(csvCell(null)).toBe('""');
    expect(
      toCsv(
        ['A', 'B'],
        [
          ['x', null],
          ['=1', 2],
        ],
      ),
    ).toBe('\uFEFF"A";"B"\r\n"x";""\r\n"\'=1";"2"\r\n');
  });
});
