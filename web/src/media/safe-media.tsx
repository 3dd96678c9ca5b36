import { useEffect, useId, useRef, useSyncExternalStore, type CSSProperties } from 'react';
import { onNavigate } from '../router.js';
import { useWellness } from '../session/wellness.js';
import { EyeIcon, EyeOffIcon } from '../ui/icons.js';
import { hideOnLeave, revealStore } from './reveal-store.js';

export interface SafeMediaProps {
  kind: 'image' | 'video';
  src: string;
  /** Names the item for screen readers and the reveal button without describing its content, e.g. "File 3 of 120". */
  label: string;
  width?: CSSProperties['width'];
  height?: CSSProperties['height'];
  className?: string;
}

let installed = 0;
let uninstall: (() => void) | null = null;

/** The window/visibility/navigation listeners exist while at least one protected item is on screen. */
function useHideOnLeave(): void {
  useEffect(() => {
    if (installed++ === 0) {
      const offLeave = hideOnLeave(revealStore, { window, document });
      const offNavigate = onNavigate(() => revealStore.hideAll());
      uninstall = () => {
        offLeave();
        offNavigate();
      };
    }
    return () => {
      if (--installed === 0) {
        uninstall?.();
        uninstall = null;
      }
    };
  }, []);
}

export function protectionFilter(blurPx: number, greyscale: boolean): string {
  const parts = [blurPx > 0 ? `blur(${blurPx}px)` : '', greyscale ? 'grayscale(1)' : ''].filter(Boolean);
  return parts.length ? parts.join(' ') : 'none';
}

/**
 * An image or video shown under the viewer's wellness protection (DESIGN §1): blurred and greyscale as the user chose,
 * revealed only on an explicit request, one at a time, and re-blurred when it leaves the screen or the person looks
 * away (window blur, hidden tab, navigation). Videos start muted when the user asked for it, and pause on re-blur.
 */
export function SafeMedia({ kind, src, label, width, height, className }: SafeMediaProps) {
  const id = useId();
  const { blurPx, greyscale, muteVideo } = useWellness();
  const revealed = useSyncExternalStore(
    revealStore.subscribe,
    () => revealStore.current() === id,
    () => false,
  );
  const videoRef = useRef<HTMLVideoElement>(null);
  useHideOnLeave();

  useEffect(() => () => revealStore.hide(id), [id]);

  useEffect(() => {
    const video = videoRef.current;
    if (video) video.muted = muteVideo;
  }, [muteVideo]);

  useEffect(() => {
    const video = videoRef.current;
    if (!revealed && video && !video.paused) video.pause();
  }, [revealed]);

  const mediaStyle: CSSProperties = { filter: revealed ? 'none' : protectionFilter(blurPx, greyscale) };
  const classes = ['safe-media', revealed ? 'is-revealed' : 'is-protected', className].filter(Boolean).join(' ');

  return (
    <figure className={classes} style={{ width, height }} role="group" aria-label={label} data-revealed={revealed ? 'true' : 'false'}>
      <div className="safe-media-frame">
        {kind === 'image' ? (
          <img className="safe-media-content" src={src} alt={label} style={mediaStyle} draggable={false} />
        ) : (
          <video ref={videoRef} className="safe-media-content" src={src} aria-label={label} style={mediaStyle} controls muted={muteVideo} playsInline preload="metadata" />
        )}
        {!revealed && (
          <button type="button" className="safe-media-reveal" onClick={() => revealStore.reveal(id)} aria-label={`Reveal ${label}`}>
            <EyeIcon /> Reveal
          </button>
        )}
      </div>
      <figcaption className="safe-media-caption">
        <span className="safe-media-label">{label}</span>
        {revealed ? (
          <button type="button" className="safe-media-hide" onClick={() => revealStore.hide(id)} aria-label={`Blur ${label} again`}>
            <EyeOffIcon /> Blur again
          </button>
        ) : (
          <span className="safe-media-state">Protected</span>
        )}
      </figcaption>
    </figure>
  );
}
