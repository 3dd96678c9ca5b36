/*
 * Harmless generated pictures for the wellness preview: colour and contrast make the blur and greyscale visible,
 * and nothing in them resembles a person. Data URLs, so the preview needs no file and no network.
 */

function svgUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export const PREVIEW_LANDSCAPE = svgUrl(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 200" width="320" height="200">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#ff9a3c"/><stop offset=".55" stop-color="#ffd36b"/><stop offset="1" stop-color="#7ec8e3"/></linearGradient></defs>
<rect width="320" height="200" fill="url(#sky)"/>
<circle cx="230" cy="78" r="30" fill="#fff4c2"/>
<path d="M0 150 L60 96 L110 140 L170 80 L240 150 L320 110 L320 200 L0 200 Z" fill="#2f6b4f"/>
<path d="M0 170 L80 140 L150 175 L220 150 L320 172 L320 200 L0 200 Z" fill="#1d4a36"/>
<g fill="#1b3a6b"><rect x="24" y="176" width="26" height="6" rx="3"/><rect x="262" y="182" width="34" height="6" rx="3"/></g>
</svg>`);

export const PREVIEW_PATTERN = svgUrl(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 200" width="320" height="200">
<defs><pattern id="p" width="40" height="40" patternUnits="userSpaceOnUse"><rect width="40" height="40" fill="#1f3b73"/><rect width="20" height="20" fill="#e8505b"/><rect x="20" y="20" width="20" height="20" fill="#f9d56e"/><circle cx="30" cy="10" r="6" fill="#14b1ab"/></pattern></defs>
<rect width="320" height="200" fill="url(#p)"/>
<text x="160" y="112" font-family="sans-serif" font-size="28" font-weight="700" text-anchor="middle" fill="#ffffff" stroke="#1f3b73" stroke-width="1">SAMPLE</text>
</svg>`);
