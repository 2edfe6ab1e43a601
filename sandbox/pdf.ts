// A tiny PDF writer for return applications: Helvetica, WinAnsi, Cyrillic transliterated.
import { isoMsk } from './clock.ts';
import type { Campaign, Order, ReturnRecord } from './types.ts';

const TRANSLIT: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'yo',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
};

export function translit(s: string): string {
  let out = '';
  for (const ch of s) {
    const lower = ch.toLowerCase();
    const t = TRANSLIT[lower];
    if (t === undefined) out += /[\x20-\x7e]/.test(ch) ? ch : ch === '«' || ch === '»' ? '"' : ch === '—' || ch === '–' ? '-' : ch === '·' ? '.' : '?';
    else out += ch !== lower && t ? t[0]!.toUpperCase() + t.slice(1) : t;
  }
  return out;
}

const esc = (s: string): string => translit(s).replace(/\\/g, '\\\\').replace(/\(/g, '\\(').replace(/\)/g, '\\)');

export function buildPdf(pages: string[][]): Buffer {
  const objects: string[] = [];
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  const kids: number[] = [];
  let next = 4;
  for (const lines of pages) {
    const content = [
      'BT',
      '/F1 11 Tf',
      '14 TL',
      '50 790 Td',
      ...lines.map((l, i) => (i === 0 ? `/F1 15 Tf (${esc(l)}) Tj T* /F1 11 Tf` : `(${esc(l)}) Tj T*`)),
      'ET',
    ].join('\n');
    const contentId = next++;
    const pageId = next++;
    objects[contentId] = `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
    objects[pageId] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${contentId} 0 R >>`;
    kids.push(pageId);
  }
  objects[2] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let i = 1; i < objects.length; i++) {
    offsets[i] = Buffer.byteLength(out, 'latin1');
    out += `${i} 0 obj\n${objects[i]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let i = 1; i < objects.length; i++) out += `${String(offsets[i]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export function returnApplicationPdf(r: ReturnRecord, order: Order | undefined, campaign: Campaign | undefined): Buffer {
  const lines = [
    `Zayavlenie na vozvrat tovara / Return application No. ${r.id}`,
    '',
    `Order: ${r.orderId}`,
    `Return: ${r.id}`,
    `Store: ${campaign?.domain ?? ''} (campaign ${r.campaignId})`,
    `Created: ${isoMsk(r.createdAt)}`,
    `Buyer: ${order?.buyerName ?? ''}, ${order?.city ?? ''}`,
    '',
    'Items:',
  ];
  for (const it of r.items) {
    const name = order?.items.find((o) => o.id === it.orderItemId)?.offerName ?? it.offerId;
    lines.push(`- ${name}`);
    lines.push(`    SKU ${it.offerId}, count ${it.count}, price ${it.unitValue} RUB`);
    if (it.reasonType) lines.push(`    Reason: ${it.reasonType} / ${it.subreasonType ?? ''}`);
    if (it.buyerComment) lines.push(`    Buyer: ${it.buyerComment}`);
  }
  lines.push('', `Total: ${r.items.reduce((s, i) => s + i.unitValue * i.count, 0)} RUB`, '', 'Podpis pokupatelya / Buyer signature: ____________');
  const pages: string[][] = [];
  for (let i = 0; i < lines.length; i += 50) pages.push(lines.slice(i, i + 50));
  return buildPdf(pages);
}
