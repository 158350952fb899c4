import { productId, type CatalogPlan } from './catalog';
import { Rng, streamFor } from './rng';

// Stand-ins for CNN image features (EfficientNet's 1280-d pooled output): non-negative, about half
// the dimensions zero, and structured so that a model can learn from them. Each vector is
//   relu(category centroid + item offset + brand offset + noise - threshold)
// so products of one category cluster, the same dish or pack looks alike across shops, and a brand
// (a chain's packaging or plating) shifts its products together. Zeros also keep the COPY text short.

export const IMAGE_DIM = 1280;

/** Values are quantised to 0.01 in [0, MAX): pgvector stores float32 anyway, and the text stays short. */
const MAX = 10;
const STEPS = MAX * 100;
/** Per-dimension noise, and the ReLU threshold that zeroes most dimensions carrying no signal. */
const NOISE = 0.15;
const THRESHOLD = 0.15;
const DECIMALS = Array.from({ length: STEPS }, (_, i) => String(i / 100));

export class ImageModel {
  private readonly parts = new Map<string, Float32Array>();

  constructor(private readonly seed: number) {}

  /** The product's vector, in pgvector's text form '[0.12,0,...]' (what toVector would write). */
  vectorText(plan: CatalogPlan, p: number): string {
    const cat = plan.category[p];
    const category = this.part(`category:${cat}`, 0.3, (r) => r.logNormal(-0.3, 0.5));
    const item = this.part(`item:${cat}:${plan.item[p]}`, 0.12, (r) => r.logNormal(-0.8, 0.5));
    const brand = plan.brand[p] >= 0 ? this.part(`brand:${plan.brands[plan.brand[p]].en}`, 0.1, (r) => 0.35 * r.normal()) : undefined;
    const rng = streamFor(this.seed, 'image', p);
    const out = new Array<string>(IMAGE_DIM);
    for (let d = 0; d < IMAGE_DIM; d++) {
      const v = category[d] + item[d] + (brand ? brand[d] : 0) + NOISE * rng.normal() - THRESHOLD;
      const q = Math.round(v * 100);
      out[d] = DECIMALS[q <= 0 ? 0 : q >= STEPS ? STEPS - 1 : q];
    }
    return `[${out.join(',')}]`;
  }

  /** A sparse component shared by every product with the same key: `density` of its dims are non-zero. */
  private part(key: string, density: number, value: (rng: Rng) => number): Float32Array {
    let v = this.parts.get(key);
    if (!v) {
      const rng = new Rng(this.seed, `image:${key}`);
      v = new Float32Array(IMAGE_DIM);
      for (let d = 0; d < IMAGE_DIM; d++) if (rng.chance(density)) v[d] = value(rng);
      this.parts.set(key, v);
    }
    return v;
  }
}

export const IMAGE_COLUMNS = ['product_id', 'embedding'] as const;

export function* imageRows(plan: CatalogPlan, model: ImageModel, from = 0, to = plan.count): Generator<unknown[]> {
  for (let p = from; p < to; p++) yield [productId(p), model.vectorText(plan, p)];
}
