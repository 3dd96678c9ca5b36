import { useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import type { Preferences } from '../api/types.js';
import { PREVIEW_LANDSCAPE, PREVIEW_PATTERN } from '../media/preview-images.js';
import { SafeMedia } from '../media/safe-media.js';
import { useMe, useSession } from '../session/session.js';
import { DEFAULT_PREFERENCES, WellnessProvider } from '../session/wellness.js';
import { Button } from '../ui/button.js';
import { Checkbox } from '../ui/field.js';
import { ErrorNotice, Notice } from '../ui/notice.js';
import { PageHeader, Section } from '../ui/page.js';
import { AccountTabs } from './account-tabs.js';

function same(a: Preferences, b: Preferences): boolean {
  return a.blurPx === b.blurPx && a.greyscale === b.greyscale && a.muteVideo === b.muteVideo;
}

/** How media are shown to this user (DESIGN §1). The preview follows the sliders before anything is saved. */
export function PreferencesPage() {
  const me = useMe();
  const { setPreferences } = useSession();
  const [draft, setDraft] = useState<Preferences>(me.preferences);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const update = (next: Preferences) => {
    setDraft(next);
    setSaved(false);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const stored = await api.put<Preferences>('/me/preferences', draft);
      setPreferences(stored);
      setDraft(stored);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const weak = draft.blurPx < 8 && !draft.greyscale;
  return (
    <>
      <PageHeader title="Your account" subtitle={`${me.user.displayName} · ${me.user.username}`} />
      <AccountTabs />
      <div className="two-columns">
        <Section title="Wellness preferences" id="wellness">
          <p className="muted">
            Media in Tessera are shown protected until you reveal them, one at a time. These settings are yours alone; nobody else’s view changes.
          </p>
          <ErrorNotice error={error} />
          {saved ? <Notice tone="success" title="Preferences saved" /> : null}
          <form className="stack" onSubmit={(e) => void submit(e)}>
            <div className="field">
              <label htmlFor="blur" className="field-label">
                Blur strength: <output htmlFor="blur">{draft.blurPx} px</output>
              </label>
              <input id="blur" className="range" type="range" min={0} max={64} step={1} value={draft.blurPx} onChange={(e) => update({ ...draft, blurPx: Number(e.target.value) })} aria-describedby="blur-hint" />
              <p id="blur-hint" className="field-hint">
                0 shows media sharp; the default is {DEFAULT_PREFERENCES.blurPx} px.
              </p>
            </div>
            <Checkbox label="Show media in greyscale until revealed" checked={draft.greyscale} onChange={(e) => update({ ...draft, greyscale: e.target.checked })} />
            <Checkbox label="Start videos muted" checked={draft.muteVideo} onChange={(e) => update({ ...draft, muteVideo: e.target.checked })} />
            {weak ? (
              <Notice tone="warning" title="Little protection">
                <p>With almost no blur and colour on, media appear nearly as they are. Consider keeping at least one protection on.</p>
              </Notice>
            ) : null}
            <div className="form-actions">
              <Button type="submit" variant="primary" busy={busy} disabled={same(draft, me.preferences)}>
                Save preferences
              </Button>
              <Button variant="ghost" onClick={() => update(DEFAULT_PREFERENCES)} disabled={same(draft, DEFAULT_PREFERENCES)}>
                Restore defaults
              </Button>
            </div>
          </form>
        </Section>
        <Section title="Preview" id="preview">
          <p className="muted">Generated sample pictures. Reveal one, then the other: only one is ever shown at a time, and both blur again when you leave this window.</p>
          <WellnessProvider preferences={draft}>
            <div className="preview-grid">
              <SafeMedia kind="image" src={PREVIEW_LANDSCAPE} label="Sample picture 1" />
              <SafeMedia kind="image" src={PREVIEW_PATTERN} label="Sample picture 2" />
            </div>
          </WellnessProvider>
        </Section>
      </div>
    </>
  );
}
