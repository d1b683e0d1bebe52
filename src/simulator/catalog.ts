// The simulated organization: its projects, API keys, users and the fixed set of
// "workloads" (one combination of dimensions each) that generate its daily traffic.
// Workloads persist across days the way real integrations do, so a grouped record on
// one day usually has a counterpart on the next.

import { CONTEXT_LEVELS, IMAGE_SIZES, IMAGE_SOURCES } from './endpoints.js';
import { hashInts, Random } from './random.js';
import { USAGE_ENDPOINTS, type OrgSize, type UsageEndpoint } from './types.js';

export interface ModelProfile {
  /** Null for tools whose usage names no model (storage, sessions, file search). */
  model: string | null;
  endpoint: UsageEndpoint;
  /** Service tiers the model is sold in (completions only). */
  tiers: readonly string[];
  batchable: boolean;
  /** Emits audio input/output tokens (completions only). */
  audio: boolean;
  /** Image sources and sizes the model supports (images only). */
  sources: readonly string[];
  sizes: readonly (typeof IMAGE_SIZES)[number][];
  /** Search context sizes used with the model (web search only). */
  contexts: readonly (typeof CONTEXT_LEVELS)[number][];
}

function profile(model: string | null, endpoint: UsageEndpoint, extra: Partial<ModelProfile> = {}): ModelProfile {
  return { model, endpoint, tiers: ['default'], batchable: false, audio: false, sources: [], sizes: [], contexts: [], ...extra };
}

// Medium is the default search context size, so it is listed twice to come up most often.
const SEARCH_CONTEXTS = ['low', 'medium', 'medium', 'high'] as const;

export const MODEL_PROFILES: readonly ModelProfile[] = [
  profile('gpt-4o-2024-08-06', 'completions', { tiers: ['default', 'priority'], batchable: true }),
  profile('gpt-4o-mini-2024-07-18', 'completions', { tiers: ['default', 'priority'], batchable: true }),
  profile('o3-mini', 'completions', { tiers: ['default', 'flex'], batchable: true }),
  profile('gpt-4.1-2025-04-14', 'completions', { tiers: ['default', 'flex', 'priority'], batchable: true }),
  profile('gpt-4o-audio-preview-2024-12-17', 'completions', { audio: true }),
  profile('text-embedding-3-small', 'embeddings'),
  profile('text-embedding-3-large', 'embeddings'),
  profile('omni-moderation-latest', 'moderations'),
  profile('dall-e-3', 'images', { sources: ['image.generation'], sizes: ['1024x1024', '1024x1792', '1792x1792'] }),
  profile('dall-e-2', 'images', { sources: IMAGE_SOURCES, sizes: ['256x256', '512x512', '1024x1024'] }),
  profile('tts-1', 'audio_speeches'),
  profile('tts-1-hd', 'audio_speeches'),
  profile('whisper-1', 'audio_transcriptions'),
  profile(null, 'vector_stores'),
  profile(null, 'code_interpreter_sessions'),
  profile('gpt-4.1-2025-04-14', 'web_search_calls', { contexts: SEARCH_CONTEXTS }),
  profile('gpt-4o-mini-2024-07-18', 'web_search_calls', { contexts: SEARCH_CONTEXTS }),
  profile(null, 'file_search_calls'),
];

/** A project's vector store and the bytes it holds on a typical day. */
export interface VectorStore {
  id: string;
  projectId: string;
  bytes: number;
}

/** One steady source of traffic: fixed dimensions plus how heavy its requests are. */
export interface Workload {
  project_id: string;
  api_key_id: string;
  user_id: string;
  profile: ModelProfile;
  batch: boolean;
  service_tier: string;
  source: string | null;
  size: string | null;
  context_level: string | null;
  /** The store a file search reads, or whose storage a vector_stores workload reports. */
  vectorStore: VectorStore | null;
  /** Scales request counts, 0.2..5, so some workloads dwarf others as in real organizations. */
  intensity: number;
}

export interface Catalog {
  projectIds: readonly string[];
  apiKeys: readonly { id: string; projectId: string }[];
  userIds: readonly string[];
  vectorStores: readonly VectorStore[];
  workloads: Readonly<Record<UsageEndpoint, readonly Workload[]>>;
  /** Events per active workload per day. */
  eventsPerDay: { min: number; max: number };
}

interface OrgShape {
  projects: number;
  keysPerProject: number;
  users: number;
  /** Also the number of vector_stores workloads: each store reports its own storage. */
  vectorStores: number;
  workloads: Readonly<Record<Exclude<UsageEndpoint, 'vector_stores'>, number>>;
  eventsPerDay: { min: number; max: number };
}

