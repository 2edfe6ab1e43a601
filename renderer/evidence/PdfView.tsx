// Renders a PDF's pages to canvases with pdf.js; its worker is bundled by Vite and loads from 'self'
// (worker-src falls back to script-src 'self': no CSP change). No eval, no fetch: bytes come from main.
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import * as pdfjs from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { useI18n } from '../i18n/index.ts';

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

function fromBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function PdfView({ base64, onError }: { base64: string; onError: (message: string) => void }) {
  const { t } = useI18n();
  const host = useRef<HTMLDivElement>(null);
  const [pages, setPages] = useState(0);
  // Read when a page is drawn: a change of language or of the parent's handler does not redraw the document.
  const pageLabel = useEffectEvent((n: number, count: number) => t('evidence:page', { n, count }));
  const fail = useEffectEvent((message: string) => onError(message));
  useEffect(() => {
    let cancelled = false;
    const task = pdfjs.getDocument({ data: fromBase64(base64), useSystemFonts: true, stopAtErrors: false });
    void (async () => {
      try {
        const doc = await task.promise;
        if (cancelled) return;
        setPages(doc.numPages);
        const container = host.current;
        if (!container) return;
        container.replaceChildren();
        for (let n = 1; n <= doc.numPages; n++) {
          const page = await doc.getPage(n);
          if (cancelled) return;
          const width = Math.min(container.clientWidth || 640, 900);
          const base = page.getViewport({ scale: 1 });
          const ratio = window.devicePixelRatio || 1;
          const viewport = page.getViewport({ scale: (width / base.width) * ratio });
          const canvas = document.createElement('canvas');
          canvas.width = Math.floor(viewport.width);
          canvas.height = Math.floor(viewport.height);
          canvas.className = 'ev-pdf-page';
          canvas.setAttribute('role', 'img');
          canvas.setAttribute('aria-label', pageLabel(n, doc.numPages));
          canvas.dataset.testid = 'pdf-page';
          container.append(canvas);
          const context = canvas.getContext('2d');
          if (!context) throw new Error('no 2D canvas');
          await page.render({ canvas, canvasContext: context, viewport }).promise;
          canvas.dataset.rendered = 'true';
        }
      } catch (error) {
        if (!cancelled) fail(error instanceof Error ? error.message : String(error));
      }
    })();
    return () => {
      cancelled = true;
      void task.destroy();
    };
  }, [base64]);
  return (
    <div className="ev-pdf" data-testid="pdf-view" data-pages={pages}>
      <div ref={host} />
    </div>
  );
}
