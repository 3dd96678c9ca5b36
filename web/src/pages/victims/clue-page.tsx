import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type PointerEvent as ReactPointerEvent } from 'react';
import { api } from '../../api/client.js';
import type { Case } from '../../api/types.js';
import { SafeMedia } from '../../media/safe-media.js';
import { Link } from '../../router.js';
import { Button } from '../../ui/button.js';
import { Checkbox, SelectField, TextArea, TextField } from '../../ui/field.js';
import { ErrorNotice } from '../../ui/notice.js';
import { Empty, Loading, Section } from '../../ui/page.js';
import { useApi } from '../../ui/use-api.js';
import { mediaUrl, type MediaDetail } from '../media/media-types.js';
import { VictimsFrame } from './victims-frame.js';
import { CLUE_KIND_LABELS, clueCropUrl, type Clue, type Region } from './victims-types.js';

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

const clamp = (v: number) => Math.max(0, Math.min(1, v));
const pct = (v: number) => Math.round(v * 1000) / 10;

/** Where the picture is drawn inside the protected frame (object-fit: contain), relative to `host`. */
function pictureBox(host: HTMLElement): Box | null {
  const img = host.querySelector<HTMLImageElement>('img.safe-media-content');
  if (!img || !img.naturalWidth || !img.naturalHeight) return null;
  const r = img.getBoundingClientRect();
  const h = host.getBoundingClientRect();
  const scale = Math.min(r.width / img.naturalWidth, r.height / img.naturalHeight);
  const width = img.naturalWidth * scale;
  const height = img.naturalHeight * scale;
  return { left: r.left - h.left + (r.width - width) / 2, top: r.top - h.top + (r.height - height) / 2, width, height };
}

/**
 * Draws a region on the picture (pointer, or the four fields by keyboard). The picture stays under the viewer's
 * protection: drawing works on the blurred picture too, and revealing is the same one-at-a-time reveal as anywhere.
 */
function Cropper({ c, media, region, onRegion, others }: { c: Case; media: MediaDetail; region: Region | null; onRegion: (r: Region | null) => void; others: Clue[] }) {
  const host = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState<Box | null>(null);
  const [drawing, setDrawing] = useState(false);
  const start = useRef<{ x: number; y: number } | null>(null);

  const measure = useCallback(() => {
    if (host.current) setBox(pictureBox(host.current));
  }, []);
  useEffect(() => {
    const img = host.current?.querySelector('img');
    img?.addEventListener('load', measure);
    window.addEventListener('resize', measure);
    measure();
    return () => {
      img?.removeEventListener('load', measure);
      window.removeEventListener('resize', measure);
    };
  }, [measure]);

  const at = (e: ReactPointerEvent) => {
    const b = box!;
    const h = host.current!.getBoundingClientRect();
    return { x: clamp((e.clientX - h.left - b.left) / b.width), y: clamp((e.clientY - h.top - b.top) / b.height) };
  };
  const down = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (!box) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    start.current = at(e);
    onRegion(null);
  };
  const moveTo = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (!start.current || !box) return;
    const p = at(e);
    const s = start.current;
    const r = { x: Math.min(s.x, p.x), y: Math.min(s.y, p.y), w: Math.abs(p.x - s.x), h: Math.abs(p.y - s.y) };
    if (r.w > 0.005 && r.h > 0.005) onRegion(r);
  };
  const up = () => {
    start.current = null;
  };
  const outline = (r: Region) => (box ? { left: box.left + r.x * box.width, top: box.top + r.y * box.height, width: r.w * box.width, height: r.h * box.height } : undefined);

  return (
    <div className="vid-cropper">
      <div className="vid-cropper-stage" ref={host}>
        <SafeMedia kind="image" src={mediaUrl(c.id, media.id, 'content')} label={media.firstPath?.split(/[/!]/).pop() ?? 'The picture'} />
        {box ? (
          <div
            className={`vid-cropper-layer${drawing ? ' is-drawing' : ''}`}
            style={{ left: box.left, top: box.top, width: box.width, height: box.height }}
            onPointerDown={drawing ? down : undefined}
            onPointerMove={drawing ? moveTo : undefined}
            onPointerUp={drawing ? up : undefined}
            data-testid="crop-layer"
          />
        ) : null}
        {others.map((o) => (
          <div key={o.id} className="vid-cropper-region is-saved" style={outline(o.region)} title={`${CLUE_KIND_LABELS[o.kind]}: ${o.label}`} />
        ))}
        {region ? <div className="vid-cropper-region" style={outline(region)} data-testid="crop-region" /> : null}
      </div>
      <div className="vid-cropper-tools">
        <Button size="small" variant={drawing ? 'primary' : 'secondary'} aria-pressed={drawing} onClick={() => setDrawing(!drawing)}>
          {drawing ? 'Drawing: drag over the picture' : 'Draw a region'}
        </Button>
        <span className="muted small">or type it, in % of the picture:</span>
      </div>
      <div className="vid-cropper-fields">
        {(['x', 'y', 'w', 'h'] as const).map((k) => (
          <TextField
            key={k}
            label={{ x: 'Left', y: 'Top', w: 'Width', h: 'Height' }[k]}
            type="number"
            min={0}
            max={100}
            step={0.1}
            value={region ? String(pct(region[k])) : ''}
            onChange={(e) => {
              const v = clamp(Number(e.target.value) / 100);
              const base = region ?? { x: 0, y: 0, w: 0.25, h: 0.25 };
              onRegion({ ...base, [k]: v });
            }}
          />
        ))}
      </div>
    </div>
  );
}

