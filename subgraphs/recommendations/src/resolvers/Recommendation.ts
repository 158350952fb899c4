import type { RecommendationItem } from '../service';

// The product is a reference; the catalog subgraph resolves its fields through the gateway.
export const Recommendation = {
  product: (item: RecommendationItem) => ({ __typename: 'Product', id: item.productId }),
};
