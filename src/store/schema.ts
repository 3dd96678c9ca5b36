import type { Generated } from 'kysely';

/**
 * The database as Kysely sees it. Conventions for both dialects: ids are UUIDv7 text, timestamps ISO 8601 UTC text,
 * booleans 0/1 integers, structured values JSON text. Each later capability adds its tables here and a migration.
 */
export interface Database {
  settings: SettingsTable;
  agencies: AgenciesTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  cases: CasesTable;
  case_participants: CaseParticipantsTable;
  audit_events: AuditEventsTable;
  jobs: JobsTable;
  records: RecordsTable;
  record_versions: RecordVersionsTable;
  selectors: SelectorsTable;
  selector_sources: SelectorSourcesTable;
  graph_charts: GraphChartsTable;
  post_imports: PostImportsTable;
  exchange_keys: ExchangeKeysTable;
  exchange_memberships: ExchangeMembershipsTable;
  exchange_directory: ExchangeDirectoryTable;
  exchange_uploads: ExchangeUploadsTable;
  exchange_messages: ExchangeMessagesTable;
  exchange_recipients: ExchangeRecipientsTable;
  exchange_attachments: ExchangeAttachmentsTable;
  exchange_reads: ExchangeReadsTable;
  exchange_outbox: ExchangeOutboxTable;
  exchange_inbound: ExchangeInboundTable;
  exchange_rejections: ExchangeRejectionsTable;
  hub_enrolments: HubEnrolmentsTable;
  hub_members: HubMembersTable;
  hub_member_keys: HubMemberKeysTable;
  hub_directory: HubDirectoryTable;
  hub_nonces: HubNoncesTable;
  hub_envelopes: HubEnvelopesTable;
  hub_deliveries: HubDeliveriesTable;
  hub_parts: HubPartsTable;
  hub_tombstones: HubTombstonesTable;
  media: MediaTable;
  case_media: CaseMediaTable;
  ingests: IngestsTable;
  ingest_items: IngestItemsTable;
  media_occurrences: MediaOccurrencesTable;
  media_near_duplicates: MediaNearDuplicatesTable;
  hash_sets: HashSetsTable;
  hash_set_entries: HashSetEntriesTable;
  media_hash_matches: MediaHashMatchesTable;
  match_keys: MatchKeysTable;
  match_key_grants: MatchKeyGrantsTable;
  match_policies: MatchPoliciesTable;
  match_case_settings: MatchCaseSettingsTable;
  match_overrides: MatchOverridesTable;
  match_items: MatchItemsTable;
  match_hits: MatchHitsTable;
  match_hit_details: MatchHitDetailsTable;
  match_sync: MatchSyncTable;
  hub_match_epochs: HubMatchEpochsTable;
  hub_match_items: HubMatchItemsTable;
  hub_match_hits: HubMatchHitsTable;
  hub_match_changes: HubMatchChangesTable;
  location_assessments: LocationAssessmentsTable;
  location_assessment_versions: LocationAssessmentVersionsTable;
  series: SeriesTable;
  series_media: SeriesMediaTable;
  series_proposals: SeriesProposalsTable;
  media_tags: MediaTagsTable;
  victims: VictimsTable;
  victim_series: VictimSeriesTable;
  clues: CluesTable;
  identification_history: IdentificationHistoryTable;
  identification_history_subjects: IdentificationHistorySubjectsTable;
  series_notifications: SeriesNotificationsTable;
  series_remote_status: SeriesRemoteStatusTable;
  series_remote_hits: SeriesRemoteHitsTable;
  audit_checkpoints: AuditCheckpointsTable;
  hub_key_continuity: HubKeyContinuityTable;
  exchange_pinned_keys: ExchangePinnedKeysTable;
}

/** Continuity proofs members sent with their rotations (hub role; migration 0009). */
export interface HubKeyContinuityTable {
  id: Generated<number>;
  agency_id: string;
  from_kid: string;
  to_sig_kid: string;
  to_enc_kid: string;
  jws: string;
  created_at: string;
}

