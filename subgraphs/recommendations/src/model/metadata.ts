import { z } from 'zod';

// metadata.json, written by training/export.py beside the ONNX files: the contract between
// training and serving. Serving parses it once per model and refuses anything it cannot honour.

const input = z.object({ name: z.string(), dtype: z.enum(['int64', 'float32']), shape: z.array(z.union([z.string(), z.number()])) });
const tower = z.object({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), inputs: z.array(input).min(1) });

/** Stage 2, written by training/ranker.py; optional: without it serving keeps retrieval order. */
export const rankerSchema = z.object({
  file: z.string(),
  features: z.array(z.string()).min(1),
  input: z.string(),
  output: z.string(),
}).passthrough();
export type RankerMetadata = z.infer<typeof rankerSchema>;

export const metadataSchema = z.object({
  model_version: z.number().int().positive(),
  embedding_dim: z.number().int().positive(),
  normalized: z.boolean(),
  opset: z.number().int(),
  towers: z.object({ user: tower, item: tower }),
  vocab_fingerprints: z.record(z.string(), z.string()),
  training_data_time_range: z.array(z.string()).length(2).optional(),
  serving: z.object({
    history_max: z.number().int().positive(),
    session_len: z.number().int().positive(),
    prefs_max: z.number().int().positive(),
    visual_last: z.number().int().positive(),
    query_last: z.number().int().positive(),
    positive_types: z.array(z.string()).min(1),
    age_groups: z.array(z.string()),
    verticals: z.array(z.string()),
    files: z.object({ vocabs: z.string(), text_encoder: z.string(), tokenizer: z.string(), text_encoder_config: z.string() }),
  }),
  ranker: rankerSchema.optional(),
});

export type ModelMetadata = z.infer<typeof metadataSchema>;
export type TowerMetadata = ModelMetadata['towers']['user'];

export const vocabsSchema = z.object({
  users: z.array(z.string()),
  items: z.array(z.string()),
  cities: z.array(z.string()),
  genders: z.array(z.string()),
  categories: z.array(z.string()),
  brands: z.array(z.string()),
});

export type VocabName = keyof z.infer<typeof vocabsSchema>;

export const textEncoderConfigSchema = z.object({ max_seq_length: z.number().int().positive(), sha256: z.string().optional() }).passthrough();

