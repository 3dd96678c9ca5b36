/**
 * Activity times → a distribution over clock rules and over UTC offsets, with the competing routines
 * marginalised. This is the offset-level picture (and what eval:geo scores); countries come from the same model
 * applied to each country's own zones (activity-evidence.ts).
 */
import defaultParamsJson from './activity-params.json' with { type: 'json' };
import {
  type ActivityParams,
  type PreparedModel,
  dominantOffset,
  normaliseLog,
  prepareEvents,
  prepareModel,
  scoreHypotheses,
} from './activity-model.js';
import { CLOCK_RULES, clockRuleOffsets } from './clock-rules.js';

export const DEFAULT_ACTIVITY_PARAMS = defaultParamsJson as ActivityParams;

let defaultModel: PreparedModel | undefined;
export function getModel(params?: ActivityParams): PreparedModel {
  if (params) return prepareModel(params);
  defaultModel ??= prepareModel(DEFAULT_ACTIVITY_PARAMS);
  return defaultModel;
}

export type OffsetPriorChoice = 'learned' | 'uniform';

export interface RuleProbability {
  zone: string;
  label: string;
  /** The offset this rule's clock showed for most of the events. */
  offsetMinutes: number;
  probability: number;
}

export interface OffsetProbability {
  offsetMinutes: number;
  probability: number;
}

export interface RoutineProbability {
  id: string;
  label: string;
  probability: number;
}

export interface OffsetAnalysis {
  rules: RuleProbability[];
  /** Sorted by offset. */
  offsets: OffsetProbability[];
  routines: RoutineProbability[];
  /** Distinct active UTC hours: what the evidence is really worth. */
  effectiveCount: number;
  /** Tempering applied to the log-likelihood. */
  temperature: number;
}

export function analyseOffsets(
  times: readonly number[],
  options: { prior?: OffsetPriorChoice; params?: ActivityParams; model?: PreparedModel } = {},
): OffsetAnalysis {
  const model = options.model ?? getModel(options.params);
  const events = prepareEvents(times);
  const perRule = clockRuleOffsets(times);
  const scores = scoreHypotheses(model, events, perRule);
  const prior = options.prior ?? 'learned';
  const logPrior = CLOCK_RULES.map((r) => (prior === 'uniform' ? 0 : Math.log(model.params.rulePrior[r.zone] ?? 1e-6)));
  const priorP = normaliseLog(logPrior);
  const eps = model.params.robustness;
  const posterior = normaliseLog(scores.logLik.map((l, i) => l + logPrior[i]!)).map((p, i) => (1 - eps) * p + eps * priorP[i]!);
  const rules = CLOCK_RULES.map((r, i) => ({
    zone: r.zone,
    label: r.label,
    offsetMinutes: dominantOffset(perRule[i]!, events.weights),
    probability: posterior[i]!,
  }));
  const byOffset = new Map<number, number>();
  for (const r of rules) byOffset.set(r.offsetMinutes, (byOffset.get(r.offsetMinutes) ?? 0) + r.probability);
  const routines = model.params.profiles.map((p, k) => ({
    id: p.id,
    label: p.label,
    probability: posterior.reduce((s, q, i) => s + q * scores.routineShare[i]![k]!, 0),
  }));
  return {
    rules: rules.sort((a, b) => b.probability - a.probability),
    offsets: [...byOffset].map(([offsetMinutes, probability]) => ({ offsetMinutes, probability })).sort((a, b) => a.offsetMinutes - b.offsetMinutes),
    routines,
    effectiveCount: events.effectiveCount,
    temperature: scores.tau,
  };
}
