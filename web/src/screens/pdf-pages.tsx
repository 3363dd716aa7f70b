import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';

/** At most this many pages are drawn in the page (the download has them all). */
const MAX_PAGES = 10;

/**
 * The PDF drawn with pdf.js (pdfjs-dist), loaded only when a document is opened so the first screen stays
 * small. Every page is a canvas: the visible seal and signature appearances show as in a PDF reader.
 */
export function PdfPages(props: { bytes: Uint8Array; name: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'done' | 'failed'>('loading');
  const [pages, setPages] = useState(0);
  useEffect(() => {
    let cancelled = false;
    let destroy: (() => void) | undefined;
    (async () => {
      const [pdfjs, worker] = await Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]);
      pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
      const task = pdfjs.getDocument({ data: props.bytes.slice(), enableXfa: false });
      destroy = () => void task.destroy();
      const doc = await task.promise;
      if (cancelled) return;
      setPages(doc.numPages);
      const width = Math.min(host.current?.clientWidth ?? 800, 900);
      for (let n = 1; n <= Math.min(doc.numPages, MAX_PAGES) && !cancelled; n++) {
        const page = await doc.getPage(n);
        const base = page.getViewport({ scale: 1 });
        const viewport = page.getViewport({ scale: (width / base.width) * (window.devicePixelRatio || 1) });
        const canvas = document.createElement('canvas');
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.style.width = `${Math.floor(viewport.width / (window.devicePixelRatio || 1))}px`;
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `${props.name} — ${n}/${doc.numPages}`);
        canvas.dataset.page = String(n);
        host.current?.append(canvas);
        await page.render({ canvas, viewport }).promise;
      }
      if (!cancelled) setState('done');
    })().catch(() => !cancelled && setState('failed'));
    return () => {
      cancelled = true;
      destroy?.();
      host.current?.replaceChildren();
    };
  }, [props.bytes]);
  return (
    <div>
      <div ref={host} class="pdf-pages" data-testid="pdf-pages" data-state={state} />
      {state === 'loading' ? <p>{t('loading')}</p> : null}
      {state === 'failed' ? <p class="alert bad">{t('errGeneric')}</p> : null}
      {pages > MAX_PAGES ? <p class="muted small">{`${MAX_PAGES}/${pages}`}</p> : null}
    </div>
  );
}