// Sizes chosen so that, with the daily activity rates in synthetic.ts, a small org shows
// 40-80 grouped completions records a day and a large one about 3000 records over all
// endpoints.
const ORG_SHAPES: Readonly<Record<OrgSize, OrgShape>> = {
  small: {
    projects: 3,
    keysPerProject: 2,
    users: 6,
    vectorStores: 4,
    workloads: {
      completions: 85,
      embeddings: 6,
      moderations: 3,
      images: 4,
      audio_speeches: 3,
      audio_transcriptions: 3,
      code_interpreter_sessions: 3,
      web_search_calls: 4,
      file_search_calls: 4,
    },
    eventsPerDay: { min: 1, max: 4 },
  },
  large: {
    projects: 12,
    keysPerProject: 8,
    users: 80,
    vectorStores: 40,
    workloads: {
      completions: 2500,
      embeddings: 500,
      moderations: 300,
      images: 300,
      audio_speeches: 150,
      audio_transcriptions: 150,
      code_interpreter_sessions: 60,
      web_search_calls: 200,
      file_search_calls: 150,
    },
    eventsPerDay: { min: 1, max: 2 },
  },
  empty: {
    projects: 0,
    keysPerProject: 0,
    users: 0,
    vectorStores: 0,
    workloads: {
      completions: 0,
      embeddings: 0,
      moderations: 0,
      images: 0,
      audio_speeches: 0,
      audio_transcriptions: 0,
      code_interpreter_sessions: 0,
      web_search_calls: 0,
      file_search_calls: 0,
    },
    eventsPerDay: { min: 0, max: 0 },
  },
};

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomId(random: Random, prefix: string, length: number): string {
  let id = prefix;
  for (let index = 0; index < length; index += 1) id += ID_ALPHABET.charAt(random.int(0, ID_ALPHABET.length - 1));
  return id;
}

/**
 * Vector stores of a few projects, from 2 MB to 4 GB. Drawn from a stream of their own so
 * the rest of the organization is what each seed gave before stores existed.
 */
function drawVectorStores(seed: number, projectIds: readonly string[], count: number): VectorStore[] {
  const random = new Random(hashInts(seed, 0x7ec5701e));
  return Array.from({ length: count }, () => ({
    id: randomId(random, 'vs_', 24),
    projectId: random.pick(projectIds),
    bytes: Math.round(2_000_000 * 2000 ** random.next()),
  }));
}

type People = Omit<Catalog, 'workloads' | 'eventsPerDay'>;

function drawWorkload(random: Random, endpoint: UsageEndpoint, catalog: People, store: VectorStore | null = null): Workload {
  // A vector store belongs to one project, so its traffic comes from that project's keys.
  const keys = store ? catalog.apiKeys.filter((candidate) => candidate.projectId === store.projectId) : catalog.apiKeys;
  const key = random.pick(keys);
  const profile = random.pick(MODEL_PROFILES.filter((candidate) => candidate.endpoint === endpoint));
  const batch = profile.batchable && random.chance(0.25);
  return {
    project_id: key.projectId,
    api_key_id: key.id,
    user_id: random.pick(catalog.userIds),
    profile,
    batch,
    // Batch jobs run in the default tier only.
    service_tier: batch ? 'default' : random.pick(profile.tiers),
    source: profile.sources.length > 0 ? random.pick(profile.sources) : null,
    size: profile.sizes.length > 0 ? random.pick(profile.sizes) : null,
    context_level: profile.contexts.length > 0 ? random.pick(profile.contexts) : null,
    vectorStore: store,
    intensity: 0.2 * 25 ** random.next(),
  };
}

function workloadKey(workload: Workload): string {
  const { project_id, api_key_id, user_id, profile, batch, service_tier, source, size, context_level, vectorStore } = workload;
  const parts = [project_id, api_key_id, user_id, profile.model, batch, service_tier, source, size, context_level, vectorStore?.id];
  return [profile.endpoint, ...parts].join('|');
}

export function buildCatalog(seed: number, size: OrgSize): Catalog {
  const shape = ORG_SHAPES[size];
  const random = new Random(hashInts(seed, 0x0c47a106));
  const projectIds = Array.from({ length: shape.projects }, () => randomId(random, 'proj_', 24));
  const apiKeys = projectIds.flatMap((projectId) =>
    Array.from({ length: shape.keysPerProject }, () => ({ id: randomId(random, 'key_', 16), projectId })),
  );
  const userIds = Array.from({ length: shape.users }, () => randomId(random, 'user-', 24));
  const people = { projectIds, apiKeys, userIds, vectorStores: drawVectorStores(seed, projectIds, shape.vectorStores) };

  // Workloads are distinct combinations, so each active one is its own grouped record.
  const workloads = {} as Record<UsageEndpoint, Workload[]>;
  const seen = new Set<string>();
  for (const endpoint of USAGE_ENDPOINTS) {
    if (endpoint === 'vector_stores') {
      workloads[endpoint] = people.vectorStores.map((store) => drawWorkload(random, endpoint, people, store));
      continue;
    }
    const pool: Workload[] = [];
    const wanted = shape.workloads[endpoint];
    // Small organizations have few combinations to draw from; give up rather than loop forever.
    for (let attempts = 0; pool.length < wanted && attempts < wanted * 50; attempts += 1) {
      const store = endpoint === 'file_search_calls' ? random.pick(people.vectorStores) : null;
      const workload = drawWorkload(random, endpoint, people, store);
      const key = workloadKey(workload);
      if (seen.has(key)) continue;
      seen.add(key);
      pool.push(workload);
    }
    workloads[endpoint] = pool;
  }
  return { ...people, workloads, eventsPerDay: shape.eventsPerDay };
}
