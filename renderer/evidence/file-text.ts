// A media file's problem and description, in the words of the `evidence` namespace.
import type { TFunction } from 'i18next';

/** The key of a media problem's short name. */
export function problemKey(problem: string | null): string {
  switch (problem) {
    case 'not-an-image':
      return 'evidence:problem_notAnImage';
    case 'truncated':
      return 'evidence:problem_truncated';
    case 'too-large':
      return 'evidence:problem_tooLarge';
    case 'not-a-pdf':
      return 'evidence:problem_notAPdf';
    case 'unavailable':
      return 'evidence:problem_unavailable';
    default:
      return 'evidence:problem_notFound';
  }
}

/** "4000×3000 · JPEG · 3.9 MB" */
export function describeFile(file: { width: number | null; height: number | null; mime: string; size: number }, t: TFunction, locale: 'ru' | 'en'): string {
  const type = file.mime === 'image/jpeg' ? 'JPEG' : file.mime === 'image/png' ? 'PNG' : file.mime === 'application/pdf' ? 'PDF' : file.mime;
  const mb = file.size / 1048576;
  const size =
    mb >= 1
      ? t('evidence:sizeMB', { size: mb.toLocaleString(locale, { maximumFractionDigits: 1 }) })
      : t('evidence:sizeKB', { size: Math.max(1, Math.round(file.size / 1024)) });
  return [file.width && file.height ? `${file.width}×${file.height}` : null, type, size].filter(Boolean).join(' · ');
}