function ClueTool({ c, mediaId }: { c: Case; mediaId: string }) {
  const formId = useId();
  const media = useApi<MediaDetail>(`/cases/${c.id}/media/${mediaId}`);
  const clues = useApi<{ items: Clue[] }>(`/cases/${c.id}/clues?mediaId=${mediaId}`);
  const [region, setRegion] = useState<Region | null>(null);
  const [kind, setKind] = useState<Clue['kind']>('object');
  const [label, setLabel] = useState('');
  const [note, setNote] = useState('');
  const [shareable, setShareable] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (media.error) return <ErrorNotice error={media.error} title="The item could not be opened" />;
  if (!media.data) return <Loading />;
  if (media.data.kind !== 'image') return <Empty>Clues with a region are marked on pictures.</Empty>;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!region) return setError(new Error('Draw or type the region of the picture that shows the clue.'));
    setBusy(true);
    setError(null);
    try {
      const fit = { x: region.x, y: region.y, w: Math.min(region.w, 1 - region.x), h: Math.min(region.h, 1 - region.y) };
      await api.post<Clue>(`/cases/${c.id}/media/${mediaId}/clues`, { kind, label: label.trim(), ...(note.trim() ? { note: note.trim() } : {}), region: fit, shareable });
      setRegion(null);
      setLabel('');
      setNote('');
      setShareable(false);
      clues.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const patch = async (clue: Clue, body: Partial<Pick<Clue, 'shareable'>>) => {
    try {
      await api.patch(`/cases/${c.id}/clues/${clue.id}`, body);
      clues.reload();
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (clue: Clue) => {
    try {
      await api.delete(`/cases/${c.id}/clues/${clue.id}`);
      clues.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="vid-columns">
      <Section title="Mark a clue" id="clue-new">
        <Cropper c={c} media={media.data} region={region} onRegion={setRegion} others={clues.data?.items ?? []} />
        {c.can.contribute ? (
          <form id={formId} onSubmit={save} className="form-stack vid-clue-form">
            <ErrorNotice error={error} />
            <SelectField label="What it is" value={kind} onChange={(e) => setKind(e.target.value as Clue['kind'])}>
              {Object.entries(CLUE_KIND_LABELS).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </SelectField>
            <TextField label="Label" value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={120} placeholder="Hotel logo on the towel" />
            <TextArea label="Notes" value={note} onChange={(e) => setNote(e.target.value)} rows={3} />
            <Checkbox label="The crop may be sent to other agencies" hint="Only the cropped region ever leaves, never the picture." checked={shareable} onChange={(e) => setShareable(e.target.checked)} />
            <Button variant="primary" type="submit" busy={busy} disabled={!region}>
              Save the clue
            </Button>
          </form>
        ) : null}
      </Section>
      <Section title={`Clues on this picture${clues.data ? ` (${clues.data.items.length})` : ''}`} id="clue-list" actions={<Link to={`/cases/${c.id}/media/${mediaId}`} className="btn btn-secondary btn-small">The item</Link>}>
        <ErrorNotice error={clues.error} />
        {clues.data && clues.data.items.length === 0 ? <Empty>No clue on this picture yet.</Empty> : null}
        <ul className="vid-clues">
          {(clues.data?.items ?? []).map((x) => (
            <li key={x.id}>
              <SafeMedia kind="image" src={clueCropUrl(c.id, x.id)} label={`${CLUE_KIND_LABELS[x.kind]}: ${x.label}`} />
              <p>
                <span className="badge badge-muted">{CLUE_KIND_LABELS[x.kind]}</span> <strong>{x.label}</strong>
              </p>
              {x.note ? <p className="small">{x.note}</p> : null}
              {c.can.contribute ? (
                <div className="vid-clue-actions">
                  <Checkbox label="Shareable crop" checked={x.shareable} onChange={(e) => void patch(x, { shareable: e.target.checked })} />
                  <Button size="small" variant="ghost" onClick={() => void remove(x)}>
                    Delete
                  </Button>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      </Section>
    </div>
  );
}

export function CluePage({ caseId, mediaId }: { caseId: string; mediaId: string }) {
  return (
    <VictimsFrame caseId={caseId} title="Identification clues" subtitle="Mark what could locate the picture — an object, a logo, text, a landscape. The crop, never the picture, is what can be shared.">
      {(c) => <ClueTool c={c} mediaId={mediaId} />}
    </VictimsFrame>
  );
}
