import type { Kysely } from 'kysely';
import type { HandlingCode, SelectorType } from '../../intel/vocabulary.js';
import { isHandlingCode } from '../../intel/vocabulary.js';
import type { Database } from '../../store/schema.js';
import type { ItemSummary } from './notices.js';
import { DEFAULT_MEDIA_HANDLING, sharedByDefault, type ItemKind } from '../vocabulary.js';

/** PDQ hashes of lower quality are too featureless to match on (DESIGN §7). */
export const MIN_PDQ_QUALITY = 50;

/** One item an agency could share for matching, with what decides whether it does. */
export interface Candidate {
  kind: ItemKind;
  caseId: string;
  itemId: string;
  handling: HandlingCode;
  /** The per-item choice, when one was made. */
  override: boolean | null;
  shareable: boolean;
}

/** What an item is tokenised from, loaded only for items about to be published. */
export interface ItemContent {
  kind: ItemKind;
  caseId: string;
  itemId: string;
  caseReference: string;
  exact: { type: SelectorType; normalised: string }[];
  pdq: string | null;
  summary: ItemSummary;
}

export function itemKey(kind: string, caseId: string, itemId: string): string {
  return `${kind}:${caseId}:${itemId}`;
}

const TYPE_LABELS: Partial<Record<SelectorType, string>> = {
  handle: 'online handle',
  onion: 'onion address',
  email: 'e-mail address',
  phone: 'phone number',
  url: 'URL',
  ip: 'IP address',
  btc: 'Bitcoin address',
  eth: 'Ethereum address',
  xmr: 'Monero address',
  'camera-serial': 'camera serial number',
  'file-digest': 'file digest',
  pdq: 'PDQ hash',
};

/** A summary that says what kind of thing matched without repeating its value. */
export function selectorSummary(type: SelectorType, normalised: string, createdAt: string): ItemSummary {
  let label = TYPE_LABELS[type] ?? type;
  if (type === 'handle') {
    const platform = normalised.slice(normalised.lastIndexOf('@') + 1);
    if (platform && platform !== normalised) label = `${label} on ${platform}`;
  } else if (type === 'file-digest') {
    label = `${normalised.split(':')[0]} ${label}`;
  }
  return { kind: 'selector', type, label, since: createdAt.slice(0, 10) };
}

export function mediaSummary(m: { kind: string; mime: string; width: number | null; height: number | null; category: string }, addedAt: string): ItemSummary {
  const size = m.width && m.height ? `, ${m.width}×${m.height}` : '';
  const category = m.category && m.category !== 'uncategorised' ? `, ${m.category.toUpperCase()}` : '';
  return { kind: 'media', type: m.kind, label: `${m.kind} (${m.mime}${size})${category}`.slice(0, 200), since: addedAt.slice(0, 10) };
}

function handlingOr(value: string | null | undefined, fallback: HandlingCode): HandlingCode {
  return isHandlingCode(value) ? value : fallback;
}

/**
 * Reads what an agency holds that can be matched: its confirmed, valid selectors, and the media of its cases (media
 * carry no handling code: the case's matching setting, TLP:AMBER unless changed, stands for them). The owner of a
 * case's media is the agency that ingested them, or the case's lead agency.
 */
