import type { RecommendationItem } from '../service';

// The product is a reference the catalog resolves, except for title and price: the list carries
// them (schema.graphql: @provides), so a client that asks for no more needs no catalog fetch.
export const Recommendation = {
  product: (item: RecommendationItem) => ({ __typename: 'Product', id: item.productId, title: item.title, price: item.price }),
};
