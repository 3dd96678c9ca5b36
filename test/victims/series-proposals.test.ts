import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposalItems } from '../../src/cases/series-proposal-service.js';
import { computeProposals, pairwiseScores } from '../../src/cases/series-proposals.js';
import { writeCorpus, type Corpus } from './support/corpus.js';
import { createVictimTestNode, type VictimTestNode } from './support/node.js';

/**
 * Series proposals on a generated corpus with known groups: 30 scenes, each as 3 to 8 transformed copies (resized,
 * cropped, recompressed, mirrored, colour-shifted, captioned, cropped and resized, mirrored and resized), and 40
 * unrelated pictures, ingested like a device.
 * Pairwise precision and recall of the proposed groups against the known ones are printed and must reach 95 % / 90 %.
 */
describe('series proposals on a generated corpus with known groups', () => {
  let node: VictimTestNode;
  let dir: string;
  let corpus: Corpus;
  let names: Map<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-series-corpus-'));
    corpus = await writeCorpus(path.join(dir, 'device'), { scenes: 30, singles: 40 });
    node = await createVictimTestNode('sqlite');
    names = await node.ingest(path.join(dir, 'device'));
  }, 120_000);
  afterAll(async () => {
    await node?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('proposes the scenes as series with pairwise precision >= 95 % and recall >= 90 %', async () => {
    expect(names.size).toBe(corpus.files);
    const refreshed = await node.services.seriesProposals.refresh(node.specialist, node.caseId);
    expect(refreshed.media).toBe(corpus.files);
    const { items } = await node.services.seriesProposals.list(node.specialist, node.caseId, { limit: 500 });
    const truth = new Map([...names].map(([id, file]) => [id, corpus.truth.get(file)!]));
    const score = pairwiseScores(items.map((p) => p.mediaIds), truth);
    const byTransform = new Map<string, number>();
    for (const p of items) for (const id of p.mediaIds) byTransform.set(names.get(id)!.replace(/^scene-\d+-|\.jpg$/g, ''), (byTransform.get(names.get(id)!.replace(/^scene-\d+-|\.jpg$/g, '')) ?? 0) + 1);
    console.log(
      `series proposals: ${items.length} proposals over ${corpus.files} pictures (30 scenes, 40 unrelated); ` +
        `pairwise precision ${(score.precision * 100).toFixed(1)} % (${score.correctPairs}/${score.predictedPairs}), ` +
        `recall ${(score.recall * 100).toFixed(1)} % (${score.correctPairs}/${score.truePairs}); ` +
        `grouped copies by transform: ${[...byTransform].sort().map(([t, n]) => `${t} ${n}`).join(', ')}`,
    );
    // What PDQ alone (all eight orientations, no crop pass) would have proposed, for comparison.
    const { items: raw, nearPairs } = await proposalItems(node.store.db, node.caseId);
    const pdqOnly = pairwiseScores(computeProposals(raw, { nearPairs }).map((p) => p.mediaIds), truth);
    console.log(`without the crop pass: precision ${(pdqOnly.precision * 100).toFixed(1)} %, recall ${(pdqOnly.recall * 100).toFixed(1)} %`);
    expect(score.precision).toBeGreaterThanOrEqual(0.95);
    expect(score.recall).toBeGreaterThanOrEqual(0.9);
    expect(items.every((p) => p.kind === 'new' && p.bases.includes('near-duplicate'))).toBe(true);
    // Mirrored copies and crops are found although their PDQ hashes are far from the original's.
    expect(items.some((p) => (p.evidence.orientedLinks ?? 0) > 0)).toBe(true);
    expect(items.some((p) => (p.evidence.croppedLinks ?? 0) > 0)).toBe(true);
  }, 120_000);
});
