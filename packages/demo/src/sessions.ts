import { DEVICES, type InteractionType } from '@souk/domain';
import type { Market } from './market';
import type { ResolvedOptions } from './options';
import { Cdf, hashUnit, streamFor, type Rng } from './rng';
import { reviewText, searchQuery } from './text';
import { DAY, sessionStart } from './time';
import type { Staple, UserProfile } from './users';
import { CATEGORIES, CITIES } from './vocabulary';

// One user's sessions over the window. A browse session picks a category by the user's affinity,
// at an hour typical for its kind, maybe searches, is shown a list (IMPRESSION for every product
// shown), views a few of them chosen by how well they suit the user, and goes down the funnel
// VIEW -> CLICK -> ADD_TO_CART -> PURCHASE with falling rates; some save, some review later.
// A restock session rebuys one of the user's staples on its cycle.

export interface Draft {
  t: number;
  type: InteractionType;
  /** -1 for SEARCH. */
  product: number;
  query?: string;
  review?: string;
  rating?: number;
}

export interface Session {
  id: string;
  start: number;
  device: string;
  events: Draft[];
}

/** Events a restock visit produces on average; used to fit the staples into the user's budget. */
const RESTOCK_COST = 6.5;
const STAPLE_SHARE = 0.45;

export class SessionWriter {
  private readonly rng: Rng;
  private readonly categories: Cdf;
  private readonly utcOffset: number;
  private readonly start: number;
  private readonly end: number;
  private readonly sessions: Session[] = [];
  private total = 0;

  constructor(private readonly options: ResolvedOptions, private readonly market: Market, private readonly user: UserProfile, private readonly budget: number) {
    this.rng = streamFor(options.seed, 'sessions', user.index);
    this.categories = new Cdf(user.affinity.map((a, c) => (market.hasProducts(c) ? a : 0)));
    this.utcOffset = CITIES[user.city].utcOffset;
    this.end = options.now.getTime();
    this.start = Math.max(this.end - options.days * DAY, user.createdAt);
  }

  /** Exactly `budget` events (fewer only if the catalog offers nothing to show), sessions in time order. */
  write(): Session[] {
    this.restocks();
    let idle = 0;
    while (this.total < this.budget && idle < 50) {
      const before = this.total;
      this.browse();
      idle = this.total === before ? idle + 1 : 0;
    }
    return this.sessions.sort((a, b) => a.start - b.start);
  }

  private restocks(): void {
    const span = (this.end - this.start) / DAY;
    let staples = this.user.staples;
    // Drop staples until their cycles fit in the part of the budget kept for them.
    const cost = (list: readonly Staple[]) => list.reduce((sum, s) => sum + (span / s.cycleDays) * RESTOCK_COST, 0);
    while (staples.length && cost(staples) > this.budget * STAPLE_SHARE) staples = staples.slice(0, -1);
    for (const staple of staples) {
      const category = this.market.plan.category[staple.product];
      let day = this.start + this.rng.next() * staple.cycleDays * DAY;
      while (day < this.end && this.total < this.budget) {
        const t = sessionStart(this.rng, 'grocery', Math.max(this.start, day - DAY / 2), Math.min(this.end, day + DAY / 2), this.utcOffset);
        if (this.market.plan.createdAt[staple.product] <= t) this.restock(staple.product, category, t);
        day += (staple.cycleDays + this.rng.range(-1, 1)) * DAY;
      }
    }
  }

  private restock(product: number, category: number, t: number): void {
    const s = this.open(t);
    // The "buy again" strip: the staple and one or two neighbours from its shelf.
    const shown = [product];
    for (let k = this.rng.int(1, 2); k > 0; k--) {
      const other = this.market.sample(this.rng, this.user.city, category, t);
      if (other >= 0 && !shown.includes(other)) shown.push(other);
    }
    shown.forEach((p, i) => this.add(s, t + i * 50, 'IMPRESSION', p));
    let at = t + this.rng.int(2, 15) * 1000;
    this.add(s, (at += this.rng.int(3, 20) * 1000), 'VIEW', product);
    this.add(s, (at += this.rng.int(3, 20) * 1000), 'CLICK', product);
    this.add(s, (at += this.rng.int(3, 20) * 1000), 'ADD_TO_CART', product);
    if (this.rng.chance(0.92)) this.add(s, at + this.rng.int(30, 300) * 1000, 'PURCHASE', product);
    this.close(s);
  }

