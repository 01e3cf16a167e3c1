import { describe, expect, it } from 'vitest';

import { rejectBlob } from './imports';

// jsdom's Blob has no arrayBuffer(): read it as a browser of old would.
const bytesOf = (blob) => new Promise((resolve) => {
  const reader = new FileReader();
  reader.onload = () => resolve(new Uint8Array(reader.result));
  reader.readAsArrayBuffer(blob);
});

describe('the rejects of an import', () => {
  it('turn back into the bytes the server wrote, typed by their name', async () => {
    const csv = rejectBlob({ name: 'households.csv', base64: Buffer.from('户编号,错误\nH1,金额格式不正确\n').toString('base64') });
    expect(csv.type).toBe('text/csv');
    expect(new TextDecoder().decode(await bytesOf(csv))).toBe('户编号,错误\nH1,金额格式不正确\n');
    const book = rejectBlob({ name: 'rejects.xlsx', base64: 'UEsDBA==' });
    expect(book.type).toMatch(/spreadsheetml/);
    expect([...(await bytesOf(book))]).toEqual([0x50, 0x4b, 0x03, 0x04]);
  });
});