/** Key pairs this node trusts for network agencies; the latest row per agency is the one used (migration 0009). */
export interface ExchangePinnedKeysTable {
  seq: Generated<number>;
  agency_id: string;
  sig_kid: string;
  sig_jwk: string;
  enc_kid: string;
  enc_jwk: string;
  /** first-seen, continuity or trust */
  source: string;
  proof: string | null;
  pinned_at: string;
  pinned_by: string | null;
}

/** Signed checkpoints of the audit trail's head (migration 0008). */
export interface AuditCheckpointsTable {
  id: string;
  at: string;
  seq: number;
  hash: string;
  /** Compact JWS (typ tessera-audit-checkpoint+jws) by the node's own key over {node, seq, hash, at}. */
  jws: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface AgenciesTable {
  id: string;
  name: string;
  country: string;
  status: string;
  /** 1 when this node hosts the agency (its users log in here); 0 for agencies known from the network. */
  hosted: number;
  node_url: string | null;
  created_at: string;
}

export interface UsersTable {
  id: string;
  agency_id: string;
  username: string;
  display_name: string;
  roles: string;
  password_hash: string;
  status: string;
  totp_secret: Buffer | null;
  totp_enabled: number;
  totp_pending_secret: Buffer | null;
  /** The last accepted TOTP time step: a code is accepted once. */
  totp_last_step: number | null;
  recovery_codes: string | null;
  failed_logins: number;
  locked_until: string | null;
  last_login_at: string | null;
  preferences: string;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CasesTable {
  id: string;
  lead_agency_id: string;
  reference: string;
  title: string;
  description: string;
  status: string;
  legal_authority: string | null;
  review_date: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface CaseParticipantsTable {
  case_id: string;
  agency_id: string;
  access: string;
  added_at: string;
  added_by: string | null;
}

export interface AuditEventsTable {
  seq: Generated<number>;
  id: string;
  at: string;
  actor_id: string | null;
  actor_name: string;
  agency_id: string | null;
  operation: string;
  action: string;
  object_type: string;
  object_id: string | null;
  case_id: string | null;
  justification: string | null;
  recipients: string | null;
  details: string | null;
  request_id: string | null;
  ip: string | null;
  prev_hash: string;
  hash: string;
  mac: string;
}

export interface JobsTable {
  id: string;
  name: string;
  payload: string;
  status: string;
  attempts: number;
  max_attempts: number;
  run_after: string;
  locked_by: string | null;
  locked_until: string | null;
  progress: string | null;
  result: string | null;
  error: string | null;
  agency_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

// Intelligence (migration 0004, issue 7): records with their kept versions, selectors and their sources.

export interface RecordsTable {
  id: string;
  case_id: string;
  kind: string;
  text: string;
  originator_agency_id: string;
  author_id: string | null;
  author_name: string;
  /** JSON: the grading with its scheme ({scheme, source, information[, handling]}). */
  grading: string;
  handling_code: string;
  /** JSON array of SIENA restrictions ({code[, text]}). */
  handling_restrictions: string;
  data_subject: string;
  fact_or_assessment: string;
  review_date: string | null;
  subject: string | null;
  identity_id: string | null;
  occurred_at: string | null;
  thread: string | null;
  url: string | null;
  source: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  updated_by: string;
  deleted_at: string | null;
  deleted_by: string | null;
  deletion_reason: string | null;
}

export interface RecordVersionsTable {
  record_id: string;
  version: number;
  /** JSON: the record's editable fields as they were in this version. */
  content: string;
  saved_at: string;
  saved_by: string;
}

export interface SelectorsTable {
  id: string;
  case_id: string;
  type: string;
  normalised: string;
  raw: string;
  valid: number;
  reason: string | null;
  note: string | null;
  status: string;
  origin: string;
  agency_id: string;
  handling_code: string;
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
}

export interface SelectorSourcesTable {
  selector_id: string;
  source_type: string;
  source_id: string;
  span_start: number;
  span_end: number;
  raw: string;
  created_at: string;
}

export interface GraphChartsTable {
  id: string;
  owner_id: string;
  agency_id: string;
  case_id: string | null;
  name: string;
  content: string;
  created_at: string;
  updated_at: string;
}

export interface PostImportsTable {
  id: string;
  case_id: string;
  agency_id: string;
  created_by: string;
  file_name: string;
  format: string;
  options: string;
  status: string;
  progress: string;
  errors: string;
  upload: Buffer | null;
  created_at: string;
  finished_at: string | null;
}

// ---- secure exchange (migration 0002): agency nodes use exchange_*, a hub uses hub_* ----

export interface ExchangeKeysTable {
  /** RFC 7638 thumbprint of the public JWK. */
  kid: string;
  /** The agency (or, on a hub, the hub) the key belongs to. */
  owner_id: string;
  use: string;
  public_jwk: string;
  private_sealed: Buffer;
  status: string;
  created_at: string;
  retired_at: string | null;
}

export interface ExchangeMembershipsTable {
  agency_id: string;
  hub_url: string;
  hub_id: string;
  /** The hub's public signing key, pinned at join time. */
  hub_key: string;
  status: string;
  directory_version: number;
  joined_at: string;
  updated_at: string;
  last_contact_at: string | null;
  last_error: string | null;
}

export interface ExchangeDirectoryTable {
  agency_id: string;
  hub_id: string;
  name: string;
  country: string;
  status: string;
  keys: string;
  version: number;
  updated_at: string;
}

export interface ExchangeUploadsTable {
  id: string;
  agency_id: string;
  user_id: string | null;
  name: string;
  media_type: string;
  size: number;
  sha256: string;
  chunk_size: number;
  chunks: number;
  key_sealed: Buffer;
  message_row_id: string | null;
  created_at: string;
}

export interface ExchangeMessagesTable {
  id: string;
  agency_id: string;
  message_id: string;
  box: string;
  thread_id: string;
  in_reply_to: string | null;
  from_agency_id: string;
  to_agency_ids: string;
  case_reference: string | null;
  case_id: string | null;
  subject: string;
  body: string;
  tlp: string;
  restriction: string | null;
  priority: string;
  rfi_deadline: string | null;
  created_at: string;
  received_at: string | null;
  status: string;
  hub_seq: number | null;
  signed_sealed: Buffer;
  read_at: string | null;
  answered_at: string | null;
  attachment_count: number;
  created_by: string | null;
}

export interface ExchangeRecipientsTable {
  message_row_id: string;
  agency_id: string;
  delivered_at: string | null;
  read_at: string | null;
  answered_at: string | null;
}

export interface ExchangeAttachmentsTable {
  message_row_id: string;
  idx: number;
  /** The attachment's network id, named in each chunk's protected header. */
  attachment_id: string;
  name: string;
  media_type: string;
  size: number;
  sha256: string;
  chunk_size: number;
  chunks: number;
  key_sealed: Buffer;
  dir: string;
}

export interface ExchangeReadsTable {
  message_row_id: string;
  user_id: string;
  read_at: string;
}

export interface ExchangeOutboxTable {
  seq: Generated<number>;
  id: string;
  agency_id: string;
  kind: string;
  routing: string;
  jwe: string;
  parts: string;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface ExchangeInboundTable {
  agency_id: string;
  envelope_id: string;
  kind: string;
  from_agency_id: string | null;
  hub_seq: number;
  digest: string;
  outcome: string;
  received_at: string;
}

export interface ExchangeRejectionsTable {
  id: string;
  agency_id: string;
  envelope_id: string | null;
  kind: string | null;
  from_agency_id: string | null;
  hub_seq: number | null;
  code: string;
  reason: string;
  at: string;
}

export interface HubEnrolmentsTable {
  id: string;
  name: string;
  country: string;
  token_hash: string;
  expires_at: string;
  created_at: string;
  created_by: string;
  used_at: string | null;
  agency_id: string | null;
}

export interface HubMembersTable {
  agency_id: string;
  name: string;
  country: string;
  status: string;
  node_url: string | null;
  enrolment_id: string;
  joined_at: string;
  updated_at: string;
  approved_at: string | null;
  approved_by: string | null;
}

export interface HubMemberKeysTable {
  kid: string;
  agency_id: string;
  use: string;
  jwk: string;
  status: string;
  added_at: string;
  retired_at: string | null;
}

export interface HubDirectoryTable {
  version: number;
  jws: string;
  created_at: string;
}

export interface HubNoncesTable {
  nonce: string;
  expires_at: string;
}

export interface HubEnvelopesTable {
  seq: Generated<number>;
  id: string;
  kind: string;
  from_agency_id: string;
  routing: string;
  jwe: string;
  digest: string;
  parts: string;
  created_at: string;
}

export interface HubDeliveriesTable {
  envelope_seq: number;
  agency_id: string;
  fetched_at: string | null;
  acked_at: string | null;
}

export interface HubPartsTable {
  envelope_id: string;
  part_id: string;
  agency_id: string;
  size: number;
  digest: string;
  file: string;
  created_at: string;
}

export interface HubTombstonesTable {
  id: string;
  digest: string;
  deleted_at: string;
}

// Media and ingest (issue 4, migration 0003-media).

export interface MediaTable {
  seq: Generated<number>;
  id: string;
  sha256: string;
  md5: string;
  sha1: string;
  size: number;
  type: string;
  mime: string;
  kind: string;
  width: number | null;
  height: number | null;
  duration: number | null;
  pdq: string | null;
  pdq_quality: number | null;
  vpdq: string | null;
  camera_make: string | null;
  camera_model: string | null;
  camera_serial: string | null;
  capture_time: string | null;
  capture_offset: string | null;
  gps_lat: number | null;
  gps_lon: number | null;
  metadata: string;
  has_thumbnail: number;
  problem: string | null;
  problem_detail: string | null;
  near_group: string | null;
  first_ingest_id: string | null;
  created_at: string;
}

export interface CaseMediaTable {
  case_id: string;
  media_id: string;
  category: string;
  category_scheme: string;
  category_code: string;
  /** examiner, or hashset:<set name> when taken from an exact match. */
  category_source: string;
  categorised_by: string | null;
  categorised_at: string | null;
  first_ingest_id: string | null;
  added_at: string;
}

export interface IngestsTable {
  id: string;
  case_id: string;
  fingerprint: string;
  source: string;
  inputs: string;
  origin: string;
  status: string;
  job_id: string | null;
  locked_by: string | null;
  locked_until: string | null;
  progress: string | null;
  summary: string | null;
  error: string | null;
  runs: number;
  agency_id: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface IngestItemsTable {
  ingest_id: string;
  item_key: string;
  path: string;
  outcome: string;
  media_id: string | null;
  size: number | null;
  problem: string | null;
  problem_detail: string | null;
  recorded_at: string;
}

export interface MediaOccurrencesTable {
  id: string;
  case_id: string;
  media_id: string;
  ingest_id: string;
  source: string;
  path: string;
  path_raw: string | null;
  size: number;
  modified_at: string | null;
  accessed_at: string | null;
  changed_at: string | null;
  born_at: string | null;
  recorded_at: string;
}

export interface MediaNearDuplicatesTable {
  media_id: string;
  other_id: string;
  distance: number;
}

export interface HashSetsTable {
  id: string;
  name: string;
  format: string;
  source_file: string | null;
  entry_count: number;
  imported_by: string;
  imported_at: string;
}

export interface HashSetEntriesTable {
  seq: Generated<number>;
  set_id: string;
  md5: string | null;
  sha1: string | null;
  sha256: string | null;
  pdq: string | null;
  category: string;
  category_scheme: string;
  category_code: string;
  series: string | null;
  victim_identified: number | null;
  extra: string | null;
}

export interface MediaHashMatchesTable {
  media_id: string;
  entry_seq: number;
  set_id: string;
  match: string;
  digest: string;
  distance: number;
  matched_at: string;
}

// Cross-agency hit/no-hit (issue 6, migration 0006-matching).

export interface MatchKeysTable {
  agency_id: string;
  epoch: number;
  key_sealed: Buffer;
  fingerprint: string;
  /** current | retired */
  status: string;
  /** created (this agency founded it) | received (from the founding agency) */
  origin: string;
  from_agency_id: string | null;
  created_at: string;
}

export interface MatchKeyGrantsTable {
  agency_id: string;
  epoch: number;
  to_agency_id: string;
  sent_at: string;
}

export interface MatchPoliciesTable {
  agency_id: string;
  handling_code: string;
  /** full | contact | owner */
  mode: string;
  updated_at: string;
  updated_by: string;
}

export interface MatchCaseSettingsTable {
  case_id: string;
  agency_id: string;
  media_handling_code: string;
  updated_at: string;
  updated_by: string;
}

export interface MatchOverridesTable {
  agency_id: string;
  /** selector | media */
  item_kind: string;
  case_id: string;
  item_id: string;
  shareable: number;
  set_by: string;
  set_at: string;
}

export interface MatchItemsTable {
  /** The opaque reference the hub knows the item by (random, says nothing about the item). */
  ref: string;
  agency_id: string;
  item_kind: string;
  case_id: string;
  item_id: string;
  handling_code: string;
  mode: string;
  epoch: number;
  token_count: number;
  has_pdq: number;
  published_at: string;
  updated_at: string;
}

export interface MatchHitsTable {
  agency_id: string;
  hit_id: string;
  ref: string;
  other_agency_id: string | null;
  other_kind: string;
  /** exact | near */
  basis: string;
  distance: number | null;
  my_mode: string;
  status: string;
  status_at: string;
  /** me | other */
  status_by: string | null;
  needs_decision: number;
  /** accepted | declined */
  decision: string | null;
  details_sent_at: string | null;
  hub_created_at: string;
  received_at: string;
  updated_at: string;
}

export interface MatchHitDetailsTable {
  agency_id: string;
  hit_id: string;
  from_agency_id: string;
  case_reference: string | null;
  /** JSON: the other agency's item summary. */
  summary: string;
  received_at: string;
}

export interface MatchSyncTable {
  agency_id: string;
  hit_cursor: number;
  last_sync_at: string | null;
  last_error: string | null;
  key_requested_epoch: number | null;
  key_requested_at: string | null;
}

export interface HubMatchEpochsTable {
  epoch: number;
  founder_agency_id: string;
  announced_at: string;
}

export interface HubMatchItemsTable {
  seq: Generated<number>;
  ref: string;
  agency_id: string;
  kind: string;
  mode: string;
  epoch: number;
  /** The PDQ hash under the network key's permutation and mask (32 bytes), never the hash itself. */
  pdq: Buffer | null;
  /** The item's exact tokens, 32 bytes each, concatenated. */
  tokens: Buffer;
  created_at: string;
  updated_at: string;
}

export interface HubMatchHitsTable {
  id: string;
  a_ref: string;
  a_agency_id: string;
  b_ref: string;
  b_agency_id: string;
  basis: string;
  distance: number | null;
  status: string;
  status_agency_id: string | null;
  status_at: string;
  a_decision: string | null;
  b_decision: string | null;
  a_seen: number;
  b_seen: number;
  created_at: string;
  updated_at: string;
}

export interface HubMatchChangesTable {
  seq: Generated<number>;
  agency_id: string;
  hit_id: string;
  /** upsert | remove */
  op: string;
  at: string;
}

// Location assessments (migration 0005, issue 8).

export interface LocationAssessmentsTable {
  id: string;
  case_id: string;
  owner_agency_id: string;
  audience: string;
  subject_type: string;
  identity_id: string | null;
  subject_label: string;
  title: string;
  country_prior: string;
  /** JSON array of the items an analyst entered (clues, positions, offsets, serials, times, texts). */
  analyst_items: string;
  /** JSON array of the ids of items switched off. */
  disabled_items: string;
  current_version: number;
  created_by: string;
  created_at: string;
  updated_at: string;
  updated_by: string;
  deleted_at: string | null;
  deleted_by: string | null;
  deletion_reason: string | null;
}

export interface LocationAssessmentVersionsTable {
  assessment_id: string;
  version: number;
  reason: string;
  source_state: string;
  /** JSON: the evidence items as they were (with their toggles and where each came from). */
  evidence: string;
  /** JSON: the engine's result (LocationAssessment of src/geo). */
  result: string;
  top_country: string;
  top_probability: number;
  credible_set: string;
  created_by: string;
  created_at: string;
}

// Victim identification (migration 0007, issue 9).

export interface SeriesTable {
  id: string;
  case_id: string;
  /** The agency whose specialist created it. */
  agency_id: string;
  /** Short per-case code (S-001), what people and VICS exports call it. */
  code: string;
  name: string;
  description: string;
  /** active | merged | dissolved */
  state: string;
  merged_into: string | null;
  /** unidentified | identified */
  status: string;
  identified_by: string | null;
  identified_on: string | null;
  identified_country: string | null;
  /** agency (marked here) | import (a VICS file said so) */
  identification_source: string | null;
  version: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface SeriesMediaTable {
  case_id: string;
  media_id: string;
  series_id: string;
  added_by: string;
  added_at: string;
}

export interface SeriesProposalsTable {
  id: string;
  case_id: string;
  /** sha256 of the kind, members and series: the same proposal keeps its key (and a dismissal sticks). */
  key: string;
  /** new | extend | merge */
  kind: string;
  /** JSON array: near-duplicate, camera-serial, tag, hash-set */
  bases: string;
  /** JSON object: what supports it (distances, serials, tags, set series names, victim-identified flags). */
  evidence: string;
  /** JSON array of media ids not in a series yet. */
  media_ids: string;
  /** JSON array of the series it extends or merges. */
  series_ids: string;
  size: number;
  /** open | accepted | dismissed */
  status: string;
  computed_at: string;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
  series_id: string | null;
}

export interface MediaTagsTable {
  case_id: string;
  media_id: string;
  tag: string;
  tagged_by: string;
  tagged_at: string;
}

export interface VictimsTable {
  id: string;
  case_id: string;
  agency_id: string;
  /** Pseudonym (V-001): the only name that ever leaves the agency. */
  code: string;
  /** unidentified | identified | safeguarded */
  status: string;
  identified_by: string | null;
  identified_on: string | null;
  safeguarded_on: string | null;
  country: string | null;
  notes: string;
  local_name_sealed: Buffer | null;
  version: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface VictimSeriesTable {
  victim_id: string;
  series_id: string;
}

export interface CluesTable {
  id: string;
  case_id: string;
  media_id: string;
  agency_id: string;
  /** object | logo | text | landscape | other */
  kind: string;
  label: string;
  note: string;
  /** JSON {x, y, w, h}: fractions of the upright picture. */
  region: string;
  crop_sha256: string | null;
  crop_width: number | null;
  crop_height: number | null;
  shareable: number;
  created_by: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface IdentificationHistoryTable {
  id: string;
  case_id: string;
  /** series | victim */
  subject_type: string;
  subject_id: string;
  action: string;
  reason: string | null;
  actor_id: string | null;
  actor_name: string;
  agency_id: string | null;
  at: string;
  /** JSON: what undoing the change needs (before and after). */
  change: string;
  reverts: string | null;
  reverted_by: string | null;
}

export interface IdentificationHistorySubjectsTable {
  event_id: string;
  subject_id: string;
}

export interface SeriesNotificationsTable {
  series_id: string;
  from_agency_id: string;
  to_agency_id: string;
  /** identified | withdrawn */
  status: string;
  identified_on: string | null;
  /** JSON array of hit ids named in the last notice. */
  hits: string;
  sent_at: string;
}

export interface SeriesRemoteStatusTable {
  agency_id: string;
  from_agency_id: string;
  /** The sender's opaque id of its series. */
  series_ref: string;
  status: string;
  identified_by: string;
  identified_on: string | null;
  changed_at: string;
  received_at: string;
}

export interface SeriesRemoteHitsTable {
  agency_id: string;
  from_agency_id: string;
  series_ref: string;
  hit_id: string;
}