export function createItemSource(db: Kysely<Database>) {
  function selectorRows(agencyId: string, caseId?: string) {
    let q = db
      .selectFrom('selectors as s')
      .innerJoin('case_participants as cp', (j) => j.onRef('cp.case_id', '=', 's.case_id').on('cp.agency_id', '=', agencyId))
      .leftJoin('match_overrides as o', (j) =>
        j.on('o.agency_id', '=', agencyId).on('o.item_kind', '=', 'selector').onRef('o.case_id', '=', 's.case_id').onRef('o.item_id', '=', 's.id'),
      )
      .where('s.agency_id', '=', agencyId)
      .where('s.valid', '=', 1)
      .where('s.status', '=', 'confirmed');
    if (caseId) q = q.where('s.case_id', '=', caseId);
    return q;
  }

  function mediaRows(agencyId: string, caseId?: string) {
    let q = db
      .selectFrom('case_media as cm')
      .innerJoin('cases as c', 'c.id', 'cm.case_id')
      .innerJoin('case_participants as cp', (j) => j.onRef('cp.case_id', '=', 'cm.case_id').on('cp.agency_id', '=', agencyId))
      .leftJoin('ingests as i', 'i.id', 'cm.first_ingest_id')
      .leftJoin('match_case_settings as cs', (j) => j.onRef('cs.case_id', '=', 'cm.case_id').on('cs.agency_id', '=', agencyId))
      .leftJoin('match_overrides as o', (j) =>
        j.on('o.agency_id', '=', agencyId).on('o.item_kind', '=', 'media').onRef('o.case_id', '=', 'cm.case_id').onRef('o.item_id', '=', 'cm.media_id'),
      )
      .where((eb) => eb(eb.fn.coalesce('i.agency_id', 'c.lead_agency_id'), '=', agencyId));
    if (caseId) q = q.where('cm.case_id', '=', caseId);
    return q;
  }

  function candidate(kind: ItemKind, caseId: string, itemId: string, handling: HandlingCode, override: number | null): Candidate {
    const o = override === null ? null : override === 1;
    return { kind, caseId, itemId, handling, override: o, shareable: o ?? sharedByDefault(handling) };
  }

  return {
    /** Every item the agency could share (in one case, or all), with its sharing decision. */
    async candidates(agencyId: string, caseId?: string): Promise<Candidate[]> {
      const selectors = await selectorRows(agencyId, caseId).select(['s.id', 's.case_id', 's.handling_code', 'o.shareable']).execute();
      const media = await mediaRows(agencyId, caseId).select(['cm.media_id', 'cm.case_id', 'cs.media_handling_code', 'o.shareable']).execute();
      return [
        ...selectors.map((r) => candidate('selector', r.case_id, r.id, handlingOr(r.handling_code, 'TLP:RED'), r.shareable)),
        ...media.map((r) => candidate('media', r.case_id, r.media_id, handlingOr(r.media_handling_code, DEFAULT_MEDIA_HANDLING), r.shareable)),
      ];
    },

    /** Token inputs and summaries of the given items (at most a few hundred at a time). */
    async contents(agencyId: string, kind: ItemKind, keys: { caseId: string; itemId: string }[]): Promise<Map<string, ItemContent>> {
      const out = new Map<string, ItemContent>();
      if (keys.length === 0) return out;
      const ids = [...new Set(keys.map((k) => k.itemId))];
      const wanted = new Set(keys.map((k) => itemKey(kind, k.caseId, k.itemId)));
      if (kind === 'selector') {
        const rows = await selectorRows(agencyId)
          .innerJoin('cases as c', 'c.id', 's.case_id')
          .select(['s.id', 's.case_id', 's.type', 's.normalised', 's.created_at', 'c.reference'])
          .where('s.id', 'in', ids)
          .execute();
        for (const r of rows) {
          const key = itemKey('selector', r.case_id, r.id);
          if (!wanted.has(key)) continue;
          const type = r.type as SelectorType;
          out.set(key, {
            kind,
            caseId: r.case_id,
            itemId: r.id,
            caseReference: r.reference,
            exact: type === 'pdq' ? [] : [{ type, normalised: r.normalised }],
            pdq: type === 'pdq' ? r.normalised : null,
            summary: selectorSummary(type, r.normalised, r.created_at),
          });
        }
      } else {
        const rows = await mediaRows(agencyId)
          .innerJoin('media as m', 'm.id', 'cm.media_id')
          .select(['cm.case_id', 'cm.media_id', 'cm.category', 'cm.added_at', 'c.reference', 'm.md5', 'm.sha1', 'm.sha256', 'm.pdq', 'm.pdq_quality', 'm.kind', 'm.mime', 'm.width', 'm.height'])
          .where('cm.media_id', 'in', ids)
          .execute();
        for (const r of rows) {
          const key = itemKey('media', r.case_id, r.media_id);
          if (!wanted.has(key)) continue;
          out.set(key, {
            kind,
            caseId: r.case_id,
            itemId: r.media_id,
            caseReference: r.reference,
            exact: [
              { type: 'file-digest', normalised: `md5:${r.md5.toLowerCase()}` },
              { type: 'file-digest', normalised: `sha1:${r.sha1.toLowerCase()}` },
              { type: 'file-digest', normalised: `sha256:${r.sha256.toLowerCase()}` },
            ],
            pdq: r.pdq && (r.pdq_quality ?? 0) >= MIN_PDQ_QUALITY ? r.pdq.toLowerCase() : null,
            summary: mediaSummary({ kind: r.kind, mime: r.mime, width: r.width, height: r.height, category: r.category }, r.added_at),
          });
        }
      }
      return out;
    },
  };
}

export type ItemSource = ReturnType<typeof createItemSource>;
