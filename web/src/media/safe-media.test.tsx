import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { WellnessProvider } from '../session/wellness.js';
import { protectionFilter, SafeMedia } from './safe-media.js';

// The first paint is what matters for wellness: it must already be protected, before any effect runs.
describe('SafeMedia first render', () => {
  it('shows an image blurred and greyscale with the default preferences, with a Reveal control', () => {
    const html = renderToString(<SafeMedia kind="image" src="/x.png" label="File 1" />);
    expect(html).toContain('filter:blur(24px) grayscale(1)');
    expect(html).toContain('aria-label="Reveal File 1"');
    expect(html).toContain('data-revealed="false"');
  });

  it("uses the user's own blur and greyscale choice", () => {
    const html = renderToString(
      <WellnessProvider preferences={{ blurPx: 40, greyscale: false, muteVideo: true }}>
        <SafeMedia kind="image" src="/x.png" label="File 2" />
      </WellnessProvider>,
    );
    expect(html).toContain('filter:blur(40px)');
    expect(html).not.toContain('grayscale');
  });

  it('starts a video muted, with controls, when the user asked for muted video', () => {
    const html = renderToString(<SafeMedia kind="video" src="/v.mp4" label="Clip 1" />);
    expect(html).toMatch(/<video[^>]*\bcontrols\b/);
    expect(html).toMatch(/<video[^>]*\bmuted\b/);
    expect(html).toContain('filter:blur(24px) grayscale(1)');
  });

  it('leaves a video unmuted only when the user chose so', () => {
    const html = renderToString(
      <WellnessProvider preferences={{ blurPx: 24, greyscale: true, muteVideo: false }}>
        <SafeMedia kind="video" src="/v.mp4" label="Clip 2" />
      </WellnessProvider>,
    );
    expect(html).not.toMatch(/<video[^>]*\bmuted\b/);
  });
});

describe('protectionFilter', () => {
  it('combines blur and greyscale, and is none when both are off', () => {
    expect(protectionFilter(24, true)).toBe('blur(24px) grayscale(1)');
    expect(protectionFilter(0, true)).toBe('grayscale(1)');
    expect(protectionFilter(8, false)).toBe('blur(8px)');
    expect(protectionFilter(0, false)).toBe('none');
  });
});
