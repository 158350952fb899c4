import type { ModelArtifact } from '../model/artifact';
import { float32, int64, type Feeds } from '../model/tensor';
import type { UserFeatures } from './user-features';

/**
 * Rebuilds the user tower's inputs exactly as training/features.py build_user_features does, for
 * one user: vocabulary indices (0 = unknown), id lists padded on the right with a mask, the mean
 * query and image vectors. The cart from the request context joins the session as its most recent
 * items, so adding to cart moves the next list.
 */
export function userFeeds(model: ModelArtifact, f: UserFeatures | null, userId: string, cart: readonly string[]): Feeds {
  const v = model.vocabs;
  const s = model.meta.serving;
  const known = (ids: string[]) => ids.map((id) => v.items.encode(id)).filter((i) => i > 0);
  const history = known((f?.history ?? []).map((h) => h.productId));
  const session = [...history, ...known([...cart])];
  const prefs = (values: string[], vocab: typeof v.categories) => values.slice(0, s.prefs_max).map((x) => vocab.encode(x)).filter((i) => i > 0);
  const values: Record<string, { ids?: number[]; dense?: ArrayLike<number> | null; scalar?: number }> = {
    user_id: { scalar: v.users.encode(userId) },
    hist_ids: { ids: history },
    session_ids: { ids: session },
    age_group: { scalar: f?.ageGroup ? s.age_groups.indexOf(f.ageGroup) + 1 : 0 },
    gender: { scalar: v.genders.encode(f?.gender) },
    city: { scalar: v.cities.encode(f?.city) },
    pref_cats: { ids: prefs(f?.favouriteCategories ?? [], v.categories) },
    pref_brands: { ids: prefs(f?.favouriteBrands ?? [], v.brands) },
    query_text: { dense: f?.queryVec },
    visual_pref: { dense: f?.visualVec },
  };
  const feeds: Feeds = {};
  for (const input of model.user.inputs) {
    const width = typeof input.shape[1] === 'number' ? input.shape[1] : 1;
    const shape = input.shape.length === 1 ? [1] : [1, width];
    if (input.name.endsWith('_mask')) {
      // hist_mask -> hist_ids, session_mask -> session_ids, pref_cats_mask -> pref_cats
      const base = input.name.slice(0, -'_mask'.length);
      const ids = (values[base] ?? values[`${base}_ids`])?.ids ?? [];
      const mask = new Float32Array(width);
      mask.fill(1, 0, Math.min(width, ids.length));
      feeds[input.name] = float32(mask, shape);
      continue;
    }
    const val = values[input.name];
    if (!val) throw new Error(`user tower input ${input.name} is not one serving knows how to build`);
    if (input.dtype === 'int64') {
      const data = new BigInt64Array(shape.length === 1 ? 1 : width);
      if (val.scalar !== undefined) data[0] = BigInt(val.scalar);
      // The last `width` ids, oldest first, left-aligned: training's _pad.
      else (val.ids ?? []).slice(-width).forEach((id, i) => (data[i] = BigInt(id)));
      feeds[input.name] = int64(data, shape);
    } else {
      const data = new Float32Array(width);
      if (val.dense) data.set(val.dense.length > width ? Array.from(val.dense).slice(0, width) : val.dense);
      feeds[input.name] = float32(data, shape);
    }
  }
  return feeds;
}
