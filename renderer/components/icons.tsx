/** Inline SVG icons (no icon font, no network): 16 px, stroke in currentColor, hidden from screen readers. */
import type { ReactNode } from 'react';

function Icon({ children, size = 16, title }: { children: ReactNode; size?: number; title?: string }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden={title ? undefined : true}
      role={title ? 'img' : undefined}
      aria-label={title}
      focusable="false"
    >
      {children}
    </svg>
  );
}

type P = { size?: number; title?: string };
export const InboxIcon = (p: P) => (
  <Icon {...p}>
    <path d="M2 9h3l1 2h4l1-2h3" />
    <path d="M3.5 3h9L14 9v4H2V9z" />
  </Icon>
);
export const ClockIcon = (p: P) => (
  <Icon {...p}>
    <circle cx="8" cy="8" r="6" />
    <path d="M8 4.5V8l2.5 1.5" />
  </Icon>
);
export const DisputeIcon = (p: P) => (
  <Icon {...p}>
    <path d="M2.5 3.5h8v6h-4l-3 2.5v-2.5h-1z" />
    <path d="M10.5 6h3v5.5h-1V13l-2-1.5H8" />
  </Icon>
);
export const ListIcon = (p: P) => (
  <Icon {...p}>
    <path d="M5.5 4h8M5.5 8h8M5.5 12h8M2.5 4h.01M2.5 8h.01M2.5 12h.01" />
  </Icon>
);
export const SettingsIcon = (p: P) => (
  <Icon {...p}>
    <circle cx="8" cy="8" r="2" />
    <path d="M8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4" />
  </Icon>
);
export const KeyboardIcon = (p: P) => (
  <Icon {...p}>
    <rect x="1.5" y="4" width="13" height="8" rx="1.5" />
    <path d="M4 6.5h.01M6.5 6.5h.01M9 6.5h.01M11.5 6.5h.01M5 9.5h6" />
  </Icon>
);
export const SyncIcon = (p: P) => (
  <Icon {...p}>
    <path d="M13.5 5.5A6 6 0 0 0 2.8 5M2.5 10.5A6 6 0 0 0 13.2 11" />
    <path d="M13.5 2.5v3h-3M2.5 13.5v-3h3" />
  </Icon>
);
export const CameraIcon = (p: P) => (
  <Icon {...p}>
    <path d="M2 5.5h2.5l1-1.5h5l1 1.5H14V13H2z" />
    <circle cx="8" cy="8.8" r="2.2" />
  </Icon>
);
export const BoltIcon = (p: P) => (
  <Icon {...p}>
    <path d="M9 1.5 3.5 9H8l-1 5.5L12.5 7H8z" />
  </Icon>
);
export const BarcodeIcon = (p: P) => (
  <Icon {...p}>
    <path d="M2.5 3.5v9M5 3.5v9M7 3.5v9M10 3.5v9M12 3.5v9M13.5 3.5v9" />
  </Icon>
);
export const SendIcon = (p: P) => (
  <Icon {...p}>
    <path d="M14 2 7 9M14 2l-4.5 12L7 9 2 6.5z" />
  </Icon>
);
export const AlertIcon = (p: P) => (
  <Icon {...p}>
    <path d="M8 2 14.5 13.5h-13z" />
    <path d="M8 6.5v3M8 11.5h.01" />
  </Icon>
);
export const BellIcon = (p: P) => (
  <Icon {...p}>
    <path d="M4 11.5V7a4 4 0 0 1 8 0v4.5l1 1H3z" />
    <path d="M6.5 14h3" />
  </Icon>
);
export const CheckIcon = (p: P) => (
  <Icon {...p}>
    <path d="m3 8.5 3 3 7-7" />
  </Icon>
);
export const DotIcon = (p: P) => (
  <Icon {...p}>
    <circle cx="8" cy="8" r="3.5" fill="currentColor" stroke="none" />
  </Icon>
);
export const SearchIcon = (p: P) => (
  <Icon {...p}>
    <circle cx="7" cy="7" r="4.5" />
    <path d="m10.5 10.5 3.5 3.5" />
  </Icon>
);
export const CloseIcon = (p: P) => (
  <Icon {...p}>
    <path d="m4 4 8 8M12 4l-8 8" />
  </Icon>
);
export const KeyIcon = (p: P) => (
  <Icon {...p}>
    <circle cx="5" cy="10.5" r="3" />
    <path d="m7.2 8.3 6.3-6.3M11.5 4l1.5 1.5M10 5.5 11.5 7" />
  </Icon>
);
export const CalendarIcon = (p: P) => (
  <Icon {...p}>
    <rect x="2.5" y="3.5" width="11" height="10" rx="1.5" />
    <path d="M2.5 6.5h11M5.5 2v3M10.5 2v3" />
  </Icon>
);