  private browse(): void {
    const rng = this.rng;
    const category = this.categories.sample(rng);
    const kind = CATEGORIES[category].kind;
    let t = sessionStart(rng, kind, this.start, this.end, this.utcOffset);
    const s = this.open(t);
    if (rng.chance(kind === 'grocery' ? 0.4 : 0.25)) {
      const wanted = this.market.sample(rng, this.user.city, category, t);
      if (wanted >= 0) {
        const arabic = rng.chance(this.user.arabic ? 0.75 : 0.1);
        this.add(s, t, 'SEARCH', -1, { query: searchQuery(this.market.plan, wanted, arabic, rng) });
        t += rng.int(2, 10) * 1000;
      }
    }
    const shown: number[] = [];
    for (let k = rng.int(6, 10); k > 0; k--) {
      const c = rng.chance(0.75) ? category : this.categories.sample(rng);
      const p = this.market.sample(rng, this.user.city, c, t);
      if (p >= 0 && !shown.includes(p)) shown.push(p);
    }
    shown.forEach((p, i) => this.add(s, t + i * 50, 'IMPRESSION', p));
    t += rng.int(3, 20) * 1000;

    const scores = shown.map((p, position) => this.suitability(p) - 0.1 * position);
    const viewed = this.choose(shown, scores, rng.weightedIndex([0.12, 0.45, 0.3, 0.13]));
    const carted: number[] = [];
    for (const [p, score] of viewed) {
      this.add(s, (t += rng.int(5, 40) * 1000), 'VIEW', p);
      if (rng.chance(0.05)) this.add(s, (t += rng.int(2, 10) * 1000), 'SAVE', p);
      if (!rng.chance(0.9 * sigmoid(score))) continue;
      this.add(s, (t += rng.int(3, 30) * 1000), 'CLICK', p);
      if (!rng.chance((kind === 'grocery' ? 0.35 : 0.2) + 0.3 * sigmoid(score))) continue;
      this.add(s, (t += rng.int(5, 60) * 1000), 'ADD_TO_CART', p);
      carted.push(p);
    }
    const checkout = t + rng.int(30, 300) * 1000;
    const bought = carted.filter(() => rng.chance(0.65));
    for (const p of bought) this.add(s, checkout, 'PURCHASE', p);
    this.close(s);
    for (const p of bought) if (rng.chance(0.12)) this.review(p, checkout);
  }

  private review(p: number, purchasedAt: number): void {
    const rng = this.rng;
    const t = purchasedAt + Math.floor(rng.range(1, 3) * DAY);
    if (t >= this.end) return;
    const rating = Math.max(1, Math.min(5, Math.round(3.8 + 0.5 * this.suitability(p) + 0.9 * rng.normal())));
    const s = this.open(t);
    this.add(s, t, 'REVIEW', p, { rating, review: reviewText(rating, rng.chance(this.user.arabic ? 0.8 : 0.1), rng) });
    this.close(s);
  }

  /** How much this user wants this product: the signal a recommender is meant to learn. */
  private suitability(p: number): number {
    const plan = this.market.plan;
    const u = this.user;
    const category = plan.category[p];
    const taste = hashUnit(`${u.index}:${category}:${plan.item[p]}`, this.options.seed) * 2 - 1;
    return (
      0.5 * Math.log(u.affinity[category]) +
      (u.favouriteBrands.includes(plan.brand[p]) ? 1.2 : 0) -
      0.5 * Math.abs(plan.priceRange[p] - u.pricePreference) +
      0.8 * taste
    );
  }

  /** k of the items, drawn without replacement with probability proportional to exp(score). */
  private choose(items: readonly number[], scores: readonly number[], k: number): [number, number][] {
    const weights = scores.map(Math.exp);
    const picked: [number, number][] = [];
    while (picked.length < Math.min(k, items.length)) {
      const i = this.rng.weightedIndex(weights);
      picked.push([items[i], scores[i]]);
      weights[i] = 0;
    }
    return picked;
  }

  private open(start: number): Session {
    const device = this.rng.chance(0.8) ? this.user.device : this.rng.pick(DEVICES);
    return { id: `s-${this.options.seed}-${this.user.index}-${this.sessions.length}`, start, device, events: [] };
  }

  /** Keeps events inside the window and the whole user inside its budget. */
  private add(s: Session, t: number, type: InteractionType, product: number, extra: Partial<Draft> = {}): void {
    if (t >= this.end || this.total + s.events.length >= this.budget) return;
    s.events.push({ t, type, product, ...extra });
  }

  private close(s: Session): void {
    if (!s.events.length) return;
    this.sessions.push(s);
    this.total += s.events.length;
  }
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
